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
from generator.exposure import Forbidden

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
    audit_module = importlib.import_module("generator.audit")
    real = audit_module.audit

    def planted(staged, forbidden, **kwargs):  # the audit of one profile finds something; the other's finds nothing
        hits = real(staged, forbidden, **kwargs)
        marker = (staged / ".expert-guide").read_text(encoding="utf-8")
        if not hits and marker.endswith(f"profile: {failing}\n"):
            hits = [audit_module.Hit("x.html", audit_module.UNREADABLE, Forbidden("—", "planted"))]
        return hits

    # the public site is audited in a forked process (audit_apart), which calls generator.audit.audit
    monkeypatch.setattr(build_module, "audit", planted)
    monkeypatch.setattr(audit_module, "audit", planted)
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


def test_two_outputs_that_are_one_folder_through_a_link_are_refused(project, tmp_path):
    """The intranet site must never land where the public one is read: a link that makes them one folder."""
    (project / "site-intranet").mkdir()
    (project / "site").symlink_to("site-intranet")
    with pytest.raises(BuildError, match="同一个目录"):
        build_sites(project, today=TODAY, pdf=False)
    assert list((project / "site-intranet").iterdir()) == []
    out = tmp_path / "out"
    (out / "intranet").mkdir(parents=True)
    (out / "public").symlink_to("intranet")
    with pytest.raises(BuildError, match="同一个目录"):
        build_sites(project, out=out, today=TODAY, pdf=False)
    assert list((out / "intranet").iterdir()) == []


@pytest.mark.parametrize("where", [".", "..", "/"])
def test_the_project_or_a_folder_above_it_is_not_an_output_of_both(project, where):
    with pytest.raises(BuildError, match="项目目录或其上级目录"):
        build_sites(project, out=project / where if where != "/" else Path("/"), today=TODAY, pdf=False)
    assert not (project / "public").exists() and not (project / "intranet").exists()


def _rebuilt(project: Path) -> None:
    experts = project / "data" / "experts.yaml"
    experts.write_text(experts.read_text(encoding="utf-8").replace("张院士", "张新院士"), encoding="utf-8")


def _second_swap_fails(monkeypatch, error: OSError) -> list[str]:
    """The intranet's swap (the second) raises ``error``; returns the profiles whose swap was called."""
    from generator import publish

    real, calls = publish.Publication.swap, []

    def swap(self):
        calls.append(self.profile)
        if len(calls) == 2:
            raise error
        real(self)

    monkeypatch.setattr(publish.Publication, "swap", swap)
    return calls


def test_when_the_second_swap_fails_the_first_is_undone(project, tmp_path, monkeypatch):
    out = tmp_path / "both"
    build_sites(project, out=out, today=TODAY, pdf=False)
    before = {profile: tree(out / profile) for profile in ("public", "intranet")}
    _rebuilt(project)
    calls = _second_swap_fails(monkeypatch, OSError(28, "No space left on device"))
    with pytest.raises(OSError):  # the command says it in Chinese (cli: 磁盘空间不足)
        build_sites(project, out=out, today=TODAY, pdf=False)
    assert calls == ["public", "intranet"]
    assert {profile: tree(out / profile) for profile in ("public", "intranet")} == before
    assert sorted(p.name for p in out.iterdir()) == ["intranet", "public"]


_CTRL_C_BETWEEN_SWAPS = """
import os, signal, sys
from datetime import date
from pathlib import Path
from generator import publish
from generator.build import build_sites
real = publish.Publication.swap
def swap(self):
    real(self)
    if self.profile == "public":
        os.kill(os.getpid(), signal.SIGINT)  # between the two swaps
publish.Publication.swap = swap
try:
    build_sites(Path(sys.argv[1]), out=Path(sys.argv[2]), today=date.fromisoformat(sys.argv[3]), pdf=False)
except publish.PublishedThenInterrupted:
    print("published, then interrupted")
"""


def test_ctrl_c_during_the_swaps_waits_until_both_are_made(project, tmp_path):
    """In the command's main thread: the Ctrl-C waits for the second swap, and is then reported as such."""
    out = tmp_path / "both"
    build_sites(project, out=out, today=TODAY, pdf=False)
    _rebuilt(project)
    done = subprocess.run([sys.executable, "-c", _CTRL_C_BETWEEN_SWAPS, str(project), str(out), TODAY.isoformat()],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "published, then interrupted", done.stderr[-2000:]
    for profile in ("public", "intranet"):  # both new, never one new beside one old
        assert "张新院士" in (out / profile / "experts" / "uni" / "index.html").read_text(encoding="utf-8"), profile
    assert sorted(p.name for p in out.iterdir()) == ["intranet", "public"]


def test_the_previous_site_waits_at_the_staging_path_marked_for_cleaning(project, tmp_path):
    """After the exchange the old publication is removed by close(); killed before that, it is marked as staging,
    so the next build removes it (it holds the last edition's pages, personal data included on the intranet)."""
    from generator.publish import STAGING_MARKER, Publication

    out = tmp_path / "site"
    build_site(project, out=out, today=TODAY, pdf=False)
    publication = Publication(project, out, "public")
    staging = publication.open()
    (staging / "new.html").write_text("new", encoding="utf-8")
    publication.audit(lambda staged: [])
    publication.swap()
    assert (out / "new.html").is_file() and not (out / STAGING_MARKER).exists()
    assert (staging / STAGING_MARKER).is_file() and (staging / "index.html").is_file()  # the previous site
    publication.close()
    assert not staging.exists()


def _public_audit_does(monkeypatch, action):
    """The public site's audit, run apart (audit_apart → generator.audit.audit in the forked process), does ``action``."""
    audit_module = importlib.import_module("generator.audit")
    real = audit_module.audit

    def audit(staged, forbidden, **kwargs):
        if (staged / ".expert-guide").read_text(encoding="utf-8").endswith("profile: public\n"):
            action(staged)
        return real(staged, forbidden, **kwargs)

    monkeypatch.setattr(audit_module, "audit", audit)


def test_the_public_site_is_audited_in_another_process_while_the_intranet_is_made(project, tmp_path, monkeypatch):
    import os

    seen = tmp_path / "pid"
    _public_audit_does(monkeypatch, lambda staged: seen.write_text(str(os.getpid())))
    build_sites(project, out=tmp_path / "both", today=TODAY, pdf=False)
    assert int(seen.read_text()) != os.getpid()


def test_an_audit_process_that_dies_publishes_nothing(project, tmp_path, monkeypatch):
    import os

    out = tmp_path / "both"
    _public_audit_does(monkeypatch, lambda staged: os._exit(3))
    with pytest.raises(BuildError, match="审计子进程意外退出（退出码 3）"):
        build_sites(project, out=out, today=TODAY, pdf=False)
    assert not out.exists() or sorted(p.name for p in out.iterdir()) == []


def test_a_build_that_gives_up_stops_the_public_audit(project, tmp_path, monkeypatch):
    import os
    import time

    from generator.engine import EngineError

    seen = tmp_path / "pid"

    def hang(staged):
        seen.write_text(str(os.getpid()))
        time.sleep(600)

    _public_audit_does(monkeypatch, hang)
    real = build_module.run_engine

    def run_engine(engine, folder, site_dir, stop=None):
        if ".intranet.new-" in str(site_dir):  # the intranet's turn, while the public audit runs
            for _ in range(6000):
                if seen.exists():
                    break
                time.sleep(0.01)
            raise EngineError("planted engine failure")
        return real(engine, folder, site_dir, stop)

    monkeypatch.setattr(build_module, "run_engine", run_engine)
    with pytest.raises(BuildError, match="planted engine failure"):
        build_sites(project, out=tmp_path / "both", today=TODAY, pdf=False)
    pid = int(seen.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # stopped and reaped before the build returned


def test_a_first_publication_whose_second_swap_fails_leaves_neither(project, tmp_path, monkeypatch):
    out = tmp_path / "new"
    calls = _second_swap_fails(monkeypatch, OSError(1, "Operation not permitted"))  # EBUSY, a mount point …
    with pytest.raises(OSError):
        build_sites(project, out=out, today=TODAY, pdf=False)
    assert calls == ["public", "intranet"]
    assert not (out / "public").exists() and not (out / "intranet").exists()
    assert [p.name for p in out.iterdir()] == [], "the staging folders are removed too"


def test_a_closed_output_after_publishing_is_not_reported_as_nothing_changed(project, tmp_path):
    """`expert-guide build … | head` (a pager that quit): the build is published; the message says so."""
    out = tmp_path / "both"
    build_sites(project, out=out, today=TODAY, pdf=False)
    _rebuilt(project)
    leaders = project / "data" / "leaders.yaml"  # a warning: there are diagnostics to print
    leaders.write_text(leaders.read_text(encoding="utf-8").replace("  tier: district\n  responsible: true\n",
                                                                   "  tier: district\n"), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", str(project), "--profile", "all", "--out",
                             str(out), "--no-pdf", "-q", "--today", TODAY.isoformat()],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # nobody reads the diagnostics
    with proc.stderr:
        err = proc.stderr.read()
    proc.wait(300)
    assert "保持不变" not in err, err
    assert "已生成" in err, err
    for profile in ("public", "intranet"):
        assert "张新院士" in (out / profile / "experts" / "uni" / "index.html").read_text(encoding="utf-8"), profile


def test_the_docs_tree_is_made_beside_the_output_and_a_killed_builds_tree_is_removed(project, tmp_path, monkeypatch):
    """The docs tree holds the pages before they are built (the intranet's: phones, ID numbers). It is made
    beside the output, named and marked as staging is, so a build killed while it exists leaves it for the
    next build to remove, not in /tmp for good."""
    from generator.publish import STAGING_MARKER

    out = tmp_path / "both"
    out.mkdir()
    stale = out / ".intranet-tree.new-999999999-x"  # a build with that pid is gone
    (stale / "docs").mkdir(parents=True)
    (stale / "docs" / "experts.md").write_text("13912345678", encoding="utf-8")
    (stale / STAGING_MARKER).write_text("999999999\n", encoding="utf-8")
    trees = []
    real = build_module.run_engine
    monkeypatch.setattr(build_module, "run_engine", lambda engine, folder, site, stop=None: trees.append(folder) or
                        real(engine, folder, site, stop))
    build_sites(project, out=out, today=TODAY, pdf=False)
    assert [tree.parent for tree in trees] == [out, out]
    assert [tree.name.split(".new-")[0] for tree in trees] == [".public-tree", ".intranet-tree"]
    assert not stale.exists()
    assert sorted(p.name for p in out.iterdir()) == ["intranet", "public"]


def test_the_intranets_roster_workers_wait_for_the_public_audit_and_a_leak_there_stops_the_build(project, tmp_path,
                                                                                                monkeypatch):
    """build --profile all: the intranet's 名单 is typeset by worker processes only once the public audit is done (the
    two together would pass the memory budget at 200,000 experts); a finding of that audit stops the build there."""
    import time

    from generator.render.pdf import write

    monkeypatch.setattr(write, "PARALLEL_MIN", 1)  # the small project's 名单 in parts, by workers, as a large one's
    ended = tmp_path / "public-audit-ended"
    _public_audit_does(monkeypatch, lambda staged: (time.sleep(1.5), ended.write_text(str(time.time()))))
    started: list[float] = []
    real = write.typeset_parts

    def typeset_parts(*args, **kwargs):
        started.append(time.time())
        return real(*args, **kwargs)
    monkeypatch.setattr(write, "typeset_parts", typeset_parts)
    build_sites(project, out=tmp_path / "both", today=TODAY)
    assert len(started) == 2 and started[0] < float(ended.read_text()) < started[1]

    started.clear()
    _public_audit_does(monkeypatch, lambda staged: (staged / "leak.txt").write_text("电话 013912345678", encoding="utf-8"))
    with pytest.raises(BuildError, match="leak.txt"):
        build_sites(project, out=tmp_path / "again", today=TODAY)
    assert len(started) == 1 and not (tmp_path / "again" / "public").exists()


def test_the_engine_builds_the_site_while_the_guide_is_typeset_and_the_guide_published_is_the_real_one(project, tmp_path,
                                                                                                       monkeypatch):
    """The engine runs in a thread beside write_pdf; the site holds the typeset guide, linked from its 下载 page; a
    guide that fails stops the build, and no thread is left."""
    import threading

    build_module = importlib.import_module("generator.build")
    seen: dict[str, list[str]] = {"engine": [], "pdf": []}
    real_engine, real_pdf = build_module.run_engine, build_module.write_pdf

    def run_engine(*args):
        seen["engine"].append(threading.current_thread().name)
        return real_engine(*args)

    def write_pdf(view, root, target, **kwargs):
        seen["pdf"].append(threading.current_thread().name)
        assert not target.exists() and "docs" not in target.parts  # beside the tree, put in the site after
        return real_pdf(view, root, target, **kwargs)
    monkeypatch.setattr(build_module, "run_engine", run_engine)
    monkeypatch.setattr(build_module, "write_pdf", write_pdf)
    build_sites(project, out=tmp_path / "both", today=TODAY, strict=True)
    assert seen == {"engine": ["expert-guide-engine"] * 2, "pdf": [threading.main_thread().name] * 2}
    for profile in ("public", "intranet"):
        guide = (tmp_path / "both" / profile / "downloads" / "guide.pdf").read_bytes()
        assert guide.startswith(b"%PDF-") and len(guide) > 10_000
        assert 'href="../downloads/guide.pdf"' in (tmp_path / "both" / profile / "downloads" / "index.html").read_text(encoding="utf-8")

    from generator.render.pdf import PdfError

    def fails(view, root, target, **kwargs):
        raise PdfError("planted")
    monkeypatch.setattr(build_module, "write_pdf", fails)
    with pytest.raises(BuildError, match="planted"):
        build_sites(project, out=tmp_path / "again", today=TODAY)
    assert not (tmp_path / "again" / "public").exists() and threading.active_count() == 1


class _Stopped(BaseException):
    """Stands for a Ctrl-C in the tests (pytest itself stops on a real KeyboardInterrupt)."""


def test_a_build_stopped_while_the_engine_runs_waits_for_it_and_leaves_nothing(project, tmp_path, monkeypatch):
    """The engine runs in a thread while the guide is laid out: a build that stops then (a Ctrl-C, a failed guide)
    stops the engine and waits for it before removing its folders, so that it cannot write pages after them (the
    outside review found unaudited pages written into a staging folder made again after the clean-up)."""
    import threading
    import time

    import mkdocs.utils

    build_module = importlib.import_module("generator.build")
    real_write = mkdocs.utils.write_file

    def slow_write(content, output_path):
        time.sleep(0.05)
        return real_write(content, output_path)
    monkeypatch.setattr(mkdocs.utils, "write_file", slow_write)
    outcome: list[str] = []
    real_engine = build_module.run_engine

    def run_engine(*args):
        try:
            return real_engine(*args)
        except Exception as exc:
            outcome.append(str(exc))
            raise
    monkeypatch.setattr(build_module, "run_engine", run_engine)

    def stopped_while_laid_out(view, root, target, *, laying_out=None, **kwargs):
        laying_out()  # the engine starts
        time.sleep(0.3)
        raise _Stopped()
    monkeypatch.setattr(build_module, "write_pdf", stopped_while_laid_out)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(_Stopped):
        build_module.build_site(project, profile="intranet", out=out / "site", today=TODAY)
    time.sleep(1)  # an engine left running would write on meanwhile
    assert [t.name for t in threading.enumerate()] == [threading.main_thread().name]
    assert sorted(p.name for p in out.iterdir()) == []
    assert len(outcome) == 1 and "构建已停止" in outcome[0]  # stopped before its next page, not run to the end


def test_the_wait_for_the_engine_outlasts_a_ctrl_c():
    """_Alongside.finish: a Ctrl-C while waiting asks the thread to stop, waits for it, then is raised."""
    import threading

    build_module = importlib.import_module("generator.build")
    ended = threading.Event()

    def work(stop):
        stop.wait(10)
        ended.set()
        return []
    running = build_module._Alongside(work)
    real_join = running.join
    calls = []

    def join(timeout=None):
        calls.append(timeout)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real_join(timeout)
    running.join = join
    with pytest.raises(KeyboardInterrupt):
        running.finish()
    assert ended.is_set() and not running.is_alive()


def test_a_finding_stops_the_audit_process_before_the_staging_folders_are_removed(project, tmp_path, capfd):
    """A leak in the public site stops the build while the intranet is still being audited: the audit process is
    stopped first, so that it does not read a folder being removed and print a Python traceback at the user."""
    override = project / "theme" / "overrides" / "downloads"
    override.mkdir(parents=True)
    (override / "roster.xlsx").write_text("联系电话 013912345678\n", encoding="utf-8")
    with pytest.raises(BuildError, match="roster.xlsx"):
        build_sites(project, out=tmp_path / "both", today=TODAY, pdf=False)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and not (tmp_path / "both" / "public").exists()


def test_a_project_with_no_experts_yet_builds_both(project, tmp_path):
    """A programme just set up (units and leaders, no experts, pairings, requests or activities yet): nothing may be
    hidden, so the audit has nothing to look for, and both profiles are published (its process died on an empty
    search before: an outside review found it)."""
    for name in ("experts", "pairings", "activities", "requests"):
        (project / "data" / f"{name}.yaml").write_text("[]\n", encoding="utf-8")
    build_sites(project, out=tmp_path / "out", today=TODAY, pdf=False)
    assert (tmp_path / "out" / "intranet" / "index.html").is_file()
    assert (tmp_path / "out" / "public" / "index.html").is_file()
