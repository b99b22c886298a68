"""Where a YAML value was written, packed into one machine word, with how it was written (位置)."""
from __future__ import annotations

# Flags kept per value position.
QUOTED = 1  # written in quotes or as a block scalar: never a boolean
TRAILING_COMMENT = 2  # a plain scalar followed by " #…" on the same line
FOLDED = 4  # a plain or quoted scalar written across lines: YAML folds each break into a space


def pack(line: int, col: int, flags: int = 0) -> int:
    """One position in one machine word: 20k experts keep 8 bytes per value, not a tuple."""
    return (line << 23) | (min(col, 0xFFFFF) << 3) | flags


def unpack(packed: int) -> tuple[int, int, int]:
    return packed >> 23, (packed >> 3) & 0xFFFFF, packed & 7
