"""The index of every collection by id; a second record with the same id is reported (编号索引)."""
from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostics
from ..models import COLLECTION_NAMES

_NAMES = {**COLLECTION_NAMES, "policies": "政策文件"}


def build_index(collections: dict[str, tuple[Any, ...]], diags: Diagnostics) -> dict[str, dict[str, Any]]:
    """Collection → id → record; a duplicate id is an error and the first record is kept."""
    index: dict[str, dict[str, Any]] = {}
    for collection in (*COLLECTION_NAMES, "policies"):
        seen: dict[str, Any] = {}
        for rec in collections.get(collection, ()):
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
        index[collection] = seen
    return index
