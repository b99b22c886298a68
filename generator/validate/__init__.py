"""Validate stage: shape per file, then references, then the pairing rules (校验)."""
from __future__ import annotations

from datetime import date

from ..diagnostics import Diagnostics
from ..project import Project
from ..rules import run_rules
from .records import check_records
from .references import build_index, check_references


def validate(project: Project, today: date, diags: Diagnostics) -> None:
    """Tier 1 across files, then tier 2; rules run only on rule parameters that are themselves valid."""
    build_index(project, diags)
    check_references(project, diags)
    check_records(project, diags)
    rules_broken = project.rules is None or any(
        d.severity == "error" and (d.location.path == "data/rules.yaml" or d.location.path.startswith("<"))
        for d in diags)
    if not rules_broken:
        run_rules(project, today, diags)
