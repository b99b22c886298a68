"""A returned 登记表 against the project: which experts and pairings are new or changed, as text edits (合并登记表).

Each row is one pairing (联系) of one expert (专家). An expert is known by 专家编号, else by name,
employer and birth; a pairing by 联系编号, else by leader, expert and start. A value that differs
from the data becomes a change in place; a value the data lacks is inserted; an empty cell changes
nothing (the import never deletes). A new expert or pairing gets the next free number in the style
of the project's own (e0107 after e0106) and is appended to the file that holds its employer's
experts or its leader's pairings. Nothing is written here: the plan is the new text of each file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

from ..diagnostics import Diagnostics, Location
from ..form import COLUMNS, NO, YES, Column, cell_ref, choices_shown, parse_choice, ref_labels
from ..kinds import FORMATS, ID, MONTH
from ..models import COLLECTION_NAMES, Expert, Pairing
from ..project import Project
from .project import collection_files
from .workbook import ERROR, Cell, Sheet, day_of
from .yamledit import Document, Node, record_block, scalar

# Numbers Excel has made of a phone or an ID number: 13800138000.0, 1.1E+17, 1.38e10.
_MANGLED = re.compile(r"[0-9]+\.0+|[0-9](\.[0-9]+)?[eE][+-]?[0-9]+")
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_MONTH_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_SPACE = " \t\u3000"


@dataclass
class Value:
    value: Any
    cell: str  # A1 reference


@dataclass
class Plan:
    """What an import would write: the new text of each changed file, and what changed, in Chinese."""

    file: str = ""  # the workbook, as messages name it
    texts: dict[str, str] = field(default_factory=dict)  # project-relative path → new text
    originals: dict[str, str | None] = field(default_factory=dict)  # the text it replaces (None: a new file)
    changes: list[str] = field(default_factory=list)
    cells: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (collection, id, field) → cell
    rows: dict[tuple[str, str], str] = field(default_factory=dict)  # (collection, id) → its row's first cell
    intended: list[tuple[str, str, str, Any]] = field(default_factory=list)  # (collection, id, field, value)

    @property
    def empty(self) -> bool:
        return not self.texts


_MODELS: dict[str, Any] = {"experts": Expert, "pairings": Pairing}


class Merger:
    """Reads a Sheet against a Project; reports at cells; builds a Plan."""

    def __init__(self, project: Project, sheet: Sheet, diags: Diagnostics) -> None:
        self.project, self.sheet, self.diags = project, sheet, diags
        self.lookups = {name: _Names(project, name) for name in ("units", "leaders", "categories")}
        self.taken = {c: set(project.index.get(c, {})) for c in ("experts", "pairings")}
        self.id_style: dict[str, tuple[str, int, int]] = {}  # collection → (prefix, width, next number to try)
        self.plan = Plan(file=sheet.file)
        self.docs: dict[str, Document] = {}
        self.appended: dict[str, list[str]] = {}
        self.new_maps: dict[tuple[str, int, str], tuple[Node, list[tuple[str, str]]]] = {}
        self.by_name: dict[str, list[Any]] = {}  # built once: a 20,000-expert project is not scanned per row
        for expert in project.experts:
            self.by_name.setdefault(expert.name, []).append(expert)
        self.by_pair: dict[tuple[str, str], list[Any]] = {}
        for pairing in project.pairings:
            self.by_pair.setdefault((pairing.leader, pairing.expert), []).append(pairing)
        self.files: dict[tuple[str, str], dict[str, int]] = {}  # (collection, employer or leader) → file → records

    def where(self, ref: str) -> Location:
        return self.sheet.where(ref)

    # ---- cells to values ----

    def convert(self, column: Column, cell: Cell) -> Any:
        """The field value a cell holds, or None after a located error."""
        value, ref = cell.value, cell.ref
        label = f"“{column.header}”"
        if cell.number_format == ERROR:
            self.diags.error(self.where(ref), "E711", f"{label}是错误值 {value}", hint="请填写实际的值")
            return None
        kind = column.kind
        if kind in ("phone",) or column.path == "id_number":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                shown = _number_text(value)
                self.diags.error(self.where(ref), "E710", f"{label}被 Excel 存成了数字 {shown}：开头的 0 可能已经丢失，长号码会失真",
                                 hint="把这一列设为“文本”格式后重新输入号码（或在号码前加英文单引号 '）；不要从数字格式的单元格复制")
                return None
            if isinstance(value, str) and _MANGLED.fullmatch(value.strip()):
                self.diags.error(self.where(ref), "E710", f"{label}“{value.strip()}”是被 Excel 改写过的数字（小数点或科学计数法）",
                                 hint="请按原始号码重新输入（文本格式）")
                return None
        if kind == "date":
            return self._date(column, cell)
        if kind == "month":
            return self._month(column, cell)
        if isinstance(value, (date, datetime)):
            self.diags.error(self.where(ref), "E711", f"{label}是日期单元格，这一列应填文字", hint="请把单元格格式设为“文本”后重新输入")
            return None
        if isinstance(value, bool):
            if kind == "bool":
                return value
            text = "TRUE" if value else "FALSE"
        elif isinstance(value, float):
            if not value.is_integer():
                self.diags.error(self.where(ref), "E711", f"{label}是数字 {value}，这一列应填文字")
                return None
            text = str(int(value))
        else:
            text = str(value)
        text = text.strip(_SPACE)
        if kind == "bool":
            if text in (YES, "true", "TRUE", "True"):
                return True
            if text in (NO, "false", "FALSE", "False"):
                return False
            self.diags.error(self.where(ref), "E104", f"{label}只能填“{YES}”或“{NO}”，这里是“{_short(text)}”")
            return None
        if kind == "enum":
            code = parse_choice(column, text)
            if code is None:
                self.diags.error(self.where(ref), "E106", f"{label}“{_short(text)}”不是允许的取值（{'、'.join(choices_shown(column))}）",
                                 hint="请从下拉列表中选择")
            return code
        if kind == "ref":
            return self.lookups[column.ref].resolve(text, label, ref, self.diags, self.sheet)
        if kind == "id":
            if not ID.fullmatch(text):
                self.diags.error(self.where(ref), "E107", f"{label}“{_short(text)}”不是有效的编号",
                                 hint="编号只能用小写字母、数字、“-”和“_”，如 e0101；新专家、新联系请留空")
                return None
            return text
        if kind in FORMATS:
            pattern, example = FORMATS[kind]
            if not pattern.fullmatch(text):
                self.diags.error(self.where(ref), "E107", f"{label}“{_short(text)}”格式不正确", hint=f"应如 {example}")
                return None
        return text

    def _date(self, column: Column, cell: Cell) -> date | None:
        value = cell.value
        day = day_of(value)
        if day is not None:
            return day
        if isinstance(value, str):
            match = _DATE_TEXT.fullmatch(value.strip(_SPACE))
            if match:
                try:
                    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
                except ValueError:
                    pass
        shown = _number_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else f"“{value}”"
        hint = ("这是一个没有日期格式的数字（Excel 的日期序号）：请把单元格格式设为日期后重新输入"
                if isinstance(value, (int, float)) else "请填写日期，如 2025-07-01")
        self.diags.error(self.where(cell.ref), "E105", f"“{column.header}”{shown}不是日期", hint=hint)
        return None

    def _month(self, column: Column, cell: Cell) -> str | None:
        value = cell.value
        day = day_of(value)
        if day is not None:
            return f"{day.year:04d}-{day.month:02d}"
        if isinstance(value, str):
            match = _MONTH_TEXT.fullmatch(value.strip(_SPACE))
            if match and 1 <= int(match.group(2)) <= 12:
                text = f"{match.group(1)}-{int(match.group(2)):02d}"
                if MONTH.fullmatch(text):
                    return text
        self.diags.error(self.where(cell.ref), "E105", f"“{column.header}”“{value}”应写成 年-月，如 1968-05")
        return None

    # ---- rows to records ----

    def run(self) -> Plan:
        experts: dict[tuple, dict[str, Value]] = {}  # identity → field → value
        expert_rows: dict[tuple, str] = {}  # identity → the first cell of its first row
        pairing_rows: list[tuple[tuple, dict[str, Value], str]] = []
        for number, cells in self.sheet.rows:
            expert, pairing, first = self._row(cells)
            if not expert and not pairing:
                continue
            ident = self._identify(expert, first)
            if ident is None:
                continue
            known = experts.setdefault(ident, {})
            expert_rows.setdefault(ident, first)
            self._agree(known, expert, "专家")
            if pairing:
                pairing_rows.append((ident, pairing, first))
        if self.diags.errors:
            return self.plan
        ids = {ident: self._expert(ident, values, expert_rows[ident]) for ident, values in experts.items()}
        pairings: dict[tuple, dict[str, Value]] = {}
        first_cells: dict[tuple, str] = {}
        for ident, values, first in pairing_rows:
            expert_id = ids.get(ident)
            if expert_id is None:
                continue
            values = {**values, "expert": Value(expert_id, first)}
            key = self._pairing_identity(expert_id, values, first)
            if key is None:
                continue
            known = pairings.setdefault(key, {})
            first_cells.setdefault(key, first)
            self._agree(known, values, "联系")
        if self.diags.errors:
            return self.plan
        for key, values in pairings.items():
            self._pairing(key, values, first_cells[key])
        if not self.diags.errors:
            self._finish()
        return self.plan

    def _row(self, cells: dict[int, Cell]) -> tuple[dict[str, Value], dict[str, Value], str]:
        expert: dict[str, Value] = {}
        pairing: dict[str, Value] = {}
        categories: list[Value] = []
        first = ""
        leader_written = False
        for number, _header, column in self.sheet.columns:
            cell = cells.get(number)
            if cell is None:
                continue
            first = first or cell.ref
            leader_written = leader_written or column.key == ("pairings", "leader")
            if column.path == "categories":
                known = self.lookups["categories"].by
                for part in _split(cell.value, known) if isinstance(cell.value, str) else [cell.value]:
                    value = self.convert(column, Cell(cell.ref, part, cell.number_format))
                    if value is not None:
                        categories.append(Value(value, cell.ref))
                continue
            value = self.convert(column, cell)
            if value is None:
                continue
            target = expert if column.collection == "experts" else pairing
            target[column.path] = Value(value, cell.ref)
        if categories:
            expert["categories"] = Value(tuple(dict.fromkeys(v.value for v in categories)), categories[0].cell)
        if pairing and not leader_written and "id" not in pairing:
            self.diags.error(self.where(next(iter(pairing.values())).cell), "E714", "填写了联系的日期或编号，但没有填写联系领导",
                             hint="每一条联系都要选择联系领导；没有联系领导的专家，联系各列留空")
        return expert, pairing, first

    def _agree(self, known: dict[str, Value], new: dict[str, Value], what: str) -> None:
        for path, value in new.items():
            before = known.get(path)
            if before is None:
                known[path] = value
            elif before.value != value.value:
                self.diags.error(self.where(value.cell), "E713",
                                 f"同一{what}在 {before.cell} 填的是“{_shown(before.value)}”，这里是“{_shown(value.value)}”",
                                 hint="同一位专家（或同一条联系）在各行中的信息须一致")

    def _identify(self, expert: dict[str, Value], first: str) -> tuple | None:
        """("id", e0101) for an expert of the project or one numbered in the workbook, ("new", …) for a new one."""
        if "id" in expert:
            return ("id", expert["id"].value)
        name = expert.get("name")
        if name is None:
            self.diags.error(self.where(first), "E714", "这一行没有填写专家姓名或专家编号", hint="每一行都要写明是哪位专家")
            return None
        candidates = list(self.by_name.get(name.value, ()))
        for path in ("employer", "birth"):
            given = expert.get(path)
            if given is not None:
                candidates = [e for e in candidates if getattr(e, path) == given.value]
        if len(candidates) == 1:
            return ("id", candidates[0].id)
        if len(candidates) > 1:
            shown = "、".join(e.id for e in candidates[:5])
            self.diags.error(self.where(name.cell), "E714", f"有 {len(candidates)} 位专家叫“{name.value}”（{shown}），无法确定是哪一位",
                             hint="请填写专家编号，或填写工作单位和出生年月")
            return None
        employer, birth = expert.get("employer"), expert.get("birth")
        return ("new", name.value, employer.value if employer else None, birth.value if birth else None)

    def _expert(self, ident: tuple, values: dict[str, Value], first: str) -> str | None:
        existing = self.project.get("experts", ident[1]) if ident[0] == "id" else None
        if existing is not None:
            self._changes("experts", existing, values, first)
            return existing.id
        if not self._may_add(values):
            return None
        ident_value = ident[1] if ident[0] == "id" else self._next_id("experts")
        if ident[0] == "id":
            self.taken["experts"].add(ident_value)
        values = {**values, "id": values.get("id") or Value(ident_value, first)}
        values.setdefault("status", Value("active", first))
        return ident_value if self._new("experts", ident_value, values, first) else None

    def _pairing_identity(self, expert: str, values: dict[str, Value], first: str) -> tuple | None:
        if "id" in values:
            return ("id", values["id"].value)
        leader = values["leader"].value
        candidates = list(self.by_pair.get((leader, expert), ()))
        if "start" in values:
            candidates = [p for p in candidates if p.start == values["start"].value]
        else:
            candidates = [p for p in candidates if p.ended is None]
        if len(candidates) == 1:
            return ("id", candidates[0].id)
        if len(candidates) > 1:
            self.diags.error(self.where(values["leader"].cell), "E714", "这位领导与这位专家有不止一条联系，无法确定是哪一条",
                             hint="请填写联系编号或联系开始日期")
            return None
        return ("new", leader, expert, values["start"].value if "start" in values else None)

    def _pairing(self, key: tuple, values: dict[str, Value], first: str) -> None:
        existing = self.project.get("pairings", key[1]) if key[0] == "id" else None
        if existing is not None:
            self._changes("pairings", existing, values, first)
            return
        ident = key[1] if key[0] == "id" else self._next_id("pairings")
        self.taken["pairings"].add(ident)
        self._new("pairings", ident, {**values, "id": values.get("id") or Value(ident, first)}, first)

    # ---- changes to existing records ----

    def _changes(self, collection: str, record: Any, values: dict[str, Value], first: str) -> None:
        self.plan.rows[(collection, record.id)] = first
        name = _what(collection, record)
        for path, given in values.items():
            current = _get(record, path)
            new = given.value
            if isinstance(current, tuple):
                new = tuple(new)
            if current == new:
                self.plan.cells[(collection, record.id, path)] = given.cell
                continue
            self.plan.cells[(collection, record.id, path)] = given.cell
            if collection == "experts" and not self._may_change(record, path, current, new, given.cell):
                continue
            if collection == "pairings" and path in ("expert", "leader"):  # the two sides are what a pairing is
                side = "专家" if path == "expert" else "联系领导"
                self.diags.error(self.where(given.cell), "E718",
                                 f"登记表把联系 {record.id} 的{side}从“{_shown(current)}”改为“{_shown(new)}”：联系的双方不能改",
                                 hint="原来的联系写上提前结束日期和原因；与另一方的联系作为新联系填写（联系编号留空）")
                continue
            self.plan.intended.append((collection, record.id, path, new))
            label = _label(collection, path)
            before = "（空）" if current is None else _shown(current)
            self.plan.changes.append(f"修改{name}的{label}：{before} → {_shown(new)}（{self.where(given.cell)}）")
            self._edit(record, path, new)

    def _may_change(self, expert: Any, path: str, current: Any, new: Any, cell: str) -> bool:
        """What a unit's return may change on an expert already registered, and what it must say out loud.

        A return may not lift 涉密 (that would publish the expert): E716, the change is not made. Another
        name or birth month on a known 专家编号 is most often another person typed over a row (E715), and
        a consent given in a return puts the expert on the public site (E717): both are made, and said.
        """
        who = f"专家 {expert.id}（{expert.name}）"
        if path == "confidential" and current is True and new is False:
            self.diags.error(self.where(cell), "E716", f"登记表取消了{who}的涉密标记：导入后这位专家会出现在公开版中",
                             hint="取消涉密须经审核，请直接在 data/ 中修改 confidential 并在提交说明中写明依据；登记表中这一格改回“是”")
            return False
        if path in ("name", "birth"):
            self.diags.warning(self.where(cell), "E715",
                               f"登记表把{who}的{_label('experts', path)}从“{_shown(current)}”改为“{_shown(new)}”：请确认是同一位专家",
                               hint="不是同一位专家时，删去这一行的专家编号（新专家的编号留空）")
        if path == "public_consent" and new is True and current is not True:
            self.diags.warning(self.where(cell), "E717", f"登记表写明{who}同意公开：导入后这位专家会出现在公开版中",
                               hint="请确认有专家本人的书面同意")
        return True

    def _may_add(self, values: dict[str, Value]) -> bool:
        """A new expert with the name, and the employer or the 出生年月, of one already registered: most often that
        expert again (another 出生年月, 工作单位 or 专家编号 typed). Over a 涉密 expert it is refused (E716: the copy would be public);
        otherwise said (E715)."""
        name, employer, birth = values.get("name"), values.get("employer"), values.get("birth")
        if name is None:
            return True
        same = [e for e in self.by_name.get(name.value, ())
                if (employer is not None and e.employer == employer.value) or (birth is not None and e.birth == birth.value)]
        secret = [e for e in same if e.confidential]
        if secret:
            self.diags.error(self.where(name.cell), "E716",
                             f"新登记的专家“{name.value}”与涉密专家 {secret[0].id} 同名、同单位或同出生年月：登记表不能另建一位涉密专家的记录",
                             hint="同一位专家请写原来的专家编号；确是另一位专家时，请在 data/ 中直接登记")
            return False
        if same:
            self.diags.warning(self.where(name.cell), "E715",
                               f"新登记的专家“{name.value}”与已登记的专家 {'、'.join(e.id for e in same[:3])} 同名、同单位或同出生年月：请确认不是同一位专家",
                               hint="同一位专家请写原来的专家编号（出生年月不同时以核实的为准）")
        return True

    def _edit(self, record: Any, path: str, new: Any) -> None:
        rel = record.at.path
        doc = self._doc(rel)
        item = doc.item_at(record.at.line, record.at.col)
        if item is None:  # pragma: no cover - the loader and this walk read the same events
            raise RuntimeError(f"{rel}:{record.at.line}: record not found")
        parts = path.split(".")
        node = item
        for depth, part in enumerate(parts):
            entry = node.keys.get(part)
            if entry is None:
                rest = parts[depth + 1:]
                if rest:  # a mapping the record lacks (contact): its keys are gathered, and inserted once in _finish
                    self.new_maps.setdefault((rel, node.start, part), (node, []))[1].append((rest[0], scalar(new)))
                else:
                    doc.insert(node, part, scalar(new))
                return
            node = entry[1]
        doc.replace(node, scalar(new))

    # ---- new records ----

    def _new(self, collection: str, ident: str, values: dict[str, Value], first: str) -> bool:
        model = _MODELS[collection]
        ok = True
        for name, spec in model._specs.items():
            if spec.required and spec.kind != "object" and name not in values:
                column = next((c for _n, _h, c in self.sheet.columns if c.key == (collection, name)), None)
                label = _label(collection, name)
                what = "新专家" if collection == "experts" else "新联系"
                if column is None:
                    message = f"{what}必须填写“{label}”，但登记表中没有这一列"
                else:
                    message = f"{what}缺少必填项“{label}”"
                self.diags.error(self.where(self._empty_cell(first, column)), "E102", message,
                                 hint="已登记的专家请填写专家编号；新专家须填写全部必填项（见“说明”工作表）")
                ok = False
        if not ok:
            return False
        fields: list[tuple[str, Any]] = []
        nested: dict[str, dict[str, Any]] = {}
        for name, spec in model._specs.items():
            if spec.kind == "object":
                inner = {p.split(".", 1)[1]: v.value for p, v in values.items() if p.startswith(name + ".")}
                if inner:
                    fields.append((name, inner))
                    nested[name] = inner
                continue
            if name in values:
                fields.append((name, values[name].value))
        for path, value in values.items():
            self.plan.cells[(collection, ident, path)] = value.cell
            self.plan.intended.append((collection, ident, path, value.value))
        self.plan.rows[(collection, ident)] = first
        rel = self._file_for(collection, values)
        doc = self._doc(rel)
        self.appended.setdefault(rel, []).append(record_block(fields, doc.item_indent(), doc.flow_keys()))
        name = values.get("name")
        label = f"专家 {ident} {name.value}" if collection == "experts" and name else f"联系 {ident}"
        self.plan.changes.append(f"新增{label}（{rel}，{self.where(first)}）")
        return True

    def _empty_cell(self, first: str, column: Column | None) -> str:
        if column is None:
            return first
        number = next(n for n, _h, c in self.sheet.columns if c is column)
        return cell_ref(_row_number(first), number)

    def _next_id(self, collection: str) -> str:
        """The next number in the style of the project's ids: e0107 after e0106; e1, e2 … stay short.

        The style and the highest number are found once per collection (a scan of every id per new
        record made a 6,000-row return take a minute); later calls count on from there.
        """
        taken = self.taken[collection]
        style = self.id_style.get(collection)
        if style is None:
            styles: dict[tuple[str, int], list[int]] = {}
            for ident in taken:
                match = re.fullmatch(r"([a-z]+)(\d+)", ident)
                if match:
                    styles.setdefault((match.group(1), len(match.group(2))), []).append(int(match.group(2)))
            if styles:
                prefix, width = max(styles, key=lambda k: (len(styles[k]), k))
                style = (prefix, width, max(styles[(prefix, width)]) + 1)
            else:
                style = ("e" if collection == "experts" else "p", 4, 1)
        prefix, width, number = style
        while f"{prefix}{number:0{width}d}" in taken:
            number += 1
        ident = f"{prefix}{number:0{width}d}"
        taken.add(ident)
        self.id_style[collection] = (prefix, width, number + 1)
        return ident

    def _file_for(self, collection: str, values: dict[str, Value]) -> str:
        """The file that holds most records like this one (same employer, same leader), else the collection's own file."""
        key = "employer" if collection == "experts" else "leader"
        wanted = values[key].value
        if not self.files:
            leaders = {leader.id: leader.unit for leader in self.project.leaders}
            for name, field_name in (("experts", "employer"), ("pairings", "leader")):
                for record in getattr(self.project, name):
                    group = getattr(record, field_name)
                    for owner in ((name, group), *(((name, f"unit:{leaders.get(group)}"),) if name == "pairings" else ())):
                        per_file = self.files.setdefault(owner, {})
                        per_file[record.at.path] = per_file.get(record.at.path, 0) + 1
        counts = self.files.get((collection, wanted), {})
        if not counts and collection == "pairings":  # the leader's first pairing: beside those of the leader's unit
            unit = next((leader.unit for leader in self.project.leaders if leader.id == wanted), None)
            counts = self.files.get((collection, f"unit:{unit}"), {})
        if counts:
            return max(counts, key=lambda p: (counts[p], p))
        root = self.project.root
        files = [p.relative_to(root).as_posix() for p in collection_files(root, collection)]
        single = f"data/{collection}.yaml"
        if single in files or not files:
            return single
        if (root / "data" / collection).is_dir() and collection == "experts":
            return f"data/{collection}/{wanted}.yaml"
        return files[-1]

    def _doc(self, rel: str) -> Document:
        doc = self.docs.get(rel)
        if doc is None:
            path = self.project.root / rel
            if path.is_file():
                original = path.read_bytes().decode("utf-8")
                text = original.removeprefix("\ufeff")
            else:
                original = None
                text = f"# {COLLECTION_NAMES[_collection_of(rel)]}（由 expert-guide xlsx import 新建）\n"
            self.plan.originals[rel] = original
            doc = self.docs[rel] = Document(text)
        return doc

    def _finish(self) -> None:
        for (rel, _start, key), (node, pairs) in self.new_maps.items():
            self.docs[rel].insert(node, key, pairs)
        for rel, blocks in self.appended.items():
            self.docs[rel].append("".join(blocks) if not self.docs[rel].blank_between_items()
                                  else "\n".join(blocks))
        for rel, doc in self.docs.items():
            text = doc.result()
            original = self.plan.originals[rel]
            if original is not None and original.startswith("\ufeff"):
                text = "\ufeff" + text
            if text != original:
                self.plan.texts[rel] = text


def _collection_of(rel: str) -> str:
    return Path(rel).stem if rel.count("/") == 1 else Path(rel).parent.name


class _Names:
    """What a cell may say for a unit, leader or category: its label in the drop-down, its id, or its name when unique."""

    def __init__(self, project: Project, collection: str) -> None:
        self.collection = collection
        self.by: dict[str, set[str]] = {}
        for ident, label in ref_labels(project, collection).items():
            self._add(label, ident)
            self._add(ident, ident)
        for record in getattr(project, collection):
            self._add(record.name, record.id)
            for former in getattr(record, "former_names", ()) or ():
                self._add(former, record.id)

    def _add(self, text: str, ident: str) -> None:
        self.by.setdefault("".join(text.split()), set()).add(ident)

    def resolve(self, text: str, label: str, ref: str, diags: Diagnostics, sheet: Sheet) -> str | None:
        found = self.by.get("".join(text.split()), set())
        if len(found) == 1:
            return next(iter(found))
        what = COLLECTION_NAMES[self.collection]
        if found:
            diags.error(sheet.where(ref), "E712", f"{label}“{_short(text)}”对应不止一个{what}（{'、'.join(sorted(found))}）",
                        hint="请从下拉列表中选择，列表中的名称是唯一的")
        else:
            diags.error(sheet.where(ref), "E712", f"{label}“{_short(text)}”不是已登记的{what}",
                        hint=f"请从下拉列表中选择；新的{what}须先登记在 data/{self.collection}.yaml 中")
        return None


_SEPARATORS = re.compile(r"([、,，;；\n])")


def _split(text: str, known: Mapping[str, object] = {}) -> list[str]:
    """The names in a list cell, split at 、，；or line breaks — except inside a name that holds one itself
    (有突出贡献的中青年科学、技术、管理专家): the longest run of pieces that is a known name stays whole."""
    pieces = _SEPARATORS.split(text)  # name, separator, name, …
    out = []
    start = 0
    while start < len(pieces):
        end = start
        for last in range(len(pieces) - 1, start, -2):  # the longest joined run first
            if "".join("".join(pieces[start:last + 1]).split()) in known:
                end = last
                break
        part = "".join(pieces[start:end + 1])
        if part.strip():
            out.append(part)
        start = end + 2
    return out


def _get(record: Any, path: str) -> Any:
    value = record
    for part in path.split("."):
        value = getattr(value, part, None) if value is not None else None
    return value


def _label(collection: str, path: str) -> str:
    for column in COLUMNS:
        if column.key == (collection, path):
            return column.header
    return path


def _what(collection: str, record: Any) -> str:
    if collection == "experts":
        return f"专家 {record.id} {record.name}"
    return f"联系 {record.id}"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, (tuple, list)):
        return "、".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return _short(str(value))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and (abs(value) >= 1e15 or not value.is_integer()):
        return f"{value:.6g}".upper() if abs(value) >= 1e15 else repr(value)
    return str(int(value))


def _row_number(ref: str) -> int:
    match = re.fullmatch(r"[A-Z]+([0-9]+)", ref)
    return int(match.group(1)) if match else 0


def plan_import(project: Project, sheet: Sheet, diags: Diagnostics) -> Plan:
    """The edits that bring ``project`` up to the workbook (errors in ``diags`` mean: write nothing)."""
    plan = Merger(project, sheet, diags).run()
    for rel in plan.texts:  # a linked file would be replaced by a copy, and the file it links to go stale
        if (project.root / rel).is_symlink():
            diags.error(Location(rel), "E719", f"{rel} 是符号链接：导入不改写链接，也不改写它指向的文件",
                        hint="把数据文件直接放在 data/ 中（用文件代替链接）后再导入")
    return plan


__all__ = ["Plan", "plan_import"]
