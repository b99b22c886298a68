"""R205 联系期限：超过一般年限为警告；到期未续的联系为错误，即将到期的给出提醒。"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterator

from ...diagnostics import Diagnostic
from ...fields import term
from ...models import Pairing
from .base import RuleContext


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Term:
    CODE = "R205"
    SECTION = "term"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        params = ctx.params(self)
        soon = ctx.today + timedelta(days=params.ending_soon_days)
        for pairing in ctx.project.pairings:
            if pairing.start is None or pairing.end is None:
                continue
            limit = add_years(pairing.start, params.max_years) - timedelta(days=1)  # 2 years: 07-01 … 06-30
            if pairing.end > limit:
                yield ctx.finding(self, pairing.where("end"),  # “一般为 2 年”: longer needs a reason, it is not barred
                                  f"联系“{pairing.id}”期限 {pairing.start} 至 {pairing.end} 超过一般期限 {params.max_years} 年",
                                  severity="warning",
                                  hint=f"一般的结束日期为 {limit}；期满后可用新记录续联，写明 {term(Pairing, 'renews')}")
        for pairing in ctx.active:
            if pairing.end is None:
                continue
            if pairing.end < ctx.today:
                yield ctx.finding(self, pairing.where("end"),
                                  f"联系“{pairing.id}”已于 {pairing.end} 期满，仍作为在联系记录",
                                  hint=f"期满后续联请新建一条记录并写明 {term(Pairing, 'renews')}；"
                                       f"不再联系请填写 {term(Pairing, 'ended')}与 {term(Pairing, 'end_reason')}")
            elif pairing.end <= soon:
                days = (pairing.end - ctx.today).days
                yield ctx.finding(self, pairing.where("end"),
                                  f"联系“{pairing.id}”将于 {pairing.end} 期满（还有 {days} 天）",
                                  severity="warning", hint="请与领导和专家确认是否续联")
