"""expert-guide: publish an expert contact-and-service programme from data kept in git.

The pipeline is load → validate → render → publish; this package exports its entry points. They are imported when
first asked for: a worker process that imports one module of the package (a part of the printed 名单 typeset by
Typst) does not import the whole pipeline (1.2 s each, for each of the 35 workers of a 200,000-expert build).
"""
from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from .exports import exported_when_asked

if TYPE_CHECKING:
    from .audit import audit, forbidden_values
    from .build import BuildError, build_pdf, build_site
    from .check import CheckResult, check
    from .diagnostics import Diagnostic, Location
    from .load.project import load_project
    from .project import Project

_EXPORTED = {"audit": "audit", "forbidden_values": "audit", "BuildError": "build", "build_pdf": "build",
             "build_site": "build", "CheckResult": "check", "check": "check", "Diagnostic": "diagnostics",
             "Location": "diagnostics", "load_project": "load.project", "Project": "project"}
__all__ = list(_EXPORTED)
__getattr__, __dir__ = exported_when_asked(__name__, _EXPORTED)


_SET: dict[str, Any] = {}  # a value given to generator.check or generator.audit (a test's patch), until deleted


def _kept(name: str) -> property:
    """The exported ``name``, or a value given to it; the import system's setting of its module (once imported) is
    not taken."""
    def given(package: types.ModuleType, value: Any) -> None:
        if not isinstance(value, types.ModuleType):
            _SET[name] = value

    return property(lambda package: _SET[name] if name in _SET else __getattr__(name), given,
                    lambda package: _SET.pop(name, None))


class _Package(types.ModuleType):
    """The package, whose ``audit`` and ``check`` are the functions, as exported, also once their modules of the same
    name are imported (the import system then sets the attribute to the module)."""

    audit = _kept("audit")
    check = _kept("check")


sys.modules[__name__].__class__ = _Package
