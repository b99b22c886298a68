"""Read a returned 登记表 (.xlsx or legacy .xls) into located cells, whatever the file really is (读取工作簿).

A workbook comes from outside: it may be no workbook at all, encrypted, a zip bomb, a million rows,
formulas, merged cells, hidden or missing sheets, renamed or reordered headers. Each is a located
diagnostic (``登记表.xlsx!登记表!E7``) or a defined behaviour, in bounded time and memory:

- what the file is is decided by its bytes, not its name; a .xlsx is opened only after its zip
  directory passed the limits (members, and uncompressed sizes as declared, which zipfile enforces);
- .xlsx is read with openpyxl in read-only mode, .xls with python-calamine (openpyxl cannot);
- only the 登记表 sheet is read; columns are matched by header text, in any order;
- a formula is never evaluated: the value Excel saved with it is read, with a warning;
- a merged cell in the data rows is an error (its value would stand for several cells).
"""
from __future__ import annotations

import codecs
import difflib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from ..diagnostics import Diagnostics, Location
from ..form import (FORM_SHEET, HEADER_SEARCH_ROWS, LISTS_SHEET, NOTES_SHEET, NUMBER, ROSTER_SHEET, Column, cell_path,
                    cell_ref, column_of, known_headers)

MAX_BYTES = 64 * 1024 * 1024  # the file, and everything inside it uncompressed (as the leak audit's budget)
MAX_MEMBERS = 10_000
MAX_ROWS = 100_000  # data rows of one 登记表
MAX_COLUMNS = 256  # columns looked at (a .xls has at most 256)
ERROR = "#error"  # the number format given to a cell holding an error value (#N/A, #VALUE!)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream of an encrypted OOXML file inside its OLE container


@dataclass(frozen=True, slots=True)
class Cell:
    """One non-empty cell: its reference, its value as stored, and how it was stored."""

    ref: str
    value: Any  # str, int, float, bool, date or datetime
    number_format: str = ""  # "" when unknown (.xls)
    formula: str = ""  # the formula whose saved value this is


@dataclass
class Sheet:
    """The 登记表's headers and data rows, each cell with its place."""

    file: str  # the name the messages show
    name: str
    header_row: int
    columns: list[tuple[int, str, Column]] = field(default_factory=list)  # (column number, header, column)
    rows: list[tuple[int, dict[int, Cell]]] = field(default_factory=list)  # (row number, column number → cell)

    def where(self, ref: str = "") -> Location:
        return Location(cell_path(self.file, self.name, ref))


class _Stop(Exception):
    """The file cannot be read further; already reported."""


def read_form(path: Path, diags: Diagnostics, shown: str | None = None) -> Sheet | None:
    """The 登记表 of the workbook at ``path``; None when it cannot be read (every reason reported)."""
    name = shown or path.name
    try:
        return _read(path, name, diags)
    except _Stop:
        return None


def _read(path: Path, name: str, diags: Diagnostics) -> Sheet | None:
    whole = Location(name)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        diags.error(whole, "E701", f"无法读取文件：{exc.strerror or exc}")
        raise _Stop from None
    if size > MAX_BYTES:
        diags.error(whole, "E703", f"文件有 {size // 1024 // 1024} MB，超过上限 {MAX_BYTES // 1024 // 1024} MB",
                    hint="一个单位的登记表通常不到 1 MB；请只保留登记表一个工作表，删除图片和多余的内容")
        raise _Stop
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _XlsxReader(path, name, diags).read()
    if head.startswith(OLE):
        data = path.read_bytes()
        if _ENCRYPTED in data:
            diags.error(whole, "E702", "工作簿已加密（设置了打开密码），无法读取",
                        hint="在 Excel 中“文件 → 信息 → 保护工作簿 → 用密码进行加密”删除密码后另存，再导入")
            raise _Stop
        return _read_xls(path, name, diags)
    diags.error(whole, "E701", f"不是 Excel 工作簿：{_looks_like(head, path)}",
                hint="请用 Excel 或 WPS 表格打开登记表，另存为“Excel 工作簿（*.xlsx）”后再导入")
    raise _Stop


def _looks_like(head: bytes, path: Path) -> str:
    if head.startswith(b"%PDF"):
        return "这是 PDF 文件"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "这是图片"
    if head.startswith(b"\x1f\x8b"):
        return "这是 gzip 压缩文件"
    if head.startswith(b"Rar!") or head.startswith(b"7z\xbc\xaf"):
        return "这是压缩包"
    if not head:
        return "文件是空的"
    text = head.lstrip(b"\xef\xbb\xbf")
    if text.startswith((b"<", b"<?xml")):
        return "这是 HTML 或 XML 文本（可能是网页另存为 .xls）"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a character cut at the end is fine
        return f"这是文本文件（可能是改了扩展名的 CSV 或 TXT：{path.suffix or '无扩展名'}）"
    except UnicodeDecodeError:
        return "无法识别的文件格式"


# ---- .xlsx: openpyxl, read-only ----

_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]{1,3}[0-9]{1,7})(?::([A-Z]{1,3}[0-9]{1,7}))?"')
_REF = re.compile(r"([A-Z]+)([0-9]+)")


class _XlsxReader:
    def __init__(self, path: Path, name: str, diags: Diagnostics) -> None:
        self.path, self.name, self.diags = path, name, diags

    def fail(self, code: str, message: str, hint: str = "") -> None:
        self.diags.error(Location(self.name), code, message, hint=hint)
        raise _Stop

    def read(self) -> Sheet | None:
        archive = self._archive()
        with archive:
            part = self._sheet_part(archive)
            merged = self._merged(archive, part) if part else []
        with warnings.catch_warnings():  # openpyxl's warnings about parts it skips (extensions, styles) say nothing to the user
            warnings.simplefilter("ignore")
            return self._cells(merged)

    def _archive(self) -> zipfile.ZipFile:
        try:
            archive = zipfile.ZipFile(self.path)
            members = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            self.fail("E701", "文件已损坏：不是完整的 Excel 工作簿（zip 结构有误）", hint="请在 Excel 中重新另存为 .xlsx")
            raise
        if len(members) > MAX_MEMBERS:
            self.fail("E703", f"工作簿中有 {len(members)} 个部件，超过上限 {MAX_MEMBERS}")
        total = 0
        for member in members:
            if member.flag_bits & 1:
                self.fail("E702", f"工作簿的部件“{member.filename}”已加密，无法读取")
            total += member.file_size
            if total > MAX_BYTES:
                self.fail("E703", f"工作簿解压后超过 {MAX_BYTES // 1024 // 1024} MB（压缩炸弹？），未读取",
                          hint="一个单位的登记表解压后通常不到几 MB；请只保留登记表，删除图片和多余的工作表")
        names = {m.filename for m in members}
        if "xl/workbook.xml" not in names:
            what = ("Word 文档" if "word/document.xml" in names else "PowerPoint 演示文稿" if "ppt/presentation.xml" in names
                    else "OpenDocument 文件" if "mimetype" in names else " zip 压缩包")
            self.fail("E701", f"不是 Excel 工作簿：这是{what}",
                      hint="请把登记表另存为“Excel 工作簿（*.xlsx）”后再导入，不要压缩")
        return archive

    def _sheet_part(self, archive: zipfile.ZipFile) -> str | None:
        """The zip member of the 登记表 sheet, from workbook.xml and its relationships (both small)."""
        try:
            book = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels")
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        target = None
        for entry in _SHEET_ENTRY.findall(book):
            attrs = {k.split(b":")[-1]: v for k, v in _ATTR.findall(entry)}
            if _unescape(attrs.get(b"name", b"")) == FORM_SHEET:
                target = attrs.get(b"id")
        if target is None:
            return None
        for entry in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
            attrs = dict(_ATTR.findall(entry))
            if attrs.get(b"Id") == target:
                where = attrs.get(b"Target", b"").decode("utf-8", "replace")
                return where.lstrip("/") if where.startswith("/") else f"xl/{where}"
        return None

    def _merged(self, archive: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
        """Merged ranges of the sheet, scanned from its XML as it is inflated (openpyxl's read-only mode has none)."""
        found: list[tuple[str, str]] = []
        tail = b""
        try:
            with archive.open(part) as handle:
                while True:
                    chunk = handle.read(1 << 20)
                    if not chunk:
                        break
                    data = tail + chunk
                    for match in _MERGE.finditer(data):
                        found.append((match.group(1).decode(), (match.group(2) or match.group(1)).decode()))
                    tail = data[-200:]  # a tag cut by the chunk's end is found whole next time (and once: deduplicated)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
            self.fail("E701", "文件已损坏：登记表工作表无法解压")
        return list(dict.fromkeys(found))

    def _cells(self, merged: list[tuple[str, str]]) -> Sheet | None:
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(self.path.read_bytes()), read_only=True, data_only=False, keep_links=False)
        except Exception as exc:  # anything openpyxl meets in a damaged file: it is not a readable workbook
            self.fail("E701", f"文件已损坏，无法作为 Excel 工作簿读取（{type(exc).__name__}）",
                      hint="请在 Excel 中打开并重新另存为 .xlsx")
            raise
        try:
            states = {ws.title: ws.sheet_state for ws in book.worksheets}
            if not _sheet_present(states, self.name, self.diags):
                return None
            sheet = book[FORM_SHEET]
            formulas: dict[str, str] = {}

            def rows(first: int, last: int | None, width: int) -> Iterator[tuple[int, list[tuple[Any, str, str]]]]:
                for number, row in enumerate(sheet.iter_rows(min_row=first, max_row=last, max_col=width), first):
                    yield number, [(_escaped_underscore(c.value), getattr(c, "number_format", "") or "", c.data_type)
                                   for c in row]

            result = _table(self.name, rows, merged, self.diags, formulas)
        finally:
            book.close()
        if result is not None and formulas:
            self._saved_values(result, formulas)
        return result

    def _saved_values(self, sheet: Sheet, formulas: dict[str, str]) -> None:
        """The values Excel saved with the formulas (a second read, only of a workbook that has formulas)."""
        from openpyxl import load_workbook

        wanted = {int(_REF.fullmatch(ref).group(2)) for ref in formulas}  # type: ignore[union-attr]
        saved: dict[str, Any] = {}
        book = load_workbook(io.BytesIO(self.path.read_bytes()), read_only=True, data_only=True, keep_links=False)
        try:
            for number, row in enumerate(book[FORM_SHEET].iter_rows(max_row=max(wanted), max_col=MAX_COLUMNS), 1):
                if number in wanted:
                    for column, cell in enumerate(row, 1):
                        ref = cell_ref(number, column)
                        if ref in formulas:
                            saved[ref] = cell.value
        finally:
            book.close()
        for _number, cells in sheet.rows:
            for column, cell in list(cells.items()):
                if cell.ref in formulas:
                    value = saved.get(cell.ref)
                    shown = "（没有保存的结果，按空白处理）" if value is None else f"“{value}”"
                    self.diags.warning(sheet.where(cell.ref), "E708",
                                       f"单元格是公式“{_short(formulas[cell.ref])}”：不计算公式，读取 Excel 保存的结果{shown}",
                                       hint="请把公式所在的列“复制 → 选择性粘贴 → 数值”后再报送")
                    if value is None or value == "":
                        del cells[column]
                    else:
                        cells[column] = Cell(cell.ref, value, cell.number_format, formulas[cell.ref])


def _escaped_underscore(value: Any) -> Any:
    """A text as Excel shows it: Excel (and XlsxWriter, which writes our exports) stores a literal “_x0041_” as
    “_x005F_x0041_”. openpyxl drops “x005F_” from the shared strings Excel writes (roughly: a text holding
    “x005F_” itself loses it) and leaves the inline strings of an export as stored; “_x005F_” is taken back to
    “_” here, so an export imports back as it was. Other _xHHHH_ escapes are left as read (as before)."""
    return value.replace("_x005F_", "_") if isinstance(value, str) and "_x005F_" in value else value


def _unescape(raw: bytes) -> str:
    import html

    return html.unescape(raw.decode("utf-8", "replace"))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _sheet_present(states: dict[str, str], name: str, diags: Diagnostics) -> bool:
    if FORM_SHEET not in states:
        shown = "、".join(f"“{s}”" for s in states) or "无"
        diags.error(Location(name), "E704", f"缺少“{FORM_SHEET}”工作表（现有：{shown}）",
                    hint=f"请在登记表模板中填写，或把填好的工作表重命名为“{FORM_SHEET}”")
        return False
    if states[FORM_SHEET] != "visible":
        diags.error(Location(cell_path(name, FORM_SHEET)), "E704", f"“{FORM_SHEET}”工作表被隐藏了",
                    hint="报送的内容须是看得见的：请在 Excel 中取消隐藏后再报送")
        return False
    for sheet, state in states.items():
        if state != "visible" and sheet != LISTS_SHEET:
            diags.warning(Location(cell_path(name, sheet)), "E705", f"隐藏的工作表“{sheet}”没有读取（只读取“{FORM_SHEET}”）")
        elif state == "visible" and sheet not in (FORM_SHEET, NOTES_SHEET, ROSTER_SHEET, LISTS_SHEET):
            diags.warning(Location(cell_path(name, sheet)), "E705", f"工作表“{sheet}”没有读取（只读取“{FORM_SHEET}”）",
                          hint=f"填在其他工作表中的专家不会导入：请都填在“{FORM_SHEET}”中")
    return True


# ---- .xls: python-calamine ----

def _read_xls(path: Path, name: str, diags: Diagnostics) -> Sheet | None:
    import python_calamine as calamine

    try:
        with path.open("rb") as handle:  # by content: from_path would choose its reader by the file's extension
            book = calamine.CalamineWorkbook.from_filelike(handle)
    except calamine.PasswordError:
        diags.error(Location(name), "E702", "工作簿已加密（设置了打开密码），无法读取",
                    hint="删除打开密码后另存，再导入")
        raise _Stop from None
    except Exception as exc:  # calamine's errors, and a container that is not a workbook at all
        diags.error(Location(name), "E701", f"文件已损坏，或不是 Excel 工作簿（{type(exc).__name__}）",
                    hint="请在 Excel 中打开并另存为“Excel 工作簿（*.xlsx）”后再导入")
        raise _Stop from None
    try:
        states = {m.name: "visible" if m.visible == calamine.SheetVisibleEnum.Visible else "hidden"
                  for m in book.sheets_metadata}
        if not _sheet_present(states, name, diags):
            return None
        try:
            sheet = book.get_sheet_by_name(FORM_SHEET)
            merged = [(cell_ref(a[0] + 1, a[1] + 1), cell_ref(b[0] + 1, b[1] + 1))
                      for a, b in sheet.merged_cell_ranges or []]
            data = sheet.to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS + MAX_ROWS + 2)
        except Exception as exc:
            diags.error(Location(cell_path(name, FORM_SHEET)), "E701", f"登记表无法读取（{type(exc).__name__}）")
            raise _Stop from None
    finally:
        book.close()
    def rows(first: int, last: int | None, width: int) -> Iterator[tuple[int, list[tuple[Any, str, str]]]]:
        for number in range(first, min(len(data), last or len(data)) + 1):
            yield number, [(v, "", "") for v in data[number - 1][:width]]

    return _table(name, rows, merged, diags, {})


# ---- headers and rows, whichever reader ----

def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


Rows = Callable[[int, "int | None", int], Iterator[tuple[int, list[tuple[Any, str, str]]]]]


def _table(name: str, rows: Rows, merged: list[tuple[str, str]], diags: Diagnostics,
           formulas: dict[str, str]) -> Sheet | None:
    """Find the header row, map the headers to columns, and keep the data rows (at most MAX_ROWS).

    ``rows(first, last, width)`` reads rows ``first``–``last`` (None: to the end), ``width`` columns wide.
    """
    sheet = Sheet(name, FORM_SHEET, 0)
    for number, row in rows(1, HEADER_SEARCH_ROWS, MAX_COLUMNS):
        texts = [str(v).strip() if isinstance(v, str) else "" for v, _f, _t in row]
        if sum(1 for t in texts if t and (column_of(t) or NUMBER).collection) >= 2:
            sheet.header_row = number
            break
    if not sheet.header_row:
        diags.error(sheet.where("A1"), "E706", f"在前 {HEADER_SEARCH_ROWS} 行中找不到表头行（应有“专家姓名”“性别”等列名）",
                    hint="请使用登记表模板，不要删除或改写表头")
        return None
    if not _headers(sheet, texts, diags):
        return None
    ok = True
    for first, last in merged:
        if _row_of(last) >= sheet.header_row:
            diags.error(sheet.where(first), "E709", f"合并单元格 {first}:{last}：数据区不能合并单元格",
                        hint="合并后只有左上角的单元格有值，其余看起来相同的单元格实际是空的；请取消合并，并在每个单元格中填写")
            ok = False
    if not ok:
        return None
    width = max(number for number, _h, _c in sheet.columns)
    for number, row in rows(sheet.header_row + 1, sheet.header_row + MAX_ROWS + 1, width):
        if number - sheet.header_row > MAX_ROWS:
            diags.error(sheet.where(cell_ref(number, 1)), "E707",
                        f"登记表超过 {MAX_ROWS:,} 行的上限：从这一行起没有读取，整个文件未导入",
                        hint="请分成几个文件报送；也可能是表格下方有大量空行带有格式，删除这些行后另存")
            return None
        cells: dict[int, Cell] = {}
        for column, _header, _col in sheet.columns:
            if column > len(row):
                continue
            value, fmt, kind = row[column - 1]
            ref = cell_ref(number, column)
            if kind == "f":
                formulas[ref] = str(value)
                cells[column] = Cell(ref, None, fmt, str(value))
                continue
            if kind == "e":  # an error value such as #N/A
                cells[column] = Cell(ref, value, ERROR)
                continue
            if _empty(value):
                continue
            cells[column] = Cell(ref, value, fmt)
        if cells:
            sheet.rows.append((number, cells))
    return sheet


def _row_of(ref: str) -> int:
    match = _REF.fullmatch(ref)
    return int(match.group(2)) if match else 0


def _headers(sheet: Sheet, texts: list[str], diags: Diagnostics) -> bool:
    """Map each header cell to its column; an unknown, repeated or missing header is reported at its cell."""
    ok = True
    seen: dict[str, str] = {}
    for number, text in enumerate(texts, 1):
        if not text:
            continue
        ref = cell_ref(sheet.header_row, number)
        column = column_of(text)
        if column is None:
            close = difflib.get_close_matches(text, known_headers(), n=1, cutoff=0.4)
            hint = f"是不是“{close[0]}”？" if close else "可用的列名：" + "、".join(known_headers())
            diags.error(sheet.where(ref), "E706", f"不认识的列名“{_short(text)}”", hint=hint)
            ok = False
            continue
        if not column.collection:  # 序号
            continue
        key = text if column.path == "categories" else column.header
        if key in seen:
            diags.error(sheet.where(ref), "E706", f"列“{column.header}”重复（第一次在 {seen[key]}）",
                        hint="每一列只能出现一次；请删除重复的列")
            ok = False
            continue
        seen[key] = ref
        sheet.columns.append((number, text, column))
    if not any(c.path in ("name", "id") and c.collection == "experts" for _n, _t, c in sheet.columns):
        diags.error(sheet.where(cell_ref(sheet.header_row, 1)), "E706", "缺少“专家姓名”列",
                    hint="每一行都要写明是哪位专家")
        ok = False
    return ok


def day_of(value: Any) -> date | None:
    """A date cell's day (a datetime at midnight is a day); None for anything else."""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else None
    if isinstance(value, date):
        return value
    return None


__all__ = ["read_form", "Sheet", "Cell", "MAX_BYTES", "MAX_ROWS", "day_of"]
