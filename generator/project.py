"""The loaded project: every model of data/ and content/, indexed by id (项目)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import Activity, Category, Expert, Institution, Leader, Pairing, PolicyDoc, Request, Service, Site, Unit
from .ruleset import RuleSet
from .workdays import WorkCalendar, YearArrangement


@dataclass(frozen=True)
class ContentFile:
    """A file under content/ that is published (or printed), with how the audit reads it."""

    rel: str  # relative to the project, e.g. content/downloads/表格.xlsx
    kind: str  # text, pdf, zip, gzip or image (load/files.py ATTACHMENTS)


@dataclass(frozen=True)
class Project:
    """Everything ``load`` read, after shape validation; ids are unique per collection."""

    root: Path
    site: Site | None
    rules: RuleSet | None
    categories: tuple[Category, ...] = ()
    units: tuple[Unit, ...] = ()
    leaders: tuple[Leader, ...] = ()
    experts: tuple[Expert, ...] = ()
    pairings: tuple[Pairing, ...] = ()
    institutions: tuple[Institution, ...] = ()
    services: tuple[Service, ...] = ()
    requests: tuple[Request, ...] = ()  # data/requests.yaml and data/requests/*.yaml, optional
    activities: tuple[Activity, ...] = ()  # data/activities.yaml and data/activities/*.yaml, optional
    calendar: tuple[YearArrangement, ...] = ()  # data/calendar/YYYY.yaml: the project's own year arrangements
    policies: tuple[PolicyDoc, ...] = ()
    unreadable: frozenset[str] = frozenset()  # collections with a file that could not be parsed
    content_files: tuple[ContentFile, ...] = ()  # every file of content/ that will be published or printed
    settings: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # mkdocs.yml, accepted
    index: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)  # filled by load

    @property
    def work_calendar(self) -> WorkCalendar:
        """The official calendar: the project's year files over chinese-calendar's."""
        return WorkCalendar.of(self.calendar)

    def get(self, collection: str, ident: str | None) -> Any:
        """The record of ``collection`` with id ``ident``, or None."""
        if ident is None:
            return None
        return self.index.get(collection, {}).get(ident)
