"""Activities as the intranet shows them: per unit and per leader, each pairing's last contact (联系活动).

Only the intranet gets any of this (render/view.py asks for it for that profile alone). What counts
as a pairing's contact is generator/contacts.py, the same computation rule R213 makes.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from ..contacts import host_unit, pairing_contacts, recorded, symposia, symposium_day
from ..models import ACTIVITY_KIND_NAMES, UNIT_KINDS, Activity
from ..project import Project
from .collation import Order, name_key, text_key


def activity_row(project: Project, activity: Activity, experts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One activity as plain values: its date, kind, organiser, leader, experts (linked) and summary."""
    unit = project.get("units", activity.unit)
    leader = project.get("leaders", activity.leader)
    people = []
    for ident in activity.experts:
        shown = experts.get(ident)
        people.append({"name": shown["name"] if shown else ident, "url": shown["url"] if shown else None})
    return {"id": activity.id, "date": activity.date, "kind": activity.kind,
            "kind_name": ACTIVITY_KIND_NAMES.get(activity.kind, activity.kind),
            "unit_name": unit.name if unit is not None else None,
            "leader_name": leader.name if leader is not None else None, "experts": people,
            "summary": activity.summary}


def activity_page(project: Project, today: date, experts: dict[str, dict[str, Any]], order: Order) -> dict[str, Any]:
    """The 联系活动 page: attention first, then each unit with its leaders' pairings and this year's activities.

    A unit is listed when one of its leaders has a pairing in force, or when it took part in an
    activity this year. ``experts`` are the view's experts by id (name and page URL).
    """
    by_name, by_text = name_key(order), text_key(order)
    rules = project.rules
    contact = rules.regular_contact if rules is not None else None
    months = contact.max_months if contact is not None and contact.severity != "off" else None
    meeting = rules.symposium if rules is not None else None
    year = today.year
    start = (symposium_day(year, meeting.from_month, meeting.from_day)
             if meeting is not None and meeting.severity != "off" else None)
    rows = {a.id: activity_row(project, a, experts) for a in recorded(project, today) if a.date.year == year}
    held = symposia(project, year, today)

    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)  # this year's activities of each unit
    own: dict[str, int] = defaultdict(int)  # this year's activities each leader took part in
    for activity in recorded(project, today):
        if activity.id not in rows:
            continue
        leader = project.get("leaders", activity.leader)
        if leader is not None:
            own[leader.id] += 1
        for unit in dict.fromkeys(u for u in (host_unit(project, activity), leader.unit if leader else None) if u):
            by_unit[unit].append(rows[activity.id])

    pairings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    stale: list[dict[str, Any]] = []
    for found in pairing_contacts(project, today):
        pairing, last = found.pairing, found.last
        leader = project.get("leaders", pairing.leader)
        shown = experts.get(pairing.expert)
        due = found.due(months) if months is not None else None
        item = {"id": pairing.id, "leader": pairing.leader, "expert_name": shown["name"] if shown else pairing.expert,
                "expert_url": shown["url"] if shown else None, "since": found.since, "start": pairing.start,
                "last": None, "due": due, "stale": due is not None and today > due,
                "leader_name": leader.name if leader else pairing.leader}
        if last is not None:
            item["last"] = {"date": last.date, "kind_name": ACTIVITY_KIND_NAMES.get(last.kind, last.kind),
                            "by": "本人参加" if last.leader == pairing.leader else "单位组织"}
        pairings[pairing.leader].append(item)
        if item["stale"]:
            stale.append(item)

    leaders_of: dict[str, list[Any]] = defaultdict(list)
    for leader in project.leaders:
        if leader.id in pairings and leader.unit is not None:
            leaders_of[leader.unit].append(leader)
    units: list[dict[str, Any]] = []
    for unit in project.units:
        if unit.id not in leaders_of and unit.id not in by_unit:
            continue
        leaders = []
        for leader in sorted(leaders_of.get(unit.id, ()), key=lambda l: (not l.responsible, by_name(l.name), l.id)):
            leaders.append({"id": leader.id, "name": leader.name, "post": leader.post,
                            "responsible": bool(leader.responsible), "own_count": own[leader.id],
                            "pairings": sorted(pairings[leader.id], key=lambda p: (by_name(p["expert_name"]), p["id"]))})
        meetings = held.get(unit.id, [])
        units.append({"id": unit.id, "name": unit.name, "kind": unit.kind, "leaders": leaders,
                      "activities": by_unit.get(unit.id, []),
                      "symposia": [rows[a.id] for a in meetings if a.id in rows],
                      "symposium_missing": bool(leaders) and not meetings and start is not None and today >= start})
    units.sort(key=lambda u: (UNIT_KINDS.index(u["kind"]) if u["kind"] in UNIT_KINDS else len(UNIT_KINDS),
                              by_text(u["name"]), u["id"]))
    stale.sort(key=lambda p: (p["due"], p["id"]))
    return {
        "year": year, "months": months, "symposium_from": start, "units": units, "stale": stale,
        "no_symposium": [u for u in units if u["symposium_missing"]],
        "pairings": sum(len(items) for items in pairings.values()), "count": len(rows),
    }


__all__ = ["activity_page", "activity_row"]
