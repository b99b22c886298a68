"""R207 调动与退出：已退出的专家没有在联系记录；调动后不再与原地区、原系统的领导联系。

A transfer is known two ways: the record's ``status: transferred`` (with ``status_date``), or a
``transfer`` among the expert's 动态 dated after the pairing began (generator/transfers.py says where
it went). A pairing with a district leader is judged by region, with a department leader by system;
a pairing the expert began after the transfer is R202's to judge. Each pairing is reported once, by
the transfer event when there is one (it says when and where), else by the status.
"""
from __future__ import annotations

from typing import Iterator

from ...diagnostics import Diagnostic
from ...fields import term
from ...models import Expert, Leader, Pairing, Unit
from .base import RuleContext, leader_label

_CLOSE = f"为这条联系填写 {term(Pairing, 'ended')}与 {term(Pairing, 'end_reason')}"
BY_TIER = {"department": ("system", "原系统"), "district": ("region", "原地区")}
HINT = "跨区域、跨部门调动后不再作为直接联系对象：" + _CLOSE


class Exit:
    CODE = "R207"
    SECTION = "exit"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        for expert in ctx.project.experts:
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
                if unit is None or leader.tier not in BY_TIER:
                    continue
                finding = self._moved(ctx, expert, pairing, leader, unit)
                if finding is None and expert.status == "transferred":
                    finding = self._transferred(ctx, expert, pairing, leader, unit)
                if finding is not None:
                    yield finding

    def _moved(self, ctx: RuleContext, expert: Expert, pairing: Pairing, leader: Leader, unit: Unit) -> Diagnostic | None:
        """A transfer among the expert's 动态, after the pairing began, away from the leader's system or region."""
        name, old = BY_TIER[leader.tier]
        ours = getattr(unit, name)
        move = ctx.moved_since(expert, name, pairing.start) if ours else None
        if move is None or move.value == ours:
            return None
        return ctx.finding(self, pairing.where("expert"),
                           f"专家{expert.name}于 {move.event.date} 调离{old}（{ours}），调入“{move.value}”"
                           f"（{move.event.location} 的工作调动），与{leader_label(leader, pairing.leader)}的联系“{pairing.id}”仍在进行",
                           hint=HINT)

    def _transferred(self, ctx: RuleContext, expert: Expert, pairing: Pairing, leader: Leader, unit: Unit
                     ) -> Diagnostic | None:
        """The record's status says transferred, and its system or region is no longer the leader's."""
        name, old = BY_TIER[leader.tier]
        ours = getattr(unit, name)
        if not ours or ours == getattr(expert, name):
            return None
        return ctx.finding(self, pairing.where("expert"),
                           f"专家{expert.name}已于 {expert.status_date} 调离{old}（{ours}），"
                           f"与{leader_label(leader, pairing.leader)}的联系“{pairing.id}”仍在进行",
                           hint=HINT)
