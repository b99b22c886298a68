"""Publication is atomic and reproducible: a killed or failed build leaves the published tree as it was."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT

pytestmark = pytest.mark.slow
EPOCH = "1795305600"


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(root: Path, out: Path, env: dict | None = None, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "generator", "build", str(root), "--out", str(out), "-q", *extra],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen, timeout: int = 300) -> tuple[int, str]:
    _out, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    return root


def test_killed_build_leaves_published_site_unchanged(project, tmp_path):
    out = tmp_path / "site"
    rc, err = finish(_build(project, out))
    assert rc == 0, err
    before = tree(out)
    experts = project / "data" / "experts.yaml"
    experts.write_text(experts.read_text(encoding="utf-8").replace("name: 吴工", "name: 吴工程师"), encoding="utf-8")
    for delay in (0.5, 1.5, 3.0):  # early (checking), middle (MkDocs), late (PDF, audit)
        proc = _build(project, out)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        finish(proc, 60)
        assert tree(out) == before, f"published tree changed after a kill at {delay}s"
    assert finish(_build(project, out))[0] == 0
    assert tree(out) != before and "吴工程师" in (out / "experts" / "uni" / "index.html").read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".site.new-*")), "stale staging folders are cleaned by the next build"


@pytest.mark.parametrize("breakage", ["invalid", "strict-warning"])
def test_failed_build_leaves_published_site_unchanged(project, tmp_path, breakage):
    out = tmp_path / "site"
    assert finish(_build(project, out))[0] == 0
    before = tree(out)
    extra: tuple[str, ...] = ()
    if breakage == "invalid":
        path = project / "data" / "pairings.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("expert: e5", "expert: e9"), encoding="utf-8")
    else:
        path = project / "data" / "leaders.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("  tier: district\n  responsible: true\n",
                                                                 "  tier: district\n"), encoding="utf-8")
        extra = ("--strict",)
    rc, err = finish(_build(project, out, None, *extra))
    assert rc == 1
    assert "已发布的内容保持不变" in err
    assert tree(out) == before


def test_same_commit_same_bytes_in_different_places(tmp_path):
    trees = []
    for name, tz, seed in (("a", "Asia/Shanghai", "1"), ("b", "America/New_York", "4242")):
        root = tmp_path / name / "project"
        shutil.copytree(MINIMAL, root)
        out = tmp_path / name / "site"
        rc, err = finish(_build(root, out, {"TZ": tz, "PYTHONHASHSEED": seed}))
        assert rc == 0, err
        trees.append(tree(out))
    assert trees[0] == trees[1]
    assert "downloads/guide.pdf" in trees[0] and "sitemap.xml.gz" in trees[0]
