"""R202 层级对象：局领导联系指定类别专家，部门领导联系本系统专家，区县领导联系本地区专家。"""
from __future__ import annotations

from typing import Iterator

from ...diagnostics import Diagnostic
from .base import RuleContext, expert_label, leader_label


class TierEligibility:
    CODE = "R202"
    SECTION = "tier_eligibility"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        params = ctx.params(self)
        category_names = {c.id: c.name for c in ctx.project.categories}
        for pairing in ctx.active:
            leader, expert = ctx.leader(pairing.leader), ctx.expert(pairing.expert)
            if leader is None or expert is None:
                continue
            if expert.status == "transferred" and expert.status_date and pairing.start < expert.status_date:
                continue  # began before the transfer: R207 judges it
            who = f"{leader_label(leader, pairing.leader)}与专家{expert_label(expert, pairing.expert)}"
            unit = ctx.unit(leader.unit)
            where = pairing.where("expert")
            if leader.tier == "bureau" and params.bureau_categories:
                if not set(params.bureau_categories) & {c.id for c in ctx.current_categories(expert)}:
                    allowed = "、".join(category_names.get(c, c) for c in params.bureau_categories)
                    yield ctx.finding(self, where, f"{who}的联系不符合要求：局领导只联系{allowed}")
            elif leader.tier == "department" and params.department_same_system and unit is not None:
                # moved away from the leader's system after the pairing began: R207 judges it
                if unit.system and expert.system != unit.system and not ctx.moved_since(expert, "system", pairing.start):
                    yield ctx.finding(self, where, f"{who}的联系不符合要求：部门领导只联系本系统（{unit.system}）专家，"
                                                   f"该专家属于“{expert.system}”")
            elif leader.tier == "district" and unit is not None:
                if params.district_same_region and unit.region and expert.region != unit.region \
                        and not ctx.moved_since(expert, "region", pairing.start):  # moved after it began: R207
                    yield ctx.finding(self, where, f"{who}的联系不符合要求：区县领导只联系本地区（{unit.region}）专家，"
                                                   f"该专家属于“{expert.region}”")
                elif not self._district_target(ctx, params, expert):
                    ranks = "、".join(params.district_title_ranks) or "—"
                    degrees = "、".join(params.district_degrees) or "—"
                    yield ctx.finding(self, where, f"{who}的联系不符合要求：专家既不属于联系对象类别，"
                                                   f"职称（{expert.title_rank}）和学位（{expert.degree}）也不在"
                                                   f"区县联系范围（职称 {ranks}；学位 {degrees}）内")

    @staticmethod
    def _district_target(ctx: RuleContext, params, expert) -> bool:
        return bool(ctx.current_categories(expert)) or expert.title_rank in params.district_title_ranks \
            or expert.degree in params.district_degrees
