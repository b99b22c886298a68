"""The data model of the expert contact-and-service programme (专家联系服务制度数据模型).

Every model is frozen and every field declares its type, its Chinese label and
its visibility. Names follow the issue that defined them, so that the loader,
the rules, the site and the PDF agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

from .fields import At, Record, Visibility, f, item, record

TIERS = ("bureau", "department", "district")
TIER_NAMES = {"bureau": "局领导", "department": "部门领导", "district": "区县领导"}
UNIT_KINDS = ("bureau", "department", "district", "employer")
SCOPES = ("key", "general")
SCOPE_NAMES = {"key": "重点联系", "general": "普遍联系"}
TITLE_RANKS = ("正高级", "副高级", "中级", "其他")
DEGREES = ("博士", "硕士", "学士", "其他")
STATUSES = ("active", "transferred", "exited")
STATUS_NAMES = {"active": "在册", "transferred": "已调动", "exited": "已退出"}  # 在联系 is said only of a current pairing
GENDERS = ("男", "女")
POLICY_STATUSES = ("现行有效", "已废止")
REQUEST_KINDS = ("difficulty", "suggestion")
REQUEST_KIND_NAMES = {"difficulty": "个人困难", "suggestion": "意见建议"}
# 渝人发〔2002〕110号 第四条 (重大节日活动、疗养参观、座谈会、走访、慰问) and 京组发〔2014〕4号 第四条（一） (研修).
ACTIVITY_KINDS = ("symposium", "visit", "condolence", "festival", "sanatorium", "study")
ACTIVITY_KIND_NAMES = {"symposium": "座谈会", "visit": "走访", "condolence": "慰问", "festival": "节日活动",
                       "sanatorium": "疗养参观", "study": "研修"}
ORDERS = ("strokes", "pinyin")  # 姓氏笔画 (the default), 汉语拼音: render/collation.py


@record
class Hotline(Record):
    """服务热线：名称与号码。"""

    label: str = f("text", "热线名称", "public", required=True)
    phone: str = f("phone", "电话", "public", required=True)
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Site(Record):
    """data/site.yaml：发布机关与版次，网站页脚的主办、承办单位与备案号。"""

    org: str = f("text", "发布机关", "public", required=True)
    title: str = f("text", "标题", "public", required=True)
    edition: str = f("text", "版次", "public", required=True)
    published: date = f("date", "发布日期", "public", required=True)
    rules_profile: str = f("enum", "规则配置", "public", required=True,
                           choices=("chongqing-2002", "beijing-2014"))
    hotlines: tuple[Hotline, ...] = f("list", "服务热线", "public", required=True,
                                      item=item("object", "热线", model=Hotline))
    email: str = f("email", "电子信箱", "public", required=True)
    address: str = f("text", "地址", "public", required=True)
    order: str = f("enum", "排序方式", "public", choices=ORDERS,
                   doc="名录、名单中姓名、单位、地区的顺序：strokes 姓氏笔画（默认），pinyin 汉语拼音")
    sponsor: str = f("text", "主办单位", "public", required=True, doc="网站页脚的主办单位（政府网站发展指引）")
    operator: str = f("text", "承办单位", "public", doc="网站页脚的承办单位；与主办单位相同时可不写")
    site_code: str = f("site_code", "政府网站标识码", "public", doc="10 位数字；公开版页脚显示")
    icp: str = f("icp", "ICP备案号", "public", doc="如 渝ICP备05001520号；公开版页脚显示，链接到工业和信息化部备案系统")
    police_record: str = f("police_record", "公安机关备案号", "public",
                           doc="如 渝公网安备 50010502000001号；公开版页脚显示，链接到全国互联网安全管理服务平台")
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Basis(Record):
    """政策依据：政策文件 id 与条款。"""

    policy: str = f("ref", "政策文件", "public", required=True, ref="policies")
    clause: str = f("text", "条款", "public", required=True)
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Category(Record):
    """联系对象类别（如两院院士、享受政府特殊津贴专家）。"""

    id: str = f("id", "编号", "public", required=True)
    name: str = f("text", "名称", "public", required=True)
    scope: str = f("enum", "联系范围", "public", required=True, choices=SCOPES)
    description: str = f("multiline", "说明", "public")
    basis: Basis = f("object", "依据", "public", required=True, model=Basis)
    former_names: tuple[str, ...] = f("list", "曾用名", "public", item=item("text", "曾用名"))
    valid_from: date = f("date", "起始日期", "public")
    valid_to: date = f("date", "终止日期", "public")
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Unit(Record):
    """单位：局、主管部门、区县或专家所在单位。"""

    id: str = f("id", "编号", "public", required=True)
    name: str = f("text", "名称", "public", required=True)
    kind: str = f("enum", "类型", "public", required=True, choices=UNIT_KINDS)
    system: str = f("text", "系统", "public")
    region: str = f("text", "地区", "public")
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Contact(Record):
    """联系方式（仅内网可见）。"""

    phone: str = f("phone", "办公电话", "internal")
    mobile: str = f("phone", "手机", "internal")
    email: str = f("email", "电子邮箱", "internal")
    address: str = f("text", "通信地址", "internal")
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class LeaderContact(Record):
    """领导联系方式（仅内网可见）。"""

    phone: str = f("phone", "办公电话", "internal")
    mobile: str = f("phone", "手机", "internal")
    email: str = f("email", "电子邮箱", "internal")
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Leader(Record):
    """联系领导。"""

    id: str = f("id", "编号", "public", required=True)
    name: str = f("text", "姓名", "public", required=True, identifies=True)
    post: str = f("text", "职务", "public", required=True)
    unit: str = f("ref", "单位", "public", required=True, ref="units")
    tier: str = f("enum", "层级", "public", required=True, choices=TIERS)
    responsible: bool = f("bool", "责任领导", "public")
    contact: LeaderContact = f("object", "联系方式", "internal", model=LeaderContact)
    at: At = dc_field(kw_only=True, repr=False, compare=False)


# ---- 专家动态 (issue 11, part 6): 京组发〔2014〕4号 第二条（二） ----

@dataclass(frozen=True)
class EventKind:
    """One kind of 动态: its Chinese name, and the widest visibility any of its fields may have."""

    name: str
    ceiling: Visibility
    doc: str


# 第二条（二）“及时更新专家工作调动、职务变化、严重伤病、取得重大成果、获得重要奖励等信息”: the five kinds.
# Health information is sensitive personal information (个人信息保护法 第二十八条): an illness is never shown,
# the intranet only counts it. Awards and achievements reach the public pages of an expert who is shown there
# at all (active, not confidential, public_consent: true); transfers and post changes stay on the intranet.
EVENT_KINDS: dict[str, EventKind] = {
    "transfer": EventKind("工作调动", "internal", "写调入的 employer、system、region 中至少一项"),
    "post": EventKind("职务变化", "internal", "如“任某某学院院长”"),
    "illness": EventKind("严重伤病", "secret", "敏感个人信息（个人信息保护法 第二十八条）：与身份证号一样，审计在两个版本中查找"),
    "achievement": EventKind("重大成果", "public", "如“主持的某某项目通过验收”"),
    "award": EventKind("重要奖励", "public", "如“获某某奖一等奖”"),
}
TRANSFER_FIELDS = ("employer", "system", "region")  # what a transfer names: the new values of the expert's fields


@record
class Event(Record):
    """专家动态：工作调动、职务变化、严重伤病、重大成果、重要奖励（京组发〔2014〕4号 第二条（二））。"""

    date: date = f("date", "日期", "public", required=True, doc="不晚于检查日期")
    kind: str = f("enum", "类型", "public", required=True, choices=tuple(EVENT_KINDS),
                  doc="；".join(f"{k} {v.name}" for k, v in EVENT_KINDS.items()))
    summary: str = f("multiline", "内容", "public", required=True)
    employer: str = f("ref", "调入单位", "internal", ref="units", doc="只用于 transfer")
    system: str = f("text", "调入系统", "internal", doc="只用于 transfer；不写时取调入单位的系统")
    region: str = f("text", "调入地区", "internal", doc="只用于 transfer；不写时取调入单位的地区")
    at: At = dc_field(kw_only=True, repr=False, compare=False)

    def ceiling(self) -> Visibility:
        """By kind; fail-closed: an event whose kind is missing or unknown is shown nowhere."""
        kind = EVENT_KINDS.get(self.kind) if isinstance(self.kind, str) else None
        return kind.ceiling if kind is not None else "secret"


@record
class Expert(Record):
    """专家。"""

    id: str = f("id", "编号", "public", required=True)
    name: str = f("text", "姓名", "public", required=True, identifies=True)
    gender: str = f("enum", "性别", "public", required=True, choices=GENDERS)
    birth: str = f("month", "出生年月", "internal", required=True)
    employer: str = f("ref", "工作单位", "public", required=True, ref="units")
    system: str = f("text", "系统", "public", required=True)
    region: str = f("text", "地区", "public", required=True)
    title_rank: str = f("enum", "职称级别", "public", required=True, choices=TITLE_RANKS)
    degree: str = f("enum", "学位", "public", required=True, choices=DEGREES)
    field: str = f("text", "专业领域", "public", required=True)
    categories: tuple[str, ...] = f("list", "专家类别", "public",
                                    item=item("ref", "专家类别", ref="categories"))
    status: str = f("enum", "状态", "internal", required=True, choices=STATUSES)
    status_date: date = f("date", "状态日期", "internal")
    exit_reason: str = f("multiline", "退出原因", "internal")
    confidential: bool = f("bool", "涉密", "internal", required=True)
    public_consent: bool = f("bool", "同意公开", "internal", required=True)
    contact: Contact = f("object", "联系方式", "internal", model=Contact)
    id_number: str = f("text", "身份证号", "secret", identifies=True)
    notes: str = f("multiline", "备注", "internal")
    reviewed: date = f("date", "核对日期", "internal")
    events: tuple[Event, ...] = f("list", "动态", "public", item=item("object", "动态", model=Event),
                                  doc="工作调动、职务变化、严重伤病、重大成果、重要奖励，每条写 date、kind、summary；"
                                      "每条的公开范围按类型：award、achievement 公开（专家公开时），transfer、post 仅内网，"
                                      "illness 不出现在任何输出中")
    at: At = dc_field(kw_only=True, repr=False, compare=False)

    @property
    def publishable(self) -> bool:
        """Fail-closed: only an active, non-confidential, consenting expert is public."""
        return self.status == "active" and self.confidential is False and self.public_consent is True


@record
class Consent(Record):
    """双方同意日期。"""

    leader: date = f("date", "领导同意日期", "internal")
    expert: date = f("date", "专家同意日期", "internal")
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Pairing(Record):
    """领导与专家的对口联系。"""

    id: str = f("id", "编号", "public", required=True)
    leader: str = f("ref", "联系领导", "public", required=True, ref="leaders")
    expert: str = f("ref", "联系专家", "public", required=True, ref="experts")
    start: date = f("date", "开始日期", "public", required=True)
    end: date = f("date", "结束日期", "public", required=True)
    consent: Consent = f("object", "双方同意", "internal", model=Consent)
    renews: str = f("ref", "续联的联系", "internal", ref="pairings")
    ended: date = f("date", "提前结束日期", "internal")
    end_reason: str = f("multiline", "结束原因", "internal")
    at: At = dc_field(kw_only=True, repr=False, compare=False)

    def active_on(self, day: date) -> bool:
        """In force on ``day``: started, not ended early, not past its term."""
        if self.start is None or self.start > day:
            return False
        if self.ended is not None and self.ended <= day:
            return False
        return True  # a pairing past its `end` but never closed still counts: R205 reports it


@record
class Institution(Record):
    """服务机构。"""

    id: str = f("id", "编号", "public", required=True)
    name: str = f("text", "名称", "public", required=True)
    functions: tuple[str, ...] = f("list", "职能", "public", required=True, item=item("text", "职能"))
    address: str = f("text", "地址", "public", required=True)
    phone: str = f("phone", "电话", "public", required=True)
    email: str = f("email", "电子邮箱", "public")
    hours: str = f("text", "办公时间", "public")
    website: str = f("url", "网址", "public")
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Service(Record):
    """服务事项。"""

    id: str = f("id", "编号", "public", required=True)
    name: str = f("text", "名称", "public", required=True)
    summary: str = f("multiline", "内容", "public", required=True)
    eligibility: str = f("multiline", "服务对象", "public", required=True)
    materials: tuple[str, ...] = f("list", "所需材料", "public", item=item("text", "材料"))
    institution: str = f("ref", "承办机构", "public", required=True, ref="institutions")
    process: tuple[str, ...] = f("list", "办理流程", "public", required=True, item=item("text", "步骤"))
    time_limit: str = f("text", "办理时限", "public", required=True)
    fee: str = f("text", "收费", "public", required=True)
    basis: Basis = f("object", "依据", "public", model=Basis)
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Policy(Record):
    """政策文件（content/policies/*.md 的前置元数据）。"""

    title: str = f("text", "标题", "public", required=True)
    doc_number: str = f("doc_number", "文号", "public", required=True, doc="年份用六角括号〔〕，如 渝人发〔2002〕110号")
    issuer: str = f("text", "发文机关", "public", required=True)
    date: date = f("date", "日期", "public", required=True)
    status: str = f("enum", "状态", "public", required=True, choices=POLICY_STATUSES)
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class PolicyDoc(Record):
    """一份政策文件：id（文件名）、元数据与正文。"""

    id: str = f("id", "编号", "public", required=True)
    meta: Policy = f("object", "元数据", "public", required=True, model=Policy)
    body: str = f("multiline", "正文", "public", required=True)
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Handler(Record):
    """承办单位：单位（units）或服务机构（institutions），只写其中一个。"""

    unit: str = f("ref", "单位", "internal", ref="units")
    institution: str = f("ref", "服务机构", "internal", ref="institutions")
    at: At = dc_field(kw_only=True, repr=False, compare=False)

    @property
    def ref(self) -> tuple[str, str] | None:
        """(collection, id) of the one handler written, or None when not exactly one is."""
        written = [(c, v) for c, v in (("units", self.unit), ("institutions", self.institution)) if v is not None]
        return written[0] if len(written) == 1 else None


@record
class Request(Record):
    """专家反映的问题（诉求）与办理情况：渝人发〔2002〕110号 第五条。只在内网版出现。"""

    id: str = f("id", "编号", "internal", required=True)
    expert: str = f("ref", "反映问题的专家", "internal", required=True, ref="experts")
    received: date = f("date", "收到日期", "internal", required=True)
    kind: str = f("enum", "诉求类型", "internal",
                  required=True, choices=REQUEST_KINDS, doc="difficulty 个人困难；suggestion 工作上或其他方面的意见建议")
    channel: str = f("text", "渠道", "internal", required=True)
    summary: str = f("multiline", "内容摘要", "internal", required=True)
    handler: Handler = f("object", "承办单位", "internal", required=True, model=Handler)
    leader: str = f("ref", "经手的联系领导", "internal", ref="leaders")
    answered: date = f("date", "反馈日期", "internal")
    result: str = f("multiline", "处理情况或结果", "internal")
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class Activity(Record):
    """联系活动：座谈会、走访、慰问、节日活动、疗养参观、研修（渝人发〔2002〕110号 第四条）。只在内网版出现。

    ``unit`` 与 ``leader`` 至少写一个（validate/activities.py）。什么算作一对联系的联系记录，见 generator/contacts.py。
    """

    id: str = f("id", "编号", "internal", required=True)
    kind: str = f("enum", "活动类型", "internal", required=True, choices=ACTIVITY_KINDS,
                  doc="symposium 座谈会；visit 走访；condolence 慰问；festival 节日活动；sanatorium 疗养参观；study 研修")
    date: date = f("date", "活动日期", "internal", required=True, doc="活动举行的日期，不能晚于检查的日期")
    unit: str = f("ref", "组织单位", "internal", ref="units",
                  doc="单位组织的活动（如座谈会）：算作该单位每位领导与到场专家的联系")
    leader: str = f("ref", "参加的联系领导", "internal", ref="leaders",
                    doc="领导本人参加的活动（如走访、慰问）：只算作这位领导与到场专家的联系")
    experts: tuple[str, ...] = f("list", "参加的专家", "internal", required=True,
                                 item=item("ref", "专家", ref="experts"))
    summary: str = f("multiline", "内容摘要", "internal", required=True)
    at: At = dc_field(kw_only=True, repr=False, compare=False)


@record
class CalendarYear(Record):
    """data/calendar/YYYY.yaml：国务院办公厅公布的一年的放假与调休安排（本项目的，优先于 chinese-calendar）。"""

    holidays: tuple[date, ...] = f("list", "放假日期（含假期中的周末）", "public", required=True,
                                   item=item("date", "放假日期"))
    workdays: tuple[date, ...] = f("list", "调休上班日期（周六或周日）", "public", item=item("date", "调休上班日期"))
    source: str = f("url", "通知的网址", "public", required=True)
    at: At = dc_field(kw_only=True, repr=False, compare=False)


# The collections of a project, with their files and models.
COLLECTIONS: dict[str, Any] = {
    "categories": Category,
    "units": Unit,
    "leaders": Leader,
    "experts": Expert,
    "pairings": Pairing,
    "institutions": Institution,
    "services": Service,
    "requests": Request,
    "activities": Activity,
}
# Collections a project may leave out (no file: none recorded).
OPTIONAL_COLLECTIONS = frozenset({"requests", "activities"})

COLLECTION_NAMES = {
    "categories": "联系对象类别",
    "units": "单位",
    "leaders": "领导",
    "experts": "专家",
    "pairings": "联系关系",
    "institutions": "服务机构",
    "services": "服务事项",
    "requests": "诉求",
    "activities": "联系活动",
}
