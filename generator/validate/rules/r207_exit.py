"""R207 调动与退出：已退出的专家没有在联系记录；调动后不再与原地区、原系统的领导联系。"""
from __future__ import annotations

from typing import Iterator

from ...diagnostics import Diagnostic
from ...fields import term
from ...models import Pairing
from .base import RuleContext, leader_label

_CLOSE = f"为这条联系填写 {term(Pairing, 'ended')}与 {term(Pairing, 'end_reason')}"


class Exit:
    CODE = "R207"
    SECTION = "exit"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for expert in ctx.project.experts:
            if expert.status not in ("exited", "transferred"):
                continue
            for pairing in ctx.active_by_expert.get(expert.id, []):
                leader = ctx.leader(pairing.leader)
                if leader is None:
                    continue
                if expert.status == "exited":
                    yield ctx.finding(self, pairing.where("expert"),
                                      f"专家{expert.name}已于 {expert.status_date} 退出联系范围，"
                                      f"与{leader_label(leader, pairing.leader)}的联系“{pairing.id}”仍在进行",
                                      hint=_CLOSE)
                    continue
                unit = ctx.unit(leader.unit)
                if unit is None:
                    continue
                left = None
                if leader.tier == "department" and unit.system and unit.system != expert.system:
                    left = f"原系统（{unit.system}）"
                elif leader.tier == "district" and unit.region and unit.region != expert.region:
                    left = f"原地区（{unit.region}）"
                if left:
                    yield ctx.finding(self, pairing.where("expert"),
                                      f"专家{expert.name}已于 {expert.status_date} 调离{left}，"
                                      f"与{leader_label(leader, pairing.leader)}的联系“{pairing.id}”仍在进行",
                                      hint="跨区域、跨部门调动后不再作为直接联系对象：" + _CLOSE)
