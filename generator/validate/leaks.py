"""Personal data where the public can read it: content/ and public fields (E401).

content/ is published as it is, and a public field is published verbatim, so a hidden expert's
name, or anybody's non-public phone, email, address or ID number written there would reach the
public site. `check` reports each at its file and line, with whose value it is and why it is not
public. The substring rule is generator.exposure's: a hidden 张伟 inside the shown name 张伟华 is
that other name, not a leak; anywhere else it is.
"""
from __future__ import annotations

import html
import itertools
import re
from datetime import date
from urllib.parse import unquote

from ..diagnostics import Diagnostics, Location
from ..extract import Unreadable, channels  # the audit's readers: the same encodings and containers
from ..exposure import (COLLECTIONS, IDENTIFIES, LONG, Finding, Matcher, fields_of, fold, forbidden_values,
                        hidden_record, joined, project_prose, record_at)
from ..fields import ALLOWED
from ..project import Project

_NONE: tuple = ()


def check_leaks(project: Project, today: date, diags: Diagnostics) -> None:
    # asked as the public build's audit asks (the day, the prose), which then has the answer at once; what this
    # check looks for — names, numbers, long texts — is the same either way (prose only excuses short values)
    forbidden = forbidden_values(project, "public", today, prose=project_prose(project))
    matcher = Matcher(forbidden, keep=IDENTIFIES | LONG)  # names, numbers, long texts: what no prose excuses
    if matcher:
        _content(project, matcher, diags)
        _public_fields(project, matcher, diags)


def _report(diags: Diagnostics, where: Location, finding: Finding, place: str) -> None:
    f = finding.forbidden
    diags.error(where, "E401", f"{place}中出现了不应公开的值 {f.masked}（来自 {f.source}：{f.reason}），会随公开版发布",
                hint="删除它，或改写为不指向个人的说法（如“专家服务热线”）")


def _content(project: Project, matcher: Matcher, diags: Diagnostics) -> None:
    for content in project.content_files:
        path = project.root / content.rel
        seen: set[str] = set()
        for finding in matcher.find(content.rel):  # a name is published too (URL, listing, deploy log)
            seen.add(finding.forbidden.value)
            _report(diags, Location(content.rel), finding, "文件名")
        try:
            for channel, text in channels(path):
                folded = fold(text)
                for finding in [f for variant in (folded, joined(folded)) for f in matcher.search(variant)]:
                    if finding.forbidden.value in seen:
                        continue
                    seen.add(finding.forbidden.value)
                    where = _locate(content.rel, text, finding) if content.kind == "text" else Location(content.rel)
                    _report(diags, where, finding, f"{content.rel}（{channel}）" if content.kind != "text" else "文稿")
        except Unreadable as exc:
            diags.error(Location(content.rel), "E403", f"{exc}：无法核查其中是否有个人信息，不能发布",
                        hint="请换成未加密、未损坏的文件")
        except OSError as exc:
            diags.error(Location(content.rel), "E015", f"无法读取：{exc.strerror}")


def _locate(rel: str, text: str, finding: Finding) -> Location:
    text = fold(text)  # the finding's offsets are in the folded text, which keeps every line break
    if finding.by_digits:
        pattern = r"\D{0,3}".join(finding.forbidden.digits)
        match = re.search(pattern, text)
        start = match.start() if match else 0
    else:  # found in the text or in its joined form: the first place its characters stand, spaces allowed
        match = re.search(r"\s*".join(map(re.escape, fold(finding.forbidden.value))), text)
        start = match.start() if match else 0
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return Location(rel, line, col)


def _public_fields(project: Project, matcher: Matcher, diags: Diagnostics) -> None:
    allowed = ALLOWED["public"]
    records = itertools.chain(  # walked once: no list of a (collection, record) pair per record
        ((c, r) for c in COLLECTIONS for r in getattr(project, c)),
        [("site", project.site)] if project.site is not None else [],
        (("policies", p.meta) for p in project.policies if p.meta is not None))
    found: dict[str, list[Finding] | tuple] = {}  # by value: an employer, region or field recurs on thousands of records

    def search(value: str) -> list[Finding] | tuple:
        if value not in found:
            # as a browser shows it too: %E8%91%A3 in a URL, &#33891; in a text
            hits = [f for v in dict.fromkeys((value, unquote(value), html.unescape(value)))
                    for folded in (fold(v),) for variant in (folded, joined(folded))
                    for f in matcher.search(variant)]
            found[value] = hits if hits else _NONE  # one empty tuple for the (many) values without a finding
        return found[value]

    for collection, rec in records:
        if hidden_record(project, collection, rec, "public"):
            continue
        for label, spec, value, visible in fields_of(rec, "", False, allowed):
            if not visible or not isinstance(value, str):
                continue
            seen: set[str] = set()
            for finding in search(value):
                if finding.forbidden.value in seen:
                    continue
                seen.add(finding.forbidden.value)
                holder, name = record_at(rec, label)  # the value itself: an event's summary, not the expert
                _report(diags, holder.where(name) if name in holder._specs else holder.location, finding,
                        f"公开字段“{label}”")
