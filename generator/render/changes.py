"""The 本版变化 in Chinese: sections, groups and lines for the page, the printed guide and `diff` (本版变化).

One rendering of a `Changes` value (generator/changes.py, already projected for its profile) that
the site template, the print template and the command's text and Markdown all read, so that the
wording is the same wherever staff meet it. Names are ordered as the rest of the guide orders them.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from ..changes import Changes, ExpertChange, FieldChange, PairingChange, RecordChange, event_parts
from ..models import STATUS_NAMES
from .collation import DEFAULT_ORDER, Order, name_key, text_key
from .dates import cn_date, cn_period

PROFILE_NAMES = {"public": "公开版", "intranet": "内网版"}
NOTHING = "无变化"
ENUM_NAMES = {"status": STATUS_NAMES}  # enum fields whose codes are not Chinese already


def value_text(change: FieldChange, value: Any) -> str:
    """One value as the guide writes it: dates 2026年5月1日, lists joined with 、, 是/否, status in Chinese."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date) or change.kind == "month":
        return cn_date(value)
    if isinstance(value, tuple):
        return "、".join(value)
    if change.kind == "enum":
        return ENUM_NAMES.get(change.field, {}).get(value, value)
    return str(value)


def event_text(value: str) -> str:
    """One 动态 as the guide writes it: 2026年5月1日 重要奖励：获……（调入 某单位）."""
    parts = event_parts(value)
    try:
        shown = cn_date(date.fromisoformat(parts["date"]))
    except ValueError:
        shown = parts["date"]
    return f"{shown} {parts['kind']}：{parts['summary']}" + (f"（调入 {parts['to']}）" if parts["to"] else "")


def field_line(change: FieldChange) -> str:
    """工作单位：测试大学 → 测试医院; a value this profile may not see is simply not written."""
    old, new = change.old, change.new
    if change.kind == "events":  # old: the 动态 taken out, new: those recorded since the old edition
        parts = []
        if isinstance(new, tuple):
            parts.append("新记 " + "；".join(event_text(e) for e in new))
        if isinstance(old, tuple):
            parts.append("删去 " + "；".join(event_text(e) for e in old))
        return f"{change.label}：" + "；".join(parts)
    if old is not None and new is not None:
        return f"{change.label}：{value_text(change, old)} → {value_text(change, new)}"
    if new is not None:
        return f"{change.label}：现为 {value_text(change, new)}"
    if old is not None:
        return f"{change.label}：删去（原为 {value_text(change, old)}）"
    return f"{change.label}：已更改"


def _expert(e: ExpertChange, urls: dict[str, str]) -> dict[str, Any]:
    parts = [e.employer, e.region or ""]
    if e.how == "removed":
        parts.append("记录已删除")
    elif e.how == "exited" and e.date is not None:
        parts.append(f"{cn_date(e.date)}退出")
    detail = "，".join(part for part in parts if part)
    return {"id": e.id, "lead": "", "title": e.name, "url": urls.get(e.id), "period": "", "detail": detail,
            "lines": [field_line(f) for f in e.fields]}


def _pairing(p: PairingChange, urls: dict[str, str]) -> dict[str, Any]:
    parts = []
    if p.renews:
        parts.append(f"续联 {p.renews}")
    if p.how == "ended" and p.ended is not None:
        parts.append(f"{cn_date(p.ended)}提前结束")
    elif p.how == "removed":
        parts.append("记录已删除")
    period = cn_period(p.start, p.end) if p.start is not None and p.end is not None else ""
    return {"id": p.id, "lead": f"{p.leader_name} — ", "title": p.expert_name, "url": urls.get(p.expert),
            "period": period, "detail": "，".join(parts), "lines": [field_line(f) for f in p.fields]}


def _record(r: RecordChange, urls: dict[str, str]) -> dict[str, Any]:
    return {"id": r.id, "lead": "", "title": r.name, "url": None, "period": "", "detail": "",
            "lines": [field_line(f) for f in r.fields]}


def item_text(item: dict[str, Any]) -> str:
    """An entry on one line: 赵区长 — 孙新人（2026年7月1日至2028年6月30日，续联 p1）."""
    note = "，".join(part for part in (item["period"], item["detail"]) if part)
    return item["lead"] + item["title"] + (f"（{note}）" if note else "")


# (section id, title, [(group, title on the intranet, title in public, item maker, sort key of an item)])
_Maker = Callable[[Any, dict[str, str]], dict[str, Any]]
_LAYOUT: tuple[tuple[str, str, tuple[tuple[str, str, str, _Maker], ...]], ...] = (
    ("experts", "专家", (
        ("experts_added", "新增专家", "新列入专家名录", _expert),
        ("experts_exited", "退出的专家", "", _expert),
        ("experts_transferred", "调动", "工作单位、地区或系统变化", _expert),
        ("experts_changed", "其他信息变化", "其他信息变化", _expert),
    )),
    ("pairings", "领导联系专家", (
        ("pairings_started", "新建立的联系", "新建立的联系", _pairing),
        ("pairings_renewed", "续联", "续联", _pairing),
        ("pairings_ended", "结束的联系", "结束的联系", _pairing),
        ("pairings_changed", "联系信息变化", "联系信息变化", _pairing),
    )),
    ("services", "服务事项", (
        ("services_added", "新增服务事项", "新增服务事项", _record),
        ("services_removed", "不再提供的服务事项", "不再提供的服务事项", _record),
        ("services_changed", "内容变化", "内容变化", _record),
    )),
    ("institutions", "服务机构", (
        ("institutions_added", "新增服务机构", "新增服务机构", _record),
        ("institutions_removed", "不再列出的服务机构", "不再列出的服务机构", _record),
        ("institutions_changed", "信息变化", "信息变化", _record),
    )),
)


def change_sections(changes: Changes, order: Order = DEFAULT_ORDER,
                    urls: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Sections (专家, 领导联系专家, 服务事项, 服务机构) of the groups that have something; ``urls``: expert id → page."""
    by_name, by_text = name_key(order), text_key(order)
    urls = urls or {}
    sections = []
    for section, title, groups in _LAYOUT:
        out = []
        for group, intranet_title, public_title, make in groups:
            entries = getattr(changes, group)
            if not entries:
                continue
            items = [make(entry, urls) for entry in entries]
            key = by_text if section in ("services", "institutions") else by_name
            items.sort(key=lambda item: (key(item["lead"] + item["title"]), item["id"]))
            out.append({"id": group.replace("_", "-"), "count": len(items), "entries": items, "note": "",
                        "title": public_title if changes.profile == "public" else intranet_title})
        if section == "experts" and changes.experts_unlisted:
            out.insert(1 if changes.experts_added else 0,
                       {"id": "experts-unlisted", "title": "不再列入专家名录", "count": changes.experts_unlisted,
                        "entries": [], "note": f"{changes.experts_unlisted} 位专家不再列入本版的专家名录（不列姓名，不说明原因）。"})
        if out:
            sections.append({"id": section, "title": title, "groups": out})
    return sections


def edition_text(edition: Any) -> str:
    """2026年版，2026年10月1日发布."""
    name = edition.edition or edition.label or "—"
    return f"{name}，{cn_date(edition.published)}发布" if edition.published else name


def summary(changes: Changes) -> str:
    """Which editions are compared."""
    return f"本版（{edition_text(changes.new)}）与上一版（{edition_text(changes.old)}）相比的变化。"


def scope(changes: Changes) -> str:
    """What the profile shows of them."""
    if changes.profile == "public":
        return ("公开版只列出公开内容的变化，只比较公开的字段：两版都不在公开名录中的专家不出现，也不计数；"
                "上一版列入、本版不再列入名录的专家只给人数。")
    return "内网版列出全部变化；身份证号等不出现在任何输出中的字段不比较，核对日期的更新不列出。"
