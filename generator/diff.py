"""`expert-guide diff OLD NEW`: what changed between two editions, as text, Markdown or JSON (版本比较).

An edition is a folder or a git revision (generator/load/edition.py says how they are told apart).
Each is loaded and validated as `check` would; an edition that cannot be read reliably — any error
but a contact rule's (R…), whose findings depend on the day they are judged on — is refused with its
diagnostics, located as ``edition-2026:data/experts.yaml:3:5`` (a revision) or ``old/data/…`` (a
folder). generator/changes.py computes the change for one profile; render/changes.py words it.

JSON (``--format json``), the same keys in both profiles (a value the profile may not see is null):

- ``profile``, ``empty`` (nothing changed that the profile sees);
- ``old`` / ``new``: ``label`` (as given), ``revision`` (commit id or null), ``edition``, ``published``;
- ``experts``: ``added``, ``exited``, ``transferred``, ``changed`` (lists) and ``unlisted``
  (public: how many experts left the public directory; intranet: null);
- ``pairings``: ``started``, ``renewed``, ``ended``, ``changed``;
- ``services`` and ``institutions``: ``added``, ``removed``, ``changed``.

An expert is ``id name employer region date how fields``; a pairing ``id leader leader_name expert
expert_name start end renews ended how fields``; a service or institution ``id name fields``; a field
``field label old new`` (old null: not written before, or not to be shown now; for ``events``, 动态, old lists the
events taken out and new those recorded since, each ``date kind summary to``). Dates are YYYY-MM-DD,
lists are arrays, entries are in id order.
"""
from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .changes import GROUPS, Changes, Edition, compare, event_parts
from .check import CheckResult, check
from .diagnostics import Diagnostic, Location
from .fields import Profile
from .load.edition import EditionError, open_edition
from .load.project import Progress
from .project import Project
from .render.changes import NOTHING, PROFILE_NAMES, change_sections, item_text, scope, summary
from .render.collation import DEFAULT_ORDER, Order

FORMATS = ("text", "markdown", "json")
JSON_KEYS = ("profile", "empty", "old", "new", "experts", "pairings", "services", "institutions")
EDITION_KEYS = ("label", "revision", "edition", "published")
EXPERT_KEYS = ("id", "name", "employer", "region", "date", "how", "fields")
PAIRING_KEYS = ("id", "leader", "leader_name", "expert", "expert_name", "start", "end", "renews", "ended", "how", "fields")
RECORD_KEYS = ("id", "name", "fields")
FIELD_KEYS = ("field", "label", "old", "new")


class EditionInvalid(Exception):
    """An edition with errors other than the contact rules': its diagnostics, located in that edition."""

    def __init__(self, label: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"版本“{label}”的数据校验未通过（{len(diagnostics)} 个错误），无法比较")
        self.label = label
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class ReadEdition:
    """An edition loaded and validated; its folder (a revision's temporary one) is gone by now."""

    label: str
    revision: str | None
    project: Project
    result: CheckResult


def blocking(result: CheckResult) -> list[Diagnostic]:
    """The errors that make an edition unreadable for a diff: all but a contact rule's."""
    return [d for d in result.errors if not d.code.startswith("R")]


def read_edition(spec: str, *, base: Path, today: date, progress: Progress | None = None) -> ReadEdition:
    """Load and validate the edition ``spec`` (a folder, or a revision of the repository holding ``base``).

    Raises EditionError (not found, ambiguous) or EditionInvalid (errors, located in that edition).
    """
    with open_edition(spec, base=base) as source:
        result = check(source.root, today=today, progress=progress)
        errors = [dataclasses.replace(d, location=Location(source.where(d.location.path), d.location.line,
                                                             d.location.col)) for d in blocking(result)]
    if errors:
        raise EditionInvalid(spec, errors)
    return ReadEdition(spec, source.revision, result.project, result)


def changes_between(old: ReadEdition, new: ReadEdition, profile: Profile) -> Changes:
    """The changes ``profile`` may see, with both editions named as they were given."""
    changes = compare(old.project, new.project, profile, old_label=old.label, new_label=new.label)
    return dataclasses.replace(changes, old=dataclasses.replace(changes.old, revision=old.revision),
                               new=dataclasses.replace(changes.new, revision=new.revision))


def diff_editions(old: str, new: str, *, base: Path, profile: Profile, today: date,
                  progress: Progress | None = None) -> tuple[Changes, Order]:
    """`expert-guide diff`: both editions read and validated, then compared; the new edition's name order."""
    say = progress or (lambda message: None)
    say(f"读取并校验上一版 {old}")
    before = read_edition(old, base=base, today=today)
    say(f"读取并校验本版 {new}")
    after = read_edition(new, base=base, today=today)
    site = after.project.site
    order: Order = site.order if site is not None and site.order in ("strokes", "pinyin") else DEFAULT_ORDER  # type: ignore[assignment]
    return changes_between(before, after, profile), order


# ---- formats ----

def report(changes: Changes, fmt: str, order: Order = DEFAULT_ORDER) -> str:
    if fmt == "json":
        return as_json(changes)
    if fmt == "markdown":
        return as_markdown(changes, order)
    return as_text(changes, order)


def _heading(changes: Changes) -> str:
    return f"本版变化（{PROFILE_NAMES[changes.profile]}）"


def _labels(changes: Changes) -> str:
    return f"上一版：{_source(changes.old)}；本版：{_source(changes.new)}"


def _source(edition: Edition) -> str:
    return edition.label + (f"（提交 {edition.revision[:12]}）" if edition.revision else "")


def as_text(changes: Changes, order: Order = DEFAULT_ORDER) -> str:
    """Chinese, indented for a terminal; “无变化。” when the profile sees no change."""
    lines = [_heading(changes), summary(changes), _labels(changes), scope(changes), ""]
    if changes.empty:
        lines.append(f"{NOTHING}。")
    for section in change_sections(changes, order):
        lines.append(section["title"])
        for group in section["groups"]:
            lines.append(f"  {group['title']}（{group['count']}）")
            if group["note"]:
                lines.append(f"    {group['note']}")
            for item in group["entries"]:
                lines.append(f"    {item_text(item)}")
                lines.extend(f"      {line}" for line in item["lines"])
    return "\n".join(lines) + "\n"


_MARKUP = re.compile(r"([\\`*_\[\]<>|~#!{}&])")
_LEADING = re.compile(r"^([+\-=])|^(\d+)([.)])")


def md(text: str) -> str:
    """Data as Markdown text, never markup: every character CommonMark or GFM acts on is escaped."""
    text = " ".join(_MARKUP.sub(r"\\\1", text).split())
    return _LEADING.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def as_markdown(changes: Changes, order: Order = DEFAULT_ORDER) -> str:
    """For a release's notes (issue 13 attaches it in CI): headings and lists, data escaped."""
    lines = [f"# {_heading(changes)}", "", md(summary(changes)), "", md(_labels(changes)), "", md(scope(changes)), ""]
    if changes.empty:
        lines += [f"{NOTHING}。", ""]
    for section in change_sections(changes, order):
        lines += [f"## {section['title']}", ""]
        for group in section["groups"]:
            lines += [f"### {group['title']}（{group['count']}）", ""]
            if group["note"]:
                lines += [md(group["note"]), ""]
            for item in group["entries"]:
                lines.append(f"- {md(item_text(item))}")
                lines.extend(f"  - {md(line)}" for line in item["lines"])
            if group["entries"]:
                lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def _field_value(change: Any, key: str) -> Any:
    """A field's value for JSON; 动态 (kind ``events``: old removed, new added) as objects of date, kind, summary, to."""
    value = getattr(change, key)
    if change.kind == "events" and key in ("old", "new") and value is not None:
        return [event_parts(e) for e in value]
    return _json_value(value)


def _entry(entry: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for key in keys:
        value = getattr(entry, key)
        if key == "fields":
            value = [{k: _field_value(f, k) for k in FIELD_KEYS} for f in value]
        out[key] = _json_value(value)
    return out


def as_dict(changes: Changes) -> dict[str, Any]:
    """The JSON object (keys: JSON_KEYS; see the module's docstring)."""
    groups: dict[str, dict[str, Any]] = {"experts": {}, "pairings": {}, "services": {}, "institutions": {}}
    keys = {"experts": EXPERT_KEYS, "pairings": PAIRING_KEYS, "services": RECORD_KEYS, "institutions": RECORD_KEYS}
    for name in GROUPS:
        collection, kind = name.split("_", 1)
        groups[collection][kind] = [_entry(e, keys[collection]) for e in getattr(changes, name)]
    groups["experts"]["unlisted"] = changes.experts_unlisted
    out = {"profile": changes.profile, "empty": changes.empty,
           "old": {k: _json_value(getattr(changes.old, k)) for k in EDITION_KEYS},
           "new": {k: _json_value(getattr(changes.new, k)) for k in EDITION_KEYS}, **groups}
    assert tuple(out) == JSON_KEYS
    return out


def as_json(changes: Changes) -> str:
    return json.dumps(as_dict(changes), ensure_ascii=False, indent=2) + "\n"


__all__ = ["EditionError", "EditionInvalid", "ReadEdition", "read_edition", "changes_between", "diff_editions",
           "report", "as_text", "as_markdown", "as_json", "as_dict"]
