"""load → validate: the `check` pipeline, writing nothing (检查)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from .clock import reference_day
from .diagnostics import Diagnostic, Diagnostics
from .load.project import Progress, load_project
from .project import Project
from .validate import validate


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
          public_known: Callable[[Project], None] | None = None) -> CheckResult:
    """Load and validate a project; every diagnostic is collected and returned sorted.

    ``public_known`` is called with the project, if it was read without errors, as soon as the leak check has worked
    out what the public may not see (validate), while the other checks go on: a build forks its audit process there,
    which inherits those values and works out the intranet's on the core the check leaves free."""
    diags = Diagnostics()
    project = load_project(root, diags, progress)
    if progress:
        progress("校验数据与联系规则")
    validate(project, today or reference_day(), diags, public_known=None if diags.errors else public_known)
    return CheckResult(project, diags.sorted())
