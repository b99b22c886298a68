"""The package imports what is asked for: its exported names when first used, and a worker process that typesets a
part of the 名单 imports neither the pipeline nor WeasyPrint (each of the 35 workers of a 200,000-expert build
spent 1.2 s importing them)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_a_typesetting_worker_imports_only_what_it_runs():
    loaded = _run("import sys, generator.render.pdf.parallel\n"
                  "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
                  "('generator', 'weasyprint', 'pypinyin', 'jinja2', 'markdown', 'mkdocs', 'openpyxl'))))").split()
    assert "generator.render.pdf.parallel" in loaded and "generator.render.pdf.roster" in loaded
    heavy = [m for m in loaded if m.split(".")[0] in ("weasyprint", "pypinyin", "jinja2", "markdown", "mkdocs", "openpyxl")
             or m in ("generator.build", "generator.check", "generator.audit", "generator.validate",
                      "generator.render.pdf.compose", "generator.render.view")]
    assert heavy == []


def test_the_exported_check_and_audit_are_the_functions_whichever_is_imported_first():
    for first in ("import generator.check, generator.audit", "import generator.build", "import generator",
                  "from generator.check import check as c"):
        shown = _run(f"{first}\nimport generator\nfrom generator import check, audit, build_site, Project\n"
                     "print(type(check).__name__, type(audit).__name__, type(generator.check).__name__,"
                     " build_site.__name__, Project.__name__)")
        assert shown.split() == ["function", "function", "function", "build_site", "Project"], (first, shown)
    assert _run("import generator, importlib\nprint(type(importlib.import_module('generator.check')).__name__)") \
        .strip() == "module"


def test_the_console_script_imports_only_its_parser():
    """A worker spawned under the `expert-guide` command runs the console script again, which imports its module
    (pyproject's [project.scripts]): that module imports none of the pipeline."""
    import tomllib

    entry = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]["expert-guide"]
    module = entry.split(":")[0]
    loaded = _run(f"import sys, {module}\nprint(' '.join(sorted(sys.modules)))").split()
    assert module in loaded
    assert [m for m in loaded if m.split(".")[0] in ("weasyprint", "pypinyin", "jinja2", "markdown", "mkdocs", "openpyxl")
            or m in ("generator.build", "generator.check", "generator.audit", "generator.validate")] == []


def test_the_exported_functions_can_be_patched_and_are_listed():
    import unittest.mock

    import generator
    import generator.check  # noqa: F401 - sets the attribute to the module: still the function

    real = generator.check
    stand_in = lambda *args, **kwargs: None  # noqa: E731
    with unittest.mock.patch.object(generator, "check", stand_in):
        assert generator.check is stand_in
    assert generator.check is real
    patch = pytest.MonkeyPatch()
    patch.setattr(generator, "audit", stand_in)
    assert generator.audit is stand_in
    patch.undo()
    assert generator.audit.__module__ == "generator.audit"
    assert {"build_site", "check", "audit", "Project"} <= set(dir(generator))
