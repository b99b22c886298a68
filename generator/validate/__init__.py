"""Validate stage: shape per file, then references, then the pairing rules (校验)."""
from __future__ import annotations

import dataclasses
import os
import threading
from datetime import date
from typing import Any, Protocol

from ..diagnostics import Diagnostic, Diagnostics
from ..fields import Record
from ..models import COLLECTIONS
from ..project import Project
from ..workers import Forked, WorkerDied
from .rules import run_rules
from .leaks import check_leaks
from .glyphs import check_glyphs
from .printable import check_printable
from .roster import check_roster
from .events import check_events
from .records import check_records
from .references import check_references
from .requests import check_requests
from .activities import check_activities


# A project with this many experts and pairings is checked by two processes (below): at 200,000 experts the leak
# check (what the public may not see) and the other checks (5 s) are made side by side, 22 → 18 s.
APART_RECORDS = 20_000


class Alongside(Protocol):
    """Work for the forked process of a large project once its checks are done (the leak check, here, takes longer):
    ``make`` runs there, ``take`` here with what it made. Never run without that process; the caller does without."""

    def make(self, project: Project) -> Any: ...

    def take(self, made: Any) -> None: ...


def validate(project: Project, today: date, diags: Diagnostics, alongside: Alongside | None = None) -> None:
    """Tier 1 across files, then tier 2; rules run only on rule parameters that are themselves valid.

    In a large project the checks other than the leak check run in a forked process meanwhile (workers.Forked):
    the diagnostics are the same, in the same order; if that process dies, they are made here. ``alongside`` is
    then made there too (the build reads the experts' names for pinyin search so, 200,000 experts: 13 CPU s)."""
    apart = None
    if len(project.experts) + len(project.pairings) >= APART_RECORDS and threading.active_count() == 1 \
            and len(os.sched_getaffinity(0)) > 1:  # forking a threaded process is unsafe
        apart = Forked(_apart, (project, today, alongside))
    leaks = Diagnostics()
    try:
        check_leaks(project, today, leaks)  # here: what it works out is kept for the public site's audit
        try:
            if apart is None:
                before, after = _all_but_leaks(project, today)
            else:
                before, after, made = apart.result()
                if alongside is not None and made is not None:
                    alongside.take(made)
        except WorkerDied:
            before, after = _all_but_leaks(project, today)
    finally:
        if apart is not None:
            apart.stop()
    diags.extend(before)
    diags.extend(leaks)
    diags.extend(after)


def _apart(project: Project, today: date, alongside: Alongside | None) -> tuple[list[Diagnostic], list[Diagnostic], Any]:
    """The forked process: the checks but the leak check, then what ``alongside`` makes (None if it fails: made
    again by whoever needs it, not a reason to check again)."""
    before, after = _all_but_leaks(project, today)
    try:
        made = alongside.make(project) if alongside is not None else None
    except Exception:  # noqa: BLE001 - the caller does without
        made = None
    return before, after, made


def _all_but_leaks(project: Project, today: date) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The diagnostics of the checks made before the leak check and of those made after it."""
    before = Diagnostics()
    rules_valid = check_references(project, before)  # False without a rule set (load reported why)
    check_records(project, before)
    check_requests(project, today, before)
    check_activities(project, today, before)
    check_events(project, today, before)
    after = Diagnostics()
    check_printable(project, after)
    check_glyphs(project, after)
    check_roster(project, after)
    if rules_valid:  # the rules run only on parameters that are themselves valid
        run_rules(complete_part(project), today, after)
    return before.items, after.items


def complete(rec: Any) -> bool:
    """Every required field has a value (nested records too): a record a rule can rely on."""
    if not isinstance(rec, Record):
        return True
    for name, spec in rec._specs.items():
        value = getattr(rec, name)
        if spec.required and (value is None or value == ()):
            return False
        if spec.kind == "object" and value is not None and not complete(value):
            return False
    return True


def complete_part(project: Project) -> Project:
    """The project as the rules see it: records missing a required value were reported and are left out."""
    kept: dict[str, Any] = {name: tuple(r for r in getattr(project, name) if complete(r)) for name in COLLECTIONS}
    index = {name: {k: v for k, v in ids.items() if complete(v)} for name, ids in project.index.items()}
    return dataclasses.replace(project, index=index, **kept)
