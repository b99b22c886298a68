"""Which characters the printed guide's fonts can draw (印刷字体的字形).

fontconfig names the file and face of each family (``fc-match``); the face's character map is read
straight from the file: the OpenType ``cmap`` table's format 12 ranges, a few milliseconds for a
Noto CJK collection (fontTools builds a name for each of its 65,000 glyphs first: half a second).
So both the build (render/pdf/fonts.py) and `check` (validate/glyphs.py) ask the same question here.
The 名单's typesetting reads the faces' advance widths here too (render/pdf/roster.py).
"""
from __future__ import annotations

import struct
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

FONTS = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"}  # the guide's body and headings


@dataclass(frozen=True)
class Face:
    """One face of a font file (a .ttc collection holds several): where fontconfig found ``family``."""

    family: str
    path: Path
    index: int


@lru_cache(maxsize=None)
def font_face(family: str, bold: bool = False) -> Face | None:
    """The face fontconfig picks for ``family`` (its bold, or the nearest it has), if it really is that family."""
    import subprocess

    try:
        out = subprocess.run(["fc-match", "-f", "%{family}\n%{file}\n%{index}", f"{family}:bold" if bold else family],
                             capture_output=True,
                             text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families, file, index = (out.split("\n") + ["", ""])[:3]
    if family not in families.split(",") or not file:
        return None
    return Face(family, Path(file), int(index) if index.isdigit() else 0)


def print_faces() -> dict[str, Face] | None:
    """The guide's faces by role (FONTS), or None when one is not installed."""
    faces = {role: font_face(family) for role, family in FONTS.items()}
    return None if any(face is None for face in faces.values()) else faces  # type: ignore[return-value]


class Coverage:
    """The code points a face maps to a glyph, as sorted ranges."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self.starts = [start for start, _end in ranges]
        self.ends = [end for _start, end in ranges]

    def __contains__(self, code: int) -> bool:
        at = bisect_right(self.starts, code) - 1
        return at >= 0 and code <= self.ends[at]


@lru_cache(maxsize=None)
def coverage(face: Face) -> Coverage:
    """What ``face`` draws: its format 12 cmap read directly, or fontTools' reading of any other."""
    try:
        return Coverage(_format12(face.path, face.index))
    except (OSError, ValueError, struct.error):
        return Coverage(_by_fonttools(face))


def _format12(path: Path, index: int) -> list[tuple[int, int]]:
    """The ranges of the face's Unicode format 12 subtable (platform 3 encoding 10, or platform 0)."""
    with path.open("rb") as handle:
        def read(offset: int, size: int) -> bytes:
            handle.seek(offset)
            data = handle.read(size)
            if len(data) != size:
                raise ValueError("truncated font file")
            return data

        offset = 0
        if read(0, 4) == b"ttcf":
            count = struct.unpack(">I", read(8, 4))[0]
            if index >= count:
                raise ValueError("no such face")
            offset = struct.unpack(">I", read(12 + 4 * index, 4))[0]
        tables = struct.unpack(">H", read(offset + 4, 2))[0]
        directory = read(offset + 12, 16 * tables)
        cmap = next((table_offset for tag, _sum, table_offset, _length in struct.iter_unpack(">4sIII", directory)
                     if tag == b"cmap"), None)
        if cmap is None:
            raise ValueError("no cmap")
        subtables = struct.unpack(">H", read(cmap + 2, 2))[0]
        records = list(struct.iter_unpack(">HHI", read(cmap + 4, 8 * subtables)))
        for platform, encoding, sub in records:
            if (platform, encoding) not in ((3, 10), (0, 4), (0, 6)):
                continue
            start = cmap + sub
            if struct.unpack(">H", read(start, 2))[0] != 12:
                continue
            groups = struct.unpack(">I", read(start + 12, 4))[0]
            ranges = []
            for first, last, glyph in struct.iter_unpack(">III", read(start + 16, 12 * groups)):
                if glyph == 0:  # .notdef is no glyph
                    first += 1
                if first <= last:
                    ranges.append((first, last))
            return sorted(ranges)
    raise ValueError("no format 12 subtable")


def _by_fonttools(face: Face) -> list[tuple[int, int]]:
    with _opened(face) as font:
        codes = sorted(font.getBestCmap())
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return ranges


@lru_cache(maxsize=None)
def advances(face: Face) -> dict[int, float]:
    """How wide ``face`` sets each code point it draws, in em (its horizontal advance, before kerning)."""
    with _opened(face) as font:
        per_em = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {code: metrics[name][0] / per_em for code, name in font.getBestCmap().items() if name in metrics}


@contextmanager
def _opened(face: Face) -> Iterator[Any]:
    """fontTools' reading of the face (of a collection too), closed afterwards."""
    from fontTools.ttLib import TTCollection, TTFont

    collection = TTCollection(str(face.path), lazy=True) if face.path.suffix.lower() in (".ttc", ".otc") else None
    fonts = collection.fonts if collection is not None else [TTFont(str(face.path), lazy=True)]
    try:
        yield fonts[face.index] if face.index < len(fonts) else fonts[0]
    finally:
        (collection or fonts[0]).close()


def lacking(text: str, faces: dict[str, Face]) -> dict[str, list[str]]:
    """Each character of ``text`` some face cannot draw (spaces and controls aside), with those faces' families."""
    maps = [(face.family, coverage(face)) for face in faces.values()]
    found: dict[str, list[str]] = {}
    for char in set(text):
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        families = [family for family, cmap in maps if ord(char) not in cmap]
        if families:
            found[char] = families
    return {char: found[char] for char in sorted(found, key=text.index)}
