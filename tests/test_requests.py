"""Requests (诉求): states, deadlines from the rule set, the `due` command in every format, the calendar warning."""
from __future__ import annotations

import json
from datetime import date

import icalendar
import pytest
from conftest import ROOT, TODAY

from generator import check
from generator.cli import main
from generator.deadlines import state_of
from generator.fields import Record
from generator.models import CalendarYear, Handler, Request
from generator.workdays import Due

D = date.fromisoformat
R = "data/requests.yaml"
FIRM, PROVISIONAL = Due(D("2026-11-16"), False), Due(D("2026-11-16"), True)

# (case, answered, due, today, expected state)
STATES = [
    ("open before the due date", None, FIRM, "2026-11-10", "open"),
    ("open on the due date itself", None, FIRM, "2026-11-16", "open"),
    ("overdue the day after", None, FIRM, "2026-11-17", "overdue"),
    ("a provisional due date is never overdue", None, PROVISIONAL, "2027-03-01", "open"),
    ("answered early", "2026-11-02", FIRM, "2026-11-22", "answered"),
    ("answered on the due date", "2026-11-16", FIRM, "2026-11-22", "answered"),
    ("answered a day late", "2026-11-17", FIRM, "2026-11-22", "answered_late"),
    ("answered after a provisional due date: not late", "2027-03-01", PROVISIONAL, "2027-03-02", "answered"),
    ("no deadline in the rule set: open forever", None, None, "2030-01-01", "open"),
    ("no deadline in the rule set: answered", "2030-01-01", None, "2030-01-02", "answered"),
]


@pytest.mark.parametrize("case", STATES, ids=[c[0] for c in STATES])
def test_states(case):
    _name, answered, due, today, expected = case
    assert state_of(D(answered) if answered else None, due, D(today)) == expected


def request(ident, received, kind="difficulty", extra=""):
    return (f"- id: {ident}\n  expert: e1\n  received: {received}\n  kind: {kind}\n  channel: 电话\n"
            f"  summary: 希望协助办理子女入学手续。\n  handler: {{institution: center}}\n{extra}")


def statuses(project, today=TODAY):
    from generator.deadlines import request_statuses

    result = project.check(today)
    assert not [d for d in result.errors if d.code.startswith("E")], [d.text() for d in result.errors]
    return {s.request.id: (s.due.day.isoformat() if s.due else None, s.due.provisional if s.due else None, s.state)
            for s in request_statuses(result.project, today)}


def test_due_dates_follow_the_official_calendar_and_the_rule_set(project):
    project.write(R, request("a", "2026-09-22") + request("b", "2026-09-02", "suggestion")
                  + request("c", "2026-12-22"))
    later = D("2026-12-30")  # c was received on 12-22: a date to come is refused (E610)
    assert statuses(project, later) == {"a": ("2026-10-20", False, "overdue"), "b": ("2026-10-08", False, "overdue"),
                                        "c": ("2027-01-12", True, "open")}
    project.write(R, request("a", "2026-09-22") + request("b", "2026-09-02", "suggestion"))
    # the numbers are the rule set's, not the code's: 10 working days, 2 months
    project.write("data/rules.yaml", "feedback:\n  clause: 第五条\n  personal_days: 10\n  suggestion_months: 2\n")
    assert statuses(project)["a"] == ("2026-10-13", False, "overdue")
    assert statuses(project)["b"] == ("2026-11-02", False, "overdue")


def test_a_year_file_makes_a_provisional_date_official(project):
    project.write(R, request("c", "2026-12-22"))
    assert statuses(project, D("2027-02-01"))["c"] == ("2027-01-12", True, "open")  # provisional: never overdue
    project.write("data/calendar/2027.yaml", "source: https://www.gov.cn/example/2027\n"
                                            "holidays: [2027-01-01, 2027-01-02, 2027-01-03]\n")
    assert statuses(project, D("2027-02-01"))["c"] == ("2027-01-13", False, "overdue")


def test_no_date_crashes_anything(project, capsys):
    project.write(R, request("late", "2100-12-31") + request("far", "9999-01-01")
                  + request("m", "2100-12-31", "suggestion"))
    lines = project.lines(D("2100-12-31"))
    assert "data/requests.yaml:10:13: error E113 “received”（收到日期）“9999-01-01”超出可用范围（1900–2100 年）" in lines
    project.write(R, request("late", "2100-12-31") + request("m", "2100-12-31", "suggestion"))
    assert statuses(project, D("2100-12-31")) == {"late": ("2101-01-21", True, "open"),
                                                  "m": ("2101-01-31", True, "open")}
    assert main(["due", str(project.root), "--today", "2100-12-31", "--format", "json"]) == 0
    assert [r["due"] for r in json.loads(capsys.readouterr().out)] == ["2101-01-21", "2101-01-31"]


# ---- a year that will never become known by waiting (E611) ----

def test_a_year_before_the_official_data_is_located_at_the_request(project):
    project.write(R, request("a", "1926-09-22") + request("b", "1926-09-02", "suggestion", "  answered: 1926-09-10\n"
                                                                                            "  result: 已答复。\n"))
    assert [line for line in project.lines() if "E611" in line] == [
        f"data/requests.yaml:{line}:13: warning E611 诉求“{ident}”的received（收到日期） 1926-09-{day}：1926 年没有官方放假安排"
        "（已知的安排从 2004 年起），到期日只能按周末推算，标为“暂定”，永远不会算作逾期。"
        "提示：年份写错了的请改正；确是 1926 年的诉求，新建 data/calendar/1926.yaml 写明当年的安排"
        for ident, line, day in (("a", 3, "22"), ("b", 10, "02"))]
    project.write(R, request("a", "2026-09-22"))
    assert not [line for line in project.lines() if "E611" in line]


def test_this_years_missing_arrangement_is_one_warning_per_year(project):
    project.write(R, "".join(request(f"r{n}", f"2026-12-{20 + n}") for n in range(7)))
    assert not [line for line in project.lines(D("2026-12-30")) if "E611" in line]  # 2027 is still to come: E607's
    assert [line for line in project.lines(D("2027-03-01")) if "E611" in line] == [
        "data/calendar/2027.yaml: warning E611 2027 年的放假与调休安排没有登记，诉求“r0”、“r1”、“r2”、“r3”、“r4”等 7 件的到期日"
        "只按周末推算，标为“暂定”，不会算作逾期。提示：新建 data/calendar/2027.yaml，写明 holidays（放假日期（含假期中的周末））、"
        "workdays（调休上班日期（周六或周日））和 source（通知的网址），或升级 chinese-calendar"]
    project.write("data/calendar/2027.yaml", "source: https://www.gov.cn/example/2027\nholidays: [2027-01-01]\n")
    assert not [line for line in project.lines(D("2027-03-01")) if "E611" in line]


# ---- the calendar warning (E607) ----

E607 = ("data/calendar/2027.yaml: warning E607 还有未办结的诉求，而 2027 年的放假与调休安排尚未登记：跨入 2027 年的到期日只按周末推算，"
        "标为“暂定”。提示：国务院办公厅通常在 10 至 12 月公布下一年的安排；公布后新建 data/calendar/2027.yaml，"
        "写明 holidays（放假日期（含假期中的周末））、workdays（调休上班日期（周六或周日））和 source（通知的网址），或升级 chinese-calendar")


def test_next_years_arrangement_is_asked_for_from_1_november(project):
    project.write(R, request("a", "2026-10-26"))
    assert E607 not in project.lines(D("2026-10-31"))
    assert E607 in project.lines(D("2026-11-01"))
    project.write("data/calendar/2027.yaml", "source: https://www.gov.cn/example/2027\nholidays: [2027-01-01]\n")
    assert not [line for line in project.lines(D("2026-11-01")) if "E607" in line]


def test_no_calendar_warning_when_nothing_is_open_or_no_deadline_applies(project):
    assert not [line for line in project.lines() if "E607" in line]  # the sample's requests are all answered
    project.write(R, request("a", "2026-10-26"))
    project.write("content/policies/bj-2014-4.md",
                  "---\ntitle: 意见\ndoc_number: 京组发〔2014〕4号\nissuer: 中共北京市委组织部\ndate: 2014-05-06\nstatus: 现行有效\n---\n正文\n")
    project.replace("data/site.yaml", "rules_profile: chongqing-2002", "rules_profile: beijing-2014")
    assert not [line for line in project.lines() if "E607" in line or "R210" in line]


# ---- the due command ----

def due(capsys, *args, binary=False):
    code = main(["due", str(ROOT), "--today", TODAY.isoformat(), *args])
    out = capsys.readouterr().out
    return code, out


def test_due_text_is_a_chinese_table(capsys):
    code, out = due(capsys)
    assert code == 0
    assert out.splitlines() == [
        "编号       专家    类型      收到日期    到期日      状态           反馈日期",
        "r2026-002  潘振华  意见建议  2026-09-02  2026-10-08  逾期反馈 4 天  2026-10-12",
        "r2026-001  任海涛  个人困难  2026-09-22  2026-10-20  已反馈         2026-10-20",
        "r2026-003  黎承宇  个人困难  2026-10-26  2026-11-16  已逾期 6 天    —",
        "r2026-005  周镕基  个人困难  2026-11-06  2026-11-27  办理中         —",
        "r2026-004  冯婉清  意见建议  2026-11-10  2026-12-10  办理中         —",
        "共 5 件：逾期反馈 1，已反馈 1，已逾期 1，办理中 2。",
    ]


def test_due_json_has_exactly_the_documented_keys(capsys):
    code, out = due(capsys, "--format", "json")
    assert code == 0
    items = json.loads(out)
    assert all(list(item) == ["id", "expert", "kind", "received", "due", "provisional", "state", "answered"]
               for item in items)
    assert {i["id"]: (i["due"], i["provisional"], i["state"], i["answered"]) for i in items} == {
        "r2026-001": ("2026-10-20", False, "answered", "2026-10-20"),
        "r2026-002": ("2026-10-08", False, "answered_late", "2026-10-12"),
        "r2026-003": ("2026-11-16", False, "overdue", None),
        "r2026-004": ("2026-12-10", False, "open", None),
        "r2026-005": ("2026-11-27", False, "open", None),
    }
    assert items[0] == {"id": "r2026-002", "expert": "e0102", "kind": "suggestion", "received": "2026-09-02",
                        "due": "2026-10-08", "provisional": False, "state": "answered_late", "answered": "2026-10-12"}


def test_due_ics_is_a_calendar_of_unanswered_requests(capsysbinary):
    assert main(["due", str(ROOT), "--today", TODAY.isoformat(), "--format", "ics"]) == 0
    data = capsysbinary.readouterr().out
    feed = icalendar.Calendar.from_ical(data)
    events = {str(e["UID"]): e for e in feed.walk("VEVENT")}
    assert set(events) == {"request-r2026-003@cqpa.gov.cn", "request-r2026-004@cqpa.gov.cn",
                           "request-r2026-005@cqpa.gov.cn"}
    overdue = events["request-r2026-003@cqpa.gov.cn"]
    assert overdue.decoded("DTSTART") == D("2026-11-16") and overdue.decoded("DTEND") == D("2026-11-17")
    assert str(overdue["SUMMARY"]) == "诉求到期：黎承宇（个人困难）［已逾期］"
    assert str(overdue["DESCRIPTION"]) == "编号 r2026-003；2026-10-26 收到；承办：专家子女入学服务窗口"
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded at 75 octets
    # nothing beyond the intranet's staff view: no summary, channel, result, phone or email
    project = check(ROOT, today=TODAY).project
    text = feed.to_ical().decode("utf-8")
    for r in project.requests:
        assert r.summary not in text and r.channel not in text and (r.result or "—") not in text
    for e in project.experts:
        for value in (e.contact.phone, e.contact.mobile, e.contact.email) if e.contact else ():
            assert value is None or value not in text
    # stable UIDs: another day, the same identifiers
    main(["due", str(ROOT), "--today", "2026-11-25", "--format", "ics"])
    later = icalendar.Calendar.from_ical(capsysbinary.readouterr().out)
    assert {str(e["UID"]) for e in later.walk("VEVENT")} == set(events)


def test_due_marks_provisional_dates(project, capsys):
    project.write(R, request("c", "2026-12-22"))
    assert main(["due", str(project.root), "--today", "2027-02-01"]) == 0
    out = capsys.readouterr().out
    assert "c     张院士  个人困难  2026-12-22  2027-01-12（暂定）  办理中  —" in out.splitlines()
    assert "暂定的到期日不算逾期" in out


def test_due_refuses_invalid_data(project, capsys):
    project.write(R, request("a", "2026-02-30"))
    assert main(["due", str(project.root), "--format", "json"]) == 1
    assert "E105" in capsys.readouterr().out


# ---- nothing of a request is public ----

def test_request_fields_are_at_most_internal():
    for model in (Request, Handler):
        for name, spec in model._specs.items():
            assert spec.vis in ("internal", "secret"), (model.__name__, name)
    assert all(spec.vis == "public" for spec in CalendarYear._specs.values())  # the State Council's notice
    assert issubclass(Request, Record)


def test_audit_looks_for_request_values_in_public_output(tmp_path):
    from generator.audit import audit, forbidden_values

    project = check(ROOT, today=TODAY).project
    forbidden = forbidden_values(project, "public", TODAY)
    sources = {f.source.split(" 的 ")[1] for f in forbidden if "requests.yaml" in f.source}
    assert {"Request.summary", "Request.result", "Request.channel", "Request.received"} <= sources
    assert all(f.reason == "专家反映的问题（诉求）及其办理情况只在内网版出现" for f in forbidden if "requests.yaml" in f.source)
    summary = project.get("requests", "r2026-003").summary
    (tmp_path / "page.html").write_text(f"<p>{summary}</p>", encoding="utf-8")
    [hit] = audit(tmp_path, forbidden)
    assert "Request.summary" in hit.text() and summary not in hit.text()  # masked
    # the intranet may show requests: nothing of them is forbidden there
    assert not [f for f in forbidden_values(project, "intranet", TODAY) if "requests.yaml" in f.source]


def test_a_request_summary_pasted_into_content_is_refused(project):
    project.write(R, request("a", "2026-10-26"))
    project.write("content/news.md", "# 动态\n\n有专家希望协助办理子女入学手续。\n")
    assert ("content/news.md:3:4: error E401 文稿中出现了不应公开的值 希***********。（来自 data/requests.yaml:6:12 的 "
            "Request.summary：专家反映的问题（诉求）及其办理情况只在内网版出现），会随公开版发布。提示：删除它，或改写为不指向个人的说法"
            "（如“专家服务热线”）") in project.lines()


@pytest.mark.slow
def test_intranet_build_has_the_page_and_the_feed_public_has_neither(sample_public, sample_intranet, capsysbinary):
    from sitebuild import all_text

    page, feed = sample_intranet / "requests" / "index.html", sample_intranet / "requests" / "requests.ics"
    assert page.is_file() and feed.is_file()
    html = page.read_text(encoding="utf-8")
    for heading in ("已逾期（1）", "7 天内到期（1）", "全部未办结（3）", "按承办单位"):
        assert heading in html, heading
    assert 'href="requests.ics"' in html or 'href="../requests/requests.ics"' in html
    assert "诉求办理" in (sample_intranet / "index.html").read_text(encoding="utf-8")  # in the navigation
    main(["due", str(ROOT), "--today", TODAY.isoformat(), "--format", "ics"])
    assert feed.read_bytes() == capsysbinary.readouterr().out  # the same feed as `due --format ics`

    assert not (sample_public / "requests").exists()
    text = all_text(sample_public)
    project = check(ROOT, today=TODAY).project
    assert "诉求" not in text
    for r in project.requests:
        assert r.id not in text and r.summary not in text and (r.result or r.summary) not in text


@pytest.mark.parametrize("old, new, line, what", [
    ("  received: 2026-09-22\n", "  received: 2026-12-01\n", 6, "“received”（收到日期）"),
    ("  answered: 2026-10-20\n", "  answered: 2026-12-10\n", 12, "“answered”（反馈日期）"),
    ("  answered: 2026-11-16\n", "  answered: 2099-01-01\n", 21, "“answered”（反馈日期）"),
])
def test_a_date_still_to_come_is_refused(project, old, new, line, what):
    # An answer written in advance would count as answered and leave the calendar feed; a year typo likewise.
    project.replace(R, old, new)
    hits = [x for x in project.lines() if " E610 " in x]
    assert len(hits) == 1 and hits[0].startswith(f"{R}:{line}:") and " error E610 " in hits[0], hits
    assert what.split("（")[0].strip("“”") in hits[0]


def test_a_review_date_still_to_come_is_refused(project):
    text = project.read("data/experts.yaml")
    first = text.index("- id: e1\n")
    project.write("data/experts.yaml", text[:first] + text[first:].replace("\n", "\n  reviewed: 2030-01-01\n", 1))
    hits = [x for x in project.lines() if " E610 " in x]
    assert len(hits) == 1 and hits[0].startswith("data/experts.yaml:") and "2030-01-01" in hits[0], hits
