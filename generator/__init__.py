"""expert-guide: publish an expert contact-and-service programme from data kept in git.

The pipeline is load → validate → render → publish; this package exports its entry points.
"""
from __future__ import annotations

from .audit import audit, forbidden_values
from .build import BuildError, build_pdf, build_site
from .check import CheckResult, check
from .diagnostics import Diagnostic, Location
from .load.project import load_project
from .project import Project

__all__ = ["load_project", "check", "CheckResult", "build_site", "build_pdf", "BuildError", "audit",
           "forbidden_values", "Project", "Diagnostic", "Location"]
