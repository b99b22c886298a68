"""R212 每年至少召开一次座谈会：有在联系专家的领导的单位，从规定日期起当年还没有座谈会记录为警告。"""
from __future__ import annotations

from typing import Iterator

from ...contacts import paired_units, symposia, symposium_day
from ...diagnostics import Diagnostic
from .base import RuleContext


SHOWN = 10  # leaders named in one finding


class Symposium:
    CODE = "R212"
    SECTION = "symposium"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        params = ctx.params(self)
        year = ctx.today.year
        start = symposium_day(year, params.from_month, params.from_day)
        if ctx.today < start:
            return
        held = symposia(ctx.project, year, ctx.today)
        for unit_id, leaders in paired_units(ctx.project, ctx.today).items():
            if held.get(unit_id):
                continue
            unit = ctx.unit(unit_id)
            if unit is None:
                continue
            found = [leader.name for leader in map(ctx.leader, leaders) if leader is not None]
            names = "、".join(found[:SHOWN]) + (f"等 {len(found)} 位" if len(found) > SHOWN else "")  # a bureau may have thousands
            yield ctx.finding(self, unit.location,
                              f"单位“{unit.name}”有联系专家的领导（{names}），{year} 年还没有座谈会记录"
                              f"（至少每年召开一次；{start} 起检查）",
                              severity="warning",
                              hint=f"召开座谈会后在 data/activities.yaml 中登记：kind: symposium，unit: {unit_id}，"
                                   "date、experts（到会专家）、summary")
