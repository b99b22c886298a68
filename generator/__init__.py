"""expert-guide: publish an expert contact-and-service programme from data kept in git.

The pipeline is load → validate → render → publish; this package exports its entry points.
"""
from __future__ import annotations

from .check import CheckResult, check
from .diagnostics import Diagnostic, Location
from .load.project import load_project
from .project import Project

__all__ = ["check", "CheckResult", "load_project", "Project", "Diagnostic", "Location"]
