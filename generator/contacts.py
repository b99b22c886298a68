"""Who was in contact with whom, and when: each pairing's last recorded contact (联系记录).

What counts is decided here once, for rule R212, rule R213 and the intranet's 联系活动 page:

- An activity is a contact of the pairing (leader L, expert E) when E is among its ``experts`` and
  either L is its ``leader`` (L took part himself: a visit, a condolence call) or L's unit is its
  ``unit`` (the unit held it: a symposium, a festival activity, a sanatorium visit). A visit written
  with another leader of L's unit and no ``unit`` is that leader's contact, not L's.
- Only activities of the relation count: dated from the pairing's start (a renewal's chain of
  ``renews`` with the same leader and expert is one relation, from the first start) up to the day of
  the check. A later date is an error (E609) and never counts.
- The host of an activity is its ``unit``, or its leader's unit when no unit is written; a unit's
  symposia are the ``symposium`` activities it hosted (R212).
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from .models import Activity, Pairing
from .project import Project
from .workdays import months_later


def host_unit(project: Project, activity: Activity) -> str | None:
    """The unit that held the activity: its ``unit``, or its leader's unit."""
    if activity.unit is not None:
        return activity.unit
    leader = project.get("leaders", activity.leader)
    return leader.unit if leader is not None else None


def is_contact(activity: Activity, pairing: Pairing, leader_unit: str | None) -> bool:
    """The activity names the pairing's expert and its leader, or its leader's unit as the organiser."""
    if pairing.expert not in activity.experts:
        return False
    return activity.leader == pairing.leader or (activity.unit is not None and activity.unit == leader_unit)


def relation_start(project: Project, pairing: Pairing) -> date:
    """The start of the first pairing of a chain of renewals between the same leader and expert."""
    start, seen, current = pairing.start, {pairing.id}, pairing
    while current.renews is not None and current.renews not in seen:
        previous = project.get("pairings", current.renews)
        if previous is None or (previous.leader, previous.expert) != (pairing.leader, pairing.expert):
            break
        seen.add(previous.id)
        if previous.start is not None and previous.start < start:
            start = previous.start
        current = previous
    return start


@dataclass(frozen=True)
class PairingContact:
    """A pairing in force, since when the relation runs, and its last recorded contact (None: never)."""

    pairing: Pairing
    since: date
    last: Activity | None

    def due(self, months: int) -> date:
        """The last day by which the next contact keeps within ``months`` (民法典 第二百零二条, as R211)."""
        return months_later(self.last.date if self.last is not None else self.since, months)


def recorded(project: Project, today: date) -> list[Activity]:
    """The activities that count on ``today``: dated, not later than today; latest first (then by id)."""
    done = [a for a in project.activities if a.date is not None and a.date <= today]
    return sorted(done, key=lambda a: (a.date, a.id or ""), reverse=True)


def pairing_contacts(project: Project, today: date) -> list[PairingContact]:
    """Every pairing in force on ``today`` with its last contact, in the order of pairings.yaml."""
    by_expert: dict[str, list[Activity]] = defaultdict(list)
    for activity in recorded(project, today):  # latest first, so the first match is the last contact
        for expert in dict.fromkeys(activity.experts):
            by_expert[expert].append(activity)
    out = []
    for pairing in project.pairings:
        if pairing.start is None or not pairing.active_on(today):
            continue
        leader = project.get("leaders", pairing.leader)
        leader_unit = leader.unit if leader is not None else None
        since = relation_start(project, pairing)
        last = next((a for a in by_expert.get(pairing.expert, ()) if a.date >= since
                     and is_contact(a, pairing, leader_unit)), None)
        out.append(PairingContact(pairing, since, last))
    return out


def symposia(project: Project, year: int, today: date) -> dict[str, list[Activity]]:
    """Unit → the symposia it hosted in ``year`` up to ``today``, latest first."""
    out: dict[str, list[Activity]] = defaultdict(list)
    for activity in recorded(project, today):
        if activity.kind == "symposium" and activity.date.year == year:
            host = host_unit(project, activity)
            if host is not None:
                out[host].append(activity)
    return dict(out)


def paired_units(project: Project, today: date) -> dict[str, list[str]]:
    """Unit → its leaders with a pairing in force on ``today`` (ids, in the order of leaders.yaml)."""
    paired = {p.leader for p in project.pairings if p.active_on(today)}
    out: dict[str, list[str]] = defaultdict(list)
    for leader in project.leaders:
        if leader.id in paired and leader.unit is not None:
            out[leader.unit].append(leader.id)
    return dict(out)


def symposium_day(year: int, month: int, day: int) -> date:
    """The day of ``year`` from which R212 applies: ``month``/``day``, or that month's last day."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


__all__ = ["PairingContact", "host_unit", "is_contact", "paired_units", "pairing_contacts", "recorded",
           "relation_start", "symposia", "symposium_day"]
