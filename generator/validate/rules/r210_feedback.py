"""R210 意见反馈办理时限：个人困难在规定工作日内、意见建议在规定月数内反馈处理情况或结果（只发警告）。"""
from __future__ import annotations

from typing import Iterator

from ...deadlines import request_statuses
from ...diagnostics import Diagnostic
from ...fields import term
from ...models import REQUEST_KIND_NAMES, Request
from .base import RuleContext, expert_label


class Feedback:
    CODE = "R210"
    SECTION = "feedback"

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        params = ctx.params(self)
        limits = {"difficulty": f"{params.personal_days} 个工作日", "suggestion": f"{params.suggestion_months} 个月"}
        for status in request_statuses(ctx.project, ctx.today):
            request, due = status.request, status.due
            if due is None:
                continue
            what = (f"诉求“{request.id}”（{expert_label(ctx.expert(request.expert), request.expert)}，"
                    f"{REQUEST_KIND_NAMES.get(request.kind, request.kind)}，{request.received} 收到，"
                    f"时限 {limits.get(request.kind, '')}）")
            if status.state == "overdue":
                yield ctx.finding(self, request.location,
                                  f"{what}到期日为 {due.day}，至今未反馈，已逾期 {status.days_late(ctx.today)} 天",
                                  severity="warning", hint=f"反馈后填写 {term(Request, 'answered')}和 {term(Request, 'result')}")
            elif status.state == "answered_late":
                yield ctx.finding(self, request.where("answered"),
                                  f"{what}于 {request.answered} 反馈，晚于到期日 {due.day}，逾期 {status.days_late(ctx.today)} 天",
                                  severity="warning")
