"""Tier 1 within a record: fields that must agree with each other (字段间一致性)."""
from __future__ import annotations

from ..diagnostics import Diagnostics
from ..fields import term
from ..models import Expert, Pairing
from ..project import Project


def check_records(project: Project, diags: Diagnostics) -> None:
    for expert in project.experts:
        if expert.status in ("transferred", "exited") and expert.status_date is None:
            diags.error(expert.where("status"), "E301", f"专家“{expert.name}”状态为“{expert.status}”，须填写 {term(Expert, 'status_date')}")
        if expert.status == "exited" and not expert.exit_reason:
            diags.error(expert.where("status"), "E302", f"专家“{expert.name}”已退出，须填写 {term(Expert, 'exit_reason')}")
    for pairing in project.pairings:
        if pairing.start and pairing.end and pairing.end <= pairing.start:
            diags.error(pairing.where("end"), "E303", f"联系“{pairing.id}”的结束日期 {pairing.end} 不晚于开始日期 {pairing.start}")
        if pairing.ended and pairing.start and pairing.ended < pairing.start:
            diags.error(pairing.where("ended"), "E303", f"联系“{pairing.id}”的提前结束日期 {pairing.ended} 早于开始日期 {pairing.start}")
        if pairing.ended and not pairing.end_reason:
            diags.warning(pairing.where("ended"), "E304", f"联系“{pairing.id}”已结束，建议填写 {term(Pairing, 'end_reason')}")
    for category in project.categories:
        if category.valid_from and category.valid_to and category.valid_to < category.valid_from:
            diags.error(category.where("valid_to"), "E303", f"类别“{category.name}”的终止日期早于起始日期")
    rules = project.rules
    if rules is not None and rules.leader_load is not None:
        for tier in ("bureau", "department", "district"):
            load = getattr(rules.leader_load, tier)
            if load is not None and load.max is not None and load.min is not None and load.max < load.min:
                diags.error(load.where("max"), "E303", f"规则配置 leader_load.{tier} 的 max 小于 min")
