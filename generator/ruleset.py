"""Rule parameters (data/rules.yaml over the chosen profile): each rule's section (规则参数)."""
from __future__ import annotations

from dataclasses import field as dc_field

from .fields import At, Record, f, item, record
from .models import DEGREES, TITLE_RANKS

SEVERITIES = ("error", "warning", "off")


@record
class TierLoad(Record):
    """一个层级的领导联系专家人数范围。"""

    min: int = f("int", "最少人数", "public", required=True, bounds=(0, 100))
    max: int = f("int", "最多人数（不写表示不限）", "public", bounds=(0, 100))
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class LeaderLoad(Record):
    """R201 领导联系人数。"""

    clause: str = f("text", "条款", "public", required=True)
    bureau: TierLoad = f("object", "局领导", "public", required=True, model=TierLoad)
    department: TierLoad = f("object", "部门领导", "public", required=True, model=TierLoad)
    district: TierLoad = f("object", "区县领导", "public", required=True, model=TierLoad)
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class TierEligibility(Record):
    """R202 各层级领导可联系的专家。"""

    clause: str = f("text", "条款", "public", required=True)
    severity: str = f("enum", "严重程度", "public", choices=SEVERITIES)
    bureau_categories: tuple[str, ...] = f("list", "局领导可联系的专家类别（空表示不限）", "public",
                                           item=item("ref", "专家类别", ref="categories"))
    department_same_system: bool = f("bool", "部门领导只联系本系统专家", "public", required=True)
    district_same_region: bool = f("bool", "区县领导只联系本地区专家", "public", required=True)
    district_title_ranks: tuple[str, ...] = f("list", "区县可联系的职称级别", "public",
                                              item=item("enum", "职称级别", choices=TITLE_RANKS))
    district_degrees: tuple[str, ...] = f("list", "区县可联系的学位", "public",
                                          item=item("enum", "学位", choices=DEGREES))
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Simple(Record):
    """只有条款与严重程度的规则。"""

    clause: str = f("text", "条款", "public", required=True)
    severity: str = f("enum", "严重程度", "public", choices=SEVERITIES)
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Term(Record):
    """R205 联系期限。"""

    clause: str = f("text", "条款", "public", required=True)
    severity: str = f("enum", "严重程度", "public", choices=SEVERITIES)
    max_years: int = f("int", "最长年限", "public", required=True, bounds=(1, 20))
    ending_soon_days: int = f("int", "即将到期提醒天数", "public", required=True, bounds=(0, 3650))
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class RuleSet(Record):
    """规则配置：所选配置的默认值，data/rules.yaml 中写出的节整体替换同名节。"""

    policy: str = f("ref", "默认依据的政策文件", "public", required=True, ref="policies")
    leader_load: LeaderLoad = f("object", "R201 领导联系人数", "public", required=True, model=LeaderLoad)
    tier_eligibility: TierEligibility = f("object", "R202 层级对象", "public", required=True,
                                          model=TierEligibility)
    contact_target: Simple = f("object", "R203 联系对象", "public", required=True, model=Simple)
    consent: Simple = f("object", "R204 双方同意", "public", required=True, model=Simple)
    term: Term = f("object", "R205 联系期限", "public", required=True, model=Term)
    renewal: Simple = f("object", "R206 续联与重叠", "public", required=True, model=Simple)
    exit: Simple = f("object", "R207 调动与退出", "public", required=True, model=Simple)
    coverage: Simple = f("object", "R208 重点专家全覆盖", "public", required=True, model=Simple)
    responsible: Simple = f("object", "R209 责任领导", "public", required=True, model=Simple)
    at: At = dc_field(kw_only=True, repr=False, compare=False)
