"""Every door refuses an output that would destroy or mix anything, with nothing touched; faults publish nothing.

The guard rows run the real commands on a git project with an uncommitted file; after each
refusal the whole project tree (including .git) is byte for byte what it was.
"""
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

EPOCH = "1795305600"  # 2026-11-22


def tree(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out[rel] = "->" + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif p.is_dir():
            out[rel] = "dir"
    return out


def run(*args: str, cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "work" / "project"
    shutil.copytree(MINIMAL, root)
    shutil.copy(ROOT / "mkdocs.yml", root)
    shutil.copytree(ROOT / "theme", root / "theme")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "草稿.txt").write_text("未提交的文件", encoding="utf-8")
    (root / "documents").mkdir()
    (root / "documents" / "简历.docx").write_bytes(b"PK not ours")
    (root / "notes.pdf").write_bytes(b"%PDF-1.7 someone else's")
    return root


# (case, command line; {root} is the project), expected words of the refusal
GUARD = [
    ("--out .", ["build", ".", "--out", "."], "项目目录或其上级目录"),
    ("--out ..", ["build", ".", "--out", ".."], "项目目录或其上级目录"),
    ("--out /", ["build", ".", "--out", "/"], "项目目录或其上级目录"),
    ("--out data", ["build", ".", "--out", "data"], "data/"),
    ("--out data/new", ["build", ".", "--out", "data/new"], "data/"),
    ("--out content/site", ["build", ".", "--out", "content/site"], "content/"),
    ("--out .git", ["build", ".", "--out", ".git"], ".git/"),
    ("--out .git/hooks", ["build", ".", "--out", ".git/hooks"], ".git/"),
    ("--out an existing file", ["build", ".", "--out", "草稿.txt"], "已是一个文件"),
    ("--out someone's folder", ["build", ".", "--out", "documents"], "不是空目录"),
    ("--out via a symlink to data", ["build", ".", "--out", "link-to-data"], "data/"),
    ("pdf -o an existing file", ["pdf", ".", "-o", "草稿.txt"], "已存在"),
    ("pdf -o someone's PDF", ["pdf", ".", "-o", "notes.pdf"], "不是本工具生成的指南"),
    ("pdf -o data/guide.pdf", ["pdf", ".", "-o", "data/guide.pdf"], "data/"),
    ("pdf -o a folder", ["pdf", ".", "-o", "documents"], "是一个目录"),
    ("pdf -o the project", ["pdf", ".", "-o", "."], "项目目录或其上级目录"),
    ("pdf -o into a missing folder", ["pdf", ".", "-o", "missing/folder/guide.pdf"], "不存在"),
]


@pytest.mark.parametrize("case", GUARD, ids=[g[0] for g in GUARD])
def test_every_door_refuses_a_dangerous_output(project, case):
    _name, argv, words = case
    os.symlink(project / "data", project / "link-to-data")
    before = tree(project.parent)
    result = run(*argv, cwd=project)
    assert result.returncode == 1, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert tree(project.parent) == before


@pytest.mark.slow
def test_a_profile_never_lands_in_the_other_profiles_folder(project):
    assert run("build", ".", "--no-pdf", "-q", cwd=project).returncode == 0
    public = tree(project / "site")
    assert (project / "site" / ".expert-guide").read_text(encoding="utf-8").endswith("profile: public\n")
    refused = run("build", ".", "--profile", "intranet", "--out", "site", "--no-pdf", "-q", cwd=project)
    assert refused.returncode == 1 and "公开版的发布目录" in refused.stderr
    assert tree(project / "site") == public
    # the plain MkDocs door picks the intranet folder by itself
    env = {**os.environ, "EXPERT_GUIDE_PROFILE": "intranet", "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (project / "site-intranet" / "report" / "index.html").is_file()
    assert tree(project / "site") == public


def _start(project: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT)}
    # Ctrl-C as in a terminal: a process started with SIGINT ignored (as children of a test runner's worker can
    # be) keeps it ignored, and Python then installs no KeyboardInterrupt; the full CI run showed it
    return subprocess.Popen([sys.executable, "-m", "generator", "build", str(project), "--out", str(out), "-q", *extra],
                            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _done(proc: subprocess.Popen) -> int:
    proc.communicate(timeout=300)
    return proc.returncode


def _session_alive(sid: int) -> list[int]:
    """Processes still in the session a build was started in (its workers included)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


@pytest.mark.slow
def test_concurrent_builds_take_turns(project, tmp_path):
    out = tmp_path / "site"
    first, second = _start(project, out, "--no-pdf"), _start(project, out, "--no-pdf")
    for proc in (first, second):
        _o, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert (out / ".expert-guide").is_file() and (out / "index.html").is_file()
    assert not list(tmp_path.glob(".site.new-*"))


@pytest.mark.slow
def test_ctrl_c_says_one_chinese_line_and_publishes_nothing(project, tmp_path):
    # a long policy keeps the engine and the audit busy for a while after the staging folder appears: the
    # signal lands in the middle of publishing, not after it (a fast build on a quiet machine won the race)
    policy = next((project / "content" / "policies").glob("*.md"))
    policy.write_text(policy.read_text(encoding="utf-8") + "".join(
        f"\n第{n}段。各级领导联系专家的工作，须按规定登记、报送和反馈，专家的个人信息严格保密。\n" for n in range(4000)),
        encoding="utf-8")
    out = tmp_path / "site"
    assert _done(_start(project, out, "--no-pdf")) == 0
    before = tree(out)
    for _attempt in range(3):
        proc = _start(project, out, "--no-pdf")
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".site.new-*")) and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        _o, err = proc.communicate(timeout=120)
        if proc.returncode != 0:  # 0: the build was done before the signal came; what it published is the same
            break
        assert tree(out) == before
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["expert-guide: 已中断（Ctrl-C）；已发布的内容保持不变。"]
    assert tree(out) == before
    assert not list(tmp_path.glob(".site.new-*"))
    assert _session_alive(proc.pid) == []


@pytest.mark.slow
def test_a_killed_build_leaves_no_typesetting_worker(tmp_path):
    """The 名单 typeset in parallel parts: SIGKILL the parent, and every worker dies with it."""
    script = tmp_path / "typeset.py"
    script.write_text(f"""
import sys, shutil
sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'tests')!r})
from conftest import MINIMAL, TODAY
from generator import check
from generator.render.pdf import parallel, write
from generator.render.view import build_view
def slow(args):
    import time; print("worker", flush=True); time.sleep(120)
if __name__ == "__main__":  # workers are spawned: each imports this file again, as __mp_main__
    write.PARALLEL_MIN = 0
    parallel.typeset_part = slow
    view = build_view(check(MINIMAL, today=TODAY).project, "public", TODAY)
    write.write_pdf(view, MINIMAL, {str(tmp_path / 'g.pdf')!r})
""", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    first = proc.stdout.readline()
    if not first.startswith("worker"):
        proc.kill()
        pytest.fail(first + proc.communicate()[0])
    time.sleep(0.3)
    assert len(_session_alive(proc.pid)) >= 2  # the parent and its workers
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while _session_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _session_alive(proc.pid) == []


def _tmpfs(path: Path, size_kb: int) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


@pytest.mark.slow
def test_full_disk_and_read_only_output_publish_nothing(project, tmp_path):
    """On a small tmpfs when the machine allows mounting one; otherwise the same errors are injected."""
    disk = tmp_path / "disk"
    first = tmp_path / "first"
    assert _done(_start(project, first, "--no-pdf")) == 0
    size = sum(p.stat().st_size for p in first.rglob("*") if p.is_file()) // 1024
    if not _tmpfs(disk, size + size // 2 + 64):
        pytest.skip("mounting a tmpfs is not allowed here; test_injected_os_errors covers the same paths")
    try:
        out = disk / "site"
        shutil.copytree(first, out)  # a previous publication that just fits
        before = tree(out)
        full = run("build", str(project), "--out", str(out), "--no-pdf", "-q", cwd=project)
        assert full.returncode == 1 and "磁盘空间不足" in full.stderr and "Traceback" not in full.stderr, full.stderr
        assert tree(out) == before and not list(disk.glob(".site.new-*"))
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        readonly = run("build", str(project), "--out", str(out), "--no-pdf", "-q", cwd=project)
        assert readonly.returncode == 1 and "只读" in readonly.stderr and "Traceback" not in readonly.stderr, \
            readonly.stderr
        assert tree(out) == before
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


@pytest.mark.slow
@pytest.mark.parametrize("error", ["ENOSPC", "EROFS"])
def test_injected_os_errors(project, tmp_path, monkeypatch, capsys, error):
    import errno

    from generator import cli
    from generator.render import tree as docs_tree

    out = tmp_path / "site"
    assert cli.main(["build", str(project), "--out", str(out), "--no-pdf", "-q"]) == 0
    before = tree(out)

    def fail(*_args, **_kw):
        code = getattr(errno, error)
        raise OSError(code, os.strerror(code), str(out / "search" / "pages.json"))

    monkeypatch.setattr(docs_tree, "_write", fail)
    capsys.readouterr()
    assert cli.main(["build", str(project), "--out", str(out), "--no-pdf", "-q"]) == 1
    err = capsys.readouterr().err
    assert ("磁盘空间不足" if error == "ENOSPC" else "只读") in err and "已发布的内容保持不变" in err
    assert tree(out) == before and not list(tmp_path.glob(".site.new-*"))


@pytest.mark.slow
def test_no_publication_inside_another_and_look_alike_folders_are_kept(project):
    assert run("build", ".", "--no-pdf", "-q", cwd=project).returncode == 0
    before = tree(project.parent)
    for argv in (["build", ".", "--profile", "intranet", "--out", "site/internal", "--no-pdf"],
                 ["pdf", ".", "--profile", "intranet", "-o", "site/downloads/internal.pdf"],
                 ["build", ".", "--out", str(project.parent), "--no-pdf"]):
        result = run(*argv, cwd=project)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert tree(project.parent) == before
    for name in (".site.old-mybackup", ".site.new-999999-notes"):  # a user's folders that look like ours
        (project / name).mkdir()
        (project / name / "重要.txt").write_text("保留", encoding="utf-8")
    assert run("build", ".", "--no-pdf", "-q", cwd=project).returncode == 0
    for name in (".site.old-mybackup", ".site.new-999999-notes"):
        assert (project / name / "重要.txt").read_text(encoding="utf-8") == "保留"


def test_a_ctrl_c_inside_mkdtemp_leaves_no_staging_folder(project, tmp_path, monkeypatch):
    """On a busy machine the signal can land just after mkdtemp's mkdir, before the name is known (the moment
    test_ctrl_c_says_one_chinese_line_and_publishes_nothing interrupts): the folder is removed all the same."""
    import signal as signals

    from generator.publish import Publication

    real = os.mkdir
    sent = []

    def mkdir(path, *args, **kwargs):
        real(path, *args, **kwargs)
        if ".site.new-" in str(path) and not sent:  # the staging folder now exists: interrupt
            sent.append(path)
            os.kill(os.getpid(), signals.SIGINT)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signals.signal(signals.SIGINT, interrupt)
    monkeypatch.setattr(os, "mkdir", mkdir)
    try:
        with pytest.raises(KeyboardInterrupt):
            with Publication(project, tmp_path / "site", "public"):
                pass
    finally:
        monkeypatch.undo()
        signals.signal(signals.SIGINT, previous)
    assert sent and not list(tmp_path.glob(".site.new-*"))


def test_one_thread_holds_a_folder_once_and_another_thread_waits_for_it(tmp_path):
    """build --profile all publishes two outputs in one folder under one lock; a second builder in another thread
    of the same process still takes its turn (the lock is per folder and thread, not per process)."""
    import threading

    from generator import publish
    from generator.publish import Publication

    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    said: list[str] = []
    first = Publication(root, tmp_path / "out" / "public", "public")
    second = Publication(root, tmp_path / "out" / "intranet", "intranet")
    first.open()
    second.open()  # the same thread: no wait on its own lock
    other = Publication(root, tmp_path / "out" / "x", "public", progress=said.append)
    opened = threading.Event()
    thread = threading.Thread(target=lambda: (other.open(), opened.set()))
    thread.start()
    while not said:  # it found the folder locked and said so (it cannot take it while ours is held)
        assert thread.is_alive()
        time.sleep(0.01)
    assert said[0].startswith("等待另一个正在发布到") and not opened.is_set()
    first.close()
    held = [count for (folder, _thread), (_fd, count) in publish._HELD.items() if folder == str(tmp_path / "out")]
    assert held == [1] and not opened.is_set(), "the lock is held until the last publication of this thread lets go"
    second.close()
    thread.join(30)
    assert opened.is_set()
    other.close()
