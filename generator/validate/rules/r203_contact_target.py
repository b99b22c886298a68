"""R203 联系对象：每位被联系的专家都属于联系和服务对象（区县另按职称、学位条件，由 R202 判断）。"""
from __future__ import annotations

from typing import Iterator

from ...diagnostics import Diagnostic
from ...fields import term
from ...models import Expert
from .base import RuleContext, expert_label


class ContactTarget:
    CODE = "R203"
    SECTION = "contact_target"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for pairing in ctx.active:
            leader, expert = ctx.leader(pairing.leader), ctx.expert(pairing.expert)
            if leader is None or expert is None or leader.tier == "district":
                continue
            if not ctx.current_categories(expert):
                expired = "（所列类别均已失效）" if expert.categories else ""
                yield ctx.finding(self, pairing.where("expert"),
                                  f"专家{expert_label(expert, pairing.expert)}不属于任何联系对象类别{expired}，"
                                  f"不能作为对口联系专家",
                                  hint=f"在 {expert.location.path} 中为该专家填写 {term(Expert, 'categories')}，或结束这条联系")
