"""Requests as the intranet shows them: rows, the 诉求办理 page's groups, and the ICS feed (诉求办理).

Only the intranet gets any of this (render/view.py asks for it for that profile alone). The feed is
for staff calendars: the expert's name, the kind, the dates and the handler — never the summary,
the channel, the result or anybody's contact data.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any, Iterable

from ..deadlines import STATE_NAMES, request_statuses
from ..models import REQUEST_KIND_NAMES
from ..project import Project

SOON_DAYS = 7  # "due within a week" on the page


def handler_name(project: Project, handler: Any) -> str:
    ref = handler.ref if handler is not None else None
    if ref is None:
        return "—"
    target = project.get(*ref)
    return target.name if target is not None else ref[1]


def request_rows(project: Project, today: date) -> list[dict[str, Any]]:
    """Every request with its due date and state, as plain values (by due date)."""
    rows = []
    for status in request_statuses(project, today):
        request, due = status.request, status.due
        expert = project.get("experts", request.expert)
        leader = project.get("leaders", request.leader)
        rows.append({
            "id": request.id, "expert": request.expert, "expert_name": expert.name if expert else request.expert,
            "kind": request.kind, "kind_name": REQUEST_KIND_NAMES.get(request.kind, request.kind),
            "received": request.received, "due": due.day if due else None,
            "provisional": bool(due and due.provisional), "state": status.state,
            "state_name": STATE_NAMES[status.state], "answered": request.answered,
            "days_late": status.days_late(today), "handler_name": handler_name(project, request.handler),
            "leader_name": leader.name if leader else None, "channel": request.channel, "summary": request.summary,
            "result": request.result,
        })
    return rows


def request_groups(rows: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """The 诉求办理 page: open, due within a week, overdue, open by handler, and counts by state."""
    unanswered = [r for r in rows if r["state"] in ("open", "overdue")]
    soon = today + timedelta(days=SOON_DAYS)
    by_handler: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in unanswered:
        by_handler[row["handler_name"]].append(row)
    counts = {state: sum(1 for r in rows if r["state"] == state) for state in STATE_NAMES}
    return {
        "open": unanswered,
        "soon": [r for r in unanswered if r["state"] == "open" and r["due"] is not None and r["due"] <= soon],
        "overdue": [r for r in unanswered if r["state"] == "overdue"],
        "by_handler": [{"name": name, "rows": by_handler[name]} for name in sorted(by_handler)],
        "counts": [{"state": s, "name": STATE_NAMES[s], "count": n} for s, n in counts.items()],
        "total": len(rows),
        "soon_days": SOON_DAYS,
    }


# ---- the ICS feed (RFC 5545), written by hand: a handful of properties needs no library ----

def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space, never splitting a character."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out)


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def ics_feed(rows: Iterable[dict[str, Any]], *, name: str, domain: str, today: date) -> bytes:
    """One all-day VEVENT per unanswered request on its due date; UIDs stay the same from build to build."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//expert-guide//诉求办理//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]
    stamp = f"{_day(today)}T000000Z"
    for row in rows:
        if row["state"] not in ("open", "overdue") or row["due"] is None:
            continue
        marks = ("［暂定］" if row["provisional"] else "") + ("［已逾期］" if row["state"] == "overdue" else "")
        details = [f"编号 {row['id']}", f"{row['received'].isoformat()} 收到", f"承办：{row['handler_name']}"]
        if row["leader_name"]:
            details.append(f"经手领导：{row['leader_name']}")
        if row["provisional"]:
            details.append(f"到期日暂定：{row['due'].year} 年的放假与调休安排尚未登记，按周末推算")
        lines += [
            "BEGIN:VEVENT",
            f"UID:request-{row['id']}@{domain}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_day(row['due'])}",
            f"DTEND;VALUE=DATE:{_day(row['due'] + timedelta(days=1))}",
            "SUMMARY:" + _escape(f"诉求到期：{row['expert_name']}（{row['kind_name']}）{marks}"),
            f"DESCRIPTION:{_escape('；'.join(details))}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def feed_domain(email: str | None) -> str:
    """The domain of the site's email, for UIDs (expert@cqpa.gov.cn → cqpa.gov.cn)."""
    if email and "@" in email:
        return email.rsplit("@", 1)[1].lower()
    return "expert-guide.invalid"
