"""`expert-guide due`: every request with its due date, as a Chinese table, JSON or an ICS feed (诉求到期).

The rows are the intranet page's (render/requests.py); this module only formats them.
"""
from __future__ import annotations

import json
import unicodedata
from datetime import date
from typing import Any

from .project import Project
from .render.requests import feed_domain, ics_feed, request_rows

JSON_KEYS = ("id", "expert", "kind", "received", "due", "provisional", "state", "answered")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def as_json(rows: list[dict[str, Any]]) -> str:
    """A list of objects with exactly JSON_KEYS; dates as YYYY-MM-DD, an absent one as null."""
    items = [{key: _iso(r[key]) if key in ("received", "due", "answered") else r[key] for key in JSON_KEYS} for r in rows]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def as_text(rows: list[dict[str, Any]], deadlines: bool) -> str:
    """A table in Chinese, aligned for a terminal, and a line of counts."""
    if not rows:
        return "没有登记诉求（data/requests.yaml）。\n"
    header = ("编号", "专家", "类型", "收到日期", "到期日", "状态", "反馈日期")
    table = [header]
    for r in rows:
        due = "未规定" if r["due"] is None else r["due"].isoformat() + ("（暂定）" if r["provisional"] else "")
        state = r["state_name"] + (f" {r['days_late']} 天" if r["state"] in ("overdue", "answered_late") else "")
        table.append((r["id"], r["expert_name"], r["kind_name"], r["received"].isoformat(), due, state,
                      _iso(r["answered"]) or "—"))
    widths = [max(_width(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in table]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["state_name"]] = counts.get(r["state_name"], 0) + 1
    lines.append(f"共 {len(rows)} 件：" + "，".join(f"{name} {n}" for name, n in counts.items()) + "。")
    if not deadlines:
        lines.append("所选规则配置没有规定办理时限（没有 feedback 节），不计算到期日。")
    elif any(r["provisional"] for r in rows):
        lines.append("（暂定）：所跨年份的放假与调休安排尚未登记，到期日只按周末推算；暂定的到期日不算逾期。")
    return "\n".join(lines) + "\n"


def due_report(project: Project, today: date, fmt: str) -> str | bytes:
    """The requests of ``project`` on ``today`` in ``fmt`` (text, json: str; ics: bytes)."""
    rows = request_rows(project, today)
    if fmt == "json":
        return as_json(rows)
    if fmt == "ics":
        site = project.site
        title = site.title if site is not None and site.title else "专家服务指南"
        return ics_feed(rows, name=f"{title}：诉求到期", domain=feed_domain(site.email if site else None), today=today)
    deadlines = project.rules is not None and project.rules.feedback is not None
    return as_text(rows, deadlines)
