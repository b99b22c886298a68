"""R208 重点专家全覆盖：每位属于重点联系范围类别的在册专家都有在联系的领导。"""
from __future__ import annotations

from typing import Iterator

from ...diagnostics import Diagnostic
from .base import RuleContext


class Coverage:
    CODE = "R208"
    SECTION = "coverage"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for expert in ctx.project.experts:
            if expert.status != "active" or expert.id in ctx.active_by_expert:
                continue
            key = [c.name for c in ctx.current_categories(expert) if c.scope == "key"]
            if key:
                yield ctx.finding(self, expert.location,
                                  f"重点联系专家{expert.name}（{'、'.join(key)}）没有在联系的领导",
                                  hint="在 data/pairings.yaml 中为其确定联系领导")
