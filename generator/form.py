"""The 登记表 as a workbook: its sheets and columns, derived from the field specs (登记表的列).

《各级领导联系专家情况登记表》 (渝人发〔2002〕110号 附件1) is printed in the guide with the columns of
render/pdf/compose.py FORM_COLUMNS; the workbook keeps their order but gives every value a column of
its own, so that each cell is one field of an expert (专家) or of a pairing (联系), one row per pairing.
The template, the export and the import all read this one table: a column's label, kind, choices and
visibility come from the field's ``f(...)`` declaration in models.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .fields import ALLOWED, Profile, Spec
from .models import Expert, Pairing, STATUS_NAMES
from .project import Project

FORM_TITLE = "各级领导联系专家情况登记表"
ROSTER_TITLE = "领导联系专家名单"
FORM_SHEET = "登记表"  # the only sheet the import reads
ROSTER_SHEET = "名单"  # the 名单 in the layout of 附件2 (export only)
NOTES_SHEET = "说明"
LISTS_SHEET = "选项"  # the drop-down lists' values (hidden)
HEADER_ROW = 3  # row 1: title, row 2: 填报单位 …, row 3: the headers; data from row 4
FIRST_DATA_ROW = HEADER_ROW + 1
HEADER_SEARCH_ROWS = 20  # the import looks for the header row this far down (a unit may add title rows)
CATEGORY_COLUMNS = 3  # 专家类别1 … 3 in the template; an export has as many as its experts need
YES, NO = "是", "否"
CREATOR = "expert-guide"  # docProps: "expert-guide template", "expert-guide public", "expert-guide intranet"


@dataclass(frozen=True)
class Column:
    """One column of the 登记表: which field of which collection it holds."""

    header: str
    collection: str  # "experts" or "pairings"; "" for 序号 (never read)
    path: str  # a field, or a nested one: "contact.mobile", "consent.leader"
    width: int = 12
    aliases: tuple[str, ...] = ()  # headers a unit may have written instead (the printed form's)
    note: str = ""  # for the 说明 sheet

    @property
    def spec(self) -> Spec:
        return field_spec(self.collection, self.path)

    @property
    def vis(self) -> str:
        """The strictest visibility on the way to the field (a phone inside the internal contact is internal)."""
        if not self.collection:
            return "public"
        model: Any = _MODELS[self.collection]
        order = ("public", "internal", "secret")
        worst = "public"
        for name in self.path.split("."):
            spec = model._specs[name]
            worst = max(worst, spec.vis, key=order.index)
            model = spec.model
        return worst

    @property
    def kind(self) -> str:
        if not self.collection:
            return ""
        spec = self.spec
        return spec.item.kind if spec.kind == "list" and spec.item is not None else spec.kind

    @property
    def ref(self) -> str:
        if not self.collection:
            return ""
        spec = self.spec
        return spec.item.ref if spec.kind == "list" and spec.item is not None else spec.ref

    @property
    def key(self) -> tuple[str, str]:
        return self.collection, self.path

    def shown_to(self, profile: Profile) -> bool:
        return self.vis in ALLOWED[profile]


_MODELS: dict[str, Any] = {"experts": Expert, "pairings": Pairing}


def field_spec(collection: str, path: str) -> Spec:
    model: Any = _MODELS[collection]
    spec: Spec | None = None
    for name in path.split("."):
        spec = model._specs[name]
        model = spec.model
    assert spec is not None
    return spec


NUMBER = Column("序号", "", "", width=6)
CATEGORY = "专家类别"  # numbered: 专家类别1, 专家类别2 …; a single 专家类别 column takes names joined by “、”

COLUMNS: tuple[Column, ...] = (
    NUMBER,
    Column("专家编号", "experts", "id", 10, note="已登记的专家填写编号（见导出的登记表）；新专家可留空，导入时按姓名、工作单位和出生年月核对，新专家自动编号"),
    Column("专家姓名", "experts", "name", 10, aliases=("姓名",)),
    Column("性别", "experts", "gender", 6),
    Column("出生年月", "experts", "birth", 10, note="写成 1968-05"),
    Column("工作单位", "experts", "employer", 24, aliases=("单位",)),
    Column("系统", "experts", "system", 8),
    Column("地区", "experts", "region", 10),
    Column("职称级别", "experts", "title_rank", 10, aliases=("职称", "职务/职称", "职务／职称")),
    Column("学位", "experts", "degree", 8),
    Column("专业领域", "experts", "field", 14),
    Column(CATEGORY, "experts", "categories", 28, note="从下拉列表选择；属于几个类别就填几列"),
    Column("联系领导", "pairings", "leader", 24, aliases=("联系领导及职务",), note="从下拉列表选择；同一专家有几位联系领导就填几行"),
    Column("联系开始日期", "pairings", "start", 12),
    Column("联系结束日期", "pairings", "end", 12, note="对口联系时间一般为 2 年（第四条）"),
    Column("领导同意日期", "pairings", "consent.leader", 12, note="确定联系前须征得领导和专家双方同意（第四条）"),
    Column("专家同意日期", "pairings", "consent.expert", 12),
    Column("联系编号", "pairings", "id", 10, note="已登记的联系填写编号；新联系可留空"),
    Column("办公电话", "experts", "contact.phone", 14),
    Column("手机", "experts", "contact.mobile", 14),
    Column("电子邮箱", "experts", "contact.email", 22),
    Column("通信地址", "experts", "contact.address", 24),
    Column("身份证号", "experts", "id_number", 20, note="保密：只用于核对身份，不出现在任何网站、指南或导出的表格中"),
    Column("状态", "experts", "status", 8),
    Column("涉密", "experts", "confidential", 6),
    Column("同意公开", "experts", "public_consent", 8, note="只有在册、不涉密且同意公开的专家才出现在公开版中"),
    Column("核对日期", "experts", "reviewed", 12),
    Column("备注", "experts", "notes", 24),
)

# Enum values shown in Chinese (the data keeps the codes).
SHOWN: dict[tuple[str, str], dict[str, str]] = {("experts", "status"): STATUS_NAMES}


def category_headers(count: int) -> list[str]:
    return [f"{CATEGORY}{n}" for n in range(1, count + 1)]


def columns_for(profile: Profile | None, categories: int = CATEGORY_COLUMNS) -> list[tuple[str, Column]]:
    """(header, column) in order: every column for the template (``None``), the profile's for an export.

    A secret field (身份证号) is a column of the template only: it is collected, never given out.
    """
    out: list[tuple[str, Column]] = []
    for column in COLUMNS:
        if profile is not None and column.collection and not column.shown_to(profile):
            continue
        if column.header == CATEGORY:
            out += [(header, column) for header in category_headers(categories)]
        else:
            out.append((column.header, column))
    return out


def _fold(text: str) -> str:
    """A header as written, compared without spaces and with full-width slashes and brackets as ASCII."""
    return "".join(text.split()).replace("／", "/").replace("（", "(").replace("）", ")")


_BY_HEADER: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.aliases):
        _BY_HEADER[_fold(_name)] = _column


def column_of(header: str) -> Column | None:
    """The column a header names (its own text, an alias, or 专家类别N); None for an unknown header."""
    folded = _fold(header)
    found = _BY_HEADER.get(folded)
    if found is not None:
        return found
    if folded.startswith(CATEGORY) and folded[len(CATEGORY):].isdigit():
        return _BY_HEADER[CATEGORY]
    return None


def known_headers() -> list[str]:
    return [c.header for c in COLUMNS]


def shown_value(column: Column, value: Any) -> Any:
    """A field's value as the workbook shows it: enum codes in Chinese, booleans as 是/否."""
    return shows(column)(value)


def shows(column: Column) -> Callable[[Any], Any]:
    """``shown_value`` for one column, its kind looked up once (an export of 200,000 experts shows 5 million values)."""
    if column.kind == "bool":
        return lambda value: None if value is None else YES if value else NO
    names = SHOWN.get(column.key)
    if names is not None:
        return lambda value: None if value is None else names.get(value, value)
    return lambda value: value


def choices_shown(column: Column) -> list[str]:
    """The drop-down values of an enum or boolean column."""
    if column.kind == "bool":
        return [YES, NO]
    names = SHOWN.get(column.key, {})
    return [names.get(choice, choice) for choice in column.spec.choices]


def parse_choice(column: Column, text: str) -> str | None:
    """An enum code from what the cell shows (the code itself or its Chinese name); None when unknown."""
    if text in column.spec.choices:
        return text
    for code, name in SHOWN.get(column.key, {}).items():
        if name == text:
            return code
    return None


def ref_labels(project: Project, collection: str) -> dict[str, str]:
    """id → what a drop-down shows for a unit, leader or category: its name, made unique where names repeat.

    A leader is shown with unit and post, 郑国梁（重庆市人事局局长）, as the printed form's 联系领导及职务.
    """
    records = getattr(project, collection)
    if collection == "leaders":
        units = {u.id: u.name for u in project.units}
        labels = {r.id: f"{r.name}（{units.get(r.unit, r.unit)}{r.post}）" for r in records}
    else:
        labels = {r.id: r.name for r in records}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    return {ident: label if counts[label] == 1 else f"{label}〔{ident}〕" for ident, label in labels.items()}


def cell_ref(row: int, col: int) -> str:
    """A1 reference of a 1-based row and column: (7, 5) → "E7"."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def cell_path(file: str, sheet: str, ref: str = "") -> str:
    """Where a cell is, as the import reports it: 登记表.xlsx!登记表!E7."""
    return f"{file}!{sheet}!{ref}" if ref else f"{file}!{sheet}"


__all__ = ["COLUMNS", "Column", "FORM_SHEET", "ROSTER_SHEET", "NOTES_SHEET", "LISTS_SHEET", "columns_for", "column_of",
           "cell_ref", "cell_path", "ref_labels", "shown_value", "choices_shown", "parse_choice"]
