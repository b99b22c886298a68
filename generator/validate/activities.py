"""Tier 1 for the activities ledger: each activity says who took part, and has taken place (联系活动).

What an activity counts for is generator/contacts.py; the rules on it are R212 and R213.
"""
from __future__ import annotations

from datetime import date

from ..diagnostics import Diagnostics
from ..models import ACTIVITY_KIND_NAMES
from ..project import Project


def check_activities(project: Project, today: date, diags: Diagnostics) -> None:
    for activity in project.activities:
        what = f"联系活动“{activity.id}”（{ACTIVITY_KIND_NAMES.get(activity.kind, activity.kind)}）"
        if activity.unit is None and activity.leader is None:
            diags.error(activity.location, "E608", f"{what}没有写 unit（组织单位）或 leader（参加的联系领导）",
                        hint="单位组织的活动写 unit: 单位编号；领导本人参加的写 leader: 领导编号；两者都可以写")
        if activity.date is not None and activity.date > today:
            diags.error(activity.where("date"), "E609",
                        f"{what}的日期 {activity.date} 晚于检查的日期 {today}：只登记已经举行的活动",
                        hint="活动举行后再登记；日期写错了的请改正")
