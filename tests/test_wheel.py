"""The generator is installable: a wheel in a fresh virtualenv creates and builds a project outside the checkout."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_and_builds_a_new_project_outside_the_checkout(tmp_path):
    source = tmp_path / "source"  # built from a copy: a build writes build/ and *.egg-info beside the sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "generator", source / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(wheels), str(source)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    wheel = next(wheels.glob("expert_guide-*.whl"))
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    target = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", target,
                           str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # The dependencies come from the test environment's site-packages, given as a plain path: its .pth
    # files (the editable install of this checkout among them) are not read, so `generator` is the wheel's.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "PYTHONPATH": sysconfig.get_paths()["purelib"], "SOURCE_DATE_EPOCH": "1795392000"}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(python), *argv], capture_output=True, text=True, cwd=work, env=env, timeout=600)

    where = run("-c", "import generator; print(generator.__file__)")
    assert where.stdout.strip().startswith(target), where.stdout + where.stderr
    for profile in ("chongqing-2002", "beijing-2014"):
        created = run("-m", "generator", "new", profile, "--profile", profile)
        assert created.returncode == 0, created.stderr
        assert sorted(p.name for p in (work / profile).iterdir()) == [".github", ".gitignore", ".gitlab-ci.yml", "ci", "content", "data", "schemas"]
        built = run("-m", "generator", "build", profile, "-q")
        assert built.returncode == 0, built.stderr
        site = work / profile / "site"
        assert (site / "pairings" / "index.html").is_file() and (site / "downloads" / "guide.pdf").is_file()
        css = (site / "assets" / "stylesheets" / "expert-guide.css").read_text(encoding="utf-8")
        assert css == (ROOT / "generator" / "theme" / "overrides" / "assets" / "stylesheets" / "expert-guide.css") \
            .read_text(encoding="utf-8")
    assert run("-m", "generator", "new", "chongqing-2002").returncode == 1  # not empty: refused, nothing written
