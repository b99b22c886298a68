"""Each pairing rule: the minimal project passes it; one edit makes it fail with its own message."""
from __future__ import annotations

from datetime import date

import pytest

P = "data/pairings.yaml"
E = "data/experts.yaml"
L = "data/leaders.yaml"


def pairing(ident, leader, expert, start="2025-07-01", end="2027-06-30", extra=""):
    return (f"- id: {ident}\n  leader: {leader}\n  expert: {expert}\n  start: {start}\n  end: {end}\n"
            f"  consent: {{leader: 2025-06-01, expert: 2025-06-02}}\n{extra}")


def academician(ident, name):
    return (f"- id: {ident}\n  name: {name}\n  gender: 男\n  birth: 1950-01\n  employer: uni\n  system: 教育\n"
            f"  region: 东区\n  title_rank: 正高级\n  degree: 博士\n  field: 物理\n  categories: [academician]\n"
            f"  status: active\n  confidential: false\n  public_consent: true\n")


def codes(lines, code):
    return [line for line in lines if f" {code} " in line]


def test_every_rule_passes_on_the_minimal_project(project):
    assert project.lines() == []


def test_r201_over_max_is_an_error_at_the_excess_pairing(project):
    for i in (6, 7):
        project.append(E, academician(f"e{i}", f"院士{i}"))
        project.append(P, pairing(f"p{i}", "l-bureau", f"e{i}"))
    assert codes(project.lines(), "R201") == [
        "data/pairings.yaml:38:11: error R201 王局长联系专家 4 名，超过局领导上限 3 名（依据：渝人发〔2002〕110号 第三条）"
        "。提示：这是王局长第 4 条在联系的记录；请结束或改派多出的联系"]


def test_r201_under_min_is_a_warning(project):
    project.replace(P, "  expert: e2\n  start: 2025-07-01", "  expert: e2\n  start: 2025-07-01\n  ended: 2026-01-01\n  end_reason: 专家申请")
    assert codes(project.lines(), "R201") == [
        "data/leaders.yaml:1:3: warning R201 王局长联系专家 1 名，少于局领导下限 2 名（依据：渝人发〔2002〕110号 第三条）"]


def test_r202_bureau_leader_only_with_academicians(project):
    project.replace(P, "  leader: l-bureau\n  expert: e2\n", "  leader: l-bureau\n  expert: e3\n")
    assert "R202 王局长（局长）与专家陈医生的联系不符合要求：局领导只联系两院院士" in "\n".join(project.lines())


def test_r202_department_leader_only_with_own_system(project):
    project.replace(P, "  leader: l-health\n  expert: e4\n", "  leader: l-health\n  expert: e2\n")
    assert ("data/pairings.yaml:21:11: error R202 李局长（局长）与专家刘院士的联系不符合要求：部门领导只联系本系统（卫生）专家，"
            "该专家属于“教育”（依据：渝人发〔2002〕110号 第三条）") in project.lines()


def test_r202_district_leader_only_with_own_region_and_targets(project):
    project.replace(E, "  region: 东区\n  title_rank: 副高级\n  degree: 硕士\n",
                    "  region: 西区\n  title_rank: 副高级\n  degree: 硕士\n")
    assert "区县领导只联系本地区（东区）专家，该专家属于“西区”" in "\n".join(project.lines())


def test_r202_district_target_by_rank_or_degree(project):
    project.replace(E, "  title_rank: 副高级\n  degree: 硕士\n  field: 机械\n", "  title_rank: 中级\n  degree: 硕士\n  field: 机械\n")
    lines = codes(project.lines(), "R202")
    assert len(lines) == 1 and "职称（中级）和学位（硕士）也不在区县联系范围（职称 正高级、副高级；学位 博士）内" in lines[0]
    project.replace(E, "  title_rank: 中级\n  degree: 硕士\n  field: 机械\n", "  title_rank: 中级\n  degree: 博士\n  field: 机械\n")
    assert codes(project.lines(), "R202") == []


def test_r203_contacted_expert_must_hold_a_category(project):
    project.replace(E, "  field: 心血管\n  categories: [allowance]\n", "  field: 心血管\n")
    assert codes(project.lines(), "R203") == [
        "data/pairings.yaml:15:11: error R203 专家陈医生不属于任何联系对象类别，不能作为对口联系专家（依据：渝人发〔2002〕110号 第二条）"
        "。提示：在 data/experts.yaml 中为该专家填写 categories（专家类别），或结束这条联系"]


def test_r203_expired_category_does_not_count(project):
    project.replace("data/categories.yaml", "  name: 享受政府特殊津贴专家\n", "  name: 享受政府特殊津贴专家\n  valid_to: 2020-12-31\n")
    assert "不属于任何联系对象类别（所列类别均已失效）" in "\n".join(codes(project.lines(), "R203"))


def test_r204_consent_missing_or_late(project):
    project.replace(P, "- id: p5\n  leader: l-east\n  expert: e5\n  start: 2025-07-01\n  end: 2027-06-30\n"
                       "  consent: {leader: 2025-06-01, expert: 2025-06-02}\n",
                    "- id: p5\n  leader: l-east\n  expert: e5\n  start: 2025-07-01\n  end: 2027-06-30\n"
                    "  consent: {leader: 2025-06-01, expert: 2025-07-02}\n")
    project.replace(P, "  end: 2027-06-30\n  consent: {leader: 2025-06-01, expert: 2025-06-02}\n- id: p2",
                    "  end: 2027-06-30\n- id: p2")
    assert codes(project.lines(), "R204") == [
        "data/pairings.yaml:1:3: error R204 联系“p1”未登记 consent（双方同意）（依据：渝人发〔2002〕110号 第四条）"
        "。提示：填写双方同意的日期（`consent: {leader: 年-月-日, expert: 年-月-日}`）",
        "data/pairings.yaml:29:41: error R204 联系“p5”的专家同意日期 2025-07-02 晚于开始日期 2025-07-01（依据：渝人发〔2002〕110号 第四条）",
    ]


def test_r205_term_too_long_expired_and_ending_soon(project):
    project.replace(P, "  expert: e5\n  start: 2025-07-01\n  end: 2027-06-30\n", "  expert: e5\n  start: 2025-07-01\n  end: 2027-07-01\n")
    assert codes(project.lines(), "R205") == [
        "data/pairings.yaml:29:8: warning R205 联系“p5”期限 2025-07-01 至 2027-07-01 超过一般期限 2 年（依据：渝人发〔2002〕110号 第四条）"
        "。提示：一般的结束日期为 2027-06-30；期满后可用新记录续联，写明 renews（续联的联系）"]
    soon = codes(project.lines(today=date(2027, 6, 1)), "R205")
    assert ("data/pairings.yaml:5:8: warning R205 联系“p1”将于 2027-06-30 期满（还有 29 天）（依据：渝人发〔2002〕110号 第四条）"
            "。提示：请与领导和专家确认是否续联") in soon
    late = codes(project.lines(today=date(2027, 7, 2)), "R205")
    assert ("data/pairings.yaml:5:8: error R205 联系“p1”已于 2027-06-30 期满，仍作为在联系记录（依据：渝人发〔2002〕110号 第四条）"
            "。提示：期满后续联请新建一条记录并写明 renews（续联的联系）；不再联系请填写 ended（提前结束日期）与 end_reason（结束原因）") in late


def test_r205_exactly_two_years_is_allowed(project):
    assert codes(project.lines(), "R205") == []  # 2025-07-01 … 2027-06-30 is two full years


def test_r206_renewal_and_overlap(project):
    project.append(P, pairing("p1b", "l-bureau", "e1", start="2027-06-30", end="2029-06-29", extra="  renews: p1\n"))
    assert codes(project.lines(), "R206") == []
    project.replace(P, "  start: 2027-06-30\n", "  start: 2027-05-01\n")
    assert codes(project.lines(), "R206") == [
        "data/pairings.yaml:34:10: error R206 续联“p1b”开始于 2027-05-01，早于所续联系“p1”的期满日 2027-06-30（依据：渝人发〔2002〕110号 第四条）",
        "data/pairings.yaml:34:10: error R206 联系“p1b”（2027-05-01 起）与“p1”（2025-07-01 至 2027-06-30）时间重叠（依据：渝人发〔2002〕110号 第四条）",
    ]


def test_r206_renewal_of_another_pair(project):
    project.append(P, pairing("p6", "l-bureau", "e1", start="2027-06-30", end="2029-06-29", extra="  renews: p2\n"))
    assert "R206 联系“p6”续联的“p2”不是同一位领导与同一位专家的联系" in "\n".join(project.lines())


def test_r207_exited_expert_with_active_pairing(project):
    project.replace(E, "  field: 机械\n  status: active\n",
                    "  field: 机械\n  status: exited\n  status_date: 2026-03-01\n  exit_reason: 出国逾期不归\n")
    assert codes(project.lines(), "R207") == [
        "data/pairings.yaml:27:11: error R207 专家吴工已于 2026-03-01 退出联系范围，与赵区长（副区长）的联系“p5”仍在进行"
        "（依据：渝人发〔2002〕110号 第三条）。提示：为这条联系填写 ended（提前结束日期）与 end_reason（结束原因）"]
    project.replace(P, "  expert: e5\n  start: 2025-07-01\n", "  expert: e5\n  start: 2025-07-01\n  ended: 2026-03-01\n  end_reason: 专家退出\n")
    assert codes(project.lines(), "R207") == []


def test_r207_transferred_expert_keeps_no_pairing_with_old_system(project):
    project.replace(E, "  system: 卫生\n  region: 东区\n  title_rank: 正高级\n", "  system: 教育\n  region: 东区\n  title_rank: 正高级\n")
    project.replace(E, "  categories: [allowance]\n  status: active\n  confidential: false\n",
                    "  categories: [allowance]\n  status: transferred\n  status_date: 2026-05-01\n  confidential: false\n")
    lines = project.lines()
    assert codes(lines, "R202") == []  # began before the transfer: judged by R207 alone
    assert codes(lines, "R207") == [
        "data/pairings.yaml:15:11: error R207 专家陈医生已于 2026-05-01 调离原系统（卫生），与李局长（局长）的联系“p3”仍在进行"
        "（依据：渝人发〔2002〕110号 第三条）。提示：跨区域、跨部门调动后不再作为直接联系对象：为这条联系填写 ended（提前结束日期）与 end_reason（结束原因）"]



# ---- R207 from the experts' 动态: a transfer after the pairing began, away from the leader's system or region ----

E3_END = "  categories: [allowance]\n  status: active\n  confidential: false\n  public_consent: true\n- id: e4"
E3_MOVED = ("  employer: hospital\n  system: 卫生\n  region: 东区\n  title_rank: 正高级",
            "  employer: uni\n  system: 教育\n  region: 东区\n  title_rank: 正高级")  # the record follows the transfer
TO_UNI = "    - date: {day}\n      kind: transfer\n      summary: 调入测试大学\n      employer: uni\n"


def events_of_e3(*events: str) -> tuple[str, str, str]:
    return (E, E3_END, E3_END.replace("- id: e4", "  events:\n" + "".join(events) + "- id: e4"))


BEIJING = [("content/policies/bj-2014-4.md", None, "---\ntitle: 意见\ndoc_number: 京组发〔2014〕4号\nissuer: 中共北京市委组织部\n"
            "date: 2014-05-06\nstatus: 现行有效\n---\n正文\n"),
           ("data/site.yaml", "rules_profile: chongqing-2002", "rules_profile: beijing-2014")]
R207_P3 = ("data/pairings.yaml:15:11: {severity} R207 专家陈医生于 2026-05-01 调离原系统（卫生），调入“教育”（data/experts.yaml:46:7 的工作调动），"
           "与李局长（局长）的联系“p3”仍在进行（依据：{basis}）。提示：跨区域、跨部门调动后不再作为直接联系对象：为这条联系填写 ended（提前结束日期）与 end_reason（结束原因）")

# (case, edits, the R207 and R202 lines expected)
TRANSFER_CASES = [
    ("across system while paired", [events_of_e3(TO_UNI.format(day="2026-05-01")), (E, *E3_MOVED)],
     [R207_P3.format(severity="error", basis="渝人发〔2002〕110号 第三条")]),
    ("across system, record not yet updated (E308 too)", [events_of_e3(TO_UNI.format(day="2026-05-01"))],
     [R207_P3.format(severity="error", basis="渝人发〔2002〕110号 第三条")]),
    ("across system, the pairing ended", [events_of_e3(TO_UNI.format(day="2026-05-01")), (E, *E3_MOVED),
                                          (P, "  expert: e3\n  start: 2025-07-01\n",
                                           "  expert: e3\n  start: 2025-07-01\n  ended: 2026-05-01\n  end_reason: 专家调入测试大学\n")], []),
    ("across system under the Beijing profile", [events_of_e3(TO_UNI.format(day="2026-05-01")), (E, *E3_MOVED), *BEIJING],
     [R207_P3.format(severity="warning", basis="京组发〔2014〕4号 第二条（三）")]),
    ("status transferred as well: reported once", [events_of_e3(TO_UNI.format(day="2026-05-01")), (E, *E3_MOVED),
                                                   (E, "  categories: [allowance]\n  status: active\n  confidential: false\n  public_consent: true\n  events",
                                                    "  categories: [allowance]\n  status: transferred\n  status_date: 2026-05-01\n"
                                                    "  confidential: false\n  public_consent: true\n  events")],
     [R207_P3.format(severity="error", basis="渝人发〔2002〕110号 第三条").replace("46:7", "47:7")]),
    ("across region from a district leader", [(E, "      employer: uni\n", "      employer: uni\n    - date: 2026-06-01\n      kind: transfer\n"
                                                                      "      summary: 调往西区工作\n      region: 西区\n"),
                                              (E, "  region: 东区\n  title_rank: 副高级\n  degree: 硕士\n  field: 机械\n",
                                               "  region: 西区\n  title_rank: 副高级\n  degree: 硕士\n  field: 机械\n")],
     ["data/pairings.yaml:27:11: error R207 专家吴工于 2026-06-01 调离原地区（东区），调入“西区”（data/experts.yaml:81:7 的工作调动），"
      "与赵区长（副区长）的联系“p5”仍在进行（依据：渝人发〔2002〕110号 第三条）。提示：跨区域、跨部门调动后不再作为直接联系对象：为这条联系填写 ended（提前结束日期）与 end_reason（结束原因）"]),
    ("transfer before the pairing began: R202 judges the record", [events_of_e3(TO_UNI.format(day="2025-05-01")), (E, *E3_MOVED)],
     ["data/pairings.yaml:15:11: error R202 李局长（局长）与专家陈医生的联系不符合要求：部门领导只联系本系统（卫生）专家，该专家属于“教育”"
      "（依据：渝人发〔2002〕110号 第三条）"]),
    ("transfer within the system", [events_of_e3("    - date: 2026-05-01\n      kind: transfer\n      summary: 调往本院东区分院\n      region: 东区\n")], []),
    ("moved away and back: the latest transfer decides", [events_of_e3(TO_UNI.format(day="2026-05-01"),
                                                                       "    - date: 2026-09-01\n      kind: transfer\n      summary: 调回测试医院\n"
                                                                       "      employer: hospital\n")], []),
    ("a transfer still to come is no transfer (E305)", [events_of_e3(TO_UNI.format(day="2026-12-01"))], []),
]


@pytest.mark.parametrize("case", TRANSFER_CASES, ids=[c[0] for c in TRANSFER_CASES])
def test_r207_transfers_among_the_experts_events(project, case):
    _name, edits, expected = case
    for rel, old, new in edits:
        if old is None:
            project.write(rel, new)
        else:
            project.replace(rel, old, new)
    lines = project.lines()
    assert codes(lines, "R207") + codes(lines, "R202") == expected, "\n".join(lines)
    stale = [line for line in lines if " E308 " in line]
    assert bool(stale) == ("not yet updated" in case[0]), stale
    assert bool(codes(lines, "E305")) == ("to come" in case[0])

def test_r208_key_expert_without_leader(project):
    project.append(E, academician("e6", "孙院士"))
    assert codes(project.lines(), "R208") == [
        "data/experts.yaml:93:3: warning R208 重点联系专家孙院士（两院院士）没有在联系的领导（依据：渝人发〔2002〕110号 第二条）"
        "。提示：在 data/pairings.yaml 中为其确定联系领导"]


def test_r209_one_responsible_leader_per_unit(project):
    project.replace(L, "  tier: district\n  responsible: true\n", "  tier: district\n")
    assert codes(project.lines(), "R209") == [
        "data/leaders.yaml:14:3: warning R209 单位“东区”没有确定责任领导（依据：渝人发〔2002〕110号 第一条）。提示：把其中一位领导定为责任领导（`responsible: true`）"]
    project.append(L, "- id: l-east2\n  name: 钱区长\n  post: 区长\n  unit: east\n  tier: district\n  responsible: true\n"
                      "- id: l-east3\n  name: 孙区长\n  post: 副区长\n  unit: east\n  tier: district\n  responsible: true\n")
    assert [line for line in codes(project.lines(), "R209")] == [
        "data/leaders.yaml:30:16: warning R209 单位“东区”有 2 名责任领导（钱区长、孙区长），应只有一名（依据：渝人发〔2002〕110号 第一条）"]


def test_beijing_profile_makes_coverage_and_responsibility_errors(project):
    project.write("content/policies/bj-2014-4.md",
                  "---\ntitle: 意见\ndoc_number: 京组发〔2014〕4号\nissuer: 中共北京市委组织部\ndate: 2014-05-06\nstatus: 现行有效\n---\n正文\n")
    project.replace("data/site.yaml", "rules_profile: chongqing-2002", "rules_profile: beijing-2014")
    project.replace(L, "  tier: district\n  responsible: true\n", "  tier: district\n")
    lines = project.lines()
    assert "data/leaders.yaml:14:3: error R209 单位“东区”没有确定责任领导（依据：京组发〔2014〕4号 第五条（一））。提示：把其中一位领导定为责任领导（`responsible: true`）" in lines


def test_rules_yaml_section_replaces_profile_section(project):
    project.write("data/rules.yaml", "leader_load:\n  clause: 第三条\n  bureau: {min: 3, max: 3}\n"
                                     "  department: {min: 2, max: 3}\n  district: {min: 1, max: 3}\n"
                                     "coverage:\n  clause: 第二条\n  severity: off\n")
    assert project.lines() == [
        "data/leaders.yaml:1:3: warning R201 王局长联系专家 2 名，少于局领导下限 3 名（依据：渝人发〔2002〕110号 第三条）"]


def test_rules_yaml_unknown_section_is_rejected(project):
    project.write("data/rules.yaml", "leader_lod:\n  clause: 第三条\n")
    assert project.lines()[0] == "data/rules.yaml:1:1: error E101 规则配置中有未知字段“leader_lod”。提示：是不是“leader_load”？"


R = "data/requests.yaml"


def request(ident, received, kind="difficulty", extra=""):
    return (f"- id: {ident}\n  expert: e3\n  received: {received}\n  kind: {kind}\n  channel: 电话\n"
            f"  summary: 希望协助办理子女入学手续。\n  handler: {{unit: health}}\n{extra}")


def test_r210_overdue_and_late_answers_are_warnings(project):
    project.write(R, request("a", "2026-10-26") + request("b", "2026-09-02", "suggestion",
                                                          "  answered: 2026-10-12\n  result: 已答复。\n")
                  + request("c", "2026-11-10", "suggestion"))
    assert codes(project.lines(), "R210") == [
        "data/requests.yaml:1:3: warning R210 诉求“a”（陈医生，个人困难，2026-10-26 收到，时限 15 个工作日）到期日为 2026-11-16，"
        "至今未反馈，已逾期 6 天（依据：渝人发〔2002〕110号 第五条）。提示：反馈后填写 answered（反馈日期）和 result（处理情况或结果）",
        "data/requests.yaml:15:13: warning R210 诉求“b”（陈医生，意见建议，2026-09-02 收到，时限 1 个月）于 2026-10-12 反馈，"
        "晚于到期日 2026-10-08，逾期 4 天（依据：渝人发〔2002〕110号 第五条）"]
    assert project.check().ok() and not project.check().ok(strict=True)  # publishing does not wait; --strict does


def test_r210_can_be_turned_off_but_not_made_an_error(project):
    project.write(R, request("a", "2026-10-26"))
    project.write("data/rules.yaml", "feedback:\n  clause: 第五条\n  severity: off\n  personal_days: 15\n"
                                     "  suggestion_months: 1\n")
    assert codes(project.lines(), "R210") == []
    project.write("data/rules.yaml", "feedback:\n  clause: 第五条\n  severity: error\n  personal_days: 15\n"
                                     "  suggestion_months: 1\n")
    assert project.lines()[0].startswith("data/rules.yaml:3:13: error E106 “severity”")


def test_r210_is_off_in_the_beijing_profile(project):
    project.write(R, request("a", "2020-01-06"))
    project.write("content/policies/bj-2014-4.md",
                  "---\ntitle: 意见\ndoc_number: 京组发〔2014〕4号\nissuer: 中共北京市委组织部\ndate: 2014-05-06\nstatus: 现行有效\n---\n正文\n")
    project.replace("data/site.yaml", "rules_profile: chongqing-2002", "rules_profile: beijing-2014")
    assert codes(project.lines(), "R210") == []


def test_r211_expert_information_reviewed_within_the_profiles_months(project):
    project.replace(E, "  status: active\n  confidential: false\n  public_consent: true\n  contact: {mobile: 013912345678",
                    "  status: active\n  reviewed: 2025-11-21\n  confidential: false\n  public_consent: true\n"
                    "  contact: {mobile: 013912345678")
    assert codes(project.lines(), "R211") == [
        "data/experts.yaml:13:13: warning R211 专家“张院士”的信息于 2025-11-21 核对，已超过 12 个月（最晚应于 2026-11-21 再次核对）"
        "（依据：渝人发〔2002〕110号 第四条）。提示：与专家核对联系方式、工作单位、职务等信息，更新后把 reviewed（核对日期）改为核对的日期"]
    assert codes(project.lines(date(2026, 11, 21)), "R211") == []  # twelve months to the day: still in time
    project.write("data/rules.yaml", "review:\n  clause: 第四条\n  max_months: 24\n")
    assert codes(project.lines(), "R211") == []


def test_beijing_profile_states_review_but_no_deadline():
    """京组发〔2014〕4号 第二条（二）: keep experts' information up to date; it sets no deadline for answers."""
    from generator.diagnostics import Diagnostics
    from generator.load.project import load_profile

    rules = load_profile("beijing-2014", Diagnostics())
    assert rules.feedback is None
    assert (rules.review.clause, rules.review.severity, rules.review.max_months) == ("第二条（二）", "warning", 12)


# ---- a transfer R207 cannot judge: the new unit records no system or region, the transfer says none (E309) ----

NO_SYSTEM_UNIT = "- id: newco\n  name: 某新建研究院\n  kind: employer\n"
TO_NEWCO = "    - date: {day}\n      kind: transfer\n      summary: 调入某新建研究院\n      employer: newco\n{more}"
E309 = ("data/experts.yaml:49:17: warning E309 专家“陈医生”于 2026-05-01 调入“某新建研究院（newco）”，这个单位没有登记{labels}，"
        "调动记录也没有写：无法判断是否调离了联系领导的{labels}（跨部门、跨区域调动后不再直接联系）。"
        "提示：在调动记录中写明 {terms}，或在 data/units.yaml 中为该单位登记")


@pytest.mark.parametrize("unit,more,expected", [
    (NO_SYSTEM_UNIT, "", [E309.format(labels="系统", terms="system（调入系统）")]),
    (NO_SYSTEM_UNIT, "      system: 教育\n", []),  # the transfer says it: R207 judges (and reports) it
    (NO_SYSTEM_UNIT + "  system: 卫生\n", "", []),  # the unit records it
], ids=["undecided", "the transfer names the system", "the unit records the system"])
def test_e309_a_transfer_r207_cannot_judge(project, unit, more, expected):
    project.append("data/units.yaml", unit)
    project.replace(*events_of_e3(TO_NEWCO.format(day="2026-05-01", more=more)))
    lines = project.lines()
    assert codes(lines, "E309") == expected, "\n".join(lines)
    assert bool(codes(lines, "R207")) == ("教育" in more)


def test_e309_only_where_a_pairing_is_judged_by_the_field(project):
    project.append("data/units.yaml", NO_SYSTEM_UNIT)
    project.replace(*events_of_e3(TO_NEWCO.format(day="2025-05-01", more="")))  # before the pairing began: R202's
    assert codes(project.lines(), "E309") == []
