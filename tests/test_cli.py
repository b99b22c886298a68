"""The command line: formats, exit codes, and never a traceback for a user's mistake."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT


def run(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_text_exit_0_on_valid_project(project):
    result = run("check", str(project.root), "--today", "2026-11-22")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "检查通过：0 个错误，0 个警告。\n"
    assert "读取 data/experts.yaml" in result.stderr  # progress goes to stderr


def test_check_errors_exit_1_in_all_formats(project):
    project.replace("data/experts.yaml", "  confidential: true\n", "  confidential: yes\n")
    text = run("check", str(project.root), "--today", "2026-11-22")
    assert text.returncode == 1
    assert text.stdout.splitlines()[0].startswith("data/experts.yaml:57:17: error E104 ")
    assert text.stdout.splitlines()[-1] == "检查未通过：1 个错误，0 个警告。"
    as_json = run("check", str(project.root), "--format", "json", "--today", "2026-11-22")
    assert as_json.returncode == 1
    [item] = json.loads(as_json.stdout)
    assert {k: item[k] for k in ("path", "line", "col", "severity", "code")} == \
        {"path": "data/experts.yaml", "line": 57, "col": 17, "severity": "error", "code": "E104"}
    github = run("check", str(project.root), "--format", "github", "--today", "2026-11-22")
    assert github.returncode == 1
    assert github.stdout.startswith("::error file=data/experts.yaml,line=57,col=17,title=E104::E104 “confidential”")


def test_warnings_pass_unless_strict(project):
    project.replace("data/leaders.yaml", "  tier: district\n  responsible: true\n", "  tier: district\n")
    passing = run("check", str(project.root), "--today", "2026-11-22")
    assert passing.returncode == 0 and "warning R209" in passing.stdout and "0 个错误，1 个警告" in passing.stdout, \
        passing.stdout
    strict = run("check", str(project.root), "--strict", "--today", "2026-11-22")
    assert strict.returncode == 1
    assert "warning R209" in strict.stdout


def test_usage_errors_exit_2_without_traceback(tmp_path):
    for args in (["check", str(tmp_path / "missing")], ["check", "--format", "xml"], ["frobnicate"],
                 ["check", "--today", "2026-02-30"]):
        result = run(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        assert "用法错误" in result.stderr


def test_hostile_files_never_show_a_traceback(project):
    project.write("data/experts.yaml", b"- id: x\x00garbage")
    project.write("data/units.yaml", "- [a, b]\n- 3\n- {id: {x: 1}}\n")
    project.write("data/site.yaml", "- 1\n")
    result = run("check", str(project.root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "E001" in result.stdout and "E103" in result.stdout


def test_directory_without_data(tmp_path):
    result = run("check", str(tmp_path))
    assert result.returncode == 1
    assert "E013 找不到数据目录 data/" in result.stdout


# (case, environment, arguments, exit code, words on stderr or stdout): never a traceback
ODD_RUNS = [
    ("--today 9999-12-31", {}, ["check", "{root}", "--today", "9999-12-31"], 2, "超出可用范围"),
    ("--today 0001-01-01", {}, ["check", "{root}", "--today", "0001-01-01"], 2, "超出可用范围"),
    ("SOURCE_DATE_EPOCH huge", {"SOURCE_DATE_EPOCH": "99999999999999"}, ["check", "{root}"], 2, "超出可用范围"),
    ("SOURCE_DATE_EPOCH past 2100", {"SOURCE_DATE_EPOCH": "4200000000"}, ["check", "{root}"], 2, "超出可用范围"),
    ("SOURCE_DATE_EPOCH not a number", {"SOURCE_DATE_EPOCH": "yesterday"}, ["check", "{root}"], 2, "不是秒数"),
    ("C locale", {"LC_ALL": "C", "LANG": "C"}, ["check", "{root}", "--today", "2026-11-22"], 0, "检查通过"),
    ("latin-1 terminal", {"PYTHONIOENCODING": "latin-1"}, ["check", "{root}", "--today", "2026-11-22"], 0, "\\u68c0"),
    ("no such project", {}, ["check", "{root}/nowhere"], 2, "不存在"),
]


@pytest.mark.parametrize("case", ODD_RUNS, ids=[c[0] for c in ODD_RUNS])
def test_odd_runs_never_show_a_traceback(project, case):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    _name, env, argv, code, words = case
    env = {**{k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}, "PYTHONPATH": str(ROOT), **env}
    result = subprocess.run([sys.executable, "-m", "generator", *[a.format(root=project.root) for a in argv]],
                            capture_output=True, env=env, timeout=120)
    out = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert result.returncode == code, out
    assert words in out and "Traceback" not in out, out
