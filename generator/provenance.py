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
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from .clock import BUILD_DAY, source_epoch
from .load.yamlio import has_invisible

Progress = Callable[[str], None]

EPOCH = "SOURCE_DATE_EPOCH"
TAG_PREFIX = "edition-"
_EDITION_MAX = 40


class EditionError(ValueError):
    """An edition name that cannot be printed; the message is for the user."""


@dataclass(frozen=True)
class Commit:
    """HEAD's committer time, and the committer's own calendar day at that moment (its time zone, not this machine's)."""

    seconds: int
    day: date


class GitUnreadable(Exception):
    """The folder is in a git repository, but git cannot read it (e.g. "dubious ownership"); the message is git's."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        return subprocess.run([git, "-C", str(root), *args], capture_output=True, text=True, timeout=30,
                              env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return None


def head_commit(root: Path) -> Commit | None:
    """HEAD of the repository holding ``root``; None without git, outside a repository, or before the first commit.

    Raises GitUnreadable when git says the folder is a repository it will not read.
    """
    done = _git(root, "log", "-1", "--format=%ct %cI", "HEAD", "--")
    if done is None:
        return None
    if done.returncode != 0:
        error = done.stderr.strip()
        if any(said in error for said in ("not a git repository", "does not have any commits", "unknown revision",
                                          "ambiguous argument 'HEAD'", "bad revision 'HEAD'")):  # no commit yet
            return None
        raise GitUnreadable(error.splitlines()[-1] if error else f"git 退出码 {done.returncode}")
    match = re.fullmatch(r"(\d+) (\d{4}-\d{2}-\d{2})T\S+", done.stdout.strip())
    if match is None:
        return None
    return Commit(int(match.group(1)), date.fromisoformat(match.group(2)))


def repository_prefix(root: Path) -> str:
    """The project's folder inside its git repository, as ``sub/`` (or "" at the top, or outside git)."""
    done = _git(root, "rev-parse", "--show-prefix")
    if done is None or done.returncode != 0:
        return ""
    prefix = done.stdout.strip()
    return prefix if not prefix or prefix.endswith("/") else prefix + "/"


def uncommitted(root: Path) -> list[str]:
    """The project's data, content and mkdocs.yml that differ from HEAD or are not tracked (at most a few, for the message)."""
    # ignored files too (a ledger kept out of git is still built), but not hidden ones (.DS_Store, editor swap files)
    done = _git(root, "status", "--porcelain", "--untracked-files=all", "--ignored", "--", "data", "content", "mkdocs.yml")
    if done is None or done.returncode != 0:
        return []
    paths = [line[3:] for line in done.stdout.splitlines() if len(line) > 3]
    return [p for p in paths if not p.rstrip("/").rsplit("/", 1)[-1].startswith(".")][:5]


@contextmanager
def build_clock(root: Path, progress: Progress | None = None) -> Iterator[int | None]:
    """For the length of one build: SOURCE_DATE_EPOCH as given, else the last commit's time, else unset.

    The variable is set in this process's environment so that every part of the build reads the
    same moment, the engine's sitemap and the PDF workers (child processes) included; the day of the
    build is the committer's calendar day (BUILD_DAY), so that a commit made at 07:00 in Beijing is
    not built as of the day before. Both are put back as they were afterwards. A project whose data
    or content has uncommitted changes is built as of today (the commit's time would date data it
    does not hold), and so is one git cannot read — each said through ``progress``.
    """
    given = source_epoch()  # a malformed value is reported (ClockError) before anything is built
    if given is not None:
        yield given
        return
    say = progress or (lambda message: None)
    try:
        commit = head_commit(root)
    except GitUnreadable as exc:
        say(f"注意：项目在 git 仓库中，但 git 无法读取（{exc}）：按今天的日期构建，结果不可重现")
        commit = None
    if commit is not None:
        changed = uncommitted(root)
        if changed:
            say(f"注意：{'、'.join(changed)} 有未提交的修改：按今天的日期构建；提交后再构建，日期取自提交，结果可重现")
            commit = None
    if commit is None:
        yield None
        return
    before = {name: os.environ.get(name) for name in (EPOCH, BUILD_DAY)}
    os.environ[EPOCH] = str(commit.seconds)
    os.environ[BUILD_DAY] = commit.day.isoformat()
    try:
        yield commit.seconds
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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
    invisible = has_invisible(name)
    if invisible:
        raise EditionError(f"版次中有不可见的控制字符 U+{ord(invisible.group()):04X}（如从右到左覆盖或零宽字符）")
    return name
