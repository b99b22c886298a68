"""The CJK fonts the guide is set in, and a glyph for every character (字体与字形)."""
from __future__ import annotations

import html as html_lib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from .errors import PdfError

FONTS = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"}


@lru_cache(maxsize=None)
def font_file(family: str) -> Path | None:
    """The file fontconfig picks for ``family``, if it really is that family."""
    import subprocess

    try:
        out = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", family], capture_output=True, text=True,
                             timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, file = out.partition("\n")
    if family not in families.split(","):
        return None
    return Path(file) if file else None


@lru_cache(maxsize=None)
def _cmap(path: Path, family: str) -> frozenset[int]:
    """The code points ``family`` draws (the face of that name in a .ttc collection)."""
    from fontTools.ttLib import TTCollection, TTFont

    collection = TTCollection(str(path), lazy=True) if path.suffix.lower() == ".ttc" else None
    fonts = collection.fonts if collection is not None else [TTFont(str(path), lazy=True)]
    try:
        chosen = fonts[0]
        for font in fonts:
            if family in {n.toUnicode() for n in font["name"].names if n.nameID in (1, 16)}:
                chosen = font
                break
        return frozenset(chosen.getBestCmap())
    finally:
        (collection or fonts[0]).close()


def require_fonts() -> dict[str, Path]:
    found = {role: font_file(family) for role, family in FONTS.items()}
    missing = [FONTS[role] for role, path in found.items() if path is None]
    if missing:
        raise PdfError(f"未找到中文字体：{'、'.join(missing)}。请安装 Debian 软件包 fonts-noto-cjk（make build 会自动安装）")
    return found  # type: ignore[return-value]


_TAG = re.compile(r"<[^>]+>")


def missing_glyphs(html: str, fonts: dict[str, Path]) -> list[str]:
    """Every character of the document that a chosen font cannot draw, with some context."""
    text = html_lib.unescape(_TAG.sub(" ", re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)))
    maps = {role: _cmap(path, FONTS[role]) for role, path in fonts.items()}
    problems = []
    seen = set()
    for index, char in enumerate(text):
        if char in seen or char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        seen.add(char)
        lacking = [FONTS[role] for role, cmap in maps.items() if ord(char) not in cmap]
        if lacking:
            context = " ".join(text[max(0, index - 12):index + 12].split())
            problems.append(f"字符“{char}”（U+{ord(char):04X}）在 {'、'.join(lacking)} 中没有字形，出现在“{context}”")
    return problems
