"""Edit a data file as text, so that its comments, order and formatting stay as the editor wrote them (改写数据文件).

No YAML dumper ever rewrites a file: a changed value is replaced where the parser saw it, a missing
one is inserted after its record's last line (or inside its flow mapping), and a new record is
appended as text in the file's own indentation. `Document` finds every node's span from the same
libyaml events the loader reads (yamlio.py), by line and column, so that what is edited is exactly
what was loaded; the edited file is loaded and checked again before anything is written.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

try:  # the parser the loader uses (yamlio.py), so that lines and columns agree
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - exercised only without libyaml
    from yaml import SafeLoader as _Parser

_E = yaml.events
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # the line breaks libyaml counts, as yamlio.py's


@dataclass
class Node:
    """A scalar, mapping or sequence, with where it starts and ends in the text (character offsets)."""

    kind: str  # "scalar", "map" or "seq"
    start: int
    end: int
    line: int  # 1-based, of the start
    col: int
    flow: bool = False
    style: str | None = None
    keys: dict[str, tuple["Node", "Node"]] = field(default_factory=dict)  # map: key → (key node, value node)
    items: list["Node"] = field(default_factory=list)  # seq


class Document:
    """One YAML file's text and the spans of its nodes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        starts = [0]
        for match in _LINE_BREAK.finditer(text):
            starts.append(match.end())
        self._starts = starts
        parser = _Parser(text)
        self._get = parser.get_event
        self._get()  # StreamStart
        if isinstance(self._get(), _E.StreamEndEvent):  # comments only (a new file): records are appended after them
            self.root = Node("seq", len(text), len(text), 0, 0)
        else:
            self.root = self._node(self._get())
        self.edits: list[tuple[int, int, str]] = []
        self._items: dict[tuple[int, int], Node] | None = None

    def _index(self, mark: Any) -> int:
        return self._starts[mark.line] + mark.column

    def _node(self, event: Any) -> Node:
        start = self._index(event.start_mark)
        line, col = event.start_mark.line + 1, event.start_mark.column + 1
        if isinstance(event, _E.ScalarEvent):
            return Node("scalar", start, self._index(event.end_mark), line, col, style=event.style)
        if isinstance(event, _E.MappingStartEvent):
            node = Node("map", start, start, line, col, flow=bool(event.flow_style))
            while True:
                child = self._get()
                if isinstance(child, _E.MappingEndEvent):
                    node.end = self._index(child.end_mark) if node.flow else self._last_end(node)
                    return node
                key = self._node(child)
                value = self._node(self._get())
                node.keys[self.text[key.start:key.end]] = (key, value)
        if isinstance(event, _E.SequenceStartEvent):
            node = Node("seq", start, start, line, col, flow=bool(event.flow_style))
            while True:
                child = self._get()
                if isinstance(child, _E.SequenceEndEvent):
                    node.end = self._index(child.end_mark) if node.flow else self._last_end(node)
                    return node
                node.items.append(self._node(child))
        raise ValueError("unexpected YAML event")  # pragma: no cover - the file was loaded already

    @staticmethod
    def _last_end(node: Node) -> int:
        """A block collection ends where its last value ends (its end event lies at the next token)."""
        if node.kind == "map":
            return max((value.end for _key, value in node.keys.values()), default=node.start)
        return max((item.end for item in node.items), default=node.start)

    # ---- finding ----

    def item_at(self, line: int, col: int) -> Node | None:
        """The top-level list item (a record) whose mapping starts at ``line``:``col``, as the loader recorded it."""
        if self._items is None:
            self._items = {(item.line, item.col): item for item in (self.root.items if self.root.kind == "seq" else ())}
        return self._items.get((line, col))

    # ---- editing (applied together by result()) ----

    def replace(self, node: Node, text: str) -> None:
        """A scalar, or a whole list, given new text in place."""
        if node.kind == "seq" and not node.flow and node.items and "\n" not in text and text.startswith("["):
            indent = " " * (node.col - 1)
            values = _flow_items(text)
            text = (self.newline + indent).join(f"- {v}" for v in values)
        self.edits.append((node.start, node.end, text))

    def insert(self, mapping: Node, key: str, value: str | list[tuple[str, str]]) -> None:
        """A key that ``mapping`` lacks, after its last entry; ``value`` a scalar's text, or (key, text) pairs of a new mapping."""
        if mapping.flow:
            if isinstance(value, list):
                value = "{" + ", ".join(f"{k}: {v}" for k, v in value) + "}"
            close = mapping.end - 1  # the “}”
            separator = ", " if mapping.keys else ""
            self.edits.append((close, close, f"{separator}{key}: {value}"))
            return
        first_key = next(iter(mapping.keys.values()))[0]
        indent = " " * (first_key.col - 1)
        at = self._line_end(mapping.end)
        nl = self.newline
        if isinstance(value, list):
            inner = " " * (first_key.col - 1 + 2)
            block = f"{nl}{indent}{key}:" + "".join(f"{nl}{inner}{k}: {v}" for k, v in value)
        else:
            block = f"{nl}{indent}{key}: {value}"
        self.edits.append((at, at, block))

    def _line_end(self, offset: int) -> int:
        """Where the line holding the character before ``offset`` ends (a block scalar includes its line break)."""
        if offset > 0 and self.text[offset - 1] in "\r\n":
            offset -= 1
            if offset > 0 and self.text[offset - 1] == "\r":
                offset -= 1
            return offset
        found = _LINE_BREAK.search(self.text, offset)
        return found.start() if found else len(self.text)

    def append(self, block: str) -> None:
        """New records at the end of the file (``block`` in "\\n" line breaks, starting with “- ”)."""
        text = self.text
        if self.root.kind == "seq" and self.root.flow and not self.root.items:  # `[]`: replaced by the block
            self.edits.append((self.root.start, self.root.end, block.rstrip("\n").replace("\n", self.newline)))
            return
        gap = self.newline if self.blank_between_items() else ""
        lead = "" if text.endswith(("\n", "\r")) or not text else self.newline
        self.edits.append((len(text), len(text), lead + gap + block.replace("\n", self.newline)))

    def blank_between_items(self) -> bool:
        """Whether the file separates its records by an empty line."""
        items = self.root.items if self.root.kind == "seq" else []
        if len(items) < 2:
            return False
        before = self.text[self._starts[items[1].line - 2]:self._starts[items[1].line - 1]] if items[1].line >= 2 else ""
        return not before.strip()

    def item_indent(self) -> int:
        """The column of the “- ” of the file's records (0 for a file without any)."""
        items = self.root.items if self.root.kind == "seq" and not self.root.flow else []
        if not items:
            return 0
        start = self._starts[items[0].line - 1]
        dash = self.text.rfind("-", start, items[0].start)
        return max(dash - start, 0)

    def flow_keys(self) -> set[str]:
        """The keys whose mapping the file's records write on one line (`consent: {leader: …, expert: …}`)."""
        out: set[str] = set()
        decided: set[str] = set()
        for item in self.root.items if self.root.kind == "seq" else ():
            for key, (_k, value) in item.keys.items():
                if value.kind == "map" and key not in decided:
                    decided.add(key)
                    if value.flow:
                        out.add(key)
        return out

    def result(self) -> str:
        text = self.text
        # From the end backwards; of two insertions at one place the later is applied first, so they stay in order.
        order = sorted(range(len(self.edits)), key=lambda n: (self.edits[n][0], self.edits[n][1], n), reverse=True)
        for n in order:
            start, end, new = self.edits[n]
            text = text[:start] + new + text[end:]
        return text


def _flow_items(text: str) -> list[str]:
    inner = text.strip()[1:-1]
    return [part.strip() for part in inner.split(",") if part.strip()]


# ---- writing values ----

_PLAIN_START = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]")
_SPECIAL = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"})
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff,\[\]{}]|: |:$| #")


def scalar(value: Any) -> str:
    """A value as YAML text that the strict loader reads back unchanged: plain where that is safe, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    text = str(value)
    if (text and text == text.strip() and _PLAIN_START.match(text) and not _UNSAFE.search(text)
            and text.lower() not in _SPECIAL):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\x85")


def record_block(fields: list[tuple[str, Any]], indent: int = 0, flow: set[str] | frozenset[str] = frozenset()) -> str:
    """A new record as text: “- key: value” lines, nested mappings below their key, or on its line for ``flow`` keys."""
    pad = " " * indent
    lines = []
    for n, (key, value) in enumerate(fields):
        lead = f"{pad}- " if n == 0 else f"{pad}  "
        if isinstance(value, dict) and key in flow:
            lines.append(f"{lead}{key}: {{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}")
        elif isinstance(value, dict):
            lines.append(f"{lead}{key}:")
            lines += [f"{pad}    {k}: {scalar(v)}" for k, v in value.items()]
        else:
            lines.append(f"{lead}{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"


__all__ = ["Document", "Node", "scalar", "record_block"]
