"""A strict YAML reader: every scalar stays the text the editor wrote (严格的 YAML 读取).

PyYAML's libyaml parser yields events; we build plain containers from them
ourselves instead of using a constructor, so nothing is ever converted by
YAML 1.1's implicit typing (``NO`` stays ``"NO"``, ``013912345678`` stays a
string). Anchors, aliases, merge keys, tags, duplicate keys, tabs in
indentation, NUL bytes, invalid UTF-8 and absurd nesting are all rejected with
a location and a hint.
"""
from __future__ import annotations

import gc
import re
from array import array
from pathlib import Path
from typing import Any, Callable

import yaml

from ..cjk import fold_break
from ..diagnostics import Diagnostics, Location
from ..positions import FOLDED, QUOTED, TRAILING_COMMENT, pack, unpack

try:  # the C parser is 4–6× faster; the pure-Python one is a fallback only
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - exercised only without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)


MAX_DEPTH = 24

_E = yaml.events


class YamlError(Exception):
    """A file that cannot be read at all; carries located diagnostics."""


class YMap(dict):
    """A mapping that remembers where it and each of its keys and values were written.

    ``pos`` holds two packed positions per key (key, value) in insertion order.
    Values are ``str``, ``None`` (an empty plain value), ``YMap`` or ``YList``.
    """

    __slots__ = ("path", "line", "col", "pos")
    path: str
    line: int
    col: int
    pos: array[int]

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.col)


class YList(list):
    """A sequence that remembers where it and each item were written."""

    __slots__ = ("path", "line", "col", "pos")
    path: str
    line: int
    col: int
    pos: array[int]

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.col)


_SPACES_HASH = re.compile(r" +#")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# Every format character (Unicode category Cf, 14.0: bidi controls, zero-width characters, the word joiner, the
# soft hyphen, U+180E, tag characters …) and the invisible fillers outside Cf (U+034F, Hangul fillers, Khmer
# inherent vowels): each disguises a name, or glues characters so a line cannot break between them. Variation
# selectors are not among them (Mongolian free variation selectors, the ideographic ones of a name's glyph).
_BIDI_OR_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0]")


def read_text(path: Path, rel: str, diags: Diagnostics, root: Path | None = None) -> str | None:
    """Read a file as UTF-8, reporting bytes that are not text with their place.

    With ``root``, the file is a project file and is read only if it is a regular file inside it.
    """
    if root is not None:
        from .files import read_bytes

        data = read_bytes(root, path, rel, diags)
        if data is None:
            return None
        return decode_text(data, rel, diags)
    return decode_text(path.read_bytes(), rel, diags)


def decode_text(data: bytes, rel: str, diags: Diagnostics) -> str | None:
    """Bytes as UTF-8 text (a BOM is dropped), or None after a located E001/E002."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        diags.error(Location(rel, 1, 1), "E002", "文件是 UTF-16 编码，只接受 UTF-8",
                    hint="请用编辑器以 UTF-8 编码重新保存")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(data, nul)
        diags.error(Location(rel, line, col), "E001", "文件中有 NUL 空字节（\\0），这不是文本文件",
                    hint="用文本编辑器另存为 UTF-8 文本")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        bad = data[exc.start:exc.start + 4].hex(" ")
        diags.error(Location(rel, line, col), "E002", f"文件不是有效的 UTF-8 编码（字节 {bad}）",
                    hint="请用编辑器以 UTF-8 编码重新保存（常见原因：以 GBK 或 Latin-1 保存）")
        return None


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def parse_yaml(text: str, rel: str, diags: Diagnostics, *, line_offset: int = 0,
               on_item: Callable[[Any, Location], None] | None = None) -> Any:
    """Parse one YAML document into YMap/YList/str/None, or return None after reporting.

    ``line_offset`` shifts reported lines (front matter inside a Markdown file).
    With ``on_item``, the items of a top-level list are handed over one by one
    and not kept, so a 20,000-expert file never exists twice in memory.
    """
    ok = True
    lines = _LINE_BREAKS.split(text)  # the breaks libyaml counts, so its line numbers index this list
    for number, line in enumerate(lines, 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            diags.error(Location(rel, number + line_offset, len(line) - len(stripped) + 1), "E003",
                        "缩进中有制表符（Tab），YAML 只允许用空格缩进",
                        hint="把编辑器设置为“用空格代替 Tab”，并把这一行的 Tab 换成空格")
            ok = False
    if not ok:
        return None
    if all(not ln.strip() or ln.lstrip().startswith("#") for ln in lines):
        diags.error(Location(rel, 1, 1), "E004", "文件为空或只有注释", hint="至少要写入一条数据；不需要的文件请删除")
        return None
    enabled = gc.isenabled()
    gc.disable()  # containers are built in bulk and never cyclic: collection only costs time
    try:
        return _Builder(text, lines, rel, diags, line_offset, on_item).run()
    except _Abort:
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(rel, (mark.line + 1 + line_offset) if mark else 0, (mark.column + 1) if mark else 0)
        problem = exc.problem or exc.context or "语法错误"
        if too_deep(problem):  # PyYAML ≥ 6.0.4 stops its scanner before our own depth check sees the events
            diags.error(loc, "E009", f"嵌套层级过深（超过 {MAX_DEPTH} 层）",
                        hint="数据最多嵌套几层；检查是否有多余或未闭合的“[”“{”")
            return None
        diags.error(loc, "E005", f"YAML 语法错误：{_translate(problem)}",
                    hint="检查这一行及上一行的缩进、冒号后的空格和引号是否成对")
        return None
    except yaml.reader.ReaderError as exc:  # a control character the YAML reader refuses
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        diags.error(Location(rel, line + line_offset, col), "E110", f"文件中有不允许的控制字符 U+{exc.character:04X}",
                    hint="这类字符看不见，通常来自复制粘贴；请删除后重新输入")
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - every parser error is marked
        diags.error(Location(rel), "E005", f"YAML 无法读取：{exc}")
        return None
    finally:
        if enabled:
            gc.enable()


_PROBLEMS = {
    "mapping values are not allowed": "此处不能出现“键: 值”（值中含有“: ”时请给整个值加引号）",
    "block sequence entries are not allowed": "此处不能出现列表项“- ”（缩进不对，或值以“- ”开头时未加引号）",
    "did not find expected node content": "缺少值（检查括号、逗号和引号）",
    "did not find expected ',' or ']'": "方括号列表没有正确闭合（缺少“,”或“]”）",
    "did not find expected ',' or '}'": "花括号映射没有正确闭合（缺少“,”或“}”）",
    "found a tab character": "出现了制表符（Tab）",
    "found unexpected ':'": "出现了多余的冒号“:”",
    "could not find expected ':'": "缺少冒号“:”",
    "found character that cannot start any token": "出现了不能开始一个值的字符（如 @、` 或 %）",
    "did not find expected key": "缩进不一致，找不到预期的键",
    "did not find expected '-' indicator": "缩进不一致，列表项缺少“- ”",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合？）",
    "found undefined tag handle": "使用了未定义的标签",
    "found unknown escape character": "双引号字符串中有未知的转义符（反斜杠）",
    "control characters are not allowed": "文件中有不允许的控制字符",
}


def too_deep(problem: str | None) -> bool:
    """PyYAML's own nesting limit (6.0.4 and later), reported as what it is: too deep, not a syntax error."""
    return bool(problem) and "maximum nesting depth" in str(problem)


def _translate(problem: str) -> str:
    for english, chinese in _PROBLEMS.items():
        if problem.startswith(english):
            return chinese
    return problem


class _Abort(Exception):
    pass


class _Builder:
    """Turns the parser's event stream into located plain containers."""

    def __init__(self, text: str, lines: list[str], rel: str, diags: Diagnostics, line_offset: int,
                 on_item: Callable[[Any, Location], None] | None) -> None:
        self.parser = _Parser(text)
        self.on_item = on_item
        # one string object per distinct value of the file: 200 experts of an employer share its name, their
        # region, gender, rank… (200,000 experts kept about 130 MB of repeated strings)
        self.same: dict[str, str] = {}
        self.lines = lines
        self.rel = rel
        self.diags = diags
        self.offset = line_offset

    def loc(self, mark: Any) -> Location:
        return Location(self.rel, mark.line + 1 + self.offset, mark.column + 1)

    def fail(self, mark: Any, code: str, message: str, hint: str = "") -> None:
        self.diags.error(self.loc(mark), code, message, hint=hint)
        raise _Abort

    def run(self) -> Any:
        get = self.parser.get_event
        get()  # StreamStart
        document = get()
        if isinstance(document, _E.StreamEndEvent):  # pragma: no cover - caught as empty above
            self.fail(document.start_mark, "E004", "文件为空或只有注释")
        root = self.node(get(), 1)
        if root is None:  # `---` alone: an empty document is never "no data"
            self.fail(document.start_mark, "E004", "文件中的 YAML 文档是空的（只有“---”或空值）",
                      hint="至少要写入一条数据；不需要的文件请删除")
        get()  # DocumentEnd
        event = get()
        if not isinstance(event, _E.StreamEndEvent):
            self.fail(event.start_mark, "E006", "一个文件中只能有一个 YAML 文档（出现了第二个“---”）",
                      hint="删除多余的“---”，或把内容拆到另一个文件")
        return root

    def _check_node_event(self, event: Any, depth: int) -> None:
        if isinstance(event, _E.AliasEvent):
            self.fail(event.start_mark, "E007", f"不允许使用别名（*{event.anchor}）",
                      hint="请直接写出完整的值；锚点和别名会让数据难以核对")
        if event.anchor is not None:
            self.fail(event.start_mark, "E007", f"不允许使用锚点（&{event.anchor}）",
                      hint="请直接写出完整的值；锚点和别名会让数据难以核对")
        if event.tag is not None and not (isinstance(event, _E.ScalarEvent) and event.tag == "!"):
            self.fail(event.start_mark, "E008", f"不允许使用标签（{event.tag}）",
                      hint="删除以“!”开头的标签；需要文字时请用引号")
        if depth > MAX_DEPTH:
            self.fail(event.start_mark, "E009", f"嵌套层级过深（超过 {MAX_DEPTH} 层）",
                      hint="数据文件只需要两三层嵌套，请检查缩进或多余的括号")

    def node(self, event: Any, depth: int) -> Any:
        self._check_node_event(event, depth)
        if isinstance(event, _E.ScalarEvent):
            return self.scalar(event)
        if isinstance(event, _E.MappingStartEvent):
            return self.mapping(event, depth)
        if isinstance(event, _E.SequenceStartEvent):
            return self.sequence(event, depth)
        self.fail(event.start_mark, "E005", "YAML 结构无法识别")  # pragma: no cover

    def scalar(self, event: Any) -> str | None:
        if not event.style and event.value == "":
            return None
        if event.start_mark.line != event.end_mark.line and event.style in _REFOLDED:
            return self.refold(event)
        return self.same.setdefault(event.value, event.value)

    def refold(self, event: Any) -> str:
        """A value YAML folded across lines, with no space where the break was between CJK characters.

        YAML turns each single line break of a plain, quoted or ``>`` value into a space
        ("工作、\\n生活" → "工作、 生活"). The source lines are found in the folded value in order;
        a space that stands for a break between two CJK characters is dropped (cjk.fold_break). When
        the lines cannot be found as written (a backslash escape), the value stays as YAML folded it.
        """
        start, end = event.start_mark, event.end_mark
        lines = self.lines[start.line:end.line + 1]
        if not lines:
            return event.value
        lines[-1] = lines[-1][:end.column] if end.line > start.line else lines[-1]
        lines[0] = lines[0][start.column:]
        if event.style == ">":
            lines = lines[1:]  # the header line: “>” and its indicators
        elif event.style in ("'", '"'):
            if event.style == "'":
                lines = [line.replace("''", "'") for line in lines]
            lines[0], lines[-1] = lines[0][1:], lines[-1].rstrip(" \t")[:-1]
        return refold(event.value, [s for s in (line.strip(" \t") for line in lines) if s])

    def flags(self, event: Any) -> int:
        if type(event) is not _E.ScalarEvent:
            return 0
        style = event.style
        end = event.end_mark
        folded = FOLDED if style not in ("|", ">") and end.line != event.start_mark.line else 0
        if style:
            return QUOTED | folded
        # Only a comment that directly follows the value can have been cut from it: in
        # `{phone: 1, address: "3#楼"}` the text after `1` is `, address…`, not a comment. Looked at
        # in place (no slice of the rest of the line), so a long flow line stays linear.
        cut = False
        if event.value and end.line < len(self.lines):
            found = _SPACES_HASH.match(self.lines[end.line], end.column)
            cut = found is not None
        return (TRAILING_COMMENT if cut else 0) | folded

    def mapping(self, start: Any, depth: int) -> YMap:
        result = YMap()
        result.path = self.rel
        result.line = start.start_mark.line + 1 + self.offset
        result.col = start.start_mark.column + 1
        pos = array("Q")
        result.pos = pos
        append = pos.append
        offset = self.offset + 1
        get = self.parser.get_event
        scalar, end_event = _E.ScalarEvent, _E.MappingEndEvent
        same = self.same.setdefault
        child = depth + 1
        plain_child = child <= MAX_DEPTH
        order: dict[str, int] | None = None
        while True:
            event = get()
            kind = type(event)
            if kind is end_event:
                return result
            if kind is not scalar or event.anchor is not None or event.tag is not None or not plain_child:
                self._check_node_event(event, child)
                if kind is not scalar:
                    self.fail(event.start_mark, "E010", "键必须是简单的文字，不能是列表或映射")
            key = event.value
            kmark = event.start_mark
            if not event.style and key == "<<":
                self.fail(kmark, "E011", "不允许使用合并键（<<）", hint="请把要合并的字段逐一写出")
            vevent = get()
            if type(vevent) is scalar and vevent.anchor is None and vevent.tag is None and plain_child:
                value = vevent.value if (vevent.style or vevent.value) else None  # the common case, inline
                if value and vevent.start_mark.line != vevent.end_mark.line and vevent.style in _REFOLDED:
                    value = self.refold(vevent)
                if value is not None:
                    value = same(value, value)
            else:
                value = self.node(vevent, child)
            if key in result:  # reported, first one kept, reading goes on to find more
                if order is None:  # built at the first duplicate only: 100,000 repeats stay linear
                    order = {name: i for i, name in enumerate(result)}
                first = unpack(pos[2 * order[key]])[0]
                self.diags.error(self.loc(kmark), "E012", f"键“{key}”重复出现（第一次在第 {first} 行）",
                                 hint="删除其中一个；YAML 只会保留最后一个，另一个会被悄悄丢掉")
                continue
            vmark = vevent.start_mark
            if order is not None:
                order[key] = len(result)
            result[key] = value
            append(((kmark.line + offset) << 23) | (min(kmark.column + 1, 0xFFFFF) << 3))
            append(((vmark.line + offset) << 23) | (min(vmark.column + 1, 0xFFFFF) << 3) | self.flags(vevent))

    def sequence(self, start: Any, depth: int) -> YList:
        result = YList()
        result.path = self.rel
        result.line = start.start_mark.line + 1 + self.offset
        result.col = start.start_mark.column + 1
        pos = array("Q")
        result.pos = pos
        get = self.parser.get_event
        stream = self.on_item if depth == 1 else None
        while True:
            event = get()
            if isinstance(event, _E.SequenceEndEvent):
                return result
            item = self.node(event, depth + 1)
            mark = event.start_mark
            if stream is not None:
                stream(item, self.loc(mark))
                continue
            result.append(item)
            pos.append(pack(mark.line + 1 + self.offset, mark.column + 1, self.flags(event)))


_REFOLDED = (None, "", ">", "'", '"')  # the styles whose line breaks YAML folds into spaces


def refold(value: str, lines: list[str]) -> str:
    """``value`` (YAML's folding of ``lines``, each stripped) with the spaces between CJK lines dropped."""
    out: list[str] = []
    at = 0
    previous = ""
    for line in lines:
        begin = at
        while begin < len(value) and value[begin] in " \t\n":
            begin += 1
        if not value.startswith(line, begin):
            return value  # not the lines as written (an escape, a comment): keep YAML's folding
        gap = value[at:begin]
        out.append(fold_break(previous, line) if previous and gap == " " else gap)
        out.append(line)
        at = begin + len(line)
        previous = line
    rest = value[at:]
    return value if rest.strip(" \t\n") else "".join(out) + rest


def load_yaml_file(path: Path, rel: str, diags: Diagnostics, root: Path | None = None) -> Any:
    """Read and parse one YAML file; None (with diagnostics) when it cannot be read."""
    text = read_text(path, rel, diags, root)
    if text is None:
        return None
    return parse_yaml(text, rel, diags)


def has_invisible(value: str) -> re.Match[str] | None:
    """A bidi override or zero-width character, which would disguise a name."""
    return _BIDI_OR_INVISIBLE.search(value)
