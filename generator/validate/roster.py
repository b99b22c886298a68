"""What the printed 名单 can hold, checked by `check` before anything is built (E408).

A unit's name heads its table in the 名单 and is repeated, as “单位（续）”, at the top of every page the table
runs onto (render/pdf/roster.py). A name of about 150 characters or more makes that header too tall for a page,
and the PDF stops there; `check` says so earlier, where the name is written, from 120 characters on.
"""
from __future__ import annotations

from ..diagnostics import Diagnostics
from ..project import Project

LONGEST_UNIT_NAME = 120  # characters


def check_roster(project: Project, diags: Diagnostics) -> None:
    for unit in project.units:
        if isinstance(unit.name, str) and len(unit.name) > LONGEST_UNIT_NAME:
            diags.warning(unit.where("name"), "E408",
                          f"单位名称有 {len(unit.name)} 个字，超过 {LONGEST_UNIT_NAME} 个字：印刷的领导联系专家名单"
                          "每页重复的表头可能放不下，生成 PDF 会停止",
                          hint="请用通行的简称（网站和指南都印这个名称）")
