"""Activities (联系活动): the ledger's shape, what counts as a pairing's contact, R212 and R213, the intranet page,
and that nothing of an activity reaches the public site, its PDF or its search data."""
from __future__ import annotations

from datetime import date

import pytest
from conftest import MINIMAL, ROOT, TODAY

from generator import check
from generator.cli import main
from generator.contacts import pairing_contacts, symposia
from generator.fields import Record
from generator.models import Activity
from generator.render.pages import environment, generated_pages, nav
from generator.render.view import build_view

D = date.fromisoformat
A = "data/activities.yaml"
L = "data/leaders.yaml"
P = "data/pairings.yaml"
BJ_POLICY = ("---\ntitle: 意见\ndoc_number: 京组发〔2014〕4号\nissuer: 中共北京市委组织部\ndate: 2014-05-06\n"
             "status: 现行有效\n---\n正文\n")


def activity(ident, day, kind="visit", *, leader=None, unit=None, experts=("e1",), extra=""):
    who = (f"  unit: {unit}\n" if unit else "") + (f"  leader: {leader}\n" if leader else "")
    return (f"- id: {ident}\n  kind: {kind}\n  date: {day}\n{who}  experts: [{', '.join(experts)}]\n"
            f"  summary: 走访专家，了解科研情况。\n{extra}")


def codes(lines, code):
    return [line for line in lines if f" {code} " in line]


def test_the_samples_check_clean_with_their_activities(project):
    assert project.lines() == []  # the chongqing-2002 sample: every pairing contacted, every unit met this year
    assert project.lines(D("2026-12-05")) == []
    beijing = check(MINIMAL.parent / "beijing-2014", today=TODAY)
    assert [d.text() for d in beijing.diagnostics] == []
    assert len(beijing.project.activities) == 5


# ---- the ledger's shape: every problem located, in Chinese ----

SHAPE = [
    ("unknown key", activity("x1", "2026-10-10", leader="l-bureau", extra="  sumary: 多写的字段\n"),
     "data/activities.yaml:7:3: error E101 联系活动“x1”中有未知字段“sumary”。提示：是不是“summary”？"),
    ("unknown kind", activity("x1", "2026-10-10", "meeting", leader="l-bureau"),
     "data/activities.yaml:2:9: error E106 “kind”（活动类型）“meeting”不是允许的取值（symposium、visit、condolence、festival、"
     "sanatorium、study）"),
    ("no date", "- id: x1\n  kind: visit\n  leader: l-bureau\n  experts: [e1]\n  summary: 走访专家。\n",
     "data/activities.yaml:1:3: error E102 联系活动“x1”缺少必填字段“date”（活动日期）"),
    ("impossible date", activity("x1", "2026-02-30", leader="l-bureau"),
     "data/activities.yaml:3:9: error E105 “date”（活动日期）“2026-02-30”是不存在的日期。提示：检查月份和日子，如 2 月没有 30 日"),
    ("no experts", "- id: x1\n  kind: visit\n  date: 2026-10-10\n  leader: l-bureau\n  summary: 走访专家。\n",
     "data/activities.yaml:1:3: error E102 联系活动“x1”缺少必填字段“experts”（参加的专家）"),
    ("empty experts", activity("x1", "2026-10-10", leader="l-bureau", experts=()),
     "data/activities.yaml:5:12: error E102 联系活动“x1”的必填字段“experts”（参加的专家）是空列表"),
    ("experts not a list", activity("x1", "2026-10-10", leader="l-bureau").replace("[e1]", "e1"),
     "data/activities.yaml:5:12: error E103 “experts”（参加的专家）应为列表。提示：写成列表：\n  experts:\n    - …"),
    ("unknown expert", activity("x1", "2026-10-10", leader="l-bureau", experts=("e1", "e9")),
     "data/activities.yaml:5:12: error E202 “experts”（参加的专家）引用的专家“e9”不存在。提示：请先在 data/experts.yaml 中登记"),
    ("an expert listed twice", activity("x1", "2026-10-10", leader="l-bureau", experts=("e1", "e2", "e1")),
     "data/activities.yaml:5:21: error E115 “experts”（参加的专家）中“e1”写了两次（第一次在第 5 行）。提示：删去重复的一项；如果本想写另一项，请改正"),
    ("unknown leader", activity("x1", "2026-10-10", leader="l-bureu"),
     "data/activities.yaml:4:11: error E202 “leader”（参加的联系领导）引用的领导“l-bureu”不存在。提示：是不是“l-bureau”？"),
    ("leader by name", activity("x1", "2026-10-10", leader="王局长"),
     "data/activities.yaml:4:11: error E203 “leader”（参加的联系领导）写作“王局长”，应写领导编号“l-bureau”。提示：引用必须与编号完全一致"),
    ("unknown unit", activity("x1", "2026-10-10", unit="helth"),
     "data/activities.yaml:4:9: error E202 “unit”（组织单位）引用的单位“helth”不存在。提示：是不是“health”？"),
    ("neither unit nor leader", activity("x1", "2026-10-10"),
     "data/activities.yaml:1:3: error E608 联系活动“x1”（走访）没有写 unit（组织单位）或 leader（参加的联系领导）。"
     "提示：单位组织的活动写 unit: 单位编号；领导本人参加的写 leader: 领导编号；两者都可以写"),
    ("a day after the check", activity("x1", "2026-11-23", leader="l-bureau"),
     "data/activities.yaml:3:9: error E609 联系活动“x1”（走访）的日期 2026-11-23 晚于检查的日期 2026-11-22：只登记已经举行的活动。"
     "提示：活动举行后再登记；日期写错了的请改正"),
    ("not a list", "id: x1\n", "data/activities.yaml:1:1: error E103 data/activities.yaml 应为联系活动的列表（每项以“- ”开头）"),
]


@pytest.mark.parametrize("case", SHAPE, ids=[c[0] for c in SHAPE])
def test_a_broken_activity_is_a_located_error(project, case):
    _name, text, expected = case
    project.write(A, text)
    lines = project.lines()
    assert expected in lines, "\n".join(lines)
    assert not project.check().ok()


def test_the_check_day_itself_is_not_in_the_future(project):
    project.append(A, activity("x1", "2026-11-22", leader="l-bureau"))
    assert project.lines() == []


def test_activities_may_be_split_into_files_and_ids_stay_unique(project):
    project.write("data/activities/2027.yaml", activity("x1", "2026-10-10", leader="l-bureau"))
    assert project.lines() == []
    assert "x1" in {a.id for a in project.check().project.activities}
    project.write("data/activities/2027.yaml", activity("a1", "2026-10-10", leader="l-bureau"))
    assert ("data/activities/2027.yaml:1:7: error E201 联系活动编号“a1”重复（首次出现在 data/activities.yaml:5:7）。"
            "提示：每个编号只能用一次；拆分到多个文件时也不能重复") in project.lines()


def test_no_activities_file_is_fine(project):
    project.path(A).unlink()
    assert codes(project.lines(D("2026-09-30")), "E013") == []


def test_a_content_page_may_not_take_the_generated_path(project):
    project.write("content/activities.md", "# 活动\n")
    assert ("content/activities.md: error E019 “activities.md”与系统生成的页面或文件重名，会被覆盖或覆盖生成的内容。"
            "提示：请改用其他文件名或目录") in project.lines()


# ---- what counts as a contact (generator/contacts.py) ----

SECOND_BUREAU_LEADER = "- id: l-bureau2\n  name: 孙副局长\n  post: 副局长\n  unit: bureau\n  tier: bureau\n"

# (case, activities, the id of p1's last contact or None); p1 is 王局长 (l-bureau, unit bureau) with 张院士 (e1),
# in force from 2025-07-01. The day of the check is 2026-11-22.
CONTACTS = [
    ("the leader in person", [activity("x", "2026-05-01", leader="l-bureau")], "x"),
    ("the leader's unit organised it", [activity("x", "2026-05-01", "festival", unit="bureau")], "x"),
    ("the unit's event with another unit's leader", [activity("x", "2026-05-01", unit="bureau", leader="l-health")], "x"),
    ("another leader of the same unit, in person", [activity("x", "2026-05-01", leader="l-bureau2")], None),
    ("the leader at another unit's event", [activity("x", "2026-05-01", "symposium", unit="health", leader="l-bureau")],
     "x"),
    ("another unit's event without the leader", [activity("x", "2026-05-01", "symposium", unit="health")], None),
    ("the expert is not among its experts", [activity("x", "2026-05-01", leader="l-bureau", experts=("e2",))], None),
    ("the expert among several", [activity("x", "2026-05-01", "symposium", unit="bureau", experts=("e2", "e1"))], "x"),
    ("before the pairing started", [activity("x", "2025-06-30", leader="l-bureau")], None),
    ("on the day it started", [activity("x", "2025-07-01", leader="l-bureau")], "x"),
    ("on the day of the check", [activity("x", "2026-11-22", leader="l-bureau")], "x"),
    ("after the day of the check (E609) never counts", [activity("x", "2026-11-23", leader="l-bureau")], None),
    ("the latest of several", [activity("x", "2026-05-01", leader="l-bureau"), activity("y", "2026-08-01", unit="bureau"),
                               activity("z", "2026-03-01", leader="l-bureau")], "y"),
]


@pytest.mark.parametrize("case", CONTACTS, ids=[c[0] for c in CONTACTS])
def test_what_counts_as_the_last_contact(project, case):
    _name, records, expected = case
    project.append(L, SECOND_BUREAU_LEADER)
    project.write(A, "".join(records))
    found = {c.pairing.id: c for c in pairing_contacts(project.check().project, TODAY)}
    last = found["p1"].last
    assert (last.id if last else None) == expected


def renewal(project, renews=True):
    """p1 ended on 2026-06-30; p6 continues it from 2026-07-01 (or, without `renews`, starts afresh)."""
    project.replace(P, "  expert: e1\n  start: 2025-07-01\n  end: 2027-06-30\n",
                    "  expert: e1\n  start: 2025-07-01\n  end: 2026-06-30\n  ended: 2026-06-30\n  end_reason: 期满\n")
    project.append(P, "- id: p6\n  leader: l-bureau\n  expert: e1\n  start: 2026-07-01\n  end: 2028-06-30\n"
                      "  consent: {leader: 2026-06-01, expert: 2026-06-02}\n" + ("  renews: p1\n" if renews else ""))


def test_a_renewal_continues_the_relation(project):
    renewal(project)
    project.write(A, activity("x", "2025-12-01", leader="l-bureau"))
    [p6] = [c for c in pairing_contacts(project.check().project, TODAY) if c.pairing.id == "p6"]
    assert (p6.since, p6.last.id) == (D("2025-07-01"), "x")  # the contact under p1 is p6's too


# ---- R212: a symposium a year, from 1 October ----

def symposium(ident, day, unit=None, leader=None, experts=("e1",)):
    return activity(ident, day, "symposium", unit=unit, leader=leader, experts=experts)


# Contacts for every pairing, so that only R212 speaks.
CONTACTED = (activity("c1", "2026-01-15", unit="bureau", experts=("e1", "e2"))
             + activity("c2", "2026-01-15", unit="health", experts=("e3", "e4"))
             + activity("c3", "2026-01-15", unit="east", experts=("e5",)))

# (case, today, activities, extra rules.yaml or None, units warned)
R212 = [
    ("30 September: not yet", "2026-09-30", "", None, []),
    ("1 October: every paired unit without one", "2026-10-01", "", None, ["bureau", "health", "east"]),
    ("31 December: still", "2026-12-31", "", None, ["bureau", "health", "east"]),
    ("a symposium held by the unit", "2026-11-22", symposium("s", "2026-03-01", unit="health"), None, ["bureau", "east"]),
    ("a symposium written with its leader only", "2026-11-22", symposium("s", "2026-03-01", leader="l-east"), None,
     ["bureau", "health"]),
    ("another unit's symposium the leader attended", "2026-11-22",
     symposium("s", "2026-03-01", unit="health", leader="l-bureau"), None, ["bureau", "east"]),
    ("last year's symposium does not count", "2026-11-22", symposium("s", "2025-12-20", unit="bureau"), None,
     ["bureau", "health", "east"]),
    ("a visit is not a symposium", "2026-11-22", activity("s", "2026-03-01", unit="bureau"), None,
     ["bureau", "health", "east"]),
    ("every unit met", "2026-11-22", symposium("s1", "2026-03-01", unit="bureau") + symposium("s2", "2026-04-01", unit="health")
     + symposium("s3", "2026-05-01", unit="east", experts=("e5",)), None, []),
    ("from 1 June by rules.yaml", "2026-06-01", "", "symposium:\n  clause: 第四条\n  from_month: 6\n  from_day: 1\n",
     ["bureau", "health", "east"]),
    ("a day past the month's end means its last day", "2026-02-28", "",
     "symposium:\n  clause: 第四条\n  from_month: 2\n  from_day: 31\n", ["bureau", "health", "east"]),
    ("turned off", "2026-11-22", "", "symposium:\n  clause: 第四条\n  severity: off\n  from_month: 10\n  from_day: 1\n", []),
]


@pytest.mark.parametrize("case", R212, ids=[c[0] for c in R212])
def test_r212_symposium_a_year(project, case):
    _name, today, records, rules, expected = case
    project.write(A, CONTACTED + records)
    if rules:
        project.write("data/rules.yaml", rules)
    lines = codes(project.lines(D(today)), "R212")
    units = {"data/units.yaml:1:3": "bureau", "data/units.yaml:6:3": "health", "data/units.yaml:11:3": "east"}
    assert [units[line.split(": ")[0]] for line in lines] == expected
    assert all(" warning R212 " in line for line in lines)


def test_r212_message_and_a_unit_without_paired_leaders(project):
    project.write(A, CONTACTED)
    lines = codes(project.lines(), "R212")
    assert lines[0] == (
        "data/units.yaml:1:3: warning R212 单位“测试市人事局”有联系专家的领导（王局长），2026 年还没有座谈会记录"
        "（至少每年召开一次；2026-10-01 起检查）（依据：渝人发〔2002〕110号 第四条）。提示：召开座谈会后在 data/activities.yaml "
        "中登记：kind: symposium，unit: bureau，date、experts（到会专家）、summary")
    # uni and hospital have no leaders; a unit whose only pairing has ended has no paired leader either
    project.replace(P, "  expert: e5\n  start: 2025-07-01\n", "  expert: e5\n  start: 2025-07-01\n  ended: 2026-09-30\n"
                                                             "  end_reason: 专家调离\n")
    assert [line.split(": ")[0] for line in codes(project.lines(), "R212")] == ["data/units.yaml:1:3", "data/units.yaml:6:3"]


def test_r212_is_off_in_the_beijing_profile(project):
    project.write(A, CONTACTED)
    project.write("content/policies/bj-2014-4.md", BJ_POLICY)
    project.replace("data/site.yaml", "rules_profile: chongqing-2002", "rules_profile: beijing-2014")
    assert codes(project.lines(D("2026-12-31")), "R212") == []


def test_symposia_are_the_units_own_of_the_year(project):
    project.write(A, symposium("s1", "2026-03-01", unit="bureau") + symposium("s2", "2026-04-01", leader="l-east")
                  + symposium("s3", "2025-04-01", unit="bureau") + symposium("s4", "2026-11-23", unit="health"))
    held = symposia(project.check().project, 2026, TODAY)
    assert {unit: [a.id for a in found] for unit, found in held.items()} == {"bureau": ["s1"], "east": ["s2"]}


# ---- R213: no recorded contact in 12 months ----

# Symposia for every unit, so that only R213 speaks; none of them names e1 (p1) or e5 (p5).
MET = symposium("m1", "2026-03-01", unit="bureau", experts=("e2",)) + \
    symposium("m2", "2026-03-01", unit="health", experts=("e3", "e4")) + \
    symposium("m3", "2026-03-01", leader="l-health", experts=("e4",))

# (case, today, activities, set-up, which of p1, p5, p6 are warned); p1 (王局长 with 张院士) and p5 (赵区长 with 吴工),
# both from 2025-07-01, have no contact unless a case gives one; only R213 lines are compared.
R213 = [
    ("never contacted: 12 months from the start is still in time", "2026-07-01", "", (), []),
    ("never contacted: a day later", "2026-07-02", "", (), ["p1", "p5"]),
    ("contacted exactly 12 months ago", "2026-11-22", activity("x", "2025-11-22", leader="l-bureau")
     + activity("y", "2025-11-22", leader="l-east", experts=("e5",)), (), []),
    ("contacted 12 months and a day ago", "2026-11-23", activity("x", "2025-11-22", leader="l-bureau")
     + activity("y", "2025-11-23", leader="l-east", experts=("e5",)), (), ["p1"]),
    ("contact through the leader's unit", "2026-11-22", activity("x", "2026-05-01", "festival", unit="bureau")
     + activity("y", "2026-05-01", "festival", unit="east", experts=("e5",)), (), []),
    ("a visit by another leader of the unit does not count", "2026-11-22",
     activity("x", "2026-05-01", leader="l-bureau2") + activity("y", "2026-05-01", leader="l-east", experts=("e5",)),
     ("leader",), ["p1"]),
    ("a new pairing is not due in its first 12 months", "2026-11-22", "", ("new",), ["p1", "p5"]),
    ("a new pairing 12 months and a day old", "2027-03-02", "", ("new",), ["p1", "p5", "p6"]),
    ("an ended pairing is not checked", "2026-11-22", "", ("ended",), ["p5"]),
    ("six months by rules.yaml", "2026-11-22", activity("x", "2026-05-21", leader="l-bureau")
     + activity("y", "2026-05-22", leader="l-east", experts=("e5",)), ("six",), ["p1"]),
    ("six months from 31 August end on 28 February", "2027-02-28", activity("x", "2026-08-31", leader="l-bureau")
     + activity("y", "2026-08-31", unit="east", experts=("e5",)), ("six",), []),
    ("and are over on 1 March", "2027-03-01", activity("x", "2026-08-31", leader="l-bureau")
     + activity("y", "2026-08-31", unit="east", experts=("e5",)), ("six",), ["p1", "p5"]),
    ("turned off", "2026-11-22", "", ("off",), []),
]


@pytest.mark.parametrize("case", R213, ids=[c[0] for c in R213])
def test_r213_no_contact_in_twelve_months(project, case):
    _name, today, records, setup, expected = case
    project.write(A, MET + records)
    if "leader" in setup:
        project.append(L, SECOND_BUREAU_LEADER)
    if "new" in setup:  # 孙院士 (e6), paired with 赵区长 from 2026-03-01
        project.append("data/experts.yaml", project.read("data/experts.yaml").split("- id: e2\n")[0]
                       .replace("id: e1", "id: e6").replace("name: 张院士", "name: 孙院士"))
        project.append(P, "- id: p6\n  leader: l-east\n  expert: e6\n  start: 2026-03-01\n  end: 2028-02-29\n"
                          "  consent: {leader: 2026-02-01, expert: 2026-02-02}\n")
    if "ended" in setup:
        project.replace(P, "  expert: e1\n  start: 2025-07-01\n", "  expert: e1\n  start: 2025-07-01\n  ended: 2026-06-30\n"
                                                                 "  end_reason: 专家调离\n")
    if "six" in setup:
        project.write("data/rules.yaml", "regular_contact:\n  clause: 第四条\n  max_months: 6\n")
    if "off" in setup:
        project.write("data/rules.yaml", "regular_contact:\n  clause: 第四条\n  severity: off\n  max_months: 12\n")
    lines = codes(project.lines(D(today)), "R213")
    pairings = [line.split("联系“")[1].split("”")[0] for line in lines]
    assert [p for p in pairings if p in ("p1", "p5", "p6")] == expected, "\n".join(lines)  # p2–p4: MET's
    assert all(" warning R213 " in line for line in lines)


def test_r213_messages_say_what_was_last_and_by_when(project):
    project.write(A, MET + activity("x", "2025-10-16", leader="l-bureau"))
    assert codes(project.lines(), "R213") == [
        "data/pairings.yaml:1:3: warning R213 联系“p1”（王局长（局长）与张院士）最近一次联系活动是 2025-10-16 的走访（“x”），"
        "已超过 12 个月（下一次联系最晚应在 2026-10-16）（依据：渝人发〔2002〕110号 第四条）。提示：走访、慰问后在 "
        "data/activities.yaml 中登记（领导本人参加写 leader，单位组织的写 unit，专家写在 experts 中）",
        "data/pairings.yaml:25:3: warning R213 联系“p5”（赵区长（副区长）与吴工）自 2025-07-01 开始联系，没有任何联系活动记录，"
        "已超过 12 个月（下一次联系最晚应在 2026-07-01）（依据：渝人发〔2002〕110号 第四条）。提示：走访、慰问后在 "
        "data/activities.yaml 中登记（领导本人参加写 leader，单位组织的写 unit，专家写在 experts 中）"]


@pytest.mark.parametrize("renews,expected", [(True, ["p6"]), (False, [])])
def test_r213_a_renewal_is_measured_from_the_first_start(project, renews, expected):
    """p6 renews p1 (ended 2026-06-30): no contact since 2025-07-01 is overdue; a fresh pairing has 12 months."""
    renewal(project, renews)
    project.write(A, MET + activity("y", "2026-05-01", leader="l-east", experts=("e5",)))
    lines = codes(project.lines(), "R213")
    assert [line.split("联系“")[1].split("”")[0] for line in lines] == expected


def test_r213_in_the_beijing_profile_cites_its_clause(project):
    project.write(A, MET)
    project.write("content/policies/bj-2014-4.md", BJ_POLICY)
    project.replace("data/site.yaml", "rules_profile: chongqing-2002", "rules_profile: beijing-2014")
    lines = codes(project.lines(), "R213")
    assert len(lines) == 2 and all("（依据：京组发〔2014〕4号 第四条（一））" in line for line in lines)


def test_strict_turns_r212_and_r213_into_failures(project, capsys):
    project.path(A).unlink()
    result = project.check()
    assert {d.code for d in result.diagnostics} == {"R212", "R213"}
    assert result.ok() and not result.ok(strict=True)
    assert main(["check", str(project.root), "--today", TODAY.isoformat(), "-q"]) == 0
    assert main(["check", str(project.root), "--today", TODAY.isoformat(), "-q", "--strict"]) != 0
    capsys.readouterr()


def test_the_profiles_state_their_clauses():
    from generator.diagnostics import Diagnostics
    from generator.load.project import load_profile

    cq, bj = load_profile("chongqing-2002", Diagnostics()), load_profile("beijing-2014", Diagnostics())
    assert (cq.symposium.clause, cq.symposium.severity, cq.symposium.from_month, cq.symposium.from_day) == \
        ("第四条", "warning", 10, 1)
    assert (bj.symposium.clause, bj.symposium.severity) == ("未规定", "off")  # 第四条（一）: 座谈联谊, no number a year
    assert (cq.regular_contact.clause, cq.regular_contact.max_months) == ("第四条", 12)
    assert (bj.regular_contact.clause, bj.regular_contact.severity, bj.regular_contact.max_months) == \
        ("第四条（一）", "warning", 12)


# ---- the intranet's 联系活动 page ----

def render(view):
    page = next(p for p in generated_pages(view) if p.src_uri == "activities.md")
    return environment().get_template(page.template).render(view=view, site=view.site, base="", page_url="", pdf=True)


def test_the_page_shows_each_pairings_last_contact(project):
    """The sample's activities, with 赵区长's condolence call moved to last year and 东区's symposium without 吴工."""
    project.replace(A, "  date: 2026-09-28\n", "  date: 2025-10-16\n")
    project.replace(A, "  unit: east\n  experts: [e5]\n", "  unit: east\n  experts: [e1]\n")
    view = build_view(project.check().project, "intranet", TODAY)
    page = view.activities
    rows = {p["id"]: p for u in page["units"] for leader in u["leaders"] for p in leader["pairings"]}
    assert {pid: (str(r["last"]["date"]), r["last"]["kind_name"], r["last"]["by"]) for pid, r in rows.items()} == {
        "p1": ("2026-09-22", "走访", "本人参加"), "p2": ("2026-09-18", "座谈会", "本人参加"),
        "p3": ("2026-10-15", "座谈会", "本人参加"), "p4": ("2026-10-15", "座谈会", "本人参加"),
        "p5": ("2025-10-16", "慰问", "本人参加")}
    assert [p["id"] for p in page["stale"]] == ["p5"] and rows["p5"]["due"] == D("2026-10-16")
    assert [u["id"] for u in page["units"]] == ["bureau", "health", "east"]
    east = page["units"][2]
    assert [r["id"] for r in east["activities"]] == ["a5"]  # this year's only; last year's call is p5's last contact
    assert [leader["own_count"] for u in page["units"] for leader in u["leaders"]] == [2, 1, 0]
    html = render(view)
    assert "2025年10月16日</span> 慰问（本人参加）" in html and "已超过 12 个月" in html
    assert 'id="leader-l-east"' in html and 'id="unit-east"' in html
    assert "超过 12 个月没有联系活动（1）" in html and "还没有座谈会记录的单位（0）" in html


def test_contact_by_the_unit_is_labelled_so(project):
    project.write(A, activity("f", "2026-02-01", "festival", unit="bureau", experts=("e1", "e2")))
    rows = {p["id"]: p for u in build_view(project.check().project, "intranet", TODAY).activities["units"]
            for leader in u["leaders"] for p in leader["pairings"]}
    assert rows["p1"]["last"]["by"] == "单位组织" and rows["p3"]["last"] is None


def test_the_public_view_has_no_activities_page_nav_or_count(project):
    public = build_view(project.check().project, "public", TODAY)
    assert public.activities is None
    assert "activities.md" not in {p.src_uri for p in generated_pages(public)}
    assert "联系活动" not in str(nav(public))
    intranet = build_view(project.check().project, "intranet", TODAY)
    assert {"联系活动": "activities/index.md"} in nav(intranet)


# ---- nothing of an activity is public ----

def test_activity_fields_are_at_most_internal():
    assert issubclass(Activity, Record)
    for name, spec in Activity._specs.items():
        assert spec.vis in ("internal", "secret"), name


def test_audit_looks_for_activity_values_in_public_output(tmp_path):
    from generator.audit import audit, forbidden_values

    project = check(ROOT, today=TODAY).project
    forbidden = forbidden_values(project, "public", TODAY)
    mine = [f for f in forbidden if "activities.yaml" in f.source]
    assert {f.source.split(" 的 ")[1] for f in mine} >= {"Activity.summary", "Activity.date"}
    assert all(f.reason == "联系活动的记录只在内网版出现" for f in mine)
    summary = project.get("activities", "a2026-009").summary
    (tmp_path / "page.html").write_text(f"<p>{summary}</p>", encoding="utf-8")
    [hit] = audit(tmp_path, forbidden)
    assert "Activity.summary" in hit.text() and summary not in hit.text()
    assert not [f for f in forbidden_values(project, "intranet", TODAY) if "activities.yaml" in f.source]


def test_the_build_day_is_shown_so_a_record_of_that_day_is_not_a_leak(project):
    """Every page's footer prints the build day: a request received or an activity held that day is not a finding."""
    from generator.audit import forbidden_values

    project.append(A, activity("today", TODAY.isoformat(), leader="l-bureau"))
    forms = {"2026-11-22", "2026年11月22日"}
    values = {f.value for f in forbidden_values(project.check().project, "public", TODAY)}
    assert not forms & values
    assert "2026年9月22日" in values  # any other day of an activity or request still is
    assert forms <= {f.value for f in forbidden_values(project.check().project, "public", D("2026-11-23"))}


@pytest.mark.slow
def test_a_public_build_on_the_day_of_an_activity_and_a_request(project, tmp_path):
    from generator.build import build_site

    project.append(A, activity("today", TODAY.isoformat(), leader="l-bureau"))
    project.replace("data/requests.yaml", "received: 2026-10-15", "received: 2026-11-22")
    project.replace("data/requests.yaml", "answered: 2026-11-16", "answered: 2026-11-22")
    site = build_site(project.root, out=tmp_path / "site", today=TODAY, pdf=False).out  # the audit passes
    assert "2026年11月22日" in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_public_build_holds_nothing_of_activities(sample_public, sample_intranet):
    from sitebuild import all_text

    from generator.extract import channels

    project = check(ROOT, today=TODAY).project
    assert (sample_intranet / "activities" / "index.html").is_file()
    assert "联系活动" in (sample_intranet / "index.html").read_text(encoding="utf-8")  # in the intranet's navigation
    assert not (sample_public / "activities").exists()
    text = all_text(sample_public)
    assert "联系活动" not in text and "座谈会记录" not in text
    for a in project.activities:
        assert a.summary not in text and a.id not in text
    for path in (sample_public / "downloads" / "guide.pdf", sample_public / "search" / "pages.json"):
        read = "\n".join(t for _c, t in channels(path))
        assert "联系活动" not in read and not any(a.summary in read for a in project.activities)


def test_an_activity_summary_pasted_into_content_is_refused(project):
    project.write("content/news.md", "# 动态\n\n卫生系统专家座谈会，听取对科研经费管理和人才培养的建议。\n")
    lines = codes(project.lines(), "E401")
    assert len(lines) == 1 and lines[0].startswith("content/news.md:3:1: error E401 文稿中出现了不应公开的值 ")
    assert "（来自 data/activities.yaml:30:12 的 Activity.summary：联系活动的记录只在内网版出现）" in lines[0]


def test_r212_names_at_most_ten_leaders(project):
    leaders = "".join(f"- id: l-x{n}\n  name: 副局长{n}\n  post: 副局长\n  unit: bureau\n  tier: bureau\n" for n in range(12))
    pairings = "".join(f"- id: px{n}\n  leader: l-x{n}\n  expert: e1\n  start: 2025-07-01\n  end: 2027-06-30\n"
                       f"  consent: {{leader: 2025-06-01, expert: 2025-06-02}}\n" for n in range(12))
    project.write(A, CONTACTED)  # no symposium this year
    project.append("data/leaders.yaml", leaders)
    project.append(P, pairings)
    [line] = [line for line in codes(project.lines(), "R212") if "data/units.yaml:1:3" in line]
    assert "（王局长、副局长0、副局长1、副局长2、副局长3、副局长4、副局长5、副局长6、副局长7、副局长8等 13 位），2026 年" in line
