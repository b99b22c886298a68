"""Tier 1 for experts' 动态: dates that have come, transfers that say where to, records that followed them (专家动态).

Whether a pairing may go on after a transfer is rule R207 (validate/rules/r207_exit.py).
"""
from __future__ import annotations

from datetime import date

from ..diagnostics import Diagnostics
from ..fields import term
from ..models import EVENT_KINDS, TRANSFER_FIELDS, Event, Expert, Pairing
from ..project import Project
from ..transfers import FIELD_NAMES, Destination, destinations, latest_move

NEEDED_BY_TIER = {"department": "system", "district": "region"}  # what R207 compares for a leader of each tier


def check_events(project: Project, today: date, diags: Diagnostics) -> None:
    by_expert: dict[str, list[Pairing]] = {}  # the pairings in force today, by expert: read once, not per expert
    for pairing in project.pairings:
        if pairing.expert is not None and pairing.start is not None and pairing.active_on(today):
            by_expert.setdefault(pairing.expert, []).append(pairing)
    for expert in project.experts:
        for event in expert.events:
            kind = EVENT_KINDS.get(event.kind) if event.kind is not None else None
            if event.date is not None and event.date > today:
                diags.error(event.where("date"), "E305",
                            f"专家“{expert.name}”的动态日期 {event.date} 晚于今天（{today}）：只登记已经发生的事",
                            hint="发生后再登记；日期写错时请改正")
            named = [name for name in TRANSFER_FIELDS if getattr(event, name) is not None]
            if event.kind == "transfer" and not named:
                diags.error(event.where("kind"), "E306",
                            f"专家“{expert.name}”的工作调动（{event.date or '日期未写'}）没有写调到哪里",
                            hint=f"至少写 {'、'.join(term(Event, n) for n in TRANSFER_FIELDS)}中的一项；调入单位写单位编号")
            elif kind is not None and event.kind != "transfer" and named:
                diags.error(event.where(named[0]), "E307",
                            f"专家“{expert.name}”的{kind.name}写了 {'、'.join(term(Event, n) for n in named)}："
                            f"只有工作调动（`kind: transfer`）写调入的单位、系统、地区",
                            hint="删除这些字段；如果这是一次调动，写 `kind: transfer`")
        _followed(project, expert, today, diags)
        if any(e.kind == "transfer" for e in expert.events):
            _undecided(project, expert, by_expert.get(expert.id or "", []), diags)


def _followed(project: Project, expert: Expert, today: date, diags: Diagnostics) -> None:
    """The record is the present: after its latest transfer, it names where that transfer went (E308, once a transfer)."""
    stale: dict[int, list[Destination]] = {}  # by event (id: events are frozen but may be equal), in field order
    for name in TRANSFER_FIELDS:
        move = latest_move(expert, project, name, after=None, until=today)
        current = getattr(expert, name)
        if move is None or current is None or current == move.value:
            continue
        if name != "employer" or project.get("units", move.value) is not None:  # an unknown unit is E202's
            stale.setdefault(id(move.event), []).append(move)
    for moves in stale.values():
        event = moves[0].event
        parts = []
        for move in moves:
            label = FIELD_NAMES[move.field]
            new, old = (_unit_name(project, move.value), _unit_name(project, getattr(expert, move.field))) \
                if move.field == "employer" else (move.value, getattr(expert, move.field))
            source = "" if move.written else "（按调入单位）"
            parts.append(f"调入的{label}是“{new}”{source}，记录中仍是“{old}”")
        names = "、".join(term(Expert, move.field) for move in moves)
        hint = f"专家记录写的是现在的情况：把 {names}改为调动后的值；如果之后又有调动，请补记那一次"
        if any(not move.written for move in moves):
            hint += f"；专家的系统、地区确实与调入单位不同时，在调动记录中写明 {term(Event, 'system')}、{term(Event, 'region')}"
        diags.warning(moves[0].where, "E308",
                      f"专家“{expert.name}”于 {event.date} 调动，记录未随调动更新：{'；'.join(parts)}", hint=hint)


def _undecided(project: Project, expert: Expert, pairings: list[Pairing], diags: Diagnostics) -> None:
    """A transfer to a unit that records no system (or region), and says none itself: R207 cannot tell (E309).

    Only where it matters: a pairing in force today, begun before the transfer, with a leader whose tier is
    judged by that field (a department leader by system, a district leader by region).
    """
    needed: dict[str, date] = {}  # field -> the earliest start of a pairing judged by it
    for pairing in pairings:
        leader = project.get("leaders", pairing.leader)
        name = NEEDED_BY_TIER.get(getattr(leader, "tier", None) or "")
        if name is not None and (name not in needed or pairing.start < needed[name]):
            needed[name] = pairing.start
    for event in expert.events:
        if event.kind != "transfer" or event.employer is None or event.date is None:
            continue
        unit = project.get("units", event.employer)
        if unit is None:
            continue  # an unknown unit is E202's
        known = destinations(event, project)
        missing = [n for n, start in needed.items() if n not in known and event.date > start]
        if missing:
            labels = "、".join(FIELD_NAMES[n] for n in missing)
            diags.warning(event.where("employer"), "E309",
                          f"专家“{expert.name}”于 {event.date} 调入“{_unit_name(project, event.employer)}”，这个单位没有登记{labels}，"
                          f"调动记录也没有写：无法判断是否调离了联系领导的{labels}（跨部门、跨区域调动后不再直接联系）",
                          hint=f"在调动记录中写明 {'、'.join(term(Event, n) for n in missing)}，或在 data/units.yaml 中为该单位登记")


def _unit_name(project: Project, ident: str | None) -> str:
    unit = project.get("units", ident)
    return f"{unit.name}（{ident}）" if unit is not None and unit.name else str(ident)
