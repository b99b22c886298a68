"""Builds made once per test session and shared by every module (and every xdist worker).

A build is made by the first worker that asks for it, under a file lock, in a folder beside the
workers' own temporary folders; the others wait and reuse it. Shared builds are read-only: a
test that changes a site copies it first (``copy_site``).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

import pytest
from filelock import FileLock


def _shared_root(factory: pytest.TempPathFactory) -> Path:
    base = factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    root.mkdir(parents=True, exist_ok=True)
    return root


def once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """The folder ``name``, made by ``make(folder)`` the first time any worker asks for it."""
    root = _shared_root(factory)
    folder, done = root / name, root / f"{name}.done"
    with FileLock(str(root / f"{name}.lock")):
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)
            make(folder)
            done.touch()
    return folder


def copy_site(site: Path, target: Path) -> Path:
    shutil.copytree(site, target, symlinks=True)
    return target
