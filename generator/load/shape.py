"""Tier 1 of validation: turn located YAML into frozen models, checking every field (字段校验)."""
from __future__ import annotations

import difflib
import re
from array import array
from datetime import date
from typing import Any

from ..clock import EARLIEST, LATEST, in_range, range_text
from ..diagnostics import Diagnostics, Location
from ..fields import At, Spec
from ..kinds import DATE, FORMATS, ID, MONTH, wrong_year_brackets
from ..positions import FOLDED, QUOTED, TRAILING_COMMENT, unpack
from .yamlio import YList, YMap, has_invisible

CELL_LIMIT = 32_767  # characters in one Excel cell

# a tab is allowed; a line break only in multiline fields; U+FFFE and U+FFFF (not characters) cannot pass a workbook
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")

_SUGGESTIONS = 50  # unknown keys per mapping that get a "did you mean"; the rest list the allowed fields

_TYPE_NAMES = {YMap: "映射（键: 值）", YList: "列表", str: "文字", type(None): "空值"}


def _shown(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


class ShapeChecker:
    """Converts raw YAML values to typed values by their field spec, collecting diagnostics."""

    def __init__(self, diags: Diagnostics) -> None:
        self.diags = diags

    def record(self, cls: Any, raw: Any, where: Location, what: str) -> Any:
        """Build one frozen model from a YAML mapping, or None when it is not a mapping."""
        if not isinstance(raw, YMap):
            self.diags.error(where, "E103", f"{what}应为“键: 值”形式的映射，这里是{_TYPE_NAMES.get(type(raw), '其他')}")
            return None
        specs: dict[str, Spec] = cls._specs
        index_of: dict[str, int] = cls._index
        positions = array("Q", bytes(8 * len(specs)))
        raw_pos = raw.pos
        unknown = 0
        for order, key in enumerate(raw):  # one pass over the mapping, however many keys it has
            slot = index_of.get(key)
            if slot is None:
                self._unknown_key(raw, order, key, specs, what, suggest=unknown < _SUGGESTIONS)
                unknown += 1
            else:
                positions[slot] = raw_pos[2 * order + 1]
        values: dict[str, Any] = {}
        for index, (name, spec) in enumerate(specs.items()):
            value = None
            packed = positions[index]
            if packed:  # present: every written value has a line ≥ 1
                line, col, flags = unpack(packed)
                value = self.value(spec, raw[name], Location(raw.path, line, col), flags, name)
                if value is _REJECTED:
                    value = None
                elif value is None and raw[name] is None and spec.required:
                    self.diags.error(Location(raw.path, line, col), "E102",
                                     f"{what}的必填字段“{name}”（{spec.label}）没有填写值")
                elif value == () and isinstance(raw[name], YList) and not raw[name] and spec.required:
                    self.diags.error(Location(raw.path, line, col), "E102",
                                     f"{what}的必填字段“{name}”（{spec.label}）是空列表")
            elif spec.required:
                self.diags.error(raw.location, "E102", f"{what}缺少必填字段“{name}”（{spec.label}）")
            if value is None and spec.kind == "list":
                value = ()
            values[name] = value
        values["at"] = At(raw.path, raw.line, raw.col, positions)
        return cls(**values)

    def _unknown_key(self, raw: YMap, order: int, key: str, specs: dict[str, Spec], what: str, *,
                     suggest: bool) -> None:
        close = difflib.get_close_matches(key, list(specs), n=1, cutoff=0.6) if suggest else []
        hint = f"是不是“{close[0]}”？" if close else "允许的字段：" + "、".join(specs)
        line, col, _flags = unpack(raw.pos[2 * order])
        self.diags.error(Location(raw.path, line, col), "E101", f"{what}中有未知字段“{_shown(key)}”", hint=hint)

    def value(self, spec: Spec, raw: Any, where: Location, flags: int, name: str) -> Any:
        """Convert one value; None means absent or rejected (already reported)."""
        if raw is None:
            if spec.kind == "bool" and spec.required:
                self.diags.error(where, "E104", f"“{name}”（{spec.label}）必须明确写 true 或 false，不能留空")
                return _REJECTED
            return None
        kind = spec.kind
        if kind == "object":
            return self.record(spec.model, raw, where, f"“{name}”（{spec.label}）")
        if kind == "list":
            return self._list(spec, raw, where, name)
        if not isinstance(raw, str):
            self.diags.error(where, "E103", f"“{name}”（{spec.label}）应为文字，这里是{_TYPE_NAMES.get(type(raw), '其他')}",
                             hint="值里有“: ”或以“- ”开头时，请给整个值加引号")
            return None
        return self.scalar(spec, raw, where, flags, name)

    def _list(self, spec: Spec, raw: Any, where: Location, name: str) -> tuple | None:
        if not isinstance(raw, YList):
            hint = f"写成列表：\n  {name}:\n    - …" if isinstance(raw, str) else ""
            self.diags.error(where, "E103", f"“{name}”（{spec.label}）应为列表", hint=hint)
            return None
        out = []
        assert spec.item is not None
        first: dict[Any, int] = {}  # a value already listed, and its line
        for index, entry in enumerate(raw):
            line, col, flags = unpack(raw.pos[index])
            value = self.value(spec.item, entry, Location(raw.path, line, col), flags, name)
            if entry is None:
                self.diags.error(Location(raw.path, line, col), "E102", f"“{name}”（{spec.label}）中有空的列表项")
            elif value is not None and value is not _REJECTED:
                if spec.item.kind != "object" and value in first:  # a second mention counts nothing twice: most often a typo
                    self.diags.error(Location(raw.path, line, col), "E115",
                                     f"“{name}”（{spec.label}）中“{_shown(str(value))}”写了两次（第一次在第 {first[value]} 行）",
                                     hint="删去重复的一项；如果本想写另一项，请改正")
                    continue
                first[value] = line
                out.append(value)
        return tuple(out)

    def scalar(self, spec: Spec, text: str, where: Location, flags: int, name: str) -> Any:
        kind = spec.kind
        label = f"“{name}”（{spec.label}）"
        if flags & TRAILING_COMMENT and kind in ("text", "multiline", "phone", "email", "url", "id", "ref", "icp",
                                                  "police_record", "doc_number"):
            self.diags.error(where, "E108", f"{label}的值“{_shown(text)}”后面跟着“#…”，YAML 会把“#”之后当作注释丢掉",
                             hint=f"如果“#”之后是值的一部分，请给整个值加引号：\"{_shown(text)} #…\"；如果是注释，请移到单独一行")
            return None
        if flags & FOLDED and kind != "multiline":
            self.diags.error(where, "E111", f"{label}的值跨了多行，YAML 会把换行悄悄变成空格",
                             hint="把值写在同一行内；需要多行的说明请用“|”块写法")
            return None
        if kind == "bool":
            if text in ("true", "false") and not flags & QUOTED:
                return text == "true"
            quoted = "（不要加引号）" if flags & QUOTED else ""
            self.diags.error(where, "E104", f"{label}只能写 true 或 false{quoted}，这里是“{_shown(text)}”",
                             hint="yes/no、是/否、0/1 都不被接受，以免含义不明")
            return _REJECTED
        bad = has_invisible(text)
        if bad:
            self.diags.error(where, "E109", f"{label}中有不可见的控制字符 U+{ord(bad.group()):04X}（如从右到左覆盖或零宽字符）",
                             hint="这类字符会让文字显示得与实际内容不同；请删除后重新输入")
            return None
        control = _CONTROL.search(text.replace("\n", "") if kind == "multiline" else text)
        if control:
            what = "换行" if control.group() in "\n\r" else \
                f"{'非字符' if control.group() in chr(0xFFFE) + chr(0xFFFF) else '控制字符'} U+{ord(control.group()):04X}"
            hint = "需要多行时请用“|”块写法，并只用于说明类字段" if what == "换行" else "删除这个字符"
            self.diags.error(where, "E110", f"{label}中不能有{what}", hint=hint)
            return None
        if kind in ("text", "multiline", "doc_number"):
            if len(text) > CELL_LIMIT // 2 and len(text.encode("utf-16-le")) // 2 > CELL_LIMIT:  # Excel counts UTF-16
                # the 登记表 holds every field in a cell; XlsxWriter would cut it short
                self.diags.error(where, "E116", f"{label}有 {len(text):,} 个字符，超过 Excel 一个单元格的上限 {CELL_LIMIT:,}",
                                 hint="请精简；长篇的说明请写成 content/ 中的文稿")
                return None
            if not text.strip():
                self.diags.error(where, "E102", f"{label}是空白的")
                return None
            if kind != "multiline" and text != text.strip():
                self.diags.error(where, "E112", f"{label}“{_shown(text)}”首尾有空白", hint="删除引号内首尾的空格")
                return None
            wrong = wrong_year_brackets(text) if kind == "doc_number" else None
            if wrong:
                self.diags.warning(where, "E114", f"{label}“{_shown(text)}”中的年份写作“{wrong}”，不是六角括号〔〕",
                                   hint="文号中的年份用六角括号〔〕，如 渝人发〔2002〕110号")
            return text
        if kind == "ref":  # resolved, and explained when misspelt, by the reference check
            return text
        if kind == "id":
            if not ID.fullmatch(text):
                self.diags.error(where, "E107", f"{label}“{_shown(text)}”不是有效的编号",
                                 hint="编号只能用小写字母、数字、“-”和“_”，如 e0001")
                return None
            return text
        if kind == "date":
            return self._date(text, where, label)
        if kind == "month":
            if MONTH.fullmatch(text):
                if not EARLIEST.year <= int(text[:4]) <= LATEST.year:
                    self.diags.error(where, "E113", f"{label}“{text}”超出可用范围（{range_text()}）")
                    return None
                return text
            self.diags.error(where, "E105", f"{label}“{_shown(text)}”应写成 年-月，如 1968-05")
            return None
        if kind == "enum":
            if text in spec.choices:
                return text
            close = difflib.get_close_matches(text, spec.choices, n=1, cutoff=0.5)
            hint = f"是不是“{close[0]}”？" if close else ""
            self.diags.error(where, "E106", f"{label}“{_shown(text)}”不是允许的取值（{'、'.join(spec.choices)}）", hint=hint)
            return None
        pattern, example = FORMATS[kind]
        if pattern.fullmatch(text):
            if kind != "int":
                return text
            number, (low, high) = int(text), spec.bounds
            if low <= number <= high:
                return number
            self.diags.error(where, "E113", f"{label}“{text}”超出允许范围（{low}–{high}）")
            return None
        self.diags.error(where, "E107", f"{label}“{_shown(text)}”格式不正确", hint=f"应如 {example}")
        return None

    def _date(self, text: str, where: Location, label: str) -> date | None:
        if not DATE.fullmatch(text):
            self.diags.error(where, "E105", f"{label}“{_shown(text)}”应写成 年-月-日，如 2024-03-01")
            return None
        try:
            day = date.fromisoformat(text)
        except ValueError:
            self.diags.error(where, "E105", f"{label}“{text}”是不存在的日期", hint="检查月份和日子，如 2 月没有 30 日")
            return None
        if not in_range(day):
            self.diags.error(where, "E113", f"{label}“{text}”超出可用范围（{range_text()}）")
            return None
        return day




class _Rejected:
    """A value that was present but invalid: not to be reported again as missing."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "<rejected>"


_REJECTED = _Rejected()
