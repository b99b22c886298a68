"""The second door: plain `mkdocs build` runs the same pipeline; validation errors stop it with located messages."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import repository_project

pytestmark = pytest.mark.slow


def _mkdocs(project: Path, site: Path, profile: str = "public"):
    env = {**os.environ, "EXPERT_GUIDE_SITE_DIR": str(site), "EXPERT_GUIDE_PROFILE": profile,
           "SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml")], cwd=project,
                          env=env, capture_output=True, text=True, timeout=300)


def _files(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_plain_mkdocs_build_runs_the_pipeline(tmp_path, sample_intranet):
    """`mkdocs build` with the plugin publishes the bytes `expert-guide build` does, PDF and audit included."""
    project = repository_project(tmp_path)
    result = _mkdocs(project, tmp_path / "site", "intranet")
    assert result.returncode == 0, result.stderr
    door, ours = _files(tmp_path / "site"), _files(sample_intranet)
    assert sorted(door) == sorted(ours)
    assert [name for name in door if door[name] != ours[name]] == []
    assert "report/index.html" in door and "downloads/guide.pdf" in door and ".expert-guide" in door


def test_plain_mkdocs_build_stops_on_invalid_data(tmp_path):
    project = repository_project(tmp_path)
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

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path):
            self.watched.append(path)

    plugin = ExpertGuidePlugin()
    plugin.root = tmp_path
    assert plugin.on_serve(Server(), config=None, builder=None).watched == [str(tmp_path / "data")]
    (tmp_path / "theme" / "overrides").mkdir(parents=True)
    assert plugin.on_serve(Server(), config=None, builder=None).watched == [str(tmp_path / "data"),
                                                                           str(tmp_path / "theme")]


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


def test_an_unknown_profile_is_one_chinese_line(tmp_path):
    project = repository_project(tmp_path)
    result = _mkdocs(project, tmp_path / "site", "bogus")
    assert result.returncode == 1
    assert "版本“bogus”不存在" in result.stderr and "Expected one of" not in result.stderr, result.stderr
    assert not (tmp_path / "site").exists()
