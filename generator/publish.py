"""Publish stage: the one guarded path from a staging folder to the published output (发布).

Every door that writes a publication — `expert-guide build`, `expert-guide pdf`, plain
`mkdocs build` and `mkdocs serve` — goes through :class:`Publication`:

1. **guard**: the output may not be the project or a folder above it, may not lie inside
   ``data/``, ``content/``, ``theme/`` or ``.git``, may not be an existing file that this tool did
   not write, nor a non-empty folder that is not a previous publication of the same profile;
2. **lock**: one builder per output folder's parent at a time; staging left by a builder that is gone is removed;
3. **stage**: everything is written into a fresh folder beside the output;
4. **audit**: the staged output is read for every value the profile must not show;
5. **swap**: the staged output replaces the published one in one step.

A failure at any step leaves the published output as it was, byte for byte.
"""
from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterable, Protocol

MARKER = ".expert-guide"  # in every published folder: names the tool and the profile
PROTECTED = ("data", "content", "theme", ".git")
DEFAULT_SITE = {"public": "site", "intranet": "site-intranet"}
DEFAULT_PDF = {"public": "guide.pdf", "intranet": "guide-intranet.pdf"}
PROFILE_NAMES = {"public": "公开版", "intranet": "内网版", "template": "登记表模板"}
_STAGING = re.compile(r"\.(?P<name>.+)\.new-(?P<pid>\d+)-[^/]*$")


class PublishError(Exception):
    """The output cannot be written there; nothing was touched. The message is for the user."""


class Finding(Protocol):
    """What the audit reports for one value found in the output (audit.Hit)."""

    def text(self) -> str: ...


def marker_text(profile: str) -> str:
    return f"expert-guide publication\nprofile: {profile}\n"


def marked_profile(folder: Path) -> str | None:
    """The profile a previous publication in ``folder`` was built for, or None if it is not one."""
    marker = folder / MARKER
    try:
        if not marker.is_file() or marker.is_symlink() or marker.stat().st_size > 200:
            return None
        lines = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) == 2 and lines[0] == "expert-guide publication" and lines[1].startswith("profile: "):
        return lines[1][len("profile: "):]
    return None


def pdf_profile(path: Path) -> str | None:
    """The profile of a guide PDF this tool wrote (its Creator is `expert-guide PROFILE`), else None."""
    try:
        with path.open("rb") as handle:
            if handle.read(5) != b"%PDF-":
                return None
        from pypdf import PdfReader

        metadata = PdfReader(str(path)).metadata
        creator = metadata.get("/Creator") if metadata is not None else None
    except Exception:  # any file at all may be there: unreadable means "not ours"
        return None
    text = str(creator or "")
    return text[len("expert-guide "):] if text.startswith("expert-guide ") else None


def workbook_profile(path: Path) -> str | None:
    """The kind of an Excel workbook this tool wrote (its creator is `expert-guide KIND`: template, public, intranet)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > 1 << 20:
                return None
            core = archive.read(info).decode("utf-8", "replace")
    except Exception:  # any file at all may be there: unreadable means "not ours"
        return None
    found = re.search(r"<dc:creator>expert-guide (\w+)</dc:creator>", core)
    return found.group(1) if found else None


def written_profile(path: Path) -> str | None:
    """The profile (or kind) of a guide PDF or workbook this tool wrote, else None."""
    if path.suffix.lower() == ".xlsx":
        return workbook_profile(path)
    return pdf_profile(path)


def _shown(path: Path) -> str:
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _inside(path: Path, root: Path) -> str | None:
    """The protected folder of ``root`` that ``path`` is in or is, if any."""
    for name in PROTECTED:
        if path == root / name or path.is_relative_to(root / name):
            return name
    return None


def _common_guard(root: Path, out: Path, what: str) -> None:
    if out == root or root.is_relative_to(out):
        raise PublishError(f"{what}“{_shown(out)}”是项目目录或其上级目录：发布会覆盖项目本身，已拒绝",
                           ) from None
    protected = _inside(out, root)
    if protected:
        raise PublishError(f"{what}“{_shown(out)}”在项目的 {protected}/ 中：那里是项目的数据、文稿、模板或版本库，不能写入发布内容")


def _nested(out: Path, what: str) -> None:
    """A publication inside another one (or holding one) would be published with it: refuse."""
    for folder in out.parents:
        if marked_profile(folder) is not None:
            raise PublishError(f"{what}“{_shown(out)}”在已发布的目录“{_shown(folder)}”之中：会随那个版本一起发布，已拒绝")
    if out.is_dir() and not out.is_symlink():
        try:
            inner = next((p.parent for p in out.rglob(MARKER) if p.parent != out), None)
        except OSError:
            inner = None
        if inner is not None:
            raise PublishError(f"输出目录“{_shown(out)}”中含有另一个发布目录“{_shown(inner)}”，已拒绝")


def guard_folder(root: Path, out: Path, profile: str) -> None:
    """Refuse an output folder that would destroy or mix anything (see the module docstring)."""
    _common_guard(root, out, "输出目录")
    _nested(out, "输出目录")
    if not (out.exists() or out.is_symlink()):
        return
    if not out.is_dir():
        raise PublishError(f"输出目录“{_shown(out)}”已是一个文件，不是目录：已拒绝，以免覆盖它")
    previous = marked_profile(out)
    if previous is None:
        try:
            empty = next(out.iterdir(), None) is None
        except OSError as exc:
            raise PublishError(f"无法读取输出目录“{_shown(out)}”：{exc.strerror}") from None
        if not empty:
            raise PublishError(f"输出目录“{_shown(out)}”不是空目录，也不是本工具以前发布的目录：已拒绝，以免删除其中的文件。"
                               "请换一个新目录，或先自行清空它")
    elif previous != profile:
        raise PublishError(f"输出目录“{_shown(out)}”是{PROFILE_NAMES.get(previous, previous)}的发布目录，"
                           f"不能写入{PROFILE_NAMES.get(profile, profile)}：两个版本须发布到不同目录")


def guard_file(root: Path, target: Path, profile: str) -> None:
    """Refuse a PDF or workbook target that is a folder, protected, or an existing file this tool did not write."""
    _common_guard(root, target, "输出文件")
    _nested(target, "输出文件")
    if not target.parent.is_dir():
        raise PublishError(f"输出文件所在的目录“{_shown(target.parent)}”不存在：请先建好目录，或换一个位置")
    if not (target.exists() or target.is_symlink()):
        return
    if target.is_dir():
        raise PublishError(f"输出文件“{_shown(target)}”是一个目录：请给出文件名，如 guide.pdf 或 roster.xlsx")
    previous = written_profile(target) if target.is_file() and not target.is_symlink() else None
    what = "Excel 工作簿" if target.suffix.lower() == ".xlsx" else "指南"
    if previous is None:
        raise PublishError(f"输出文件“{_shown(target)}”已存在，且不是本工具生成的{what}：已拒绝，以免覆盖它")
    if previous != profile:
        raise PublishError(f"输出文件“{_shown(target)}”是{PROFILE_NAMES.get(previous, previous)}的{what}，"
                           f"不能写入{PROFILE_NAMES.get(profile, profile)}")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


STAGING_MARKER = ".expert-guide-staging"  # in every staging folder from its creation: only those are removed


def _ours(folder: Path, marker: str) -> bool:
    return folder.is_dir() and not folder.is_symlink() and (folder / marker).is_file()


def _remove_stale(parent: Path) -> None:
    """Staging left beside any output by a builder that is gone (killed), whatever it was writing
    (a PDF killed under one name is cleaned by the next run to another); a live builder's staging,
    or a folder that merely looks like one, is never touched."""
    for path in parent.glob(".*.new-*"):
        match = _STAGING.fullmatch(path.name)
        if match and not _alive(int(match["pid"])):
            if _ours(path, STAGING_MARKER):
                shutil.rmtree(path, ignore_errors=True)
            elif path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()  # killed between creating the folder and marking it: empty, nothing to keep


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


# The locks this process holds, by folder and thread: (fd, how many publications share it). The lock is the
# parent folder itself: nothing is left behind, and two builds that publish into the same folder (to the same
# output or not) take turns. One build publishing both profiles there (build --profile all) holds it once.
_HELD: dict[tuple[str, int], list[int]] = {}
_HELD_GUARD = threading.Lock()


def _lock(parent: Path, progress: Callable[[str], None] | None) -> tuple[str, int]:
    key = (os.fspath(parent), threading.get_ident())
    with _HELD_GUARD:
        if key in _HELD:
            _HELD[key][1] += 1
            return key
    fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if progress:
                progress(f"等待另一个正在发布到 {_shown(parent)} 的构建结束")
            fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        raise
    with _HELD_GUARD:
        _HELD[key] = [fd, 1]
    return key


def _unlock(key: tuple[str, int]) -> None:
    with _HELD_GUARD:
        held = _HELD[key]
        held[1] -= 1
        if held[1]:
            return
        del _HELD[key]
    os.close(held[0])  # releases the flock


class Publication:
    """One guarded publication of ``out`` (a folder, or with ``single_file`` a file)."""

    def __init__(self, root: Path | str, out: Path | str, profile: str, *, single_file: bool = False,
                 progress: Callable[[str], None] | None = None) -> None:
        self.root = Path(root).resolve()
        self.out = Path(os.path.abspath(out)).resolve()
        self.profile = profile
        self.single_file = single_file
        self.progress = progress
        self.staging: Path | None = None
        self.audited = False
        self.exchanged = False  # swapped by exchange: the previous publication is at the staging path
        self.placed = False  # swapped into an empty place: undone by moving it back
        self._lock_key: tuple[str, int] | None = None

    # -- 1–3: guard, lock, stage --
    def open(self) -> Path:
        """Guard the output, take its lock, and return a fresh staging folder to write into."""
        guard = guard_file if self.single_file else guard_folder
        guard(self.root, self.out, self.profile)
        parent = self.out.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self._lock_key = _lock(parent, self.progress)
        except OSError as exc:
            raise PublishError(f"无法在“{_shown(parent)}”中写入：{describe(exc)}") from None
        try:
            guard(self.root, self.out, self.profile)  # the other builder may have changed it meanwhile
            _recover(self.out)
            _remove_stale(parent)
            staging = self._make_staging(parent)
            umask = os.umask(0)
            os.umask(umask)
            staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; a web server must be able to read it
            (staging / STAGING_MARKER).write_text(f"{os.getpid()}\n", encoding="utf-8")
        except BaseException:
            self.close()
            raise
        self.staging = staging
        return staging

    def _make_staging(self, parent: Path) -> Path:
        """Name the staging folder, remember it, then create it: a Ctrl-C at any moment finds close() knowing
        every folder this build made (mkdtemp hands the name back only after its mkdir, so an interrupt in
        between, or in the call that stores it, would leave the folder behind)."""
        for _attempt in range(100):
            candidate = parent / f".{self.out.name}.new-{os.getpid()}-{secrets.token_hex(6)}"
            self.staging = candidate  # close() removes it only if it exists
            try:
                candidate.mkdir(mode=0o700)
            except FileExistsError:  # our pid's name, left by a process long gone: another name
                self.staging = None
                continue
            return candidate
        raise PublishError(f"无法在“{_shown(parent)}”中建立暂存目录")

    @property
    def staged_output(self) -> Path:
        """Where the builder writes: the staging folder itself, or the file inside it."""
        assert self.staging is not None
        return self.staging / self.out.name if self.single_file else self.staging

    # -- 4–5: audit, swap --
    def commit(self, audit: Callable[[Path], Iterable[Finding]]) -> None:
        """Mark, audit and swap the staged output into place; raise LeakError on any finding."""
        self.audit(audit)
        self.swap()

    def audit(self, audit: Callable[[Path], Iterable[Finding]]) -> None:
        """Mark and audit the staged output; raise LeakError on any finding. Several publications are
        audited first and then swapped one after the other: none is published unless all passed."""
        def now(staged: Path) -> Callable[[], Iterable[Finding]]:
            hits = list(audit(staged))
            return lambda: hits
        self.audit_later(now)()

    def audit_later(self, start: Callable[[Path], Callable[[], Iterable[Finding]]]) -> Callable[[], None]:
        """Mark the staged output and start its audit (``start`` returns what waits for the findings); the
        function returned waits, and raises LeakError on any finding. Nothing is written to the staged
        output meanwhile."""
        assert self.staging is not None
        if not self.single_file:
            (self.staging / MARKER).write_text(marker_text(self.profile), encoding="utf-8")
        findings = start(self.staging)

        def finish() -> None:
            hits = list(findings())
            if hits:
                raise LeakError(hits)
            self.audited = True
        return finish

    def swap(self) -> None:
        """Put the audited staged output in the place of the published one, in one step.

        Where the two folders are exchanged (renameat2), the previous publication is left at the staging
        path, marked as staging again, and removed by close(): until then ``unswap`` can put it back, and a
        kill while it is being removed leaves it for the next build to clean."""
        assert self.staging is not None and self.audited, "swap() before a passed audit()"
        (self.staging / STAGING_MARKER).unlink()
        if self.single_file:
            os.replace(self.staging / self.out.name, self.out)
        elif self.out.exists() and _exchange(self.staging, self.out):
            self.exchanged = True
            (self.staging / STAGING_MARKER).write_text(f"{os.getpid()}\n", encoding="utf-8")
        elif not (self.out.exists() or self.out.is_symlink()):  # the first publication: nothing to replace
            self.staging.rename(self.out)
            self.placed = True
        else:
            _swap(self.staging, self.out)

    def unswap(self) -> bool:
        """Put the previous publication back after ``swap`` (before close); False where that is not possible."""
        if self.placed and self.staging is not None:  # there was none before: there is none again
            self.out.rename(self.staging)
            self.placed = False
            (self.staging / STAGING_MARKER).write_text(f"{os.getpid()}\n", encoding="utf-8")
            return True
        if not self.exchanged or self.staging is None:
            return False
        (self.staging / STAGING_MARKER).unlink(missing_ok=True)
        if not _exchange(self.staging, self.out):
            return False
        self.exchanged = False
        (self.staging / STAGING_MARKER).write_text(f"{os.getpid()}\n", encoding="utf-8")
        return True

    def close(self) -> None:
        """Remove what is left of the staging folder and release the lock (always called)."""
        if self.staging is not None and self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
        self.staging = None
        if self._lock_key is not None:
            _unlock(self._lock_key)
            self._lock_key = None

    def __enter__(self) -> "Publication":
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def swap_together(publications: list[Publication]) -> list[int]:
    """Swap every audited publication into place, as one step as far as a reader of the outputs can tell:
    a Ctrl-C (or SIGTERM) that comes meanwhile waits until all are swapped (the swaps are renames, the old
    copies are removed later) and is returned, for ``after_swaps``; if one swap fails, those already made
    are undone."""
    import signal

    waiting: list[int] = []
    kept = {}
    if threading.current_thread() is threading.main_thread():  # where Python runs signal handlers
        for number in (signal.SIGINT, signal.SIGTERM):
            kept[number] = signal.signal(number, lambda received, _frame: waiting.append(received))
    done: list[Publication] = []
    try:
        for publication in publications:
            publication.swap()
            done.append(publication)
    except BaseException:
        for publication in reversed(done):
            publication.unswap()
        raise
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)
    return waiting


def after_swaps(waiting: list[int]) -> None:
    """The signal that waited during ``swap_together`` (its return value), now that all are published."""
    import signal

    if signal.SIGTERM in waiting:
        os.kill(os.getpid(), signal.SIGTERM)  # as it would have ended the build
    if waiting:
        raise PublishedThenInterrupted()


class PublishedThenInterrupted(KeyboardInterrupt):
    """Ctrl-C once the new outputs were in place: they are published; only the old copies' removal was cut."""


def distinct_outputs(outs: list[Path]) -> None:
    """Refuse outputs that are one folder (through a symbolic link) or lie one inside another: one
    publication would replace or hold the other's."""
    real = [Path(os.path.abspath(out)).resolve() for out in outs]
    for i, one in enumerate(real):
        for other in real[i + 1:]:
            if one == other or one in other.parents or other in one.parents:
                raise PublishError(f"输出目录“{_shown(outs[i])}”与“{_shown(outs[real.index(other)])}”"
                                   f"{'是同一个目录' if one == other else '一个在另一个之中'}（可能经过符号链接）："
                                   "两个版本须发布到不同的目录")


class LeakError(PublishError):
    """The audit found values the profile must not show; nothing was published."""

    def __init__(self, hits: list[Finding]) -> None:
        shown = "\n  ".join(h.text() for h in hits[:50])
        more = f"\n  ……共 {len(hits)} 处" if len(hits) > 50 else ""
        super().__init__(f"输出中发现不应公开的信息，未发布：\n  {shown}{more}")
        self.hits = hits


def describe(exc: OSError) -> str:
    """An operating-system error in Chinese, with the file it concerns."""
    reasons = {
        errno.ENOSPC: "磁盘空间不足",
        errno.EDQUOT: "超出磁盘配额",
        errno.EROFS: "文件系统是只读的",
        errno.EACCES: "没有权限",
        errno.EPERM: "不允许的操作",
        errno.ENOENT: "文件或目录不存在",
        errno.ENOTDIR: "路径中有一段不是目录",
        errno.EISDIR: "这是一个目录",
        errno.ENAMETOOLONG: "文件名太长",
        errno.ELOOP: "符号链接循环",
        errno.EMFILE: "打开的文件太多",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    where = exc.filename
    return f"{reason}（{_shown(Path(os.fsdecode(where)))}）" if where else reason


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _recover(out: Path) -> None:
    """Undo a swap that was cut between its two renames (only possible without renameat2)."""
    if not out.exists():
        for old in sorted(out.parent.glob(f".{glob_escape(out.name)}.old-*")):
            if _ours(old, MARKER):  # a previous publication of ours, not a folder that looks like one
                old.rename(out)
                return


def _swap(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` so that a reader, or a kill, never finds half a site or none."""
    if out.exists() and _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous site
        return
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-{os.getpid()}-", dir=out.parent))
        old.rmdir()
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
