"""An edition of the project: a folder, or the project as a git revision recorded it (版本).

`open_edition(spec, base=…)` tells the two apart and yields the folder to load:

- ``spec`` names an existing folder (relative to the current directory) and no revision: that folder.
- ``spec`` is a revision (a tag such as ``edition-2026``, a branch, ``HEAD~3``, a commit id) of the
  git repository that holds ``base``, and no such folder exists: the project as that commit recorded
  it, at the place ``base`` has in the repository (a project in a subfolder is taken from the same
  subfolder), written into a temporary folder that is removed afterwards.
- Both: ambiguous, an error naming both ways to write it (``./edition-2026`` for the folder,
  ``refs/tags/edition-2026`` or ``edition-2026^{commit}`` for the revision). Neither: an error.

Git gets ``spec`` only as one argument after ``--end-of-options``, and every later command only the
commit id it resolved to, so no ``spec`` (``--help``, ``-x``, ``--output=…``) is ever an option;
a spec beginning with ``-`` is no revision at all (no ref name may begin with one).
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator


class EditionError(Exception):
    """An edition that cannot be found or read, in Chinese; the doors exit 2 (a usage error)."""


@dataclass(frozen=True)
class EditionSource:
    """Where an edition was read from: ``label`` as written, ``root`` its project folder now."""

    label: str
    root: Path
    revision: str | None = None  # the commit id, when read from git
    prefix: str = ""  # the project's folder inside the repository ("" at its top)

    def where(self, rel: str) -> str:
        """A project file as the user can find it: ``edition-2026:data/experts.yaml`` or ``../old/data/experts.yaml``."""
        if self.revision is not None:
            return f"{self.label}:{self.prefix}{rel}"
        return os.path.join(self.label, rel)


def _environment() -> dict[str, str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):  # the repository is the one that holds the folder
        env.pop(name, None)
    return env


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, env=_environment(), capture_output=True, check=False)
    except FileNotFoundError:
        raise EditionError("找不到 git 命令：按版本比较需要安装 git") from None


def _repository(base: Path) -> tuple[Path, str] | None:
    """(top folder, prefix of ``base`` in it) of the git repository that holds ``base``, or None."""
    if not base.is_dir():
        return None
    top = _git(["rev-parse", "--show-toplevel"], base)
    prefix = _git(["rev-parse", "--show-prefix"], base)
    if top.returncode or prefix.returncode:
        return None
    return Path(os.fsdecode(top.stdout.rstrip(b"\n"))), os.fsdecode(prefix.stdout.rstrip(b"\n"))


def resolve_revision(spec: str, top: Path) -> str | None:
    """The commit id ``spec`` names in the repository at ``top``, or None when it names no commit."""
    if not spec or spec.startswith("-") or "\n" in spec or "\0" in spec:
        return None
    found = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}"], top)
    if found.returncode:
        return None
    return found.stdout.decode("ascii").strip()


@contextmanager
def open_edition(spec: str, *, base: Path) -> Iterator[EditionSource]:
    """The project folder of the edition ``spec`` (see the module's docstring); a revision's is removed after."""
    if not spec.strip():
        raise EditionError("版本不能为空：写一个目录或一个 git 版本（如 edition-2026、HEAD~3）")
    folder = Path(spec)
    is_folder = folder.is_dir()
    if folder.exists() and not is_folder:
        raise EditionError(f"“{spec}”是一个文件，不是项目目录")
    repository = _repository(base.resolve())
    revision = resolve_revision(spec, repository[0]) if repository is not None else None
    if is_folder and revision is not None:
        raise EditionError(f"“{spec}”既是一个目录，也是 git 版本 {revision[:12]}：目录请写 ./{spec}，"
                           f"版本请写 refs/tags/{spec} 或 {spec}^{{commit}}")
    if is_folder:
        yield EditionSource(spec, folder.resolve())
        return
    if revision is None:
        where = (f"仓库 {repository[0]} 中没有这个版本（标签、分支或提交）" if repository is not None
                 else f"{base} 不在 git 仓库中，无法按版本读取")
        raise EditionError(f"找不到版本“{spec}”：不是已有的目录，{where}")
    assert repository is not None
    top, prefix = repository
    tree = f"{revision}:{prefix.rstrip('/')}" if prefix else revision  # begins with the commit id: never an option
    if prefix and _git(["cat-file", "-t", tree], top).stdout != b"tree\n":
        raise EditionError(f"版本“{spec}”中没有项目目录 {prefix.rstrip('/')}（项目是在这个版本之后才移到这里的？）")
    with tempfile.TemporaryDirectory(prefix="expert-guide-edition-") as work:
        root = Path(work) / "project"
        root.mkdir()
        _extract(tree, top, root, spec)
        yield EditionSource(spec, root, revision, prefix)


def _extract(tree: str, top: Path, root: Path, spec: str) -> None:
    """Every file of ``tree`` (a resolved id, never the user's text) written into ``root`` byte for byte.

    Read with ``ls-tree`` and ``cat-file``, not ``git archive``: an archive obeys the repository's
    ``export-ignore`` and ``export-subst`` attributes, and the edition must be what the commit recorded.
    """
    listing = _git(["ls-tree", "-r", "-z", tree], top)
    if listing.returncode:
        raise EditionError(f"无法取出版本“{spec}”：{listing.stderr.decode('utf-8', 'replace').strip()}")
    entries = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _tab, name = record.partition(b"\t")
        mode, kind, ident = meta.split(b" ")
        if kind != b"blob":
            continue  # a submodule's commit: not part of this project's files
        rel = os.fsdecode(name)
        if rel.startswith("/") or any(part in ("", ".", "..") for part in rel.split("/")):
            raise EditionError(f"无法取出版本“{spec}”：其中有不安全的路径 {rel!r}")
        entries.append((mode, ident, rel))
    with subprocess.Popen(["git", "cat-file", "--batch"], cwd=top, env=_environment(), stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        assert process.stdin is not None and process.stdout is not None
        for mode, ident, rel in entries:
            process.stdin.write(ident + b"\n")
            process.stdin.flush()
            header = process.stdout.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                raise EditionError(f"无法取出版本“{spec}”：读不出 {rel}")
            data = process.stdout.read(int(header[2]))
            process.stdout.read(1)  # the newline after each object
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if mode == b"120000":
                os.symlink(os.fsdecode(data), path)  # kept as a link: the loader refuses one that leaves the project (E016)
            else:
                path.write_bytes(data)
                if mode == b"100755":
                    path.chmod(0o755)
        process.stdin.close()
