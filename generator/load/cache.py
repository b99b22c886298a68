"""What a file gave last time it was read, for a preview that re-reads only what changed (读取缓存).

A data file's records and diagnostics are kept under the file's name and a digest of its text: the
same text gives the same frozen records and the same diagnostics, so a file is parsed again only
when its bytes change (a changed time alone does not make it parse again, an edit within the same
second does). Used by generator.preview; `check` and `build` read every file each time.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable

from ..diagnostics import Diagnostic, Diagnostics


@dataclass(frozen=True)
class _Entry:
    digest: bytes
    records: tuple[Any, ...]
    ok: bool
    diagnostics: tuple[Diagnostic, ...]


@dataclass
class LoadCache:
    entries: dict[tuple[str, str], _Entry] = field(default_factory=dict)
    parsed: int = 0  # files parsed since the cache was made: a preview's refresh reports it

    def collection(self, rel: str, model: Any, text: str, out: list, diags: Diagnostics,
                   parse: Callable[[list, Diagnostics], bool]) -> bool:
        """Append the records of file ``rel`` (of ``model``) to ``out``: cached when ``text`` is unchanged."""
        key = (rel, model.__name__)
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=20).digest()
        entry = self.entries.get(key)
        if entry is None or entry.digest != digest:
            records: list[Any] = []
            own = Diagnostics()
            ok = parse(records, own)
            entry = _Entry(digest, tuple(records), ok, tuple(own.items))
            self.entries[key] = entry
            self.parsed += 1
        out.extend(entry.records)
        diags.extend(entry.diagnostics)
        return entry.ok
