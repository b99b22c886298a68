"""R209 责任领导：每个有联系领导的单位确定一名（且只有一名）负责联系专家工作的领导。"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from ...diagnostics import Diagnostic
from ...models import Leader
from .base import RuleContext


class ResponsibleLeader:
    CODE = "R209"
    SECTION = "responsible"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        by_unit: dict[str, list[Leader]] = defaultdict(list)
        for leader in ctx.project.leaders:
            if leader.unit is not None:
                by_unit[leader.unit].append(leader)
        for unit_id, leaders in by_unit.items():
            unit = ctx.unit(unit_id)
            name = unit.name if unit is not None else unit_id
            responsible = [leader for leader in leaders if leader.responsible is True]
            if not responsible:
                yield ctx.finding(self, leaders[0].location, f"单位“{name}”没有确定责任领导",
                                  hint="把其中一位领导定为责任领导（`responsible: true`）")
            for extra in responsible[1:]:
                yield ctx.finding(self, extra.where("responsible"),
                                  f"单位“{name}”有 {len(responsible)} 名责任领导（{'、'.join(x.name for x in responsible)}），应只有一名")
