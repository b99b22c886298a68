"""R211 专家信息定期核对：在册专家的信息上次核对（reviewed）距今不超过规定月数（只发警告）。"""
from __future__ import annotations

from typing import Iterator

from ...diagnostics import Diagnostic
from ...fields import term
from ...models import Expert
from ...workdays import months_later
from .base import RuleContext


class Review:
    CODE = "R211"
    SECTION = "review"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        months = ctx.params(self).max_months
        for expert in ctx.project.experts:
            if expert.status != "active" or expert.reviewed is None:
                continue
            due = months_later(expert.reviewed, months)
            if ctx.today > due:
                yield ctx.finding(self, expert.where("reviewed"),
                                  f"专家“{expert.name}”的信息于 {expert.reviewed} 核对，已超过 {months} 个月（最晚应于 {due} 再次核对）",
                                  severity="warning",
                                  hint=f"与专家核对联系方式、工作单位、职务等信息，更新后把 {term(Expert, 'reviewed')}改为核对的日期")
