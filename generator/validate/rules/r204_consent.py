"""R204 双方同意：领导和专家的同意日期均已登记，且不晚于联系开始日期。"""
from __future__ import annotations

from typing import Iterator

from ...diagnostics import Diagnostic
from ...fields import term
from ...models import Consent as Dates, Pairing
from .base import RuleContext


class Consent:
    CODE = "R204"
    SECTION = "consent"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for pairing in ctx.project.pairings:
            consent = pairing.consent
            if consent is None:
                yield ctx.finding(self, pairing.location, f"联系“{pairing.id}”未登记 {term(Pairing, 'consent')}",
                                  hint="填写双方同意的日期（`consent: {leader: 年-月-日, expert: 年-月-日}`）")
                continue
            for side in ("leader", "expert"):
                day, label = getattr(consent, side), Dates._specs[side].label
                if day is None:
                    yield ctx.finding(self, consent.location, f"联系“{pairing.id}”未登记{label}（`consent.{side}`）")
                elif pairing.start is not None and day > pairing.start:
                    yield ctx.finding(self, consent.where(side),
                                      f"联系“{pairing.id}”的{label} {day} 晚于开始日期 {pairing.start}")
