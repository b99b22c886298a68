"""What data/ may hold, and every file there the tool would not read (数据目录中不会被读取的文件).

The loader reads fixed names: ``data/site.yaml``, ``data/rules.yaml``, ``data/NAME.yaml`` and
``data/NAME/*.yaml`` for each collection, ``data/calendar/*.yaml``. Anything else would be skipped
without a word — a list saved as ``experts.yml``, a unit's file one folder too deep, a calendar year
as ``2027.yml`` — and the records in it would silently be missing from the guide. So every file and
folder of data/ is accounted for here: a YAML file the loader does not read is an error (E021: its
records were meant to count), any other file a warning (E022: a README, a backup, a workbook).
Hidden files (``.gitkeep``, ``.DS_Store``) are not data and are passed over.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..diagnostics import Diagnostics, Location
from ..models import COLLECTIONS
from .files import shown_name

TOP_FILES = frozenset({"site.yaml", "rules.yaml"} | {f"{name}.yaml" for name in COLLECTIONS})
FOLDERS = frozenset(set(COLLECTIONS) | {"calendar"})  # each read as FOLDER/*.yaml, not deeper
YAML_SUFFIXES = (".yaml", ".yml")
MAX_REPORTED = 20  # a folder of thousands of stray files gives 20 findings and a count


def check_layout(root: Path, diags: Diagnostics) -> None:
    """One finding per file or folder in data/ that no loader reads (data/ itself is the loader's to report)."""
    data = root / "data"
    if data.is_symlink() or not data.is_dir():
        return
    strays: list[tuple[str, bool, str]] = []  # (path, is YAML, hint)
    for entry in _entries(data):
        name = entry.name
        rel = f"data/{name}"
        if entry.is_dir(follow_symlinks=False):
            if name in FOLDERS:
                strays.extend(_folder_strays(data, Path(entry.path), rel))
            else:
                strays.append((rel + "/", _holds_yaml(Path(entry.path)), _folder_hint(name)))
        elif name not in TOP_FILES and not (name in FOLDERS and entry.is_symlink()):  # a linked folder: E016
            strays.append((rel, _is_yaml(name), _file_hint(data, name, "")))
    strays.sort(key=lambda stray: not stray[1])  # the errors first: a stray list is never hidden behind backups
    for path, is_yaml, hint in strays[:MAX_REPORTED]:
        where = Location(shown_name(path))
        if is_yaml:
            diags.error(where, "E021", f"“{shown_name(path)}”中的数据不会被读取：文件名或位置不是本系统读取的", hint=hint)
        else:
            diags.warning(where, "E022", f"“{shown_name(path)}”不是数据文件，不会被读取", hint=hint)
    if len(strays) > MAX_REPORTED:
        more = strays[MAX_REPORTED:]
        text = f"data/ 中另有 {len(more)} 个不会被读取的文件或目录（只列出了前 {MAX_REPORTED} 个）"
        hint = "数据文件放在 data/ 下规定的位置；其他文件移出 data/"
        if any(is_yaml for _p, is_yaml, _h in more):
            diags.error(Location("data"), "E021", text, hint=hint)
        else:
            diags.warning(Location("data"), "E022", text, hint=hint)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    """The folder's entries by name, hidden ones (.gitkeep, .DS_Store, macOS's ._x.yaml) left out: they are not data."""
    try:
        with os.scandir(folder) as it:
            return sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:  # unreadable: the loader reports what it cannot read
        return []


def _folder_strays(data: Path, folder: Path, rel: str) -> list[tuple[str, bool, str]]:
    """In data/NAME/ only NAME/*.yaml files are read (data/calendar/: non-year names are E601's)."""
    out = []
    for entry in _entries(folder):
        name = entry.name
        path = f"{rel}/{name}"
        if entry.is_dir(follow_symlinks=False):
            out.append((path + "/", _holds_yaml(Path(entry.path)),
                        f"{rel}/ 中的文件直接放在该目录下读取，不读子目录：把其中的 .yaml 文件移到 {rel}/"))
        elif not name.endswith(".yaml"):
            out.append((path, _is_yaml(name), _file_hint(data, name, rel)))
    return out


def _is_yaml(name: str) -> bool:
    return name.strip().lower().endswith(YAML_SUFFIXES)  # "experts.yaml " too


def _holds_yaml(folder: Path) -> bool:
    """Any YAML file in the folder or below (bounded walk; links not followed)."""
    seen = 0
    for _dirpath, _dirs, files in os.walk(folder):
        for name in files:
            if _is_yaml(name):
                return True
            seen += 1
        if seen > 10_000:
            break
    return False


def _file_hint(data: Path, name: str, rel: str) -> str:
    stem, dot, suffix = name.strip().rpartition(".")
    if not (dot and suffix.lower() in ("yaml", "yml")):
        return "说明文字写在 content/ 中；备份和表格放在项目以外（或 git 历史中）"
    right = f"{rel}/{stem}.yaml" if rel else f"data/{stem.lower()}.yaml"
    if rel or f"{stem.lower()}.yaml" in TOP_FILES:
        if (data.parent / right).exists():
            return f"{right} 已经存在：把其中的记录并入 {right}，再删除这个文件"
        return f"扩展名须为小写的 .yaml：改名为 {right}"
    return ("本系统读取的数据文件：" + "、".join(f"data/{n}" for n in sorted(TOP_FILES)) +
            "，以及按单位拆分的 data/名称/*.yaml")


def _folder_hint(name: str) -> str:
    return ("本系统读取 data/ 下的 " + "、".join(sorted(FOLDERS)) + " 目录：" +
            f"“{name}”不是其中之一，目录中的文件不会被读取")


__all__ = ["check_layout"]
