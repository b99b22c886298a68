"""load → validate: the `check` pipeline, writing nothing (检查)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .clock import reference_day
from .diagnostics import Diagnostic, Diagnostics
from .load.project import Progress, load_project
from .project import Project
from .validate import Alongside, validate


@dataclass(frozen=True)
class CheckResult:
    project: Project
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def ok(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)


def check(root: Path | str = ".", *, today: date | None = None, progress: Progress | None = None,
          alongside: Alongside | None = None) -> CheckResult:
    """Load and validate a project; every diagnostic is collected and returned sorted. ``alongside``: see validate."""
    diags = Diagnostics()
    project = load_project(root, diags, progress)
    if progress:
        progress("校验数据与联系规则")
    validate(project, today or reference_day(), diags, alongside)
    return CheckResult(project, diags.sorted())
