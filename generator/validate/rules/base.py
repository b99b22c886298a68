"""What every rule sees: the project, its parameters, the day of the check, and indexes (规则上下文)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterator, Literal, Protocol

from ...diagnostics import Diagnostic, Location, Severity
from ...models import Category, Expert, Leader, Pairing, Unit
from ...ruleset import DEFAULT_SEVERITY, RuleSet
from ...transfers import Destination, latest_move

if TYPE_CHECKING:
    from ...project import Project


class Rule(Protocol):
    CODE: str  # its title and severities are in generator/codes.py
    SECTION: str  # the key of its parameters in rules.yaml

    def check(self, ctx: "RuleContext") -> Iterator[Diagnostic]: ...


@dataclass
class RuleContext:
    project: Project
    rules: RuleSet
    today: date
    active_by_leader: dict[str, list[Pairing]] = field(default_factory=dict)
    active_by_expert: dict[str, list[Pairing]] = field(default_factory=dict)
    active: list[Pairing] = field(default_factory=list)

    @classmethod
    def build(cls, project: Project, rules: RuleSet, today: date) -> "RuleContext":
        by_leader: dict[str, list[Pairing]] = defaultdict(list)
        by_expert: dict[str, list[Pairing]] = defaultdict(list)
        active = []
        for pairing in project.pairings:
            if pairing.active_on(today):
                active.append(pairing)
                by_leader[pairing.leader].append(pairing)
                by_expert[pairing.expert].append(pairing)
        return cls(project, rules, today, dict(by_leader), dict(by_expert), active)

    def leader(self, ident: str) -> Leader | None:
        return self.project.get("leaders", ident)

    def expert(self, ident: str) -> Expert | None:
        return self.project.get("experts", ident)

    def unit(self, ident: str | None) -> Unit | None:
        return self.project.get("units", ident)

    def moved_since(self, expert: Expert, name: str, day: date) -> Destination | None:
        """The expert's last transfer after ``day`` (and by today) that changed ``name`` (system or region)."""
        return latest_move(expert, self.project, name, after=day, until=self.today)

    def current_categories(self, expert: Expert) -> list[Category]:
        """The expert's categories that are in force today (valid_from/valid_to)."""
        out = []
        for ident in expert.categories:
            category = self.project.get("categories", ident)
            if category is None:
                continue
            if category.valid_from and category.valid_from > self.today:
                continue
            if category.valid_to and category.valid_to < self.today:
                continue
            out.append(category)
        return out

    def params(self, rule: Any) -> Any:
        return getattr(self.rules, rule.SECTION)

    def severity(self, rule: Any, default: Severity = DEFAULT_SEVERITY) -> Severity | Literal["off"]:
        return getattr(self.params(rule), "severity", None) or default

    def basis(self, rule: Any) -> str:
        """The policy clause a rule enforces, e.g. 渝人发〔2002〕110号 第三条."""
        doc = self.project.get("policies", self.rules.policy)
        number = doc.meta.doc_number if doc is not None else self.rules.policy
        return f"{number} {self.params(rule).clause}"

    def finding(self, rule: Any, where: Location, message: str, *, severity: Severity | None = None,
                hint: str = "") -> Diagnostic:
        level = severity or self.severity(rule)
        assert level != "off", f"{rule.CODE} is off: run_rules does not run it"
        return Diagnostic(where, level, rule.CODE, message, self.basis(rule), hint)


def leader_label(leader: Leader | None, ident: str) -> str:
    return f"{leader.name}（{leader.post}）" if leader is not None else ident


def expert_label(expert: Expert | None, ident: str) -> str:
    return expert.name if expert is not None else ident
