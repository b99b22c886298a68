"""The 登记表 and the 名单 as Excel workbooks: the blank template and the export of a profile (工作簿).

The template is what a unit fills in: drop-down lists for every choice, dates as dates, phones and ID
numbers as text, the header rows protected, a 说明 sheet citing the policy. The export is the same
登记表 filled with the data a profile may see, plus the 名单 in the layout of the printed appendix; it
can be imported again without any change. The same data and moment give the same bytes (``reproducible``).

Written with XlsxWriter in its constant-memory mode: each row goes to disk as soon as the next one
starts, so a 200,000-expert export holds one row at a time (openpyxl kept every cell as an object:
8 GB at that size). Every value is written by its type — text by ``_text`` — so no text
from the data ever becomes a formula.
"""
from __future__ import annotations

import io
import math
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from typing import Any

import xlsxwriter
from openpyxl.utils import quote_sheetname
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from ..clock import EARLIEST, LATEST, epoch_moment
from ..fields import Profile
from ..load.shape import CELL_LIMIT
from ..form import (CATEGORY_COLUMNS, CREATOR, FIRST_DATA_ROW, FORM_SHEET, FORM_TITLE, HEADER_ROW, LISTS_SHEET,
                    NOTES_SHEET, ROSTER_SHEET, ROSTER_TITLE, Column, choices_shown, columns_for, ref_labels,
                    shows)
from ..models import TIER_NAMES
from ..project import Project
from .pages import cn_date, cn_period
from .view import SiteView

TEMPLATE_ROWS = 500  # rows of a blank template given drop-downs and formats (the whole column has them too)
SPARE_ROWS = 200  # empty rows after an export's data that keep the drop-downs
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_GREY_BOX = {"border": 1, "border_color": "#808080"}
_CENTER = {"align": "center", "valign": "vcenter", "text_wrap": True}
# The formats by role (XlsxWriter's properties; a cell is locked unless "locked" is False).
_STYLES: dict[str, dict[str, Any]] = {
    "title": {"font_name": "宋体", "font_size": 16, "bold": True, **_CENTER},
    "bold": {"bold": True},
    "group": {"bold": True, "font_size": 13},
    "head": {"bold": True, "bg_color": "#DDE4EE", "pattern": 1, **_GREY_BOX, **_CENTER},
    "note_head": {"bold": True, "bg_color": "#DDE4EE", "pattern": 1, **_GREY_BOX},
    "text": {"num_format": "@"},
    "locked": {},
    "open_text": {"num_format": "@", "locked": False},
    "open_date": {"num_format": "yyyy-mm-dd", "locked": False},
    "row_number": {**_GREY_BOX, "text_wrap": True, "valign": "vcenter"},
    "row_text": {**_GREY_BOX, "text_wrap": True, "valign": "vcenter", "num_format": "@"},
    "prose": {"text_wrap": True, "valign": "top"},
    "prose_title": {"text_wrap": True, "valign": "top", "font_name": "宋体", "font_size": 16, "bold": True},
    "prose_bold": {"text_wrap": True, "valign": "top", "bold": True},
    "prose_box": {"text_wrap": True, "valign": "top", **_GREY_BOX},
}


def _open_style(column: Column) -> str:
    """Dates as dates; every other column is text ("@"): Excel can neither drop a 0 nor make 1.1E+17."""
    return "open_date" if column.kind == "date" else "open_text"


# ---- the template and the export ----

def template_workbook(project: Project, *, unit: str | None = None) -> bytes:
    """The blank 登记表 (with every column, the secret 身份证号 included: it is collected, never given out)."""
    book = _Book("template", project)
    leaders = None
    if unit is not None:  # a unit with leaders of its own lists them; an employer's experts are contacted by others'
        leaders = [leader.id for leader in project.leaders if leader.unit == unit] or None
    lists = _Lists(project, leaders)
    unit_name = next((u.name for u in project.units if u.id == unit), "") if unit else ""
    columns = columns_for(None)
    _form_sheet(book, book.sheet(FORM_SHEET), columns, iter(()), lists, heading=("填报单位（盖章）", unit_name),
                count=TEMPLATE_ROWS)
    _notes_sheet(book, book.sheet(NOTES_SHEET), project, columns)
    lists.finish(book)
    return reproducible(book.close(), _moment(project))


def export_workbook(project: Project, view: SiteView) -> bytes:
    """The 名单 (附件2) and the 登记表 filled with what ``view``'s profile may see; importable as it is."""
    profile: Profile = view.profile
    book = _Book(profile, project)
    columns = columns_for(profile, max(CATEGORY_COLUMNS, most_categories(view)))
    lists = _Lists(project, None)
    _roster_sheet(book, book.sheet(ROSTER_SHEET), view)
    edition = "内网版" if view.intranet else "公开版（只列出同意公开的专家）"
    heading = ("导出", f"{view.site.get('org', '')} {cn_date(view.today)} {edition}")
    _form_sheet(book, book.sheet(FORM_SHEET), columns, export_rows(project, view), lists, heading=heading,
                count=SPARE_ROWS)
    _notes_sheet(book, book.sheet(NOTES_SHEET), project, columns)
    lists.finish(book)
    return reproducible(book.close(), _moment(project))


def report_workbook(project: Project, view: SiteView) -> bytes:
    """The whole 校验报告 (the intranet's page lists the first of each code): one row per finding."""
    book = _Book("report", project)
    sheet = book.sheet("校验报告")
    headers = ["位置", "级别", "代码", "说明", "提示", "依据"]
    for n, width in enumerate((34, 6, 7, 80, 50, 30)):
        sheet.set_column(n, n, width)
    for n, header in enumerate(headers):
        _text(sheet, 0, n, header, book.style("head"))
    out = ROWS(sheet, [book.style("prose")] * len(headers))
    for r, d in enumerate(view.report, 1):
        place = d["path"] + (f":{d['line']}:{d['col']}" if d.get("line") else "")
        out.write(r, [str(value) for value in (place, d["severity_name"], d["code"], d["message"], d.get("hint") or "",
                                               d.get("basis") or "")])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(view.report), 1), len(headers) - 1)
    return reproducible(book.close(), _moment(project))


def _fit(text: str) -> str:
    """``text`` cut to what one cell holds (32,767 UTF-16 units), with “…” where it was cut: for text the tool puts
    together (a report's message, the 说明's list of policies); a data field longer than a cell is refused (E116)."""
    if len(text) <= CELL_LIMIT // 2 or len(text.encode("utf-16-le")) // 2 <= CELL_LIMIT:
        return text
    return text.encode("utf-16-le")[:(CELL_LIMIT - 1) * 2].decode("utf-16-le", "ignore") + "…"


def most_categories(view: SiteView) -> int:
    """The most categories one shown expert has: the 登记表 has that many 专家类别 columns."""
    return max((len(expert.get("categories") or ()) for expert in view.experts), default=0)


def export_rows(project: Project, view: SiteView) -> Iterator[dict[tuple[str, str], Any]]:
    """One row per pairing in force (an expert without one: a row of their own), keyed by column; made one at a time."""
    units = ref_labels(project, "units")
    leaders = ref_labels(project, "leaders")
    categories = ref_labels(project, "categories")
    pairings: dict[str, list[dict]] = {}
    for group in view.pairing_groups:
        for unit in group["units"]:
            for leader in unit["leaders"]:
                for pairing in leader["pairings"]:
                    pairings.setdefault(pairing["expert"], []).append(pairing)
    for expert in view.experts:
        values = _flatten("experts", expert)
        values[("experts", "employer")] = units.get(expert["employer"], expert["employer"])
        values[("experts", "categories")] = [categories.get(c, c) for c in expert.get("categories") or ()]
        own: list[dict | None] = [*sorted(pairings.get(expert["id"], []), key=lambda p: (p["start"], p["id"]))]
        for pairing in own or [None]:
            row = dict(values)
            if pairing is not None:
                row.update(_flatten("pairings", pairing))
                row[("pairings", "leader")] = leaders.get(pairing["leader"], pairing["leader"])
            yield row


def _flatten(collection: str, record: dict[str, Any], prefix: str = "") -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for name, value in record.items():
        if isinstance(value, dict):
            out.update(_flatten(collection, value, f"{prefix}{name}."))
        else:
            out[(collection, f"{prefix}{name}")] = value
    return out


# ---- the book ----

class _Book:
    """An XlsxWriter workbook written into bytes, its sheets in the order they are made, its formats by role."""

    def __init__(self, kind: str, project: Project) -> None:
        self.out = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.out, {
            "constant_memory": True,  # rows are written in order and flushed: memory stays flat at any size
            "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        })
        site = project.site
        self.book.set_properties({
            "title": {"template": FORM_TITLE, "report": "校验报告"}.get(kind, ROSTER_TITLE),
            "subject": site.title if site is not None else "",
            "author": f"{CREATOR} {kind}",
            "keywords": "专家联系服务制度",
            "created": _moment(project).replace(tzinfo=None),
        })
        self.formats: dict[str, Format] = {}

    def sheet(self, name: str) -> Worksheet:
        return self.book.add_worksheet(name)

    def style(self, role: str) -> Format:
        if role not in self.formats:
            self.formats[role] = self.book.add_format(_STYLES[role])
        return self.formats[role]

    def close(self) -> bytes:
        self.book.close()
        return self.out.getvalue()


def _write(sheet: Worksheet, row: int, col: int, value: Any, style: Format) -> None:
    """One cell (0-based) by the type of its value: text is always text, never a formula."""
    if value is None:
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, style)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, style)
    elif isinstance(value, (date, datetime)):
        sheet.write_datetime(row, col, value, style)
    else:
        _text(sheet, row, col, str(value), style)


def _text(sheet: Worksheet, row: int, col: int, text: str, style: Format | None) -> None:
    """Text as text. XlsxWriter writes a string that begins with <r> and ends with </r> into the sheet unescaped
    (it takes it for rich text it made itself): data such as '<r>…</r><c><f>HYPERLINK(…)</f>' would become a
    formula. Such a string is written as three plain runs, each escaped; it reads back as the same text."""
    text = _fit(text)  # a field longer than a cell is refused by check (E116); a line made of several is cut
    if text.startswith("<r>") and text.endswith("</r>"):
        sheet.write_rich_string(row, col, text[:1], text[1:2], text[2:], style)
    else:
        sheet.write_string(row, col, text, style)


class _Cells:
    """Rows written cell by cell through XlsxWriter (``_write``): what _Rows writes, the slow way (the tests' reference)."""

    def __init__(self, sheet: Worksheet, styles: list[Format]) -> None:
        self.sheet, self.styles = sheet, styles

    def write(self, row: int, values: list[Any]) -> None:
        for n, value in enumerate(values):
            if value is not None:
                _write(self.sheet, row, n, value, self.styles[n])


class _Rows:
    """Rows of data written straight into XlsxWriter's row file (its constant-memory mode), as the XML it writes for
    the same ``_write`` calls: the same bytes (tests/test_xlsx compares the two for every kind of value), without
    its per-cell calls. At 200,000 experts the 登记表 is 5.6 million cells, and those calls took 45 s of the 50.

    The rows are the sheet's last (nothing is written below them), one ``write`` per row, in order. Text is escaped
    as XlsxWriter escapes it (control characters and a literal _xHHHH_ as Excel reads them, then &, < and >); one
    that XlsxWriter would take for its own rich text ("<r>…</r>", see ``_text``) is escaped all the same, so it
    reads back as itself. Uses XlsxWriter's internals (3.x; pinned below 4), kept to the calls it makes itself for a
    cell: the sheet's extent (``_check_dimensions``), the row before written out first (``_write_single_row``), a
    format's number (``_get_xf_index``), and the row file (``fh``). A change there shows in the byte comparison.
    """

    def __init__(self, sheet: Worksheet, styles: list[Format]) -> None:
        self.sheet = sheet
        self.styles = styles
        self.cells: list[tuple[str, str] | None] = [None] * len(styles)  # ('<c r="B', '" s="3"'), once used

    def write(self, row: int, values: list[Any]) -> None:
        sheet = self.sheet
        used = [n for n, value in enumerate(values) if value is not None]
        if not used or sheet._check_dimensions(row, used[0]) or sheet._check_dimensions(row, used[-1]):
            return  # an empty row, or one past the sheet's last (XlsxWriter leaves both out)
        sheet._write_single_row(row)  # the row before (the headers), as XlsxWriter writes it when a later one starts
        number = str(row + 1)
        parts = [f'<row r="{number}">']
        # most rows hold no character XlsxWriter escapes (the joined text has each value's): their text is written
        # as it is, unless it is longer than half a cell or has a space at an end (as _inline does; same bytes)
        plain = not _SPECIAL.search("".join([value for value in values if type(value) is str]))
        for n in used:
            value = values[n]
            column, style = self.cells[n] or self._cell(n)
            if type(value) is str:
                text = f"<t>{value}</t>" if plain and len(value) <= CELL_LIMIT // 2 and not (
                    value[:1].isspace() or value[-1:].isspace()) else _inline(value)
                parts.append(f'{column}{number}{style} t="inlineStr"><is>{text}</is></c>')
            else:
                parts.append(_other(column + number + style, value))
        parts.append("</row>")
        sheet.fh.write("".join(parts))

    def _cell(self, n: int) -> tuple[str, str]:
        cell = (f'<c r="{xl_col_to_name(n)}', f'" s="{self.styles[n]._get_xf_index()}"')
        self.cells[n] = cell
        return cell


ROWS: type[_Cells] | type[_Rows] = _Rows  # how data rows are written (the tests write them with _Cells too)

# what XlsxWriter changes in a string of a cell: Excel's escapes (a control character as _xHHHH_, a literal _xHHHH_
# with its "_" as _x005F_, the two non-characters), then the three XML escapes
_SPECIAL = re.compile("[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("([\x00-\x08\x0b-\x1f])")


def _inline(text: str) -> str:
    """The <t> element of a text cell, as XlsxWriter writes it (cut to a cell's length, as ``_text`` cuts it)."""
    text = _fit(text)
    if _SPECIAL.search(text):
        text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    preserve = text[:1].isspace() or text[-1:].isspace()  # the escapes neither make nor take away a space at the ends
    return f'<t xml:space="preserve">{text}</t>' if preserve else f"<t>{text}</t>"


_EPOCH = datetime(1899, 12, 31)


def _other(cell: str, value: Any) -> str:
    """A cell of any other value (``cell``: its opening, without the ">"), as ``_write`` has XlsxWriter write it."""
    if isinstance(value, bool):
        return f'{cell} t="b"><v>{1 if value else 0}</v></c>'
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise TypeError("NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option")
        return f"{cell}><v>{value:.16G}</v></c>"
    if isinstance(value, (date, datetime)):
        return f"{cell}><v>{_serial(value):.16G}</v></c>"
    return f'{cell} t="inlineStr"><is>{_inline(str(value))}</is></c>'


def _serial(value: date) -> float:
    """Excel's number of a day or a moment (its 1900 calendar, 29 February 1900 included), as XlsxWriter counts it."""
    if isinstance(value, datetime):
        if value.tzinfo:
            raise TypeError("Excel doesn't support timezones in datetimes. Set the tzinfo in the datetime/time object "
                            "to None or use the 'remove_timezone' Workbook() option")
        moment = value
    else:
        moment = datetime.fromordinal(value.toordinal())
    delta = moment - _EPOCH
    serial = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / (60 * 60 * 24)
    if isinstance(value, datetime) and moment.isocalendar() == (1900, 1, 1):
        serial -= 1
    return serial + 1 if serial > 59 else serial


def _merge(sheet: Worksheet, row: int, first: int, last: int, text: str, style: Format) -> None:
    """Cells ``first``…``last`` of ``row`` merged, holding ``text`` (written as _text writes it)."""
    sheet.merge_range(row, first, row, last, "", style)
    _text(sheet, row, first, text, style)


def _moment(project: Project) -> datetime:
    """SOURCE_DATE_EPOCH (set for a build from the commit's time), else the site's publication day."""
    moment = epoch_moment()
    if moment is not None:
        return moment
    published = project.site.published if project.site is not None else None
    day = published or date(2000, 1, 1)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


class _Lists:
    """The drop-down lists' values, one column each on a hidden sheet (a list written inline is limited to 255 characters).

    The references are handed out while the 登记表 is written; the sheet itself is written last, row by row.
    """

    def __init__(self, project: Project, leaders: list[str] | None) -> None:
        self.project = project
        self.leaders = leaders
        self.ranges: dict[str, str] = {}
        self.columns: list[tuple[str, list[str]]] = []

    def range_for(self, column: Column) -> str | None:
        """The reference of ``column``'s list (made the first time it is asked for); None: no drop-down."""
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
        letter = xl_col_to_name(len(self.columns))
        self.columns.append((column.header.rstrip("0123456789"), values))
        last = max(len(values) + 1, 2)
        self.ranges[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
        return self.ranges[key]

    def finish(self, book: _Book) -> None:
        """The last sheet: hidden and protected."""
        sheet = book.sheet(LISTS_SHEET)
        for n, (header, _values) in enumerate(self.columns):
            _text(sheet, 0, n, header, book.style("bold"))
        for r in range(max((len(values) for _header, values in self.columns), default=0)):
            for n, (_header, values) in enumerate(self.columns):
                if r < len(values):
                    _text(sheet, r + 1, n, values[r], book.style("text"))
        sheet.hide()
        sheet.protect()


def _form_sheet(book: _Book, sheet: Worksheet, columns: list[tuple[str, Column]],
                rows: Iterator[dict[tuple[str, str], Any]], lists: _Lists, *, heading: tuple[str, str],
                count: int) -> None:
    """The 登记表: ``rows`` written one by one, then ``count`` more rows with the drop-downs."""
    width = len(columns)
    last = xl_col_to_name(width - 1)
    for n, (_header, column) in enumerate(columns):  # every cell below the headers: the column's format, open
        sheet.set_column(n, n, column.width, book.style(_open_style(column)) if column.collection else None)
    # rows 1 and 2 are locked in every column (a column's own format is open)
    sheet.set_row(0, 30)
    _merge(sheet, 0, 0, width - 1, FORM_TITLE, book.style("title"))
    _merge(sheet, 1, 0, 1, heading[0], book.style("bold"))
    _merge(sheet, 1, 2, min(width, 8) - 1, heading[1], book.style("text"))  # text, even if typed over
    for n in range(min(width, 8), width):
        sheet.write_blank(1, n, None, book.style("locked"))
    for n, (header, _column) in enumerate(columns):
        _text(sheet, HEADER_ROW - 1, n, header, book.style("head"))
    styles = [book.style(_open_style(column)) if column.collection else book.style("locked") for _h, column in columns]
    out = ROWS(sheet, styles)
    # what each column takes from a row, worked out once: the row's number (None), the nth of the expert's
    # categories (their nth column), or a field as the workbook shows it
    takes: list[tuple[tuple[str, str], int, Callable[[Any], Any] | None] | None] = []
    nth: dict[tuple[str, str], int] = {}
    for _header, column in columns:
        if not column.collection:
            takes.append(None)
        elif column.path == "categories":
            nth[column.key] = nth.get(column.key, -1) + 1
            takes.append((column.key, nth[column.key], None))
        else:
            takes.append((column.key, -1, shows(column)))
    written = 0
    for offset, values in enumerate(rows):
        written = offset + 1
        cells: list[Any] = []  # None: no cell (an empty cell takes its column's format and is open)
        for take in takes:
            if take is None:
                cells.append(offset + 1)
                continue
            key, index, shown = take
            if shown is not None:
                cells.append(shown(values.get(key)))
            else:
                names = values.get(key) or []
                cells.append(names[index] if index < len(names) else None)
        out.write(FIRST_DATA_ROW - 1 + offset, cells)
    end = FIRST_DATA_ROW + max(written + count, 1) - 1
    _validations(sheet, columns, lists, end)
    sheet.freeze_panes(FIRST_DATA_ROW - 1, 3)
    sheet.repeat_rows(HEADER_ROW - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.autofilter(f"A{HEADER_ROW}:{last}{max(end, HEADER_ROW + 1)}")
    # protected without a password: the headers cannot be changed by accident; data cells are open,
    # and widths, rows, filters and sorting are allowed
    sheet.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": True,
                       "insert_rows": True, "delete_rows": True})


def _validations(sheet: Worksheet, columns: list[tuple[str, Column]], lists: _Lists, end: int) -> None:
    by_range: dict[str, list[str]] = {}
    dates: list[str] = []
    for n, (_header, column) in enumerate(columns):
        if not column.collection:
            continue
        letter = xl_col_to_name(n)
        area = f"{letter}{FIRST_DATA_ROW}:{letter}{end}"
        if column.kind == "date":
            dates.append(area)
            continue
        reference = lists.range_for(column)
        if reference is not None:
            by_range.setdefault(reference, []).append(area)
    for reference, areas in by_range.items():
        sheet.data_validation(areas[0], {
            "validate": "list", "source": f"={reference}", "ignore_blank": True, "dropdown": True,
            "error_type": "stop", "error_title": "不在列表中",
            "error_message": "请从下拉列表中选择；列表中没有的，请先与专家工作机构联系登记",
            "show_input": False, "multi_range": " ".join(areas)})
    if dates:
        sheet.data_validation(dates[0], {
            "validate": "date", "criteria": "between", "minimum": EARLIEST, "maximum": LATEST, "ignore_blank": True,
            "error_type": "stop", "error_title": "日期", "error_message": "请输入日期，如 2025-07-01",
            "show_input": False, "multi_range": " ".join(dates)})


def _roster_sheet(book: _Book, sheet: Worksheet, view: SiteView) -> None:
    """The 名单 as the printed appendix lays it out: tier → unit → leader → one row per pairing."""
    headers = ["序号", "联系领导", "职务", *(["电话"] if view.intranet else []), "联系专家", "工作单位", "联系期限"]
    widths = [6, 12, 16, *([16] if view.intranet else []), 12, 30, 34]
    last = len(headers) - 1
    for n, width in enumerate(widths):
        sheet.set_column(n, n, width)
    sheet.set_row(0, 30)
    _merge(sheet, 0, 0, last, ROSTER_TITLE, book.style("title"))
    note = "" if view.intranet else "（只列出同意公开的专家）"
    _merge(sheet, 1, 0, last, f"{view.site.get('org', '')}　截至{cn_date(view.today)}{note}",
                      book.style("text"))  # text, as typed
    for n, header in enumerate(headers):
        _text(sheet, HEADER_ROW - 1, n, header, book.style("head"))
    styles = [book.style("row_number"), *[book.style("row_text")] * last]
    r = HEADER_ROW
    number = 0
    for group in view.pairing_groups:
        _merge(sheet, r, 0, last, group["name"] or TIER_NAMES.get(group["tier"], ""), book.style("group"))
        r += 1
        for unit in group["units"]:
            _merge(sheet, r, 0, last, unit["name"], book.style("bold"))
            r += 1
            for leader in unit["leaders"]:
                phone = ((leader.get("contact") or {}).get("phone") or "—") if view.intranet else None
                for pairing in leader["pairings"]:
                    number += 1
                    values: list[Any] = [number, leader["name"], leader["post"], *([phone] if view.intranet else []),
                                         pairing["expert_name"], pairing["expert_employer"],
                                         cn_period(pairing["start"], pairing["end"])]
                    for n, value in enumerate(values):
                        _write(sheet, r, n, value, styles[n])
                    r += 1
    sheet.freeze_panes(HEADER_ROW, 0)
    sheet.repeat_rows(HEADER_ROW - 1)
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.protect()


def _notes_sheet(book: _Book, sheet: Worksheet, project: Project, columns: list[tuple[str, Column]]) -> None:
    """说明: what the form is for (the policy), how to fill it in, and what each column takes."""
    site = project.site
    org = site.org if site is not None else "专家工作机构"
    email = site.email if site is not None else ""
    named = project.rules.policy if project.rules is not None else None  # the rule profile's policy
    cited = [p for p in project.policies if p.id == named] or [p for p in project.policies if p.meta.status == "现行有效"]
    policies = "、".join(f"《{p.meta.title}》（{p.meta.doc_number}）" for p in cited) or "本单位的专家联系服务制度"
    lines = [
        (FORM_TITLE + "　填表说明", "prose_title"),
        (f"依据：{policies}。各单位将领导联系专家情况填写本登记表，与领导联系专家名单一并报送{org}备案"
         f"{'（' + email + '）' if email else ''}。", "prose"),
        ("", "prose"),
        ("一、每行一条对口联系：一位专家有几位联系领导就填几行，各行中该专家的信息须一致；尚未确定联系领导的专家，联系领导各列留空，单独一行。", "prose"),
        ("二、已登记的专家和联系请保留“专家编号”“联系编号”（可从内网“下载”页取得本单位的名单）；新专家、新联系的编号留空，导入时按姓名、"
         "工作单位、出生年月核对，并自动编号。", "prose"),
        ("三、工作单位、联系领导、专家类别、性别、职称级别、学位、状态、涉密、同意公开从下拉列表中选择；列表中没有的单位或领导，请先与"
         f"{org}联系登记。", "prose"),
        ("四、日期列填日期（如 2025-07-01）。电话、手机、身份证号列是文本格式：请直接输入，不要改成数字格式，否则开头的 0 会丢失、"
         "长号码会变成 1.1E+17 这样的科学计数法，导入时会被退回。", "prose"),
        ("五、空白单元格表示“不变”：导入只增加和更正，不删除已登记的信息。需要删除或注销的，请书面告知。", "prose"),
        ("六、前三行（标题和表头）受保护，请勿改动列名；不要合并单元格，不要使用公式。可以调整列宽、筛选和排序。", "prose"),
        ("七、身份证号只用于核对身份，保密，不出现在任何网站、服务指南或导出的表格中。联系方式只在内网使用。", "prose"),
        ("", "prose"),
        ("各列说明", "prose_bold"),
    ]
    for n, width in enumerate((16, 12, 70, 14)):
        sheet.set_column(n, n, width)
    for r, (text, role) in enumerate(lines):
        _merge(sheet, r, 0, 3, text, book.style(role))
    r = len(lines)
    for n, header in enumerate(("列名", "新专家必填", "填写要求", "公开范围")):
        _text(sheet, r, n, header, book.style("note_head"))
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
        for n, value in enumerate(values):
            _write(sheet, r, n, value, book.style("prose_box"))
    sheet.protect()


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
    """The workbook with every zip entry dated ``moment`` (made on Unix, mode 644) and its created/modified properties
    set to it.

    XlsxWriter's compressed members are kept as they are, only the dates and modes in their headers written over
    (_restamped): inflating and deflating a 200,000-row sheet (267 MB) again took 12 s. A zip this does not read for
    certain (zip64, extra fields), or whose properties hold other dates, is written again whole (_rewritten), to the
    same bytes (a test holds the two together)."""
    when = moment.astimezone(timezone.utc)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    date_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    restamped = _restamped(data, date_time, stamp)
    return restamped if restamped is not None else _rewritten(data, date_time, stamp)


def _stamped_core(core: bytes, stamp: bytes) -> bytes:
    return _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), core)


def _restamped(data: bytes, date_time: tuple[int, ...], stamp: bytes) -> bytes | None:
    """``data`` with the date, time and mode of every entry written over in place; None where that is not certain."""
    import struct

    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        if "docProps/core.xml" in names and _stamped_core(core := source.read("docProps/core.xml"), stamp) != core:
            return None
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or len(data) != end + 22 or b"PK\x06\x06" in data[max(0, end - 76):end]:  # a comment, zip64
        return None
    count, size, start = struct.unpack_from("<HII", data, end + 10)
    if start + size != end or count != len(names):
        return None
    year, month, day, hour, minute, second = date_time
    dos_time, dos_date = hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day
    out = bytearray(data)
    at = start
    for _ in range(count):
        if out[at:at + 4] != b"PK\x01\x02":
            return None
        made_by, name, extra, comment = (struct.unpack_from("<H", out, at + 4)[0],
                                         *struct.unpack_from("<HHH", out, at + 28))
        local = struct.unpack_from("<I", out, at + 42)[0]
        if extra or comment or out[local:local + 4] != b"PK\x03\x04" or struct.unpack_from("<H", out, local + 28)[0]:
            return None
        struct.pack_into("<HH", out, local + 10, dos_time, dos_date)
        struct.pack_into("<H", out, at + 4, 3 << 8 | made_by & 0xFF)  # made on Unix
        struct.pack_into("<HH", out, at + 12, dos_time, dos_date)
        struct.pack_into("<I", out, at + 38, 0o644 << 16)
        at += 46 + name + extra + comment
    return bytes(out) if at == end else None


def _rewritten(data: bytes, date_time: tuple[int, ...], stamp: bytes) -> bytes:
    """``data`` written again entry by entry, dated and with its properties' dates set (see reproducible)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=date_time)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            if member.filename == "docProps/core.xml":
                target.writestr(info, _stamped_core(source.read(member), stamp), compresslevel=6)
                continue
            # copied a megabyte at a time, at zlib's default level (6, as above): a 200,000-row sheet is 267 MB
            with source.open(member) as reading, target.open(info, "w") as writing:
                shutil.copyfileobj(reading, writing, 1 << 20)
    return out.getvalue()
