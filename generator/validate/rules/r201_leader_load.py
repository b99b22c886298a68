"""R201 领导联系人数：每位领导在联系的专家数在其层级的 [min, max] 之内。"""
from __future__ import annotations

from typing import Iterator

from ...diagnostics import Diagnostic
from ...models import TIER_NAMES
from .base import RuleContext


class LeaderLoad:
    CODE = "R201"
    SECTION = "leader_load"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        params = ctx.params(self)
        for leader in ctx.project.leaders:
            if leader.tier is None:
                continue
            bounds = getattr(params, leader.tier)
            if bounds is None or bounds.min is None:
                continue
            pairings = ctx.active_by_leader.get(leader.id, [])
            count = len(pairings)
            tier = TIER_NAMES[leader.tier]
            if bounds.max is not None and count > bounds.max:
                excess = pairings[bounds.max]
                yield ctx.finding(self, excess.where("leader"),
                                  f"{leader.name}联系专家 {count} 名，超过{tier}上限 {bounds.max} 名",
                                  severity="error",
                                  hint=f"这是{leader.name}第 {bounds.max + 1} 条在联系的记录；请结束或改派多出的联系")
            elif count < bounds.min:
                yield ctx.finding(self, leader.location,
                                  f"{leader.name}联系专家 {count} 名，少于{tier}下限 {bounds.min} 名",
                                  severity="warning")
