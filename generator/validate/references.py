"""Tier 1 across files: unique ids, known and canonical references (编号与引用)."""
from __future__ import annotations

import difflib
from typing import Any, Iterable

from ..diagnostics import Diagnostics
from ..fields import Record
from ..models import COLLECTION_NAMES
from ..project import Project

_NAMES = {**COLLECTION_NAMES, "policies": "政策文件"}


def build_index(project: Project, diags: Diagnostics) -> None:
    """Fill ``project.index``; a second record with the same id is an error (first one kept)."""
    for collection in (*COLLECTION_NAMES, "policies"):
        seen: dict[str, Any] = {}
        for rec in getattr(project, collection):
            ident = rec.id
            if ident is None:
                continue
            first = seen.get(ident)
            if first is not None:
                diags.error(rec.where("id"), "E201",
                            f"{_NAMES[collection]}编号“{ident}”重复（首次出现在 {first.where('id')}）",
                            hint="每个编号只能用一次；拆分到多个文件时也不能重复")
                continue
            seen[ident] = rec
        project.index[collection] = seen


def check_references(project: Project, diags: Diagnostics) -> None:
    """Every reference names an existing id, written exactly as that id."""
    lookups = {name: _Lookup(project, name) for name in project.index}
    records: list[Iterable[Any]] = [getattr(project, c) for c in (*COLLECTION_NAMES, "policies")]
    if project.rules is not None:
        records.append([project.rules])
    for group in records:
        for rec in group:
            _walk(rec, lookups, diags)


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
