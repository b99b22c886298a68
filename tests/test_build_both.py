"""`expert-guide build --profile all`: both profiles from one load and check, published together or not at all."""
from __future__ import annotations

import hashlib
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, TODAY

from generator.build import BuildError, build_site, build_sites

build_module = importlib.import_module("generator.build")


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    return root


def test_both_profiles_are_the_bytes_of_two_builds(project, tmp_path):
    results = build_sites(project, out=tmp_path / "both", today=TODAY, pdf=False)
    assert [r.out for r in results] == [tmp_path / "both" / "public", tmp_path / "both" / "intranet"]
    for profile in ("public", "intranet"):
        alone = build_site(project, profile=profile, out=tmp_path / f"alone-{profile}", today=TODAY, pdf=False).out
        assert tree(tmp_path / "both" / profile) == tree(alone), profile
    assert not [p.name for p in (tmp_path / "both").iterdir() if p.name not in ("public", "intranet")]


def test_default_outputs_are_the_projects_two_site_folders(project):
    build_sites(project, today=TODAY, pdf=False)
    assert (project / "site" / ".expert-guide").read_text(encoding="utf-8").endswith("profile: public\n")
    assert (project / "site-intranet" / ".expert-guide").read_text(encoding="utf-8").endswith("profile: intranet\n")


@pytest.mark.parametrize("failing", ["public", "intranet"])
def test_a_leak_in_either_profile_publishes_neither(project, tmp_path, monkeypatch, failing):
    out = tmp_path / "both"
    build_sites(project, out=out, today=TODAY, pdf=False)
    before = {profile: tree(out / profile) for profile in ("public", "intranet")}
    experts = project / "data" / "experts.yaml"
    experts.write_text(experts.read_text(encoding="utf-8").replace("张院士", "张新院士"), encoding="utf-8")
    real = build_module.audit

    def audit(staged, forbidden):  # the audit of one profile finds something; the other's finds nothing
        hits = real(staged, forbidden)
        marker = (staged / ".expert-guide").read_text(encoding="utf-8")
        return hits or (["planted"] if marker.endswith(f"profile: {failing}\n") else [])

    class Hit(str):
        def text(self) -> str:
            return str(self)

    monkeypatch.setattr(build_module, "audit", lambda staged, forbidden: [Hit(h) for h in audit(staged, forbidden)])
    with pytest.raises(BuildError, match="planted"):
        build_sites(project, out=out, today=TODAY, pdf=False)
    assert {profile: tree(out / profile) for profile in ("public", "intranet")} == before
    assert sorted(p.name for p in out.iterdir()) == ["intranet", "public"], "no staging folder is left"


def test_invalid_data_builds_neither(project, tmp_path):
    out = tmp_path / "both"
    pairings = project / "data" / "pairings.yaml"
    pairings.write_text(pairings.read_text(encoding="utf-8").replace("expert: e5", "expert: e9"), encoding="utf-8")
    with pytest.raises(BuildError, match="数据校验未通过"):
        build_sites(project, out=out, today=TODAY, pdf=False)
    assert not out.exists() or not list(out.iterdir())


def test_a_guarded_output_stops_before_the_check(project, tmp_path):
    with pytest.raises(BuildError, match="data"):
        build_sites(project, out=project / "data", today=TODAY, pdf=False)


def test_the_command_builds_both_and_says_where(project, tmp_path):
    done = subprocess.run([sys.executable, "-m", "generator", "build", str(project), "--profile", "all",
                           "--out", str(tmp_path / "out"), "--no-pdf", "--today", TODAY.isoformat()],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"已生成：{tmp_path / 'out' / 'public'}、{tmp_path / 'out' / 'intranet'}" in done.stderr
    assert done.stderr.count("读取 data/experts.yaml") == 1, "the project is read once"
    assert "审计输出（公开版）" in done.stderr and "审计输出（内网版）" in done.stderr
