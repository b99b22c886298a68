"""Rule parameters (data/rules.yaml over the chosen profile): each rule's section (规则参数).

The profile also holds the policy's numbers that no rule checks but the site and the guide print
(the feedback deadlines); templates read every such number from here, never from a literal.
"""
from __future__ import annotations

from dataclasses import field as dc_field
from typing import Final

from .codes import rule_label
from .fields import At, Record, f, item, record
from .models import DEGREES, TITLE_RANKS

SEVERITIES = ("error", "warning", "off")
WARNING_OR_OFF = ("warning", "off")  # rules whose findings are always warnings: publishing never waits on them
DEFAULT_SEVERITY: Final = "error"  # of a rule whose section does not say


@record
class TierLoad(Record):
    """一个层级的领导联系专家人数范围。"""

    min: int = f("int", "最少人数", "public", required=True, bounds=(0, 100))
    max: int = f("int", "最多人数（不写表示不限）", "public", bounds=(0, 100))
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class LeaderLoad(Record):
    """各层级领导联系专家的人数范围。"""

    clause: str = f("text", "条款", "public", required=True)
    severity: str = f("enum", "严重程度（off：不检查；其余由每条结论自定）", "public", choices=SEVERITIES)
    bureau: TierLoad = f("object", "局领导", "public", required=True, model=TierLoad)
    department: TierLoad = f("object", "部门领导", "public", required=True, model=TierLoad)
    district: TierLoad = f("object", "区县领导", "public", required=True, model=TierLoad)
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class TierEligibility(Record):
    """各层级领导可联系的专家。"""

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
    """联系期限与期满提醒。"""

    clause: str = f("text", "条款", "public", required=True)
    severity: str = f("enum", "严重程度", "public", choices=SEVERITIES)
    max_years: int = f("int", "最长年限", "public", required=True, bounds=(1, 20))
    ending_soon_days: int = f("int", "即将到期提醒天数", "public", required=True, bounds=(0, 3650))
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Feedback(Record):
    """专家反映问题的办理时限：网站与指南按此印出，R210 按此检查诉求。"""

    clause: str = f("text", "条款", "public", required=True)
    severity: str = f("enum", "严重程度（warning：到期未反馈或逾期反馈为警告；off：不检查）", "public",
                      choices=WARNING_OR_OFF)
    personal_days: int = f("int", "个人困难：反馈处理情况的工作日数", "public", required=True, bounds=(1, 365))
    suggestion_months: int = f("int", "工作上或其他方面的意见建议：送达处理情况的月数", "public", required=True,
                               bounds=(1, 24))
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Review(Record):
    """专家信息的核对周期。"""

    clause: str = f("text", "条款", "public", required=True)
    severity: str = f("enum", "严重程度（warning 或 off）", "public", choices=WARNING_OR_OFF)
    max_months: int = f("int", "最长核对间隔（月）", "public", required=True, bounds=(1, 120))
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Symposium(Record):
    """每年至少召开一次座谈会：从每年的哪一天起检查当年是否已召开。"""

    clause: str = f("text", "条款", "public", required=True)
    severity: str = f("enum", "严重程度（warning 或 off）", "public", choices=WARNING_OR_OFF)
    from_month: int = f("int", "从每年几月起检查", "public", required=True, bounds=(1, 12))
    from_day: int = f("int", "从该月几日起检查（超过该月天数时为该月最后一天）", "public", required=True, bounds=(1, 31))
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class RegularContact(Record):
    """每对联系至少多久有一次联系活动（联系流于形式）。"""

    clause: str = f("text", "条款", "public", required=True)
    severity: str = f("enum", "严重程度（warning 或 off）", "public", choices=WARNING_OR_OFF)
    max_months: int = f("int", "最长没有联系活动的月数", "public", required=True, bounds=(1, 120))
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class RuleSet(Record):
    """规则配置：所选配置的默认值，data/rules.yaml 中写出的节整体替换同名节。"""

    policy: str = f("ref", "默认依据的政策文件", "public", required=True, ref="policies")
    leader_load: LeaderLoad = f("object", rule_label("R201"), "public", required=True, model=LeaderLoad)
    tier_eligibility: TierEligibility = f("object", rule_label("R202"), "public", required=True,
                                          model=TierEligibility)
    contact_target: Simple = f("object", rule_label("R203"), "public", required=True, model=Simple)
    consent: Simple = f("object", rule_label("R204"), "public", required=True, model=Simple)
    term: Term = f("object", rule_label("R205"), "public", required=True, model=Term)
    renewal: Simple = f("object", rule_label("R206"), "public", required=True, model=Simple)
    exit: Simple = f("object", rule_label("R207"), "public", required=True, model=Simple)
    coverage: Simple = f("object", rule_label("R208"), "public", required=True, model=Simple)
    responsible: Simple = f("object", rule_label("R209"), "public", required=True, model=Simple)
    feedback: Feedback = f("object", rule_label("R210"), "public", model=Feedback)  # none: the policy sets no deadline
    review: Review = f("object", rule_label("R211"), "public", required=True, model=Review)
    symposium: Symposium = f("object", rule_label("R212"), "public", required=True, model=Symposium)
    regular_contact: RegularContact = f("object", rule_label("R213"), "public", required=True, model=RegularContact)
    at: At = dc_field(kw_only=True, repr=False, compare=False)
