"""The projection a profile may see: templates get this view, never the models (按发布范围投影).

Fields are copied only when their visibility is allowed for the profile; an
expert enters the public view only when active, not confidential and
consenting. Nothing else is reachable from a template.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Sequence, overload

from ..changes import Changes
from ..codes import SEVERITY_NAMES
from ..diagnostics import Diagnostic
from ..fields import ALLOWED, PROFILES, Profile, Record, narrower
from ..paths import REQUESTS_FEED
from ..models import EVENT_KINDS, SCOPE_NAMES, STATUS_NAMES, TIER_NAMES, TIERS, Expert
from ..project import Project
from ..ruleset import RuleSet
from .activities import activity_page
from .requests import request_groups, request_rows
from .changes import change_sections, scope, summary
from .collation import Order, name_key, order_of, text_key

CHUNK = 200  # experts per directory page: a page stays small however large an employer is


@overload
def visible(rec: Record, profile: Profile) -> dict[str, Any]: ...
@overload
def visible(rec: Record | None, profile: Profile) -> dict[str, Any] | None: ...
def visible(rec: Record | None, profile: Profile) -> dict[str, Any] | None:
    """A plain dict of the fields ``profile`` may see; nested records are projected too.

    A field is read through its record (``Record.visibility``); an entry of a list of records whose
    ceiling the profile does not reach (an illness among an expert's 动态) is left out whole.
    """
    if rec is None:
        return None
    allowed = ALLOWED[profile]
    out: dict[str, Any] = {}
    cls: Any = type(rec)
    plan = _plan(cls, rec.ceiling(), profile) if cls.visibility is Record.visibility else \
        tuple((n, shape) for n, shape in _plan(cls, "public", profile) if rec.visibility(n) in allowed)
    for name, shape in plan:
        value = getattr(rec, name)
        if shape == "object":
            value = visible(value, profile)
        elif shape == "objects":
            value = [visible(v, profile) for v in value if v.ceiling() in allowed]
        out[name] = value
    return out


@functools.cache
def _plan(cls: Any, ceiling: str, profile: Profile) -> tuple[tuple[str, str], ...]:
    """The fields of a record of ``cls`` with this ceiling that ``profile`` sees, each with how to copy it.

    ``Record.visibility`` is the declaration narrowed by the ceiling; a class that decides visibility
    otherwise is asked field by field (no plan is made for it)."""
    allowed = ALLOWED[profile]
    plan = []
    for name, spec in cls._specs.items():
        if narrower(spec.vis, ceiling) not in allowed:  # type: ignore[arg-type]
            continue
        shape = "object" if spec.kind == "object" else (
            "objects" if spec.kind == "list" and spec.item is not None and spec.item.kind == "object" else "")
        plan.append((name, shape))
    return tuple(plan)


def shows_expert(expert: Expert, profile: Profile) -> bool:
    """Public output is fail-closed: all three flags must be explicitly right."""
    return expert.publishable if profile == "public" else True


@dataclass(frozen=True)
class SiteView:
    profile: Profile
    today: date
    site: dict[str, Any]
    policies: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    units: dict[str, dict[str, Any]]
    institutions: list[dict[str, Any]]
    services: list[dict[str, Any]]
    experts: list[dict[str, Any]]
    expert_pages: list[dict[str, Any]]
    pairing_groups: list[dict[str, Any]]
    stats: dict[str, int]
    numbers: dict[str, Any] = field(default_factory=dict)  # the policy's numbers: see policy_numbers()
    report: list[dict[str, Any]] = field(default_factory=list)
    ending_soon: list[dict[str, Any]] = field(default_factory=list)
    requests: dict[str, Any] | None = None  # intranet only: the 诉求办理 page and its feed; the public view has none
    activities: dict[str, Any] | None = None  # intranet only: the 联系活动 page; the public view has none, not even counts
    changes: dict[str, Any] | None = None  # the 本版变化 page and chapter, when a previous edition was named: see _changes

    @property
    def intranet(self) -> bool:
        return self.profile == "intranet"


def build_view(project: Project, profile: Profile, today: date, diagnostics: Sequence[Diagnostic] = (),
               changes: Changes | None = None, projections: Projections | None = None) -> SiteView:
    """The view of ``profile``; ``changes`` (generator.changes, computed for the same profile) adds 本版变化."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}")
    if changes is not None and changes.profile != profile:  # fail closed: an intranet diff never reaches a public view
        raise ValueError(f"changes computed for {changes.profile!r}, not {profile!r}")
    site = visible(project.site, profile) or {}
    categories = [{**visible(c, profile), "scope_name": SCOPE_NAMES.get(c.scope, c.scope)} for c in project.categories]
    category_names = {c["id"]: c["name"] for c in categories}
    units = {u.id: visible(u, profile) for u in project.units}
    institutions = [visible(i, profile) for i in project.institutions]
    institution_names = {i["id"]: i["name"] for i in institutions}
    services = [{**visible(s, profile), "institution_name": institution_names.get(s.institution, s.institution)}
                for s in project.services]
    policies = [{"id": p.id, **visible(p.meta, profile), "body": p.body} for p in project.policies]
    order = order_of(site)

    experts, pages = _experts(project, profile, units, category_names, order, projections or Projections(keep=False))
    by_id = {e["id"]: e for e in experts}
    groups, ending = _pairings(project, profile, today, by_id, units, order)
    stats = {
        "experts": len(experts),
        "key_experts": sum(1 for e in experts if any(c["scope"] == "key" for c in e["category_list"])),
        "leaders": len({leader["id"] for g in groups for u in g["units"] for leader in u["leaders"]}),
        "pairings": sum(len(leader["pairings"]) for g in groups for u in g["units"] for leader in u["leaders"]),
        "institutions": len(institutions),
        "services": len(services),
    }
    report = report_rows(diagnostics, profile)
    requests = _requests(project, today, by_id) if profile == "intranet" else None
    activities = activity_page(project, today, by_id, order) if profile == "intranet" else None
    return SiteView(profile, today, site, policies, categories, units, institutions, services, experts, pages, groups,
                    stats, policy_numbers(project.rules), report, ending if profile == "intranet" else [], requests,
                    activities, _changes(changes, order, by_id))



def report_rows(diagnostics: Sequence[Diagnostic], profile: Profile) -> list[dict[str, Any]]:
    """The intranet's 校验报告: every diagnostic of the check; the public view has none."""
    if profile != "intranet":
        return []
    return [{**d.as_dict(), "severity_name": SEVERITY_NAMES[d.severity]} for d in diagnostics]


def _changes(changes: Changes | None, order: Order, experts: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The 本版变化 as the page and the printed chapter show it; experts link to their pages in this view."""
    if changes is None:
        return None
    urls = {ident: expert["url"] for ident, expert in experts.items()}
    return {"summary": summary(changes), "scope": scope(changes), "empty": changes.empty,
            "sections": change_sections(changes, order, urls)}


def _requests(project: Project, today: date, experts: dict) -> dict[str, Any]:
    """The intranet's 诉求办理 page: every request, grouped; never built for the public view."""
    rows = request_rows(project, today)
    for row in rows:
        expert = experts.get(row["expert"])
        row["expert_url"] = expert["url"] if expert is not None else None
    return {"rows": rows, **request_groups(rows, today), "feed": REQUESTS_FEED,
            "deadlines": project.rules is not None and project.rules.feedback is not None}



def policy_numbers(rules: RuleSet | None) -> dict[str, Any]:
    """The numbers of the policy that templates print, from the rule set (the profile, data/rules.yaml over it).

    A template never writes them itself (tests/test_policy_numbers.py greps the theme for such literals);
    a number the profile does not give is None, and the template leaves its sentence out.
    """
    term = rules.term if rules is not None else None
    feedback = rules.feedback if rules is not None else None
    consent = rules.consent if rules is not None else None
    return {
        "term_years": term.max_years if term is not None and term.severity != "off" else None,
        "consent": consent is not None and consent.severity != "off",  # the policy requires both sides' agreement
        "feedback": None if feedback is None else {"personal_days": feedback.personal_days,
                                                   "suggestion_months": feedback.suggestion_months},
    }


def _experts(project: Project, profile: Profile, units: dict, category_names: dict,
             order: Order, projections: Projections) -> tuple[list, list]:
    """Experts in name order (the directory) and their pages: one per employer, in order of the employers' names."""
    scopes = {c.id: c.scope for c in project.categories}
    by_employer: dict[str, list[Expert]] = defaultdict(list)
    for expert in project.experts:
        if shows_expert(expert, profile):
            by_employer[expert.employer].append(expert)
    experts, pages = [], []
    by_name, by_text = name_key(order), text_key(order)
    for employer in sorted(by_employer, key=lambda e: (by_text((units.get(e) or {}).get("name") or e), e)):
        members = sorted(by_employer[employer], key=lambda e: (by_name(e.name), e.id))
        employer_name = (units.get(employer) or {}).get("name", employer)
        for start in range(0, len(members), CHUNK):
            part = start // CHUNK
            # Part 2 of `cqu` is experts/cqu/2/: a unit id has no "/", so no unit's page can take it.
            slug = employer if part == 0 else f"{employer}/{part + 1}"
            page = {"slug": slug, "employer": employer, "employer_name": employer_name, "part": part + 1,
                    "url": f"experts/{slug}/", "experts": []}
            for expert in members[start:start + CHUNK]:
                item = projections.visible(expert, profile)
                item["employer_name"] = employer_name
                item["category_list"] = [{"id": c, "name": category_names.get(c, c), "scope": scopes.get(c)}
                                         for c in expert.categories]
                item["url"] = f"{page['url']}#{expert.id}"
                item["page"] = slug
                item["events"], withheld = _events(expert, profile, units)
                if profile == "intranet":
                    item["status_name"] = STATUS_NAMES.get(expert.status, expert.status)
                    item["leaders"] = []  # who contacts the expert now: filled in by _pairings
                    item["events_withheld"] = withheld  # the intranet says that they exist, nothing more
                page["experts"].append(item)
                experts.append(item)
            pages.append(page)
    experts.sort(key=lambda e: (by_name(e["name"]), e["id"]))
    projections.rotate()
    return experts, pages


class Projections:
    """Experts projected by the previous view of a preview: a record is frozen, so an unchanged one (the same
    object, from load/cache.py) projects to the same fields; a copy is handed out, as the view adds to it."""

    def __init__(self, *, keep: bool = True) -> None:
        self.keep = keep
        self.kept: dict[tuple[int, str], tuple[Record, dict[str, Any]]] = {}
        self.seen: dict[tuple[int, str], tuple[Record, dict[str, Any]]] = {}

    def visible(self, rec: Record, profile: Profile) -> dict[str, Any]:
        if not self.keep:
            return visible(rec, profile)
        key = (id(rec), profile)
        hit = self.kept.get(key)
        out = hit[1] if hit is not None and hit[0] is rec else visible(rec, profile)
        self.seen[key] = (rec, out)
        return dict(out)

    def rotate(self) -> None:
        """What this view projected is what the next one may reuse; records no longer loaded are let go."""
        self.kept, self.seen = self.seen, {}


def _events(expert: Expert, profile: Profile, units: dict) -> tuple[list[dict[str, Any]], int]:
    """The expert's 动态 the profile may see, oldest first, and how many it may not (illness everywhere;
    on public pages, transfers and post changes too)."""
    allowed = ALLOWED[profile]
    shown = []
    for event in expert.events:
        if event.ceiling() not in allowed:
            continue
        item = visible(event, profile)
        item["kind_name"] = EVENT_KINDS[event.kind].name
        # where a transfer went, as written on it (the new employer by name): empty for other kinds and in public
        employer = item.get("employer")
        item["to"] = [v for v in ((units.get(employer) or {}).get("name", employer) if employer else None,
                                  item.get("system"), item.get("region")) if v]
        shown.append(item)
    shown.sort(key=lambda e: e["date"] or date.min)  # stable: events of one day keep the order they were written in
    return shown, len(expert.events) - len(shown)


def _pairings(project: Project, profile: Profile, today: date, experts: dict, units: dict,
              order: Order) -> tuple[list, list]:
    """The 名单: tier → unit (in name order) → leader (the responsible one first) → pairings; and those ending soon."""
    by_name, by_text = name_key(order), text_key(order)
    soon_days = project.rules.term.ending_soon_days if project.rules and project.rules.term else 60
    soon = today + timedelta(days=soon_days or 0)
    leaders = {leader.id: leader for leader in project.leaders}
    by_leader: dict[str, list] = defaultdict(list)
    ending = []
    for pairing in project.pairings:
        expert = experts.get(pairing.expert)
        if expert is None or not pairing.active_on(today):
            continue
        item = visible(pairing, profile)
        item["expert_name"] = expert["name"]
        item["expert_url"] = expert["url"]
        item["expert_employer"] = expert["employer_name"]
        if profile == "intranet":
            item["ending_soon"] = pairing.end is not None and pairing.end <= soon
            if item["ending_soon"]:
                ending.append(item)
            leader = leaders.get(pairing.leader)
            if leader is not None:
                expert["leaders"].append({"name": leader.name, "post": leader.post, "tier": leader.tier,
                                          "unit_name": (units.get(leader.unit) or {}).get("name", leader.unit),
                                          "start": pairing.start, "end": pairing.end})
        by_leader[pairing.leader].append(item)
    for expert in experts.values():
        if "leaders" in expert:
            expert["leaders"].sort(key=lambda c: (TIERS.index(c["tier"]), by_name(c["name"]), c["start"]))
    groups = []
    for tier in TIERS:
        unit_rows: dict[str, list] = defaultdict(list)
        for leader_id, items in by_leader.items():
            leader = leaders.get(leader_id)
            if leader is None or leader.tier != tier:
                continue
            row = visible(leader, profile)
            row["pairings"] = sorted(items, key=lambda p: (p["start"], by_name(p["expert_name"]), p["id"]))
            unit_rows[leader.unit].append(row)
        if not unit_rows:
            continue
        unit_list = []
        for unit_id in sorted(unit_rows, key=lambda u: (by_text((units.get(u) or {}).get("name") or u), u)):
            rows = sorted(unit_rows[unit_id], key=lambda r: (not r.get("responsible"), by_name(r["name"]), r["id"]))
            unit_list.append({"id": unit_id, "name": (units.get(unit_id) or {}).get("name", unit_id), "leaders": rows})
        groups.append({"tier": tier, "name": TIER_NAMES[tier], "units": unit_list})
    ending.sort(key=lambda p: (p["end"], p["id"]))
    return groups, ending
