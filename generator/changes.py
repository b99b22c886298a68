"""What changed between two editions of a project, as one profile may see it (本版变化).

`compare(old, new, profile)` takes two loaded projects and returns a `Changes` value, keyed by
record id: experts added, exited, transferred or otherwise changed; pairings started, renewed,
ended or changed; services and institutions added, removed or changed, field by field with the
labels of the field specs. Nothing here reads files or formats dates: render/changes.py makes the
Chinese text, the doors (diff.py, build.py) read the editions.

What a profile sees is the difference of its own projections, never a filtered intranet diff:

- An expert is *in* the intranet edition unless exited, and in the public edition only when
  publishable (active, not 涉密, consenting). So the public diff names an expert who is newly listed,
  and only counts (``unlisted``) those listed before and not now — never their names or why; an
  expert hidden in both editions is in no list and no count.
- Only fields the profile may see are compared (`fields.ALLOWED`): a public diff never names a
  contact, a consent date or a status, let alone its value; ``secret`` fields are in no diff.
- A pairing is seen when its expert is; its renewal is told from the public fields alone (a new
  pairing of a leader and an expert who were paired in the old edition, as R206 defines it).
- Every value printed is held against what the new edition forbids the profile (exposure): an old
  value that is now, say, a hidden expert's region is left out (``old`` is None), so that what
  this diff says always passes the new edition's leak audit.

A record whose id changed is a removal and an addition: ids are what editions are matched by.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from .exposure import Matcher, forbidden_values
from .fields import ALLOWED, Profile, Record, Spec
from .kinds import AUDIT_FORMS
from .models import EVENT_KINDS, Expert, Pairing
from .project import Project

# Bookkeeping that changes with every review of the data and says nothing to a reader of the guide.
QUIET_FIELDS = frozenset({"reviewed"})
# What makes an expert's change a transfer (调动): where they work, in which region and system.
TRANSFER_FIELDS = ("employer", "region", "system")

Value = str | bool | date | tuple[str, ...] | None


@dataclass(frozen=True)
class FieldChange:
    """One field of one record: its name (``contact.mobile``), label (联系方式·手机), kind and both values.

    Values are plain: text, a date, a bool, a tuple of texts (a list; references as the names they
    point to), or None (not written, or not shown to this profile). Enums keep their code (exited).
    """

    field: str
    label: str
    kind: str
    old: Value
    new: Value


@dataclass(frozen=True)
class ExpertChange:
    id: str
    name: str
    employer: str  # the employer's name, in the edition the expert is named from
    region: str | None
    date: date | None = None  # exited: the status date (intranet only)
    how: str | None = None  # exited: "exited" (status) or "removed" (no record any more); intranet only
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class PairingChange:
    id: str
    leader: str
    leader_name: str
    expert: str
    expert_name: str
    start: date | None
    end: date | None
    renews: str | None = None  # renewed: the pairing it continues (intranet only: a pairing's `renews`)
    ended: date | None = None  # ended: the date it ended early (intranet only)
    how: str | None = None  # ended: "ended" (closed) or "removed" (no record any more)
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class RecordChange:
    """A service or an institution added, removed or changed."""

    id: str
    name: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class Edition:
    """Which edition a side of the diff is: as written on the command line, and as its site.yaml says."""

    label: str
    edition: str | None
    published: date | None
    revision: str | None = None  # the commit id, when the edition was read from git


@dataclass(frozen=True)
class Changes:
    profile: Profile
    old: Edition
    new: Edition
    experts_added: tuple[ExpertChange, ...] = ()
    experts_exited: tuple[ExpertChange, ...] = ()  # intranet; the public edition counts them in `unlisted`
    experts_transferred: tuple[ExpertChange, ...] = ()
    experts_changed: tuple[ExpertChange, ...] = ()
    experts_unlisted: int | None = None  # public only: listed in the old edition's directory, not in the new one
    pairings_started: tuple[PairingChange, ...] = ()
    pairings_renewed: tuple[PairingChange, ...] = ()
    pairings_ended: tuple[PairingChange, ...] = ()
    pairings_changed: tuple[PairingChange, ...] = ()
    services_added: tuple[RecordChange, ...] = ()
    services_removed: tuple[RecordChange, ...] = ()
    services_changed: tuple[RecordChange, ...] = ()
    institutions_added: tuple[RecordChange, ...] = ()
    institutions_removed: tuple[RecordChange, ...] = ()
    institutions_changed: tuple[RecordChange, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing this profile can see changed."""
        return not any(getattr(self, name) for name in GROUPS) and not self.experts_unlisted


# Every list of a Changes value, in the order a reader meets them.
GROUPS = ("experts_added", "experts_exited", "experts_transferred", "experts_changed",
          "pairings_started", "pairings_renewed", "pairings_ended", "pairings_changed",
          "services_added", "services_removed", "services_changed",
          "institutions_added", "institutions_removed", "institutions_changed")


def edition_of(project: Project, label: str) -> Edition:
    site = project.site
    return Edition(label, site.edition if site else None, site.published if site else None)


def compare(old: Project, new: Project, profile: Profile, *, old_label: str = "", new_label: str = "") -> Changes:
    """What changed from ``old`` to ``new`` that ``profile`` may see (see the module's docstring)."""
    guard = _Guard(new, profile)
    experts = _experts(old, new, profile, guard)
    return Changes(profile, edition_of(old, old_label), edition_of(new, new_label), **experts,
                   **_pairings(old, new, profile, guard),
                   **_records("services", old, new, profile, guard),
                   **_records("institutions", old, new, profile, guard))


# ---- values ----

class _Guard:
    """Lets through only values the new edition may show this profile (the leak audit's own list)."""

    def __init__(self, new: Project, profile: Profile) -> None:
        self.matcher = Matcher(forbidden_values(new, profile))

    def ok(self, kind: str, value: Any) -> bool:
        if value is None or not self.matcher:
            return True
        if isinstance(value, tuple):
            return all(self.ok(kind, v) for v in value)
        forms = AUDIT_FORMS.get(kind if kind != "ref" else "text", lambda v: (str(v),))(value)
        return not any(self.matcher.find(form) for form in forms if isinstance(form, str))

    def text(self, value: str | None, fallback: str) -> str:
        return value if value is not None and self.ok("text", value) else fallback


def _ref_name(project: Project, collection: str, ident: str) -> str:
    target = project.get(collection, ident)
    if target is None:
        return ident
    name = getattr(target, "name", None)
    if name is None and getattr(target, "meta", None) is not None:  # a policy: its 文号
        name = target.meta.doc_number or target.meta.title
    return name or ident


def _plain(project: Project, spec: Spec, value: Any) -> tuple[Any, Value]:
    """(what is compared, what is shown) for one scalar or list value; references compare by id, show by name."""
    if value is None:
        return None, None
    if spec.kind == "list":
        assert spec.item is not None
        pairs = [_plain(project, spec.item, v) for v in value]
        return tuple(p[0] for p in pairs), tuple(str(p[1]) for p in pairs) or None
    if spec.kind == "ref":
        return value, _ref_name(project, spec.ref, value)
    if isinstance(value, (bool, date)):
        return value, value
    return value, str(value)


def _flat(rec: Record | None, project: Project, allowed: frozenset[str], prefix: str = "",
          label: str = "") -> dict[str, tuple[Spec, str, Any, Value]]:
    """name → (spec, label, compared, shown) for every field the profile may see, nested objects flattened."""
    out: dict[str, tuple[Spec, str, Any, Value]] = {}
    if rec is None:
        return out
    for name, spec in rec._specs.items():
        if spec.vis not in allowed or name in QUIET_FIELDS or spec.kind == "id":
            continue
        value = getattr(rec, name)
        full, shown_label = f"{prefix}{name}", f"{label}{spec.label}"
        if spec.kind == "object":
            if value is not None:
                out.update(_flat(value, project, allowed, f"{full}.", f"{shown_label}·"))
            else:
                for sub, sub_spec in spec.model._specs.items():
                    if sub_spec.vis in allowed:
                        out[f"{full}.{sub}"] = (sub_spec, f"{shown_label}·{sub_spec.label}", None, None)
            continue
        if spec.kind == "list" and spec.item is not None and spec.item.kind == "object":
            continue  # an expert's 动态: each event narrows by its kind (Record.ceiling); not compared yet
        compared, shown = _plain(project, spec, value)
        out[full] = (spec, shown_label, compared, shown)
    return out


def _with_ids(shown: Value, ids: Any) -> Value:
    if shown is None:
        return None
    if isinstance(shown, tuple):
        return tuple(f"{name}（{ident}）" for name, ident in zip(shown, ids))
    return f"{shown}（{ids}）"


def _field_changes(old_rec: Record, new_rec: Record, old: Project, new: Project, profile: Profile,
                   guard: _Guard, skip: Iterable[str] = ()) -> tuple[FieldChange, ...]:
    allowed = ALLOWED[profile]
    before, after = _flat(old_rec, old, allowed), _flat(new_rec, new, allowed)
    changes = []
    for name in [*after, *(n for n in before if n not in after)]:
        if name in skip:
            continue
        spec, label, was, shown_was = before.get(name, (None, "", None, None))
        spec2, label2, now, shown_now = after.get(name, (None, "", None, None))
        if was == now:
            continue
        spec = spec2 or spec
        assert spec is not None
        kind = spec.item.kind if spec.kind == "list" and spec.item is not None else spec.kind
        if kind == "ref" and shown_was == shown_now:  # another record of the same name (a renamed id): say which
            shown_was, shown_now = _with_ids(shown_was, was), _with_ids(shown_now, now)
        shown_was = shown_was if guard.ok(kind, shown_was) else None
        shown_now = shown_now if guard.ok(kind, shown_now) else None
        changes.append(FieldChange(name, label2 or label, kind, shown_was, shown_now))
    return tuple(changes)


# ---- experts ----

def _in_edition(expert: Expert | None, profile: Profile) -> bool:
    """In the programme as the profile sees it: listed (public), or not exited (intranet)."""
    if expert is None:
        return False
    return expert.publishable if profile == "public" else expert.status != "exited"


def _expert_entry(expert: Expert, project: Project, guard: _Guard, **more: Any) -> ExpertChange:
    employer = _ref_name(project, "units", expert.employer) if expert.employer else ""
    region = expert.region if guard.ok("text", expert.region) else None
    return ExpertChange(expert.id, guard.text(expert.name, expert.id), guard.text(employer, ""), region, **more)


def _experts(old: Project, new: Project, profile: Profile, guard: _Guard) -> dict[str, Any]:
    before = {e.id: e for e in old.experts if e.id is not None}
    after = {e.id: e for e in new.experts if e.id is not None}
    added: list[ExpertChange] = []
    exited: list[ExpertChange] = []
    transferred: list[ExpertChange] = []
    changed: list[ExpertChange] = []
    unlisted = 0
    for ident in sorted(before.keys() | after.keys()):
        was, now = before.get(ident), after.get(ident)
        was_in, now_in = _in_edition(was, profile), _in_edition(now, profile)
        if now_in and not was_in:
            assert now is not None
            added.append(_expert_entry(now, new, guard))
        elif was_in and not now_in:
            assert was is not None
            if profile == "public":
                unlisted += 1  # the public may not be told who, nor why (exited, 涉密, consent withdrawn)
            elif now is None:
                exited.append(_expert_entry(was, old, guard, how="removed"))
            else:
                exited.append(_expert_entry(now, new, guard, how="exited",
                                            date=now.status_date if guard.ok("date", now.status_date) else None))
        elif was_in and now_in:
            assert was is not None and now is not None
            fields = _field_changes(was, now, old, new, profile, guard) + _event_changes(was, now, new, profile, guard)
            if not fields:
                continue
            moved = any(f.field in TRANSFER_FIELDS for f in fields) or any(
                f.field == "status" and now.status == "transferred" for f in fields)
            (transferred if moved else changed).append(_expert_entry(now, new, guard, fields=fields))
    return {"experts_added": tuple(added), "experts_exited": tuple(exited), "experts_transferred": tuple(transferred),
            "experts_changed": tuple(changed), "experts_unlisted": unlisted if profile == "public" else None}


EVENT_SEPARATOR = "\x1f"  # between an event's date, kind, summary and destination in a compared value
EVENT_PARTS = ("date", "kind", "summary", "to")


def event_parts(value: str) -> dict[str, str]:
    """A compared 动态 (_events_seen) as its parts: date (YYYY-MM-DD), kind (its Chinese name), summary, to."""
    return dict(zip(EVENT_PARTS, (value.split(EVENT_SEPARATOR) + [""] * len(EVENT_PARTS))[:len(EVENT_PARTS)]))


def _events_seen(expert: Expert, project: Project, profile: Profile) -> list[str]:
    """The expert's 动态 the profile may see (Event.ceiling: illness nowhere; in public, awards and achievements
    only), each as date, kind, summary and — for a transfer on the intranet — where it went."""
    allowed = ALLOWED[profile]
    out = []
    for event in expert.events:
        if event.ceiling() not in allowed or event.date is None or event.kind not in EVENT_KINDS:
            continue
        to = "" if profile == "public" else "、".join(
            v for v in (_ref_name(project, "units", event.employer) if event.employer else None, event.system,
                        event.region) if v)
        out.append(EVENT_SEPARATOR.join((event.date.isoformat(), EVENT_KINDS[event.kind].name, event.summary or "", to)))
    return out


def _event_changes(was: Expert, now: Expert, new: Project, profile: Profile, guard: _Guard) -> tuple[FieldChange, ...]:
    """动态 recorded since the old edition, and those taken out: one change, kind ``events`` (old: removed, new: added).
    An event whose text the new edition may not show this profile is left out, as any value is."""
    before, after = _events_seen(was, new, profile), _events_seen(now, new, profile)
    added = tuple(e for e in after if e not in before and guard.ok("multiline", e))
    removed = tuple(e for e in before if e not in after and guard.ok("multiline", e))
    if not added and not removed:
        return ()
    return (FieldChange("events", "动态", "events", removed or None, added or None),)


# ---- pairings ----

def _seen_pairings(project: Project, profile: Profile) -> dict[str, Pairing]:
    """The pairings the profile sees: every one on the intranet; in public those of the 名单 (current, listed expert)."""
    out = {}
    for pairing in project.pairings:
        if pairing.id is None:
            continue
        if profile == "public" and (pairing.ended is not None
                                    or not _in_edition(project.get("experts", pairing.expert), "public")):
            continue
        out[pairing.id] = pairing
    return out


def _pairing_entry(pairing: Pairing, project: Project, profile: Profile, guard: _Guard, **more: Any) -> PairingChange:
    leader = project.get("leaders", pairing.leader)
    expert = project.get("experts", pairing.expert)
    start = pairing.start if guard.ok("date", pairing.start) else None
    end = pairing.end if guard.ok("date", pairing.end) else None
    if profile != "intranet":  # `renews` and `ended` are internal fields
        more = {k: v for k, v in more.items() if k in ("how", "fields")}
    return PairingChange(pairing.id, pairing.leader, guard.text(leader.name if leader else None, pairing.leader),
                         pairing.expert, guard.text(expert.name if expert else None, pairing.expert), start, end, **more)


def _pairings(old: Project, new: Project, profile: Profile, guard: _Guard) -> dict[str, Any]:
    before, after = _seen_pairings(old, profile), _seen_pairings(new, profile)
    old_pairs = {(p.leader, p.expert) for p in before.values()}
    started: list[PairingChange] = []
    renewed: list[PairingChange] = []
    ended: list[PairingChange] = []
    changed: list[PairingChange] = []
    for ident in sorted(before.keys() | after.keys()):
        was, now = before.get(ident), after.get(ident)
        if was is None:
            assert now is not None
            if (now.leader, now.expert) in old_pairs:  # R206: a later pairing of the same two continues the earlier
                renewed.append(_pairing_entry(now, new, profile, guard, renews=now.renews))
            else:
                started.append(_pairing_entry(now, new, profile, guard))
        elif now is None:
            if was.ended is not None:
                continue  # it ended in an earlier edition; only its record went
            if profile == "public" and not _in_edition(new.get("experts", was.expert), "public"):
                continue  # its expert is no longer listed: counted among the experts, never named here
            recorded = new.get("pairings", ident)
            if recorded is None:
                ended.append(_pairing_entry(was, old, profile, guard, how="removed"))
            else:  # public: closed (`ended` is internal, only its effect is seen)
                ended.append(_pairing_entry(recorded, new, profile, guard, how="ended"))
        elif was.ended is None and now.ended is not None:
            ended.append(_pairing_entry(now, new, profile, guard, how="ended", ended=now.ended))
        else:
            fields = _field_changes(was, now, old, new, profile, guard)
            if fields:
                changed.append(_pairing_entry(now, new, profile, guard, fields=fields))
    return {"pairings_started": tuple(started), "pairings_renewed": tuple(renewed),
            "pairings_ended": tuple(ended), "pairings_changed": tuple(changed)}


# ---- services and institutions ----

def _records(collection: str, old: Project, new: Project, profile: Profile, guard: _Guard) -> dict[str, Any]:
    before = {r.id: r for r in getattr(old, collection) if r.id is not None}
    after = {r.id: r for r in getattr(new, collection) if r.id is not None}
    added = tuple(RecordChange(i, guard.text(after[i].name, i)) for i in sorted(after.keys() - before.keys()))
    removed = tuple(RecordChange(i, guard.text(before[i].name, i)) for i in sorted(before.keys() - after.keys()))
    changed = []
    for ident in sorted(before.keys() & after.keys()):
        fields = _field_changes(before[ident], after[ident], old, new, profile, guard)
        if fields:
            changed.append(RecordChange(ident, guard.text(after[ident].name, ident), fields))
    return {f"{collection}_added": added, f"{collection}_removed": removed, f"{collection}_changed": tuple(changed)}
