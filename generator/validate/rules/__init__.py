"""Tier 2 of validation: the pairing rules of the policies, one small module per rule (联系规则)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from datetime import date

from ...diagnostics import Diagnostics
from .base import Rule, RuleContext
from .r201_leader_load import LeaderLoad
from .r202_tier_eligibility import TierEligibility
from .r203_contact_target import ContactTarget
from .r204_consent import Consent
from .r205_term import Term
from .r206_renewal import Renewal
from .r207_exit import Exit
from .r208_coverage import Coverage
from .r209_responsible_leader import ResponsibleLeader
from .r210_feedback import Feedback
from .r211_review import Review
from .r212_symposium import Symposium
from .r213_regular_contact import RegularContact

if TYPE_CHECKING:
    from ...project import Project

RULES: tuple[Rule, ...] = (LeaderLoad(), TierEligibility(), ContactTarget(), Consent(), Term(), Renewal(), Exit(), Coverage(),
                           ResponsibleLeader(), Feedback(), Review(), Symposium(),
                           RegularContact())


def run_rules(project: Project, today: date, diags: Diagnostics) -> None:
    """Run every rule whose severity is not ``off``; findings are collected, never raised."""
    if project.rules is None:
        return
    ctx = RuleContext.build(project, project.rules, today)
    for rule in RULES:
        if ctx.params(rule) is None or ctx.severity(rule) == "off":  # no section: the policy does not state it
            continue
        diags.extend(rule.check(ctx))
