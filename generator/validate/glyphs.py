"""Characters the printed guide's fonts cannot draw, found by `check` where they are written (E407).

The PDF is set in Noto Serif/Sans CJK SC; a character neither has (𪚥, an emoji) stops the PDF at
the end of a build. `check` reads the same fonts (generator.glyphs, a few milliseconds) and reports
each such character at its field or line: in every field the intranet guide may show, and in the
printed content files. A warning: the website shows it with the reader's fonts, and a field the
guide does not print is harmless. Without the fonts installed nothing is said here (the PDF build
says they are missing).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..diagnostics import Diagnostics, Location
from ..exposure import COLLECTIONS, fields_of
from ..fields import ALLOWED, Record
from ..glyphs import lacking, print_faces
from ..load.files import problem
from ..project import Project
from .printable import printed_files

NOT_PRINTED = ("requests",)  # collections the guide never prints


def check_glyphs(project: Project, diags: Diagnostics) -> None:
    faces = print_faces()
    if faces is None:
        return
    root = project.root
    texts = [(rel, text) for rel in printed_files(project) if (text := _read(root, root / rel)) is not None]
    # Each distinct character of data/ and the printed files looked up once: the files' text is read in a
    # blink, walking 20,000 experts' fields is not, so the fields are walked only when a character lacks a glyph.
    chars: set[str] = set()
    for path in sorted((root / "data").rglob("*.y*ml")):
        chars.update(_read(root, path) or "")
    for _rel, text in texts:
        chars.update(text)
    bad = lacking("".join(sorted(chars)), faces)
    if not bad:
        return
    for where, label, value in _values(project):
        for char in bad:
            if char in value:
                _report(diags, where, char, bad[char], f"字段“{label}”")
    for rel, text in texts:
        for number, line in enumerate(text.splitlines(), 1):
            for char in bad:
                column = line.find(char)
                if column >= 0:
                    _report(diags, Location(rel, number, column + 1), char, bad[char], "印刷的文稿")


def _read(root: Path, path: Path) -> str | None:
    """A project file's text, unless load found it unreadable (a FIFO, a link out of the project, too large …)."""
    if problem(root, path) is not None:
        return None  # reported by load
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _values(project: Project) -> Iterator[tuple[Location, str, str]]:
    """(location, label, text) of every string the intranet guide may print."""
    records: list[Record] = [r for c in COLLECTIONS if c not in NOT_PRINTED for r in getattr(project, c)]
    if project.site is not None:
        records.append(project.site)
    records.extend(p.meta for p in project.policies if p.meta is not None)
    for rec in records:
        for label, _spec, value, shown in fields_of(rec, "", False, ALLOWED["intranet"]):
            if shown and isinstance(value, str) and value:
                top = label.split(".")[0]
                yield (rec.where(top) if top in rec._specs else rec.location), label, value


def _report(diags: Diagnostics, where: Location, char: str, families: list[str], place: str) -> None:
    diags.warning(where, "E407", f"{place}中的字符“{char}”（U+{ord(char):04X}）在印刷字体 {'、'.join(families)} 中没有字形："
                  "印入《专家服务指南》时无法显示，生成 PDF 会停止",
                  hint="改用字体中有的字或通行写法；网站不受影响（只发布网站：expert-guide build --no-pdf）")
