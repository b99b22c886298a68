"""The second door: plain `mkdocs build` runs the same pipeline; validation errors stop it with located messages."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def _mkdocs(project: Path, site: Path, profile: str = "public"):
    env = {**os.environ, "EXPERT_GUIDE_SITE_DIR": str(site), "EXPERT_GUIDE_PROFILE": profile,
           "SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml")], cwd=project,
                          env=env, capture_output=True, text=True, timeout=300)


def _copy_repo(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project)
    for name in ("data", "content", "theme"):
        shutil.copytree(ROOT / name, project / name)
    return project


def test_plain_mkdocs_build_runs_the_pipeline(tmp_path):
    project = _copy_repo(tmp_path)
    result = _mkdocs(project, tmp_path / "site", "intranet")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "report" / "index.html").is_file()
    assert (tmp_path / "site" / "directory" / "experts.json").is_file()


def test_plain_mkdocs_build_stops_on_invalid_data(tmp_path):
    project = _copy_repo(tmp_path)
    path = project / "data" / "pairings.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("expert: e0101", "expert: e9999", 1), encoding="utf-8")
    result = _mkdocs(project, tmp_path / "site")
    assert result.returncode == 1
    assert "数据校验未通过" in result.stderr
    assert "data/pairings.yaml:" in result.stderr and "E202" in result.stderr and "e9999" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_serve_watches_data_and_theme(tmp_path):
    from generator.mkdocs_plugin import ExpertGuidePlugin

    plugin = ExpertGuidePlugin()
    plugin.root = tmp_path
    (tmp_path / "theme" / "overrides").mkdir(parents=True)

    class Server:
        watched: list[str] = []

        def watch(self, path):
            self.watched.append(path)

    server = plugin.on_serve(Server(), config=None, builder=None)
    assert str(tmp_path / "data") in server.watched
    assert any(p.endswith("theme") for p in server.watched)


def test_build_uses_the_given_day_for_the_pages_too(tmp_path):
    """`--today` decides what is active and ending soon on the pages as well as in the check."""
    from datetime import date

    from conftest import MINIMAL

    from generator.build import build_site

    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    out = build_site(root, profile="intranet", out=tmp_path / "site", today=date(2027, 6, 1), pdf=False).out
    pairings = (out / "pairings" / "index.html").read_text(encoding="utf-8")
    assert pairings.count("即将期满") == 5  # every minimal pairing ends 2027-06-30, within 60 days
    assert "即将期满的联系（5）" in (out / "report" / "index.html").read_text(encoding="utf-8")
