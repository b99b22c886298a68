"""The CJK fonts the guide is set in, and a glyph for every character, or where to mend it (字体与字形)."""
from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from pathlib import Path

from ...glyphs import FONTS, Face, font_face, lacking
from ...load.files import problem
from .errors import PdfError

__all__ = ["FONTS", "require_fonts", "missing_glyphs", "printed_text", "written_at", "written_in"]

SOURCES = ("data", "content", "theme")  # where a printed character can have been written (and mkdocs.yml)
TEXT_FILES = (".yaml", ".yml", ".md", ".markdown", ".html", ".htm", ".txt", ".css")


def require_fonts() -> dict[str, Face]:
    found = {role: font_face(family) for role, family in FONTS.items()}
    missing = [FONTS[role] for role, face in found.items() if face is None]
    if missing:
        raise PdfError(f"未找到中文字体：{'、'.join(missing)}。请安装 Debian 软件包 fonts-noto-cjk（make build 会自动安装）")
    return found  # type: ignore[return-value]


_TAG = re.compile(r"<[^>]+>")


def printed_text(html: str) -> str:
    """The characters a document prints: its text without tags, styles and scripts, entities read."""
    return html_lib.unescape(_TAG.sub(" ", re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)))


def missing_glyphs(html: str, fonts: dict[str, Face], root: Path | None = None) -> list[str]:
    """Every character of the document that a chosen font cannot draw: where it is written, and some context."""
    text = printed_text(html)
    found = lacking(text, fonts)
    places = written_at(set(found), root) if root is not None else {}
    problems = []
    for char, families in found.items():
        index = text.index(char)
        context = " ".join(text[max(0, index - 12):index + 12].split())
        where = places.get(char) or []
        at = "、".join(where[:5]) + (f" 等 {len(where)} 处" if len(where) > 5 else "") if where else \
            ("在 data/、content/ 中没有找到（来自模板）" if root is not None else "")
        problems.append(f"{at + '：' if at else ''}字符“{char}”（U+{ord(char):04X}）在 {'、'.join(families)} 中没有字形，"
                        f"出现在“{context}”")
    return problems


def written_at(chars: set[str], root: Path) -> dict[str, list[str]]:
    """For each of ``chars``, every file:line:column of the project's text sources where it is written."""
    found: dict[str, list[str]] = {}
    for rel, text in _sources(root, [root / "mkdocs.yml"] + _files(root, SOURCES, TEXT_FILES)):
        if not chars.intersection(text):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for column, char in enumerate(line, 1):
                if char in chars:
                    found.setdefault(char, []).append(f"{rel}:{number}:{column}")
    return found


def written_in(root: Path, text: str) -> str:
    """file:line:column of the data file where ``text`` is written (its first characters), or data/units.yaml
    (a unit's name, the one use: render/pdf/roster.NameTooLong)."""
    needle = text[:16]
    for rel, content in _sources(root, _files(root, ("data",), (".yaml", ".yml"))):
        at = content.find(needle)
        if at >= 0:
            return f"{rel}:{content.count(chr(10), 0, at) + 1}:{at - content.rfind(chr(10), 0, at)}"
    return "data/units.yaml"


def _files(root: Path, folders: tuple[str, ...], suffixes: tuple[str, ...]) -> list[Path]:
    return [path for folder in folders if (root / folder).is_dir() for path in sorted((root / folder).rglob("*"))
            if path.suffix.lower() in suffixes]


def _sources(root: Path, files: list[Path]) -> Iterator[tuple[str, str]]:
    """(path relative to ``root``, text) of each file that can be read safely."""
    for path in files:
        if not path.exists() or problem(root, path) is not None:
            continue  # a FIFO would block the read, a link may lead out of the project
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        yield path.relative_to(root).as_posix(), text
