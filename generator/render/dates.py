"""The one date style of the site and the printed guide: 2025年7月1日 (日期写法).

Its own module so that every renderer can use it without importing the page machinery
(render/pages.py re-exports both names).
"""
from __future__ import annotations

from typing import Any


def cn_date(value: Any) -> str:
    """2025-07-01 → 2025年7月1日; None → —. The one date style of the site and the printed guide."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "year"):
        return f"{value.year}年{value.month}月{value.day}日"
    text = str(value)
    if len(text) == 7 and text[4] == "-":
        return f"{text[:4]}年{int(text[5:])}月"
    return text


def cn_period(start: Any, end: Any) -> str:
    """A contact period: 2025年7月1日至2027年6月30日."""
    return f"{cn_date(start)}至{cn_date(end)}"
