"""Where a build comes from: the commit's time and the edition's name (来源与版次).

A build is reproducible by default. With no SOURCE_DATE_EPOCH in the environment, a project inside
a git repository is built as of its last commit: the day of the check, the footer's 更新日期, the
PDF's dates and the engine's sitemap all follow that commit, so the same commit built twice,
anywhere, gives the same bytes. SOURCE_DATE_EPOCH, when set, wins; outside git the day is today.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .clock import source_epoch

EPOCH = "SOURCE_DATE_EPOCH"
TAG_PREFIX = "edition-"
_EDITION_MAX = 40


class EditionError(ValueError):
    """An edition name that cannot be printed; the message is for the user."""


def commit_epoch(root: Path) -> int | None:
    """The committer time of HEAD of the git repository holding ``root``, or None (no git, no repository, no commit)."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run([git, "-C", str(root), "log", "-1", "--format=%ct", "HEAD", "--"],
                              capture_output=True, text=True, timeout=30,
                              env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return None
    text = done.stdout.strip()
    return int(text) if done.returncode == 0 and text.isdigit() else None


@contextmanager
def build_clock(root: Path) -> Iterator[int | None]:
    """For the length of one build: SOURCE_DATE_EPOCH as given, else the last commit's time, else unset.

    The variable is set in this process's environment so that every part of the build reads the
    same moment, the engine's sitemap and the PDF workers (child processes) included; it is put
    back as it was afterwards.
    """
    given = source_epoch()  # a malformed value is reported (ClockError) before anything is built
    if given is not None:
        yield given
        return
    seconds = commit_epoch(root)
    if seconds is None:
        yield None
        return
    before = os.environ.get(EPOCH)
    os.environ[EPOCH] = str(seconds)
    try:
        yield seconds
    finally:
        if before is None:
            os.environ.pop(EPOCH, None)
        else:
            os.environ[EPOCH] = before


def edition_name(text: str) -> str:
    """The edition printed on the cover and the home page, from ``--edition``.

    A tag name such as ``edition-2027`` becomes 2027年版; ``edition-2027春`` becomes 2027春; any other
    text is the edition itself.
    """
    name = text.strip()
    if name.startswith(TAG_PREFIX):
        name = name[len(TAG_PREFIX):].strip()
        if re.fullmatch(r"\d{4}", name):
            name = f"{name}年版"
    if not name:
        raise EditionError(f"版次“{text}”为空：请写出版次，如 2027年版 或 edition-2027")
    if len(name) > _EDITION_MAX:
        raise EditionError(f"版次“{name[:20]}…”过长：最多 {_EDITION_MAX} 个字符")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in name):
        raise EditionError(f"版次“{name!r}”含有控制字符")
    return name
