"""The 登记表 and the 名单 as Excel workbooks: the blank template and the export of a profile (工作簿).

The template is what a unit fills in: drop-down lists for every choice, dates as dates, phones and ID
numbers as text, the header rows protected, a 说明 sheet citing the policy. The export is the same
登记表 filled with the data a profile may see, plus the 名单 in the layout of the printed appendix; it
can be imported again without any change. The same data and moment give the same bytes (``reproducible``).
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, timezone
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..clock import EARLIEST, LATEST, epoch_moment
from ..fields import Profile
from ..form import (CATEGORY_COLUMNS, CREATOR, FIRST_DATA_ROW, FORM_SHEET, FORM_TITLE, HEADER_ROW, LISTS_SHEET,
                    NOTES_SHEET, ROSTER_SHEET, ROSTER_TITLE, Column, choices_shown, columns_for, ref_labels,
                    shown_value)
from ..models import TIER_NAMES
from ..project import Project
from .pages import cn_date, cn_period
from .view import SiteView

TEMPLATE_ROWS = 500  # rows of a blank template given drop-downs and formats (the whole column has them too)
SPARE_ROWS = 200  # empty rows after an export's data that keep the drop-downs
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
_LOCKED = Protection(locked=True)
_OPEN = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TITLE = Font(name="宋体", size=16, bold=True)
_BOLD = Font(bold=True)
_FORMATS = {"date": "yyyy-mm-dd"}  # every other column is text ("@"): Excel can neither drop a 0 nor make 1.1E+17


def number_format(column: Column) -> str:
    return _FORMATS.get(column.kind, "@")


# ---- the template and the export ----

def template_workbook(project: Project, *, unit: str | None = None) -> bytes:
    """The blank 登记表 (with every column, the secret 身份证号 included: it is collected, never given out)."""
    book = _book("template", project)
    leaders = None
    if unit is not None:  # a unit with leaders of its own lists them; an employer's experts are contacted by others'
        leaders = [leader.id for leader in project.leaders if leader.unit == unit] or None
    lists = _Lists(book, project, leaders)
    unit_name = next((u.name for u in project.units if u.id == unit), "") if unit else ""
    _form_sheet(book.active, project, columns_for(None), [], lists, heading=("填报单位（盖章）", unit_name),
                count=TEMPLATE_ROWS)
    _notes_sheet(book.create_sheet(NOTES_SHEET), project, columns_for(None))
    lists.finish()
    return reproducible(_save(book), _moment(project))


def export_workbook(project: Project, view: SiteView) -> bytes:
    """The 名单 (附件2) and the 登记表 filled with what ``view``'s profile may see; importable as it is."""
    profile: Profile = view.profile
    book = _book(profile, project)
    rows, categories = export_rows(project, view)
    columns = columns_for(profile, max(CATEGORY_COLUMNS, categories))
    lists = _Lists(book, project, None)
    roster = book.active
    roster.title = ROSTER_SHEET
    _roster_sheet(roster, view)
    form = book.create_sheet(FORM_SHEET)
    edition = "内网版" if view.intranet else "公开版（只列出同意公开的专家）"
    _form_sheet(form, project, columns, rows, lists, heading=("导出", f"{view.site.get('org', '')} "
                                                                     f"{cn_date(view.today)} {edition}"),
                count=len(rows) + SPARE_ROWS)
    _notes_sheet(book.create_sheet(NOTES_SHEET), project, columns)
    lists.finish()
    return reproducible(_save(book), _moment(project))


def export_rows(project: Project, view: SiteView) -> tuple[list[dict[tuple[str, str], Any]], int]:
    """One row per pairing in force (an expert without one: a row of their own), keyed by column; the most categories."""
    units = ref_labels(project, "units")
    leaders = ref_labels(project, "leaders")
    categories = ref_labels(project, "categories")
    pairings: dict[str, list[dict]] = {}
    for group in view.pairing_groups:
        for unit in group["units"]:
            for leader in unit["leaders"]:
                for pairing in leader["pairings"]:
                    pairings.setdefault(pairing["expert"], []).append(pairing)
    rows: list[dict[tuple[str, str], Any]] = []
    most = 0
    for expert in view.experts:
        values = _flatten("experts", expert)
        values[("experts", "employer")] = units.get(expert["employer"], expert["employer"])
        values[("experts", "categories")] = [categories.get(c, c) for c in expert.get("categories") or ()]
        most = max(most, len(values[("experts", "categories")]))
        own: list[dict | None] = [*sorted(pairings.get(expert["id"], []), key=lambda p: (p["start"], p["id"]))]
        for pairing in own or [None]:
            row = dict(values)
            if pairing is not None:
                row.update(_flatten("pairings", pairing))
                row[("pairings", "leader")] = leaders.get(pairing["leader"], pairing["leader"])
            rows.append(row)
    return rows, most


def _flatten(collection: str, record: dict[str, Any], prefix: str = "") -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for name, value in record.items():
        if isinstance(value, dict):
            out.update(_flatten(collection, value, f"{prefix}{name}."))
        else:
            out[(collection, f"{prefix}{name}")] = value
    return out


# ---- sheets ----

def _book(kind: str, project: Project) -> Workbook:
    book = Workbook()
    book.active.title = FORM_SHEET
    props = book.properties
    props.creator = f"{CREATOR} {kind}"
    props.lastModifiedBy = CREATOR
    props.title = FORM_TITLE if kind == "template" else ROSTER_TITLE
    site = project.site
    props.subject = site.title if site is not None else ""
    props.keywords = "专家联系服务制度"
    props.language = "zh-CN"
    return book


def _moment(project: Project) -> datetime:
    """SOURCE_DATE_EPOCH (set for a build from the commit's time), else the site's publication day."""
    moment = epoch_moment()
    if moment is not None:
        return moment
    published = project.site.published if project.site is not None else None
    day = published or date(2000, 1, 1)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def _save(book: Workbook) -> bytes:
    """The workbook's bytes; every cell we wrote is a value, never a formula.

    openpyxl turns any text that begins with "=" into a formula: a name or 专业领域 such as
    ``=HYPERLINK("http://…")`` or ``=WEBSERVICE(…)`` from a unit's return would run in the reader's
    Excel. Such text is written as the text it is.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _Lists:
    """The drop-down lists' values, one column each on a hidden sheet (a list written inline is limited to 255 characters)."""

    def __init__(self, book: Workbook, project: Project, leaders: list[str] | None) -> None:
        self.book = book
        self.sheet = book.create_sheet(LISTS_SHEET)
        self.project = project
        self.leaders = leaders
        self.ranges: dict[str, str] = {}
        self.next = 1

    def range_for(self, column: Column) -> str | None:
        """The reference of ``column``'s list (written the first time it is asked for); None: no drop-down."""
        key = column.ref or "/".join(column.key)
        if key in self.ranges:
            return self.ranges[key]
        if column.ref in ("units", "leaders", "categories"):
            labels = ref_labels(self.project, column.ref)
            if column.ref == "leaders" and self.leaders is not None:
                values = [labels[i] for i in self.leaders]
            else:
                values = list(labels.values())
        elif column.kind in ("enum", "bool"):
            values = choices_shown(column)
        else:
            return None
        letter = get_column_letter(self.next)
        self.next += 1
        self.sheet.cell(1, self.next - 1, column.header.rstrip("0123456789")).font = _BOLD
        for n, value in enumerate(values, 2):
            self.sheet.cell(n, self.next - 1, value).number_format = "@"
        last = max(len(values) + 1, 2)
        self.ranges[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
        return self.ranges[key]

    def finish(self) -> None:
        """Hidden, protected and the last sheet."""
        self.book.move_sheet(self.sheet, offset=len(self.book.worksheets) - 1 - self.book.index(self.sheet))
        self.sheet.sheet_state = "hidden"
        self.sheet.protection.sheet = True


def _form_sheet(sheet: Worksheet, project: Project, columns: list[tuple[str, Column]],
                rows: list[dict[tuple[str, str], Any]], lists: _Lists, *, heading: tuple[str, str], count: int) -> None:
    width = len(columns)
    last = get_column_letter(width)
    sheet.cell(1, 1, FORM_TITLE).font = _TITLE
    sheet.cell(1, 1).alignment = _CENTER
    sheet.merge_cells(f"A1:{last}1")
    sheet.row_dimensions[1].height = 30
    sheet.cell(2, 1, heading[0]).font = _BOLD
    sheet.cell(2, 3, heading[1]).number_format = "@"  # the unit's or the organisation's name: text, even if typed over
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
    sheet.merge_cells(start_row=2, start_column=3, end_row=2, end_column=min(width, 8))
    for n, (header, column) in enumerate(columns, 1):
        cell = sheet.cell(HEADER_ROW, n, header)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEAD_FILL, _BOX, _CENTER
        letter = get_column_letter(n)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.collection:  # every cell below the headers takes the column's format and is open for input
            dimension.number_format = number_format(column)
            dimension.protection = _OPEN
    for row in (1, 2):
        for n in range(1, width + 1):
            sheet.cell(row, n).protection = _LOCKED
    categories_seen: dict[tuple[str, str], int] = {}
    for offset, values in enumerate(rows):
        r = FIRST_DATA_ROW + offset
        categories_seen.clear()
        for n, (header, column) in enumerate(columns, 1):
            if not column.collection:
                value: Any = offset + 1
            elif column.path == "categories":
                index = categories_seen.get(column.key, 0)
                categories_seen[column.key] = index + 1
                names = values.get(column.key) or []
                value = names[index] if index < len(names) else None
            else:
                value = shown_value(column, values.get(column.key))
            cell = sheet.cell(r, n, value)
            cell.number_format = number_format(column) if column.collection else "General"
            cell.protection = _OPEN if column.collection else _LOCKED
    end = FIRST_DATA_ROW + max(count, 1) - 1
    _validations(sheet, columns, lists, end)
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 4)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(end, HEADER_ROW + 1)}"
    _protect(sheet)


def _validations(sheet: Worksheet, columns: list[tuple[str, Column]], lists: _Lists, end: int) -> None:
    by_range: dict[str, list[str]] = {}
    dates: list[str] = []
    for n, (_header, column) in enumerate(columns, 1):
        if not column.collection:
            continue
        letter = get_column_letter(n)
        area = f"{letter}{FIRST_DATA_ROW}:{letter}{end}"
        if column.kind == "date":
            dates.append(area)
            continue
        reference = lists.range_for(column)
        if reference is not None:
            by_range.setdefault(reference, []).append(area)
    for reference, areas in by_range.items():
        check = DataValidation(type="list", formula1=reference, allow_blank=True, showDropDown=False,
                               showErrorMessage=True, errorStyle="stop", errorTitle="不在列表中",
                               error="请从下拉列表中选择；列表中没有的，请先与专家工作机构联系登记",
                               showInputMessage=False)
        check.sqref = " ".join(areas)
        sheet.add_data_validation(check)
    if dates:
        check = DataValidation(type="date", operator="between",
                               formula1=f"DATE({EARLIEST.year},{EARLIEST.month},{EARLIEST.day})",
                               formula2=f"DATE({LATEST.year},{LATEST.month},{LATEST.day})", allow_blank=True,
                               showErrorMessage=True, errorTitle="日期", error="请输入日期，如 2025-07-01")
        check.sqref = " ".join(dates)
        sheet.add_data_validation(check)


def _protect(sheet: Worksheet) -> None:
    """Sheet protection without a password: the headers cannot be changed by accident; data cells are open."""
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False  # False: allowed (widths)
    protection.formatRows = False
    protection.autoFilter = False
    protection.sort = False
    protection.insertRows = False
    protection.deleteRows = False


def _roster_sheet(sheet: Worksheet, view: SiteView) -> None:
    """The 名单 as the printed appendix lays it out: tier → unit → leader → one row per pairing."""
    headers = ["序号", "联系领导", "职务", *(["电话"] if view.intranet else []), "联系专家", "工作单位", "联系期限"]
    widths = [6, 12, 16, *([16] if view.intranet else []), 12, 30, 34]
    last = get_column_letter(len(headers))
    sheet.cell(1, 1, ROSTER_TITLE).font = _TITLE
    sheet.cell(1, 1).alignment = _CENTER
    sheet.merge_cells(f"A1:{last}1")
    sheet.row_dimensions[1].height = 30
    note = "" if view.intranet else "（只列出同意公开的专家）"
    sheet.cell(2, 1, f"{view.site.get('org', '')}　截至{cn_date(view.today)}{note}").number_format = "@"  # text, as typed
    sheet.merge_cells(f"A2:{last}2")
    for n, (header, width) in enumerate(zip(headers, widths), 1):
        cell = sheet.cell(HEADER_ROW, n, header)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEAD_FILL, _BOX, _CENTER
        sheet.column_dimensions[get_column_letter(n)].width = width
    r = HEADER_ROW + 1
    number = 0
    for group in view.pairing_groups:
        sheet.cell(r, 1, group["name"] or TIER_NAMES.get(group["tier"], "")).font = Font(bold=True, size=13)
        sheet.merge_cells(f"A{r}:{last}{r}")
        r += 1
        for unit in group["units"]:
            sheet.cell(r, 1, unit["name"]).font = _BOLD
            sheet.merge_cells(f"A{r}:{last}{r}")
            r += 1
            for leader in unit["leaders"]:
                phone = ((leader.get("contact") or {}).get("phone") or "—") if view.intranet else None
                for pairing in leader["pairings"]:
                    number += 1
                    values: list[Any] = [number, leader["name"], leader["post"], *([phone] if view.intranet else []),
                                         pairing["expert_name"], pairing["expert_employer"],
                                         cn_period(pairing["start"], pairing["end"])]
                    for n, value in enumerate(values, 1):
                        cell = sheet.cell(r, n, value)
                        cell.border, cell.alignment = _BOX, _WRAP
                        cell.number_format = "General" if n == 1 else "@"
                    r += 1
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.protection.sheet = True


def _notes_sheet(sheet: Worksheet, project: Project, columns: list[tuple[str, Column]]) -> None:
    """说明: what the form is for (the policy), how to fill it in, and what each column takes."""
    site = project.site
    org = site.org if site is not None else "专家工作机构"
    email = site.email if site is not None else ""
    named = project.rules.policy if project.rules is not None else None  # the rule profile's policy
    cited = [p for p in project.policies if p.id == named] or [p for p in project.policies if p.meta.status == "现行有效"]
    policies = "、".join(f"《{p.meta.title}》（{p.meta.doc_number}）" for p in cited) or "本单位的专家联系服务制度"
    lines = [
        (FORM_TITLE + "　填表说明", _TITLE),
        (f"依据：{policies}。各单位将领导联系专家情况填写本登记表，与领导联系专家名单一并报送{org}备案"
         f"{'（' + email + '）' if email else ''}。", None),
        ("", None),
        ("一、每行一条对口联系：一位专家有几位联系领导就填几行，各行中该专家的信息须一致；尚未确定联系领导的专家，联系领导各列留空，单独一行。", None),
        ("二、已登记的专家和联系请保留“专家编号”“联系编号”（可从内网“下载”页取得本单位的名单）；新专家、新联系的编号留空，导入时按姓名、"
         "工作单位、出生年月核对，并自动编号。", None),
        ("三、工作单位、联系领导、专家类别、性别、职称级别、学位、状态、涉密、同意公开从下拉列表中选择；列表中没有的单位或领导，请先与"
         f"{org}联系登记。", None),
        ("四、日期列填日期（如 2025-07-01）。电话、手机、身份证号列是文本格式：请直接输入，不要改成数字格式，否则开头的 0 会丢失、"
         "长号码会变成 1.1E+17 这样的科学计数法，导入时会被退回。", None),
        ("五、空白单元格表示“不变”：导入只增加和更正，不删除已登记的信息。需要删除或注销的，请书面告知。", None),
        ("六、前三行（标题和表头）受保护，请勿改动列名；不要合并单元格，不要使用公式。可以调整列宽、筛选和排序。", None),
        ("七、身份证号只用于核对身份，保密，不出现在任何网站、服务指南或导出的表格中。联系方式只在内网使用。", None),
        ("", None),
        ("各列说明", _BOLD),
    ]
    for r, (text, font) in enumerate(lines, 1):
        cell = sheet.cell(r, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            cell.font = font
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
    r = len(lines) + 1
    for n, header in enumerate(("列名", "新专家必填", "填写要求", "公开范围"), 1):
        cell = sheet.cell(r, n, header)
        cell.font, cell.fill, cell.border = _BOLD, _HEAD_FILL, _BOX
    seen: set[str] = set()
    for header, column in columns:
        if not column.collection or column.header in seen:
            continue
        seen.add(column.header)
        r += 1
        spec = column.spec
        required = "是" if spec.required and column.path != "id" and column.collection == "experts" else \
            "新联系必填" if spec.required and column.path != "id" else ""
        name = column.header + ("1、2、3…" if column.path == "categories" else "")
        values = [name, required, _requirement(column), _VISIBILITY[column.vis]]
        for n, value in enumerate(values, 1):
            cell = sheet.cell(r, n, value)
            cell.border, cell.alignment = _BOX, Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (16, 12, 70, 14)):
        sheet.column_dimensions[letter].width = width
    sheet.protection.sheet = True


_VISIBILITY = {"public": "公开", "internal": "仅内网", "secret": "保密，不输出"}


def _requirement(column: Column) -> str:
    kind = column.kind
    parts = []
    if kind == "date":
        parts.append("日期，如 2025-07-01")
    elif kind == "month":
        parts.append("年-月，如 1968-05")
    elif kind == "phone":
        parts.append("文本，如 023-69077236 或 13912345678")
    elif kind == "email":
        parts.append("如 expert@example.gov.cn")
    elif kind in ("enum", "bool"):
        parts.append("从下拉列表选择：" + "、".join(choices_shown(column)))
    elif kind == "ref":
        parts.append("从下拉列表选择")
    elif kind == "id":
        parts.append("编号（小写字母、数字、“-”）")
    if column.note:
        parts.append(column.note)
    return "；".join(parts)


# ---- the same bytes for the same data ----

_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def reproducible(data: bytes, moment: datetime) -> bytes:
    """The workbook with every zip entry dated ``moment`` and its created/modified properties set to it."""
    stamp = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    when = moment.astimezone(timezone.utc)
    date_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            body = source.read(member)
            if member.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), body)
            info = zipfile.ZipInfo(member.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            target.writestr(info, body, compresslevel=6)
    return out.getvalue()
