"""Validate stage: shape per file, then references, then the pairing rules (校验)."""
from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from ..diagnostics import Diagnostics
from ..fields import Record
from ..models import COLLECTIONS
from ..project import Project
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


def validate(project: Project, today: date, diags: Diagnostics) -> None:
    """Tier 1 across files, then tier 2; rules run only on rule parameters that are themselves valid."""
    rules_valid = check_references(project, diags)  # False without a rule set (load reported why)
    check_records(project, diags)
    check_requests(project, today, diags)
    check_activities(project, today, diags)
    check_events(project, today, diags)
    check_leaks(project, today, diags)
    check_printable(project, diags)
    check_glyphs(project, diags)
    check_roster(project, diags)
    if rules_valid:  # the rules run only on parameters that are themselves valid
        run_rules(complete_part(project), today, diags)


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
