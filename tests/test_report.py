"""The intranet's 校验报告 in the site's words: one date style (2025年7月1日), field labels instead of keys,
`what to type` as code; and the intranet card's 状态 says 在册, never 在联系 (that is a pairing's word)."""
from __future__ import annotations

import html
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import MINIMAL, TODAY
from sitebuild import article

from generator import check
from generator.build import build_site
from generator.codes import SEVERITY_NAMES
from generator.fields import field_labels
from generator.models import STATUS_NAMES
from generator.render.pages import readable

ISO_DAY = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")


# ---- readable(): the class of inputs a diagnostic holds ----

@pytest.mark.parametrize("text,shown", [
    # ISO dates, wherever they stand; a space that set one apart from Chinese goes with it
    ("2026-09-02 收到", "2026年9月2日收到"),
    ("于 2026-10-12 反馈，晚于到期日 2026-10-08，逾期 4 天", "于2026年10月12日反馈，晚于到期日2026年10月8日，逾期 4 天"),
    ("期限 2025-07-01 至 2027-07-01 超过", "期限2025年7月1日至2027年7月1日超过"),
    ("（2025-07-01 至 2027-06-30）", "（2025年7月1日至2027年6月30日）"),
    ("最晚应于 2026-11-21 再次核对", "最晚应于2026年11月21日再次核对"),
    ("2026-11-22", "2026年11月22日"),
    ("“2024-02-30”是不存在的日期", "“2024-02-30”是不存在的日期"),  # not a date: as written
    ("r2026-002、2026-09-021、12026-09-02", "r2026-002、2026-09-021、12026-09-02"),  # not dates either
    # fields named by key and label (fields.term): the label alone
    ("反馈后填写 answered（反馈日期）和 result（处理情况或结果）", "反馈后填写反馈日期和处理情况或结果"),
    ("“start”（开始日期）“2024-02-30”", "“开始日期”“2024-02-30”"),
    ("写明 holidays（放假日期（含假期中的周末））和 source（通知的网址），或", "写明放假日期（含假期中的周末）和通知的网址，或"),
    ("未登记 consent（双方同意）", "未登记双方同意"),
    ("the answered（反馈日期） field", "the 反馈日期 field"),  # Latin around it keeps its spaces
    ("写 answered（收到日期）", "写 answered（收到日期）"),  # not a field's label: as written
    ("填写 categories（专家类别），或", "填写专家类别，或"),
    # what to type is code; everything is escaped
    ("把其中一位领导定为责任领导（`responsible: true`）", "把其中一位领导定为责任领导（<code>responsible: true</code>）"),
    ("`a<b>` 与 <script>", "<code>a&lt;b&gt;</code> 与 &lt;script&gt;"),
    ("`2026-01-01`", "<code>2026-01-01</code>"),  # a value to type stays as it is typed
])
def test_readable_wording(text, shown):
    out = str(readable(text))
    assert re.sub(r'<span class="eg-nowrap">(.*?)</span>', r"\1", out) == shown
    days = re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", shown)
    assert re.findall(r'<span class="eg-nowrap">(.*?)</span>', out) == days  # each date a token, never broken


# ---- a built intranet report with a warning from every kind of check that can warn ----

RULES = "".join(f"{section}:\n  clause: 第{n}条\n  severity: warning\n{params}" for section, n, params in (
    ("contact_target", "二", ""), ("consent", "四", ""), ("renewal", "四", ""), ("exit", "三", ""),
    ("responsible", "一", ""), ("coverage", "二", ""),
    ("term", "四", "  max_years: 2\n  ending_soon_days: 400\n"), ("review", "四", "  max_months: 12\n"),
    ("feedback", "五", "  personal_days: 15\n  suggestion_months: 1\n"),
))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def warned(tmp_path_factory) -> tuple[Path, list]:
    """The minimal project with every rule a warning and a finding for most checks; built as the intranet."""
    folder = tmp_path_factory.mktemp("report")
    root = folder / "project"
    shutil.copytree(MINIMAL, root)
    data = root / "data"
    (data / "rules.yaml").write_text(RULES, encoding="utf-8")
    pairings, experts = data / "pairings.yaml", data / "experts.yaml"
    _replace(pairings, "  end: 2027-06-30\n  consent: {leader: 2025-06-01, expert: 2025-06-02}\n- id: p2",
             "  end: 2027-06-30\n- id: p2")  # R204
    _replace(pairings, "  expert: e5\n  start: 2025-07-01\n  end: 2027-06-30\n",
             "  expert: e5\n  start: 2025-07-01\n  end: 2027-07-01\n")  # R205 (and ending within 400 days)
    pairings.write_text(pairings.read_text(encoding="utf-8") + (
        "- id: p6\n  leader: l-health\n  expert: e3\n  start: 2023-07-01\n  end: 2025-06-30\n  ended: 2025-06-30\n"
        "  consent: {leader: 2023-06-01, expert: 2023-06-02}\n"), encoding="utf-8")  # E304, R206 (no renews on p3)
    _replace(experts, "  field: 心血管\n  categories: [allowance]\n", "  field: 心血管\n")  # R203
    _replace(experts, "  status: active\n  confidential: false\n  public_consent: true\n  contact: {mobile: 013912345678",
             "  status: active\n  reviewed: 2025-11-01\n  confidential: false\n  public_consent: true\n"
             "  contact: {mobile: 013912345678")  # R211
    _replace(data / "leaders.yaml", "  tier: district\n  responsible: true\n", "  tier: district\n")  # R209
    _replace(experts, "      employer: uni\n", "      employer: hospital\n")  # E308: e5's record did not follow its transfer
    _replace(data / "requests.yaml", "  result: 已转有关部门研究，答复意见已送达本人。\n", "")  # E606
    requests = data / "requests.yaml"
    requests.write_text(requests.read_text(encoding="utf-8") + (
        "- id: r3\n  expert: e2\n  received: 2026-10-26\n  kind: difficulty\n  channel: 来信\n  summary: 住房困难。\n"
        "  handler: {institution: center}\n"), encoding="utf-8")  # R210: overdue
    (data / "calendar").mkdir()
    (data / "calendar" / "2027.yaml").write_text(
        "source: https://www.gov.cn/example/2027\nholidays: [2027-01-01]\nworkdays: [2027-02-10]\n", encoding="utf-8")  # E604
    _replace(root / "content" / "policies" / "cq-2002-110.md", 'doc_number: "渝人发〔2002〕110号"',
             'doc_number: "渝人发[2002]110号"')  # E114
    result = check(root, today=TODAY)
    assert not result.errors, [d.text() for d in result.errors]
    build_site(root, profile="intranet", out=folder / "site", today=TODAY, pdf=False)
    return folder / "site", result.diagnostics


def test_the_fixture_warns_of_every_kind(warned):
    _site, diagnostics = warned
    assert {d.code for d in diagnostics} >= {"E114", "E304", "E308", "E604", "E606", "R203", "R204", "R205", "R206",
                                            "R209", "R210", "R211"}


def _cells(site: Path) -> list[list[str]]:
    body = article(site / "report" / "index.html").split('id="diagnostics"', 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)[1:]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in rows]


def test_the_report_says_dates_and_fields_as_the_site_does(warned):
    site, diagnostics = warned
    cells = _cells(site)
    assert len(cells) == len(diagnostics)
    keys = {name for name, _label in field_labels()}
    for (where, level, code, said, basis), d in zip(cells, diagnostics):
        assert level == SEVERITY_NAMES[d.severity] and code == d.code
        prose = html.unescape(re.sub(r"<code>.*?</code>|<[^>]+>", " ", said + " " + basis))
        assert not ISO_DAY.search(prose), (code, prose)
        words = re.findall(r"[a-z][a-z_]+", re.sub(r"[\w./-]+\.yaml", " ", prose))  # a file's path is not a field
        assert not {w for w in words if w in keys} - {"chinese"}, (code, prose)
        assert "<" not in re.sub(r'</?code>|<span class="eg-nowrap">|</span>', "", said)  # only code and tokens
    shown = {code: said for _w, _l, code, said, _b in cells}
    assert "反馈日期" in shown["R210"] or "反馈日期" in shown["E606"]
    assert "处理情况或结果" in shown["E606"] and "result" not in shown["E606"]
    assert re.search(r'<span class="eg-nowrap">\d{4}年\d{1,2}月\d{1,2}日</span>', shown["R205"])
    assert "<code>responsible: true</code>" in shown["R209"]
    assert "把工作单位、系统改为调动后的值" in shown["E308"] and "employer" not in shown["E308"]


def test_check_still_names_the_keys_one_writes(warned):
    _site, diagnostics = warned
    e606 = next(d for d in diagnostics if d.code == "E606")
    assert "没有写 result（处理情况或结果）" in e606.message and ISO_DAY.search(e606.message)


# ---- 状态 on the intranet card ----

def test_an_active_expert_is_on_the_register_not_in_contact(warned):
    site, _diagnostics = warned
    assert STATUS_NAMES["active"] == "在册"
    page = article(site / "experts" / "uni" / "index.html")
    cards = dict(re.findall(r'<div class="eg-card eg-expert" id="([^"]+)">(.*?)</div>', page, flags=re.S))
    for expert_id, card in cards.items():
        status = re.search(r"<tr><th>状态</th><td>(.*?)</td></tr>", card).group(1)
        leaders = re.search(r"<tr><th>联系领导</th><td>(.*?)</td></tr>", card).group(1)
        assert "在联系" not in status, (expert_id, status)
        if expert_id in ("e1", "e2"):  # active; e2 with 王局长, e1 (its pairing without consent) too
            assert status == "在册"
        if leaders == "—":
            assert "在联系" not in card
    assert "在联系" not in page


# ---- a national check: the page lists the first of each code, the workbook beside it all of them ----

def test_the_page_lists_the_first_of_each_code_in_order():
    from generator.render.pages import REPORT_ROWS, report_table

    rows = [{"code": code, "n": n} for n, code in enumerate(["R208"] * (REPORT_ROWS + 150) + ["E101", "R213"] * 3)]
    table = report_table(rows)
    assert [r["n"] for r in table["shown"]] == [*range(REPORT_ROWS), *range(REPORT_ROWS + 150, REPORT_ROWS + 156)]
    assert table["omitted"] == [("R208", 150)]
    assert report_table(rows[:REPORT_ROWS])["omitted"] == []


def test_the_whole_report_is_a_workbook_beside_the_page(warned, monkeypatch):
    """Every finding, in order, as text (a value from the data that starts with = is no formula); the page links it."""
    import openpyxl

    site, diagnostics = warned
    assert 'href="../report/report.xlsx"' in (site / "report" / "index.html").read_text(encoding="utf-8")
    sheet = openpyxl.load_workbook(site / "report" / "report.xlsx").worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("位置", "级别", "代码", "说明", "提示", "依据")
    assert [(r[2], r[3]) for r in rows[1:]] == [(d.code, d.message) for d in diagnostics]
    assert {c.data_type for row in sheet.iter_rows(min_row=2) for c in row} == {"s"}


def test_a_long_report_says_what_it_leaves_out(warned, tmp_path, monkeypatch):
    import generator.render.pages as pages

    monkeypatch.setattr(pages, "REPORT_ROWS", 1)
    root = warned[0].parent / "project"
    build_site(root, profile="intranet", out=tmp_path / "site", today=TODAY, pdf=False)
    cells = _cells(tmp_path / "site")
    codes = [code for _w, _l, code, _s, _b in cells]
    assert len(codes) == len(set(codes)) == len({d.code for d in warned[1]})
    page = article(tmp_path / "site" / "report" / "index.html")
    left = [(code, n - 1) for code, n in sorted(Counter(d.code for d in warned[1]).items()) if n > 1]
    assert left and all(f"{code} 另有 {n} 条" in page for code, n in left)
