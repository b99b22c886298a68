"""Reading project files: only regular files inside the project, named in UTF-8 (读取项目文件).

Every byte the generator reads from data/ and content/ passes through here. A symlink that leaves
the project, a FIFO or device (reading it would hang), a folder where a file is expected, a name
that is not UTF-8, or a file too large to be data is a located error, and is never read.
content/ is also walked as a whole before MkDocs sees it: every file there is published, so every
file must be of a type the leak audit can read (ATTACHMENTS), and none may take a path the
generator writes itself.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..diagnostics import Diagnostics, Location, visible
from ..paths import reserved
from ..project import ContentFile
from .yamlio import decode_text

MAX_BYTES = 256 * 1024 * 1024

# The attachment types content/ may hold, and how the audit reads each (audit.channels).
ATTACHMENTS = {
    ".md": "text", ".txt": "text", ".csv": "text", ".css": "text",
    ".pdf": "pdf",
    ".docx": "zip", ".xlsx": "zip", ".pptx": "zip", ".odt": "zip", ".ods": "zip", ".odp": "zip", ".zip": "zip",
    ".gz": "gzip",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".webp": "image", ".ico": "image",
}


def shown_name(path: str | Path) -> str:
    """A file name as one line of text, whatever bytes it was made of (control characters escaped)."""
    return visible(os.fsencode(path).decode("utf-8", "backslashreplace"))


def problem(root: Path, path: Path) -> tuple[str, str] | None:
    """Why ``path`` may not be read as a project file, as (code, message), or None."""
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        return "E017", "文件名不是有效的 UTF-8 编码，无法可靠地处理"
    try:
        info = path.lstat()
    except OSError as exc:
        return "E015", f"无法读取：{exc.strerror}"
    if stat.S_ISLNK(info.st_mode):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "E016", "符号链接无法解析（目标不存在或循环）"
        if not target.is_relative_to(root):
            return "E016", f"符号链接指向项目之外（{shown_name(target)}），不会读取或发布项目以外的文件"
        info = target.stat()
    if stat.S_ISDIR(info.st_mode):
        return "E015", "这里应是一个文件，却是一个目录"
    if not stat.S_ISREG(info.st_mode):
        what = "管道（FIFO）" if stat.S_ISFIFO(info.st_mode) else "套接字" if stat.S_ISSOCK(info.st_mode) else "设备文件"
        return "E015", f"这是一个{what}，不是普通文件：读取它会卡住或读到非数据内容"
    if info.st_size > MAX_BYTES:
        return "E020", f"文件有 {info.st_size // 1024 // 1024} MB，超过上限 {MAX_BYTES // 1024 // 1024} MB"
    return None


def read_bytes(root: Path, path: Path, rel: str, diags: Diagnostics) -> bytes | None:
    """The bytes of one project file, or None after a located error."""
    found = problem(root, path)
    if found is not None:
        diags.error(Location(shown_name(rel)), found[0], found[1])
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        diags.error(Location(shown_name(rel)), "E015", f"无法读取：{exc.strerror}")
        return None


def present(path: Path) -> bool:
    """Anything at all is there (a broken symlink or a FIFO too), so that it is reported, not ignored."""
    return path.exists() or path.is_symlink()


def scan_content(root: Path, diags: Diagnostics) -> tuple[ContentFile, ...]:
    """Every file under content/, checked for type, place and name; only good ones are returned."""
    top = root / "content"
    if not present(top):
        return ()
    found = problem(root, top) if top.is_symlink() else None
    if found is not None or not top.is_dir():
        code, message = found or ("E015", "content 应是一个目录")
        diags.error(Location("content"), code, message)
        return ()
    files: list[ContentFile] = []
    for folder, dirs, names in os.walk(top, followlinks=False):
        base = Path(folder)
        dirs.sort()
        for name in list(dirs):  # a linked folder is never followed (MkDocs would): report it instead
            path = base / name
            if path.is_symlink():
                dirs.remove(name)
                rel = path.relative_to(root).as_posix()
                diags.error(Location(shown_name(rel)), "E016", "content/ 中不允许目录的符号链接（可能指向项目之外）",
                            hint="把需要的文件直接放进 content/")
        for name in sorted(names):
            path = base / name
            rel = path.relative_to(root).as_posix()
            found = problem(root, path)
            if found is not None:
                diags.error(Location(shown_name(rel)), found[0], found[1])
                continue
            src = path.relative_to(top).as_posix()
            if any(part.startswith(".") for part in Path(src).parts):
                continue  # MkDocs never publishes dotfiles
            kind = ATTACHMENTS.get(path.suffix.lower())
            if kind is None:
                allowed = "、".join(sorted(ATTACHMENTS))
                diags.error(Location(shown_name(rel)), "E018",
                            f"content/ 中不允许“{path.suffix or '无扩展名'}”类型的文件：发布前无法核查其中是否有个人信息",
                            hint=f"允许的类型：{allowed}；.doc/.xls 请另存为 .docx/.xlsx")
                continue
            if reserved(src) and not src.startswith("_print/"):
                diags.error(Location(shown_name(rel)), "E019", f"“{src}”与系统生成的页面或文件重名，会被覆盖或覆盖生成的内容",
                            hint="请改用其他文件名或目录")
                continue
            if kind == "text":  # only an encoding read for certain: UTF-8 (MkDocs reads Markdown so too)
                data = read_bytes(root, path, rel, diags)
                if data is None or decode_text(data, rel, diags) is None:
                    continue
            files.append(ContentFile(shown_name(rel), kind))
    return tuple(files)


_FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter, body) of a Markdown file; the front matter is "" when there is none."""
    match = _FENCE.match(text)
    if not match:
        return "", text
    return match.group(1), text[match.end():]
