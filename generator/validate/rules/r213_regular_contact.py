"""R213 联系流于形式：在联系的每对领导与专家，最近一次联系活动距今不超过规定月数（只发警告）。

什么算作联系、续联从何时算起，见 generator/contacts.py。
"""
from __future__ import annotations

from typing import Iterator

from ...contacts import pairing_contacts
from ...diagnostics import Diagnostic
from ...models import ACTIVITY_KIND_NAMES
from .base import RuleContext, expert_label, leader_label


class RegularContact:
    CODE = "R213"
    SECTION = "regular_contact"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        months = ctx.params(self).max_months
        for contact in pairing_contacts(ctx.project, ctx.today):
            due = contact.due(months)
            if ctx.today <= due:
                continue
            pairing, last = contact.pairing, contact.last
            who = (f"联系“{pairing.id}”（{leader_label(ctx.leader(pairing.leader), pairing.leader)}与"
                   f"{expert_label(ctx.expert(pairing.expert), pairing.expert)}）")
            if last is None:
                said = f"自 {contact.since} 开始联系，没有任何联系活动记录"
            else:
                said = f"最近一次联系活动是 {last.date} 的{ACTIVITY_KIND_NAMES.get(last.kind, last.kind)}（“{last.id}”）"
            yield ctx.finding(self, pairing.location,
                              f"{who}{said}，已超过 {months} 个月（下一次联系最晚应在 {due}）", severity="warning",
                              hint="走访、慰问后在 data/activities.yaml 中登记（领导本人参加写 leader，单位组织的写 unit，"
                                   "专家写在 experts 中）")
