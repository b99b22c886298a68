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
from shared import copy_site

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


def _wait_for(condition, proc: subprocess.Popen, limit: float = 120.0) -> bool:
    """Poll until ``condition()`` holds or the build ends; True when it held while the build ran."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if condition():
            return True
        time.sleep(0.01)
    return False


KILL_POINTS = {
    "staging folder created": lambda staging: staging() is not None,
    "pages written": lambda staging: staging() is not None and (staging() / "index.html").exists(),
    "PDF written": lambda staging: staging() is not None and (staging() / "downloads" / "guide.pdf").exists(),
}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_killed_build_leaves_published_site_unchanged(project, tmp_path, point, minimal_public):
    out = copy_site(minimal_public, tmp_path / "site")  # the previous publication of this project
    before = tree(out)
    pdf = () if point == "PDF written" else ("--no-pdf",)  # the PDF only costs time before the other points
    experts = project / "data" / "experts.yaml"
    experts.write_text(experts.read_text(encoding="utf-8").replace("name: 吴工", "name: 吴工程师"), encoding="utf-8")

    def staging():
        return next(iter(tmp_path.glob(".site.new-*")), None)

    proc = _build(project, out, None, *pdf)
    reached = _wait_for(lambda: KILL_POINTS[point](staging), proc)
    proc.send_signal(signal.SIGKILL)
    rc, _err = finish(proc, 60)
    if point != "PDF written":  # the last point may race with the swap; the first two never do
        assert reached and rc == -signal.SIGKILL
    if rc == -signal.SIGKILL:
        assert tree(out) == before, f"published tree changed after a kill at '{point}'"
    else:  # finished before the kill: all new, never a mix
        assert "吴工程师" in (out / "experts" / "uni" / "index.html").read_text(encoding="utf-8")
    assert finish(_build(project, out, None, *pdf))[0] == 0
    assert "吴工程师" in (out / "experts" / "uni" / "index.html").read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".site.new-*")), "stale staging folders are cleaned by the next build"


@pytest.mark.parametrize("breakage", ["invalid", "strict-warning"])
def test_failed_build_leaves_published_site_unchanged(project, tmp_path, breakage, minimal_public):
    out = copy_site(minimal_public, tmp_path / "site")
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


def test_same_commit_same_bytes_in_different_places(tmp_path, minimal_public):
    """The CLI in another time zone, hash seed and folder gives the bytes of the in-process build of the session."""
    root = tmp_path / "elsewhere" / "project"
    shutil.copytree(MINIMAL, root)
    out = tmp_path / "elsewhere" / "site"
    rc, err = finish(_build(root, out, {"TZ": "America/New_York", "PYTHONHASHSEED": "4242"}))
    assert rc == 0, err
    here, there = tree(minimal_public), tree(out)
    assert here == there
    assert "downloads/guide.pdf" in here and "sitemap.xml.gz" in here


def test_swap_is_one_step_and_recovers_a_cut_fallback(tmp_path):
    from generator.publish import MARKER, _exchange, _recover, _swap, marker_text

    out, staging = tmp_path / "site", tmp_path / ".site.new-1"
    out.mkdir(), staging.mkdir()
    (out / "v").write_text("old"), (staging / "v").write_text("new")
    assert _exchange(staging, out)  # Debian's glibc has renameat2
    assert (out / "v").read_text() == "new" and (staging / "v").read_text() == "old"
    _swap(staging, out)
    assert (out / "v").read_text() == "old" and not staging.exists()
    (out / MARKER).write_text(marker_text("public"), encoding="utf-8")  # only a publication of ours is recovered
    out.rename(tmp_path / ".site.old-999")  # a fallback swap killed between its two renames
    _recover(out)
    assert (out / "v").read_text() == "old"


def test_a_killed_builders_staging_is_cleaned_whatever_it_was_writing(project, tmp_path):
    """A PDF killed under one name leaves marked staging; the next run to any output beside it removes it,
    while a live builder's staging and a user's look-alike folder stay."""
    from generator.build import build_pdf
    from generator.publish import STAGING_MARKER

    dead = tmp_path / ".old-name.pdf.new-999999-abc"  # pid 999999 is not running
    dead.mkdir()
    (dead / STAGING_MARKER).write_text("", encoding="utf-8")
    live = tmp_path / f".other.pdf.new-{os.getpid()}-abc"
    live.mkdir()
    (live / STAGING_MARKER).write_text("", encoding="utf-8")
    users = tmp_path / ".notes.new-999999-mine"
    users.mkdir()
    (users / "重要.txt").write_text("保留", encoding="utf-8")
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        build_pdf(project, out=tmp_path / "new-name.pdf")
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH") if old is None else os.environ.__setitem__("SOURCE_DATE_EPOCH", old)
    assert (tmp_path / "new-name.pdf").is_file()
    assert not dead.exists() and live.exists() and (users / "重要.txt").is_file()
