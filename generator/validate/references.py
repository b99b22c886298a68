"""Tier 1 across files: unique ids, known and canonical references (编号与引用)."""
from __future__ import annotations

import difflib
from typing import Any, Iterable

from ..diagnostics import Diagnostics
from ..fields import Record
from ..models import COLLECTION_NAMES
from ..project import Project

_NAMES = {**COLLECTION_NAMES, "policies": "政策文件"}


def check_references(project: Project, diags: Diagnostics) -> bool:
    """Every reference names an existing id, written exactly as that id; False when the rule set's do not."""
    lookups = {name: _Lookup(project, name) for name in project.index}
    records: list[Iterable[Any]] = [getattr(project, c) for c in (*COLLECTION_NAMES, "policies")]
    for group in records:
        for rec in group:
            _walk(rec, lookups, diags)
    if project.rules is None:
        return False
    before = len(diags.errors)
    _walk(project.rules, lookups, diags)
    return len(diags.errors) == before


def _walk(rec: Record, lookups: dict[str, "_Lookup"], diags: Diagnostics) -> None:
    for name, spec in rec._specs.items():
        value = getattr(rec, name)
        if value is None:
            continue
        if spec.kind == "ref":
            lookups[spec.ref].check(value, rec, name, spec.label, diags)
        elif spec.kind == "list" and spec.item is not None and spec.item.kind == "ref":
            for entry in value:
                lookups[spec.item.ref].check(entry, rec, name, spec.label, diags)
        elif spec.kind == "list" and spec.item is not None and spec.item.kind == "object":
            for entry in value:  # an expert's 动态: a transfer's employer
                _walk(entry, lookups, diags)
        elif spec.kind == "object":
            _walk(value, lookups, diags)


class _Lookup:
    """Resolves ids of one collection and explains near misses."""

    def __init__(self, project: Project, collection: str) -> None:
        self.collection = collection
        self.ids = project.index[collection]
        self.unreadable = collection in project.unreadable
        self._folded: dict[str, str] | None = None

    def check(self, value: str, rec: Record, field: str, label: str, diags: Diagnostics) -> None:
        if value in self.ids or self.unreadable:  # an unreadable file was already reported
            return
        if self._folded is None:  # built once, only when something is wrong
            self._folded = {}
            for ident, target in self.ids.items():
                self._folded.setdefault(ident.lower().replace("_", "-"), ident)
                name = getattr(target, "name", None)
                if isinstance(name, str):
                    self._folded.setdefault(name, ident)
        canonical = self._folded.get(value.lower().replace("_", "-")) or self._folded.get(value)
        what = _NAMES[self.collection]
        if canonical:
            diags.error(rec.where(field), "E203", f"“{field}”（{label}）写作“{value}”，应写{what}编号“{canonical}”",
                        hint="引用必须与编号完全一致")
            return
        close = difflib.get_close_matches(value, list(self.ids), n=1, cutoff=0.7)
        hint = f"是不是“{close[0]}”？" if close else f"请先在 data/{self.collection}.yaml 中登记" if self.collection != "policies" \
            else "请先在 content/policies/ 中加入该政策文件"
        diags.error(rec.where(field), "E202", f"“{field}”（{label}）引用的{what}“{value}”不存在", hint=hint)
