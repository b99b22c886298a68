"""Shared fixtures: a minimal valid project to copy and break, and a golden-file switch."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from generator import check

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MINIMAL = ROOT / "generator" / "samples" / "chongqing-2002"  # the sample `expert-guide new` writes
TODAY = date(2026, 11, 22)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output instead of comparing")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


class ProjectCopy:
    """A throw-away copy of the minimal project that tests edit in place."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert text.count(old) == 1, f"{old!r} must occur exactly once in {rel}"
        self.write(rel, text.replace(old, new))

    def append(self, rel: str, text: str) -> None:
        self.write(rel, self.read(rel) + text)

    def check(self, today: date = TODAY):
        return check(self.root, today=today)

    def lines(self, today: date = TODAY) -> list[str]:
        return [d.text() for d in self.check(today).diagnostics]


@pytest.fixture
def project(tmp_path: Path) -> ProjectCopy:
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    return ProjectCopy(root)
