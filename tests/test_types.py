"""The package type-checks: `mypy generator`, configured in pyproject.toml, finds no error (py.typed is shipped)."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_mypy_finds_no_error():
    result = subprocess.run([sys.executable, "-m", "mypy", "generator"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, f"mypy generator exited {result.returncode}:\n{result.stdout}{result.stderr}"
