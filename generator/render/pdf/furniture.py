"""The running header and page number of the 名单's pages that the guide does not lay out (书眉与页码).

WeasyPrint lays out each page with its margin boxes, 20 ms a page: a 名单 of 2,530 pages took it 59 s for pages
that hold nothing else. It lays out the first and the last one or two (overlay.laid_out); Typst draws the header
and number of the pages between, as guide.css has WeasyPrint draw them (theme/print/furniture.typ), in a fraction
of a second, and the overlay puts them in.
"""
from __future__ import annotations

import json

from ...glyphs import FONTS
from ...paths import THEME_DIR
from .roster import typeset

TEMPLATE = THEME_DIR / "print" / "furniture.typ"
ROSTER_TITLE = "附件一　领导联系专家名单"  # the 名单's heading (guide.html) and running header, drawn here too


def typeset_furniture(title: str, first: int, recto: bool, count: int, font_dirs: list[str]) -> bytes:
    """``count`` pages, numbered from ``first``, the first a right-hand page if ``recto``, sides alternating, each
    with the running header ``title`` and its number, as PDF."""
    data = json.dumps({"fonts": dict(FONTS), "title": title, "first": first, "recto": recto, "count": count},
                      ensure_ascii=False)
    return typeset(TEMPLATE, data, font_dirs, "名单的书眉和页码")
