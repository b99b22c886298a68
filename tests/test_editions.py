"""Editions (issue 11 part 7): `expert-guide diff OLD NEW`, and the 本版变化 page of `build --since`.

Each change kind is one row of a table: an edit from the minimal project's old edition to its new
one, and what each profile's diff says of it. Misuse (revisions that do not exist or look like
options, ambiguous names, an edition with errors) is a second table. The public diff and the
public build are held against canaries planted where the public may not look.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import MINIMAL, TODAY

from generator.audit import audit, forbidden_values
from generator.build import BuildError, build_site
from generator.changes import compare
from generator.check import check
from generator.cli import main
from generator.diff import (EDITION_KEYS, EXPERT_KEYS, FIELD_KEYS, JSON_KEYS, PAIRING_KEYS, RECORD_KEYS, EditionInvalid,
                            as_dict, as_markdown, as_text, diff_editions, md)
from generator.load.edition import EditionError

# ---- two editions of the minimal project ----

def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _append(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def expert(ident: str, name: str, *, region: str = "东区", hidden: bool = False, more: str = "") -> str:
    return (f"- id: {ident}\n  name: {name}\n  gender: 男\n  birth: 1985-05\n  employer: uni\n  system: 教育\n"
            f"  region: {region}\n  title_rank: 副高级\n  degree: 博士\n  field: 数学\n  categories: [postdoc]\n"
            f"  status: active\n  confidential: {'true' if hidden else 'false'}\n"
            f"  public_consent: {'false' if hidden else 'true'}\n{more}")


PAIRING = "- id: {id}\n  leader: {leader}\n  expert: {expert}\n  start: {start}\n  end: {end}\n{more}"

# The block of e5 (吴工) in the minimal project, to change its status.
E5_STATUS = "  field: 机械\n  status: active\n"


def exit_e5(root: Path) -> None:
    _edit(root, "data/experts.yaml", E5_STATUS,
          "  field: 机械\n  status: exited\n  status_date: 2026-09-30\n  exit_reason: 因病退出联系CANARY退出原因\n")
    _edit(root, "data/pairings.yaml", "  expert: e5\n  start: 2025-07-01\n  end: 2027-06-30\n",
          "  expert: e5\n  start: 2025-07-01\n  end: 2027-06-30\n  ended: 2026-09-30\n  end_reason: 专家退出\n")


def remove_e5(root: Path) -> None:
    text = (root / "data" / "experts.yaml").read_text(encoding="utf-8")
    start = text.index("- id: e5\n")
    (root / "data" / "experts.yaml").write_text(text[:start], encoding="utf-8")
    text = (root / "data" / "pairings.yaml").read_text(encoding="utf-8")
    start = text.index("- id: p5\n")
    (root / "data" / "pairings.yaml").write_text(text[:start], encoding="utf-8")
    (root / "data" / "activities.yaml").unlink()  # two of them name e5 alone; activities are not compared


def rename_e1(root: Path) -> None:
    _edit(root, "data/experts.yaml", "- id: e1\n", "- id: e1-renamed\n")
    _edit(root, "data/pairings.yaml", "  expert: e1\n", "  expert: e1-renamed\n")
    _edit(root, "data/requests.yaml", "  expert: e1\n", "  expert: e1-renamed\n")
    _edit(root, "data/activities.yaml", "  experts: [e1, e2]\n", "  experts: [e1-renamed, e2]\n")
    _edit(root, "data/activities.yaml", "  experts: [e1]\n", "  experts: [e1-renamed]\n")


def second_institution(root: Path) -> None:
    _append(root, "data/institutions.yaml", "- id: clinic\n  name: 测试门诊部\n  functions: [体检]\n"
                                            "  address: 测试市测试路 2 号\n  phone: 023-69077239\n")


@dataclass(frozen=True)
class Case:
    name: str
    edit: Callable[[Path], None]
    intranet: dict  # group → [ids] expected in the intranet diff (every other group empty)
    public: dict  # the same for the public diff; "unlisted" is a count
    lines: tuple[str, ...] = ()  # text the intranet diff contains
    before: Callable[[Path], None] | None = None  # an edit to the old edition too


CASES = [
    Case("expert added", lambda r: _append(r, "data/experts.yaml", expert("e6", "孙新人")),
         {"experts_added": ["e6"]}, {"experts_added": ["e6"]}, ("新增专家（1）", "孙新人（测试大学，东区）")),
    Case("hidden expert added", lambda r: _append(r, "data/experts.yaml", expert("e6", "秘密甲", hidden=True)),
         {"experts_added": ["e6"]}, {}, ("秘密甲",)),
    Case("expert exited (status)", exit_e5,
         {"experts_exited": ["e5"], "pairings_ended": ["p5"]}, {"unlisted": 1},
         ("退出的专家（1）", "吴工（测试大学，东区，2026年9月30日退出）", "赵区长 — 吴工（2025年7月1日至2027年6月30日，2026年9月30日提前结束）")),
    Case("expert removed", remove_e5,
         {"experts_exited": ["e5"], "pairings_ended": ["p5"]}, {"unlisted": 1, "pairings_ended": []},
         ("吴工（测试大学，东区，记录已删除）", "赵区长 — 吴工（2025年7月1日至2027年6月30日，记录已删除）")),
    Case("transferred: region", lambda r: _edit(r, "data/experts.yaml", "  field: 心血管\n", "  field: 心血管\n  notes: 调往北区\n")
         or _edit(r, "data/experts.yaml", "  employer: hospital\n  system: 卫生\n  region: 东区\n  title_rank: 正高级\n",
                  "  employer: hospital\n  system: 卫生\n  region: 北区\n  title_rank: 正高级\n"),
         {"experts_transferred": ["e3"]}, {"experts_transferred": ["e3"]}, ("调动（1）", "地区：东区 → 北区", "备注：现为 调往北区")),
    Case("transferred: employer and system",
         lambda r: _edit(r, "data/experts.yaml", "  employer: uni\n  system: 教育\n  region: 东区\n  title_rank: 副高级\n  degree: 硕士\n",
                         "  employer: hospital\n  system: 卫生\n  region: 东区\n  title_rank: 副高级\n  degree: 硕士\n"),
         {"experts_transferred": ["e5"]}, {"experts_transferred": ["e5"]}, ("工作单位：测试大学 → 测试医院", "系统：教育 → 卫生")),
    Case("transferred: status", lambda r: _edit(r, "data/experts.yaml", E5_STATUS,
                                                "  field: 机械\n  status: transferred\n  status_date: 2026-08-01\n"),
         {"experts_transferred": ["e5"]}, {"unlisted": 1}, ("状态：在册 → 已调动",)),
    Case("other change", lambda r: _edit(r, "data/experts.yaml", "  field: 化学\n", "  field: 催化化学\n"),
         {"experts_changed": ["e2"]}, {"experts_changed": ["e2"]}, ("专业领域：化学 → 催化化学",)),
    Case("pairing started", lambda r: _append(r, "data/pairings.yaml", PAIRING.format(
        id="p6", leader="l-east", expert="e2", start="2026-07-01", end="2028-06-30", more="")),
         {"pairings_started": ["p6"]}, {"pairings_started": ["p6"]}, ("新建立的联系（1）", "赵区长 — 刘院士（2026年7月1日至2028年6月30日）")),
    Case("pairing renewed", lambda r: _append(r, "data/pairings.yaml", PAIRING.format(
        id="p1b", leader="l-bureau", expert="e1", start="2027-06-30", end="2029-06-29", more="  renews: p1\n")),
         {"pairings_renewed": ["p1b"]}, {"pairings_renewed": ["p1b"]}, ("续联（1）", "续联 p1")),
    Case("pairing ended", lambda r: _edit(r, "data/pairings.yaml", "  expert: e2\n  start: 2025-07-01\n",
                                          "  expert: e2\n  ended: 2026-10-01\n  end_reason: 工作调整\n  start: 2025-07-01\n"),
         {"pairings_ended": ["p2"]}, {"pairings_ended": ["p2"]}, ("结束的联系（1）", "2026年10月1日提前结束")),
    Case("pairing term changed", lambda r: _edit(r, "data/pairings.yaml", "  expert: e3\n  start: 2025-07-01\n  end: 2027-06-30\n",
                                                 "  expert: e3\n  start: 2025-07-01\n  end: 2027-12-31\n"),
         {"pairings_changed": ["p3"]}, {"pairings_changed": ["p3"]}, ("结束日期：2027年6月30日 → 2027年12月31日",)),
    Case("hidden expert's pairing started", lambda r: _append(r, "data/pairings.yaml", PAIRING.format(
        id="p6", leader="l-east", expert="e4", start="2026-07-01", end="2028-06-30", more="")),
         {"pairings_started": ["p6"]}, {}),
    Case("service changed", lambda r: _edit(r, "data/services.yaml", "time_limit: 15 个工作日", "time_limit: 10 个工作日"),
         {"services_changed": ["health-care"]}, {"services_changed": ["health-care"]},
         ("内容变化（1）", "办理时限：15 个工作日 → 10 个工作日")),
    Case("service list changed", lambda r: _edit(r, "data/services.yaml", "materials: [身份证明]", "materials: [身份证明, 申请表]"),
         {"services_changed": ["health-care"]}, {"services_changed": ["health-care"]}, ("所需材料：身份证明 → 身份证明、申请表",)),
    Case("service added", lambda r: _append(r, "data/services.yaml",
                                            "- id: housing\n  name: 住房保障\n  summary: 协助解决住房。\n  eligibility: 在册专家\n"
                                            "  institution: center\n  process: [申请, 审核]\n  time_limit: 20 个工作日\n  fee: 免费\n"),
         {"services_added": ["housing"]}, {"services_added": ["housing"]}, ("新增服务事项（1）", "住房保障")),
    Case("institution added", second_institution,
         {"institutions_added": ["clinic"]}, {"institutions_added": ["clinic"]}, ("新增服务机构（1）", "测试门诊部")),
    Case("institution removed", lambda r: None, {"institutions_removed": ["clinic"]}, {"institutions_removed": ["clinic"]},
         ("不再列出的服务机构（1）",), before=second_institution),
    Case("institution changed", lambda r: _edit(r, "data/institutions.yaml", "  hours: 工作日 9:00—17:00\n", ""),
         {"institutions_changed": ["center"]}, {"institutions_changed": ["center"]}, ("办公时间：删去（原为 工作日 9:00—17:00）",)),
    Case("an award recorded: both editions", lambda r: _edit(r, "data/experts.yaml", "    - date: 2024-12-20\n",
                                                            "    - date: 2026-06-01\n      kind: award\n      summary: 获测试市青年科技奖\n"
                                                            "    - date: 2024-12-20\n"),
         {"experts_changed": ["e5"]}, {"experts_changed": ["e5"]}, ("动态：新记 2026年6月1日 重要奖励：获测试市青年科技奖",)),
    Case("a post change recorded: the intranet only", lambda r: _edit(r, "data/experts.yaml", "    - date: 2024-12-20\n",
                                                                     "    - date: 2026-06-01\n      kind: post\n      summary: 任测试大学副校长\n"
                                                                     "    - date: 2024-12-20\n"),
         {"experts_changed": ["e5"]}, {}, ("动态：新记 2026年6月1日 职务变化：任测试大学副校长",)),
    Case("an illness recorded: in no edition's changes", lambda r: _edit(r, "data/experts.yaml", "    - date: 2024-12-20\n",
                                                                        "    - date: 2026-06-01\n      kind: illness\n      summary: 住院治疗\n"
                                                                        "    - date: 2024-12-20\n"),
         {}, {}),
    Case("an award taken out", lambda r: _edit(r, "data/experts.yaml",
                                               "    - date: 2024-12-20\n      kind: award\n      summary: 获测试市科学技术进步奖二等奖（第一完成人）\n", ""),
         {"experts_changed": ["e5"]}, {"experts_changed": ["e5"]},
         ("动态：删去 2024年12月20日 重要奖励：获测试市科学技术进步奖二等奖（第一完成人）",)),
    Case("renamed id: an exit and an addition", rename_e1,
         {"experts_exited": ["e1"], "experts_added": ["e1-renamed"], "pairings_changed": ["p1"]},
         {"unlisted": 1, "experts_added": ["e1-renamed"], "pairings_changed": ["p1"]},
         ("联系专家：张院士（e1） → 张院士（e1-renamed）",)),
]


@pytest.fixture
def editions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(MINIMAL, old)
    shutil.copytree(MINIMAL, new)
    return old, new


def _diff(old: Path, new: Path, profile: str):
    changes, _order = diff_editions(str(old), str(new), base=old, profile=profile, today=TODAY)  # type: ignore[arg-type]
    return changes


def _ids(changes, group: str) -> list[str]:
    return sorted(e.id for e in getattr(changes, group))


GROUPS = ("experts_added", "experts_exited", "experts_transferred", "experts_changed", "pairings_started",
          "pairings_renewed", "pairings_ended", "pairings_changed", "services_added", "services_removed",
          "services_changed", "institutions_added", "institutions_removed", "institutions_changed")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_change_kind_is_detected(case: Case, editions):
    old, new = editions
    if case.before is not None:
        case.before(old)
    case.edit(new)
    for profile, expected in (("intranet", case.intranet), ("public", case.public)):
        changes = _diff(old, new, profile)
        found = {g: _ids(changes, g) for g in GROUPS if getattr(changes, g)}
        assert found == {g: ids for g, ids in expected.items() if g != "unlisted" and ids}, profile
        assert changes.experts_unlisted == (expected.get("unlisted", 0) if profile == "public" else None)
        assert changes.empty == (not any(expected.values())), profile
    text = as_text(_diff(old, new, "intranet"))
    for line in case.lines:
        assert line in text, text


def test_no_change_is_an_empty_result_and_says_so(editions):
    old, new = editions
    for profile in ("public", "intranet"):
        changes = _diff(old, new, profile)
        assert changes.empty and all(not getattr(changes, g) for g in GROUPS)
        assert "\n无变化。\n" in as_text(changes)
        assert "无变化。" in as_markdown(changes)
        assert as_dict(changes)["empty"] is True


def test_identical_folder_on_both_sides(editions, capsys, monkeypatch):
    old, _new = editions
    monkeypatch.chdir(old.parent)
    assert main(["diff", "old", "old", "--today", "2026-11-22", "-q"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("本版变化（公开版）\n") and "无变化。" in out


def test_only_bookkeeping_changed_is_no_change(editions):
    old, new = editions
    _edit(new, "data/experts.yaml", E5_STATUS, E5_STATUS + "  reviewed: 2026-10-01\n")
    assert _diff(old, new, "intranet").empty


def test_json_has_the_same_documented_keys_in_both_profiles(editions):
    old, new = editions
    exit_e5(new)
    _append(new, "data/pairings.yaml", PAIRING.format(id="p1b", leader="l-bureau", expert="e1", start="2027-06-30",
                                                      end="2029-06-29", more="  renews: p1\n"))
    _edit(new, "data/services.yaml", "time_limit: 15 个工作日", "time_limit: 10 个工作日")
    for profile in ("public", "intranet"):
        data = json.loads(json.dumps(as_dict(_diff(old, new, profile)), ensure_ascii=False))
        assert tuple(data) == JSON_KEYS
        assert tuple(data["old"]) == EDITION_KEYS and tuple(data["new"]) == EDITION_KEYS
        assert list(data["experts"]) == ["added", "exited", "transferred", "changed", "unlisted"]
        assert list(data["pairings"]) == ["started", "renewed", "ended", "changed"]
        assert list(data["services"]) == list(data["institutions"]) == ["added", "removed", "changed"]
        for entry in data["experts"]["exited"]:
            assert tuple(entry) == EXPERT_KEYS
        [renewal] = data["pairings"]["renewed"]
        assert tuple(renewal) == PAIRING_KEYS
        assert renewal["renews"] == ("p1" if profile == "intranet" else None)  # `renews` is an internal field
        [service] = data["services"]["changed"]
        assert tuple(service) == RECORD_KEYS and tuple(service["fields"][0]) == FIELD_KEYS
        assert service["fields"][0] == {"field": "time_limit", "label": "办理时限", "old": "15 个工作日", "new": "10 个工作日"}
    intranet = as_dict(_diff(old, new, "intranet"))
    assert intranet["experts"]["exited"][0]["date"] == "2026-09-30" and intranet["experts"]["unlisted"] is None
    assert as_dict(_diff(old, new, "public"))["experts"] == {"added": [], "exited": [], "transferred": [], "changed": [],
                                                            "unlisted": 1}


# ---- the public diff: canaries ----

CANARY_NAME = "金丝雀甲"
CANARIES = (CANARY_NAME, "13800138000", "CANARY退出原因", "金丝雀秘境", "周医生", "13700137000", "金丝雀领域", "南岸区")


def plant_canaries(old: Path, new: Path) -> None:
    """Non-public changes of every kind, and one public change whose old value is now a hidden expert's."""
    _append(new, "data/experts.yaml", expert("e6", CANARY_NAME, region="金丝雀秘境", hidden=True,
                                             more="  contact: {mobile: 13800138000}\n"))  # a hidden expert added
    exit_e5(new)  # a public expert exits, with a reason
    _edit(new, "data/experts.yaml", "  contact: {mobile: 013912345678, email: zhang@example.com}\n",
          "  contact: {mobile: 13700137000, email: zhang@example.com}\n")  # a public expert's internal field
    _edit(new, "data/experts.yaml", "  field: 儿科\n", "  field: 金丝雀领域\n")  # a hidden expert (周医生) changes
    _edit(new, "data/pairings.yaml", "  expert: e4\n  start: 2025-07-01\n  end: 2027-06-30\n",
          "  expert: e4\n  start: 2025-07-01\n  end: 2027-03-31\n")  # the hidden expert's pairing
    # 陈医生 moves from 南岸区 to 北区, and hidden 周医生 is now in 南岸区: the old value may not be printed.
    for root, region in ((old, "南岸区"), (new, "北区")):
        _edit(root, "data/experts.yaml", "  employer: hospital\n  system: 卫生\n  region: 东区\n  title_rank: 正高级\n",
              f"  employer: hospital\n  system: 卫生\n  region: {region}\n  title_rank: 正高级\n")
    _edit(new, "data/experts.yaml", "  employer: hospital\n  system: 卫生\n  region: 东区\n  title_rank: 副高级\n",
          "  employer: hospital\n  system: 卫生\n  region: 南岸区\n  title_rank: 副高级\n")


def test_public_diff_shows_nothing_of_hidden_experts_or_internal_fields(editions):
    old, new = editions
    plant_canaries(old, new)
    assert not check(new, today=TODAY).errors
    changes = _diff(old, new, "public")
    for output in (as_text(changes), as_markdown(changes), json.dumps(as_dict(changes), ensure_ascii=False)):
        for canary in CANARIES:
            assert canary not in output, (canary, output)
        assert "e4" not in output and "e6" not in output and "p4" not in output and "吴工" not in output
    assert changes.experts_unlisted == 1 and not changes.experts_added and not changes.pairings_started
    [moved] = changes.experts_transferred
    assert [(f.label, f.old, f.new) for f in moved.fields] == [("地区", None, "北区")]
    assert "地区：现为 北区" in as_text(changes)
    intranet = as_text(_diff(old, new, "intranet"))
    for canary in (CANARY_NAME, "金丝雀秘境", "13700137000", "金丝雀领域", "南岸区 → 北区"):
        assert canary in intranet, canary
    assert "CANARY退出原因" not in intranet  # the exit reason is not part of any diff


def test_a_diff_for_one_profile_never_reaches_the_other_view(editions):
    from generator.render.view import build_view

    old, new = editions
    result = check(new, today=TODAY)
    changes = compare(check(old, today=TODAY).project, result.project, "intranet")
    with pytest.raises(ValueError, match="intranet"):
        build_view(result.project, "public", TODAY, changes=changes)


def test_markdown_escapes_data():
    assert md("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert md("<img src=x>") == "\\<img src=x\\>"
    assert md("# 标题") == "\\# 标题" and md("- 项") == "\\- 项" and md("1. 项") == "1\\. 项"
    assert md("甲 | 乙 *丙*") == "甲 \\| 乙 \\*丙\\*"


# ---- editions from git ----

def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository with the project in the subfolder “my project”: tag edition-2026, then one commit more."""
    repo = tmp_path / "repo"
    project = repo / "my project"
    shutil.copytree(MINIMAL, project)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "2026")
    _git(repo, "tag", "edition-2026")
    _append(project, "data/experts.yaml", expert("e6", "孙新人"))
    _git(repo, "commit", "-qam", "2027")
    return project


def run_diff(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diff", "--today", "2026-11-22", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("old,new", [("edition-2026", "HEAD"), ("HEAD~1", "."), ("edition-2026", "main"),
                                     ("refs/tags/edition-2026", "HEAD")])
def test_revisions_of_a_project_in_a_subfolder(repository, capsys, monkeypatch, old, new):
    monkeypatch.chdir(repository)
    code, out, err = run_diff(capsys, old, new, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [e["id"] for e in data["experts"]["added"]] == ["e6"]
    assert data["old"]["label"] == old and len(data["old"]["revision"]) == 40


def test_a_revision_leaves_no_temporary_folder(repository, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(repository)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    assert run_diff(capsys, "edition-2026", "HEAD")[0] == 0
    assert list((tmp_path / "tmp").iterdir()) == []


# (arguments, exit code, what stderr says): every misuse is one Chinese line, never git's own output
MISUSE = [
    (("no-such-tag", "HEAD"), 2, "找不到版本“no-such-tag”：不是已有的目录，仓库"),
    (("--", "--help", "HEAD"), 2, "找不到版本“--help”"),
    (("--", "-x", "HEAD"), 2, "找不到版本“-x”"),
    (("--", "--output=/tmp/pwned", "HEAD"), 2, "找不到版本“--output=/tmp/pwned”"),
    (("HEAD:data", "HEAD"), 2, "找不到版本“HEAD:data”"),  # a tree, not a commit
    (("", "HEAD"), 2, "版本不能为空"),
    (("data/site.yaml", "HEAD"), 2, "是一个文件，不是项目目录"),
]


@pytest.mark.parametrize("args,code,message", MISUSE, ids=[" ".join(m[0]) or "empty" for m in MISUSE])
def test_misuse_is_a_chinese_usage_error(repository, capsys, monkeypatch, args, code, message):
    monkeypatch.chdir(repository)
    got, out, err = run_diff(capsys, *args)
    assert got == code and message in err and out == "", err
    assert "usage: git" not in err and "fatal:" not in err
    assert not Path("/tmp/pwned").exists()


def test_a_revision_outside_git_is_a_usage_error(editions, capsys, monkeypatch):
    old, _new = editions
    monkeypatch.chdir(old)
    code, out, err = run_diff(capsys, "HEAD", ".")
    assert code == 2 and "不在 git 仓库中" in err and out == ""


def test_a_folder_named_like_an_option_or_a_tag(repository, capsys, monkeypatch):
    monkeypatch.chdir(repository)
    shutil.copytree(MINIMAL, repository / "-x")
    shutil.copytree(MINIMAL, repository / "edition-2026")
    shutil.copytree(MINIMAL, repository / "with space")
    code, out, err = run_diff(capsys, "--", "-x", "with space")
    assert code == 0 and "无变化。" in out, err
    code, out, err = run_diff(capsys, "edition-2026", "HEAD")
    assert code == 2 and "既是一个目录，也是 git 版本" in err and "./edition-2026" in err
    assert run_diff(capsys, "./edition-2026", "HEAD")[0] == 0  # the folder
    code, out, _err = run_diff(capsys, "refs/tags/edition-2026", "./edition-2026")  # the tag, and the folder
    assert code == 0 and "无变化。" in out


def test_a_project_with_errors_on_one_side(repository, capsys, monkeypatch):
    monkeypatch.chdir(repository)
    _edit(repository, "data/experts.yaml", "  confidential: true\n", "  confidential: yes\n")
    _git(repository, "commit", "-qam", "broken")
    code, out, err = run_diff(capsys, "HEAD", "edition-2026")
    assert code == 1
    assert out.startswith("HEAD:my project/data/experts.yaml:57:17: error E104 "), out
    assert "版本“HEAD”的数据校验未通过（1 个错误），无法比较" in err
    code, out, err = run_diff(capsys, "edition-2026", ".")  # the folder itself
    assert code == 1 and out.startswith("./data/experts.yaml:57:17: error E104 "), out


def test_contact_rule_errors_do_not_stop_a_diff(editions):
    """Whether a pairing is overdue depends on the day it is judged on: R… findings never block a diff."""
    old, new = editions
    exit_e5(new)
    _edit(new, "data/pairings.yaml", "  end_reason: 专家退出\n", "  end_reason: 专家退出\n  renews: p4\n")  # R206 error
    assert any(d.code.startswith("R") for d in check(new, today=TODAY).errors)
    assert _diff(old, new, "intranet").experts_exited


def test_edition_errors_are_values(editions):
    old, _new = editions
    with pytest.raises(EditionError, match="找不到版本"):
        diff_editions("no-such", str(old), base=old, profile="public", today=TODAY)
    _edit(old, "data/site.yaml", "published: 2026-01-01", "published: 2026-13-01")
    with pytest.raises(EditionInvalid) as caught:
        diff_editions(str(old), str(old), base=old, profile="public", today=TODAY)
    assert caught.value.diagnostics[0].code == "E105"


# ---- the 本版变化 page and chapter ----

@pytest.fixture(scope="module")
def since_builds(tmp_path_factory) -> dict[str, Path]:
    """Both profiles built with --since the old edition, canaries planted; PDFs included."""
    base = tmp_path_factory.mktemp("since")
    old, new = base / "old", base / "new"
    shutil.copytree(MINIMAL, old)
    shutil.copytree(MINIMAL, new)
    plant_canaries(old, new)
    _edit(new, "data/services.yaml", "time_limit: 15 个工作日", "time_limit: 10 个工作日")
    out = {"new": new, "old": old}
    for profile in ("intranet", "public"):
        out[profile] = build_site(new, profile=profile, out=base / f"site-{profile}", today=TODAY,  # type: ignore[arg-type]
                                  since=str(old)).out
    return out


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_intranet_site_and_guide_have_the_changes(since_builds):
    site = since_builds["intranet"]
    page = (site / "changes" / "index.html").read_text(encoding="utf-8")
    for text in ("本版变化", "新增专家（1）", CANARY_NAME, "退出的专家（1）", "吴工", "办理时限：15 个工作日 → 10 个工作日",
                 "地区：南岸区 → 北区"):
        assert text in page, text
    assert 'href="changes/"' in (site / "index.html").read_text(encoding="utf-8")  # in the navigation
    pdf = _pdf_text(site / "downloads" / "guide.pdf")
    assert "本版变化 ...." in pdf and "新增专家（1）" in pdf and CANARY_NAME in pdf
    toc = pdf[:pdf.index("致专家的信 ")]
    assert "本版变化" in toc


def test_public_build_with_changes_passes_the_audit(since_builds):
    site, new = since_builds["public"], since_builds["new"]
    page = (site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "1 位专家不再列入本版的专家名录" in page and "地区：现为 北区" in page
    assert "办理时限：15 个工作日 → 10 个工作日" in page
    assert audit(site, forbidden_values(check(new, today=TODAY).project, "public", TODAY)) == []
    pdf = _pdf_text(site / "downloads" / "guide.pdf")
    assert "本版变化" in pdf
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json"):
            text = path.read_text(encoding="utf-8")
            for canary in CANARIES:
                assert canary not in text, (canary, path)
    for canary in CANARIES:
        assert canary not in pdf, canary


def test_no_previous_edition_no_changes_page(sample_intranet, sample_public):
    for site in (sample_intranet, sample_public):
        assert not (site / "changes").exists()
        assert "本版变化" not in (site / "index.html").read_text(encoding="utf-8")
        assert "本版变化" not in _pdf_text(site / "downloads" / "guide.pdf")


def test_a_previous_edition_that_cannot_be_found_writes_nothing(editions, tmp_path):
    _old, new = editions
    with pytest.raises(EditionError, match="找不到版本"):
        build_site(new, out=tmp_path / "site", today=TODAY, pdf=False, since="no-such-edition")
    assert not (tmp_path / "site").exists()
    code = main(["build", str(new), "--out", str(tmp_path / "site"), "--since", "no-such-edition", "-q", "--no-pdf",
                 "--today", "2026-11-22"])
    assert code == 2 and not (tmp_path / "site").exists()


def test_a_previous_edition_with_errors_stops_the_build(editions, tmp_path, capsys):
    old, new = editions
    _edit(old, "data/experts.yaml", "  confidential: true\n", "  confidential: yes\n")
    with pytest.raises(BuildError, match="数据校验未通过"):
        build_site(new, out=tmp_path / "site", today=TODAY, pdf=False, since=str(old))
    assert not (tmp_path / "site").exists()
    code = main(["build", str(new), "--out", str(tmp_path / "site"), "--since", str(old), "-q", "--no-pdf",
                 "--today", "2026-11-22"])
    out = capsys.readouterr().out
    assert code == 1 and f"{old}/data/experts.yaml:57:17: error E104" in out


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("profile", ["intranet", "public"])
def test_the_changes_page_on_a_phone_and_a_desktop(since_builds, profile):
    """As test_layouts measures every page type: no sideways overflow, no date or number broken, axe clean."""
    from axe_playwright_python.sync_playwright import Axe
    from browser import chromium, serve
    from test_layouts import OVERFLOW_JS, SERIOUS, TOKENS_JS

    with serve(since_builds[profile]) as base, chromium() as browser:
        page = browser.new_page()
        for viewport in ({"width": 390, "height": 844}, {"width": 1280, "height": 800}):
            page.set_viewport_size(viewport)
            for large in ("0", "1"):
                page.goto(base)
                page.evaluate("large => localStorage.setItem('eg-large-text', large)", large)
                page.goto(base + "changes/")
                scroll, inner = page.evaluate(OVERFLOW_JS)
                assert scroll <= inner, (viewport, large)
                tokens = page.evaluate(TOKENS_JS)
                assert tokens and [t for t, lines in tokens if lines > 1] == [], (viewport, large, tokens)
            violations = Axe().run(page).response["violations"]
            assert [(v["id"], v["impact"]) for v in violations if v["impact"] in SERIOUS] == []


def test_data_in_the_changes_never_becomes_markup(editions):
    from generator.render.pages import environment
    from generator.render.view import build_view

    old, new = editions
    _append(new, "data/experts.yaml", expert("e6", "<script>alert(1)</script>"))
    _edit(new, "data/services.yaml", "time_limit: 15 个工作日", "time_limit: '[x](javascript:alert(1)) <b>'")
    changes = _diff(old, new, "intranet")
    result = check(new, today=TODAY)
    view = build_view(result.project, "intranet", TODAY, changes=changes)
    html = environment().get_template("changes.html").render(view=view, base="../")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html and "&lt;b&gt;" in html
    markdown = as_markdown(changes)
    assert "\\<script\\>" in markdown and "\\[x\\](javascript:alert(1)) \\<b\\>" in markdown


def test_an_edition_is_what_the_commit_recorded(repository, capsys, monkeypatch):
    """Not what `git archive` would make of it: export-ignore and export-subst do not apply."""
    repo = repository.parent
    (repo / ".gitattributes").write_text("*.yaml export-ignore\n*.md export-subst\n", encoding="utf-8")
    _append(repository, "content/index.md", "\n$Format:%H$\n")
    os.symlink("data", repository / "link")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "attributes")
    monkeypatch.chdir(repository)
    code, out, err = run_diff(capsys, "HEAD", ".", "--format", "json")
    assert code == 0 and json.loads(out)["empty"] is True, err


def test_events_in_json_are_objects(editions):
    from generator.diff import as_dict

    old, new = editions
    _edit(new, "data/experts.yaml", "    - date: 2024-12-20\n",
          "    - date: 2026-06-01\n      kind: transfer\n      summary: 调入测试医院\n      employer: hospital\n"
          "    - date: 2024-12-20\n")
    [entry] = as_dict(_diff(old, new, "intranet"))["experts"]["changed"]
    [field] = [f for f in entry["fields"] if f["field"] == "events"]
    assert field == {"field": "events", "label": "动态", "old": None,
                     "new": [{"date": "2026-06-01", "kind": "工作调动", "summary": "调入测试医院", "to": "测试医院"}]}
    assert not _diff(old, new, "public").experts_changed  # a transfer is not a public event
