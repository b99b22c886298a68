"""R206 续联与重叠：续联记录注明所续的联系、不早于其期满开始；同一对领导与专家的联系不重叠。"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterator

from ...diagnostics import Diagnostic
from ...fields import term
from ...models import Pairing
from .base import RuleContext


def _until(pairing: Pairing) -> date:
    return pairing.ended or pairing.end


class Renewal:
    CODE = "R206"
    SECTION = "renewal"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        groups: dict[tuple[str, str], list[Pairing]] = defaultdict(list)
        for pairing in ctx.project.pairings:
            if pairing.start is None or pairing.end is None:
                continue
            groups[(pairing.leader, pairing.expert)].append(pairing)
            if pairing.renews is None:
                continue
            renewed = ctx.project.get("pairings", pairing.renews)
            if renewed is None:
                continue  # reported as an unknown reference
            if (renewed.leader, renewed.expert) != (pairing.leader, pairing.expert):
                yield ctx.finding(self, pairing.where("renews"),
                                  f"联系“{pairing.id}”续联的“{renewed.id}”不是同一位领导与同一位专家的联系")
            elif renewed.end is not None and pairing.start < renewed.end:
                yield ctx.finding(self, pairing.where("start"),
                                  f"续联“{pairing.id}”开始于 {pairing.start}，早于所续联系“{renewed.id}”的期满日 {renewed.end}")
        for (_leader, _expert), pairings in groups.items():
            if len(pairings) < 2:
                continue
            pairings.sort(key=lambda p: (p.start, p.id))
            for earlier, later in zip(pairings, pairings[1:]):
                if later.start < _until(earlier):
                    if later.renews == earlier.id and later.start >= earlier.end:
                        continue
                    yield ctx.finding(self, later.where("start"),
                                      f"联系“{later.id}”（{later.start} 起）与“{earlier.id}”"
                                      f"（{earlier.start} 至 {_until(earlier)}）时间重叠")
                elif later.renews is None:
                    yield ctx.finding(self, later.location,
                                      f"联系“{later.id}”接续了同一对领导与专家的“{earlier.id}”，但没有注明 {term(Pairing, 'renews')}",
                                      severity="warning", hint=f"注明所续的联系（`renews: {earlier.id}`）")
