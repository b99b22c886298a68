"""Tier 1 for the requests ledger: its fields agree, and the calendar its deadlines need is there (诉求台账).

The deadlines themselves are rule R210 (validate/rules/r210_feedback.py).
"""
from __future__ import annotations

from datetime import date

from ..deadlines import missing_years, next_year_missing, request_statuses
from ..diagnostics import Diagnostics, Location
from ..fields import term
from ..models import CalendarYear, Handler, Request
from ..project import Project


def check_requests(project: Project, today: date, diags: Diagnostics) -> None:
    for expert in project.experts:  # a 核对日期 to come would switch R211 off until then
        if expert.reviewed is not None and expert.reviewed > today:
            diags.error(expert.where("reviewed"), "E610",
                        f"专家“{expert.id}”的{term(type(expert), 'reviewed')} {expert.reviewed} 晚于检查的日期 {today}：只登记已经发生的事",
                        hint="核对之后再写日期；年份写错了的请改正")
    for request in project.requests:
        handler = request.handler
        if handler is not None and handler.ref is None:
            both = handler.unit is not None and handler.institution is not None
            diags.error(handler.location, "E605",
                        f"诉求“{request.id}”的承办单位" + ("同时写了 unit 和 institution，只能写一个" if both else
                                                           f"没有写 {term(Handler, 'unit')}或 {term(Handler, 'institution')}"),
                        hint="如 handler: {unit: hospital} 或 handler: {institution: center}")
        if request.answered is not None and request.received is not None and request.answered < request.received:
            diags.error(request.where("answered"), "E303",
                        f"诉求“{request.id}”的反馈日期 {request.answered} 早于收到日期 {request.received}")
        for key in ("received", "answered"):
            day = getattr(request, key)
            if day is not None and day > today:
                diags.error(request.where(key), "E610",
                            f"诉求“{request.id}”的{term(Request, key)} {day} 晚于检查的日期 {today}：只登记已经发生的事",
                            hint="收到、反馈之后再写日期；年份写错了的请改正")
        if request.answered is not None and not request.result:
            diags.warning(request.where("answered"), "E606",
                          f"诉求“{request.id}”已于 {request.answered} 反馈，没有写 {term(Request, 'result')}",
                          hint="简要写明反馈给专家的处理情况或结果")
    _past_years_missing(project, today, diags)
    year = next_year_missing(project, today)
    if year is not None:
        diags.warning(Location(f"data/calendar/{year}.yaml"), "E607",
                      f"还有未办结的诉求，而 {year} 年的放假与调休安排尚未登记：跨入 {year} 年的到期日只按周末推算，标为“暂定”",
                      hint=f"国务院办公厅通常在 10 至 12 月公布下一年的安排；公布后新建 data/calendar/{year}.yaml，"
                           f"写明 {term(CalendarYear, 'holidays')}、{term(CalendarYear, 'workdays')}和 "
                           f"{term(CalendarYear, 'source')}，或升级 chinese-calendar")


def _past_years_missing(project: Project, today: date, diags: Diagnostics) -> None:
    """A due date that depends on this year or an earlier one without an arrangement stays 暂定 for ever (E611).

    A year before the package's data (2004) is most often a typo in ``received``: reported at the request.
    A recent year (an old chinese-calendar, a new year not yet written): once per year, at its file.
    """
    if project.rules is None or project.rules.feedback is None:
        return
    calendar = project.work_calendar
    first = calendar.first_known_year()
    by_year: dict[int, list[str]] = {}
    for status in request_statuses(project, today):
        request = status.request
        years = missing_years(status, calendar, today)
        if not years:
            continue
        if first is not None and years[0] < first:
            diags.warning(request.where("received"), "E611",
                          f"诉求“{request.id}”的{term(Request, 'received')} {request.received}：{years[0]} 年没有官方放假安排"
                          f"（已知的安排从 {first} 年起），到期日只能按周末推算，标为“暂定”，永远不会算作逾期",
                          hint=f"年份写错了的请改正；确是 {years[0]} 年的诉求，新建 data/calendar/{years[0]}.yaml 写明当年的安排")
            continue
        for year in years:
            by_year.setdefault(year, []).append(request.id or "?")
    for year, ids in sorted(by_year.items()):
        shown = "、".join(f"“{i}”" for i in ids[:5]) + (f"等 {len(ids)} 件" if len(ids) > 5 else "")
        diags.warning(Location(f"data/calendar/{year}.yaml"), "E611",
                      f"{year} 年的放假与调休安排没有登记，诉求{shown}的到期日只按周末推算，标为“暂定”，不会算作逾期",
                      hint=f"新建 data/calendar/{year}.yaml，写明 {term(CalendarYear, 'holidays')}、{term(CalendarYear, 'workdays')}和 "
                           f"{term(CalendarYear, 'source')}，或升级 chinese-calendar")
