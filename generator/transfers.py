"""Where a transfer took an expert, and which transfers came after a day (工作调动的去向).

京组发〔2014〕4号 第二条（二）（三）: transfers are kept up to date, and a transfer across region or
department ends direct contact. A ``transfer`` event names the new ``employer``, ``system`` or ``region``;
a system or region it leaves out is the new employer's, as units.yaml records it.

The expert's record stays the truth of the present: R202 and the site read the record for where the
expert is now; the events say when and where the expert moved. R207 reads them for pairings that began
before a move, and `check` warns when the record disagrees with the latest move (E308). One place for
both, so that they cannot disagree about where a transfer went.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .diagnostics import Location
from .models import TRANSFER_FIELDS, Event, Expert
from .project import Project

FIELD_NAMES = {"employer": "工作单位", "system": "系统", "region": "地区"}


@dataclass(frozen=True)
class Destination:
    """One field a transfer changed: its new value, and whether the event wrote it or the new employer's unit gave it."""

    event: Event
    field: str  # employer | system | region
    value: str
    written: bool

    @property
    def where(self) -> Location:
        """The value on the event, or the event's employer when the value came from that unit."""
        return self.event.where(self.field if self.written else "employer")


def destinations(event: Event, project: Project) -> dict[str, Destination]:
    """What a transfer changed, by field; nothing for any other kind."""
    if event.kind != "transfer":
        return {}
    out: dict[str, Destination] = {}
    unit = project.get("units", event.employer)
    for name in TRANSFER_FIELDS:
        value = getattr(event, name)
        if value is not None:
            out[name] = Destination(event, name, value, True)
        elif name != "employer" and unit is not None and getattr(unit, name):
            out[name] = Destination(event, name, getattr(unit, name), False)
    return out


def latest_move(expert: Expert, project: Project, name: str, *, after: date | None, until: date) -> Destination | None:
    """The last transfer dated in (``after``, ``until``] that changed field ``name``; of one day, the one written last."""
    found = None
    for event in sorted((e for e in expert.events if e.kind == "transfer" and e.date is not None),
                        key=lambda e: e.date):
        if event.date > until or (after is not None and event.date <= after):
            continue
        destination = destinations(event, project).get(name)
        if destination is not None:
            found = destination
    return found


__all__ = ["Destination", "FIELD_NAMES", "destinations", "latest_move"]
