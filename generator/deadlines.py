"""When each request is due, and where it stands (诉求办理时限与状态).

渝人发〔2002〕110号 第五条: a personal difficulty is answered within ``feedback.personal_days`` working
days, a suggestion within ``feedback.suggestion_months`` months — both numbers from the rule set,
counted on the official calendar (generator/workdays.py). A due date that depends on a year without
an official arrangement is provisional (暂定) and is never reported overdue.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from .clock import LATEST
from .models import Request
from .project import Project
from .ruleset import Feedback
from .workdays import Due, WorkCalendar

State = Literal["open", "overdue", "answered", "answered_late"]
STATES: tuple[State, ...] = ("open", "overdue", "answered", "answered_late")
STATE_NAMES: dict[str, str] = {"open": "办理中", "overdue": "已逾期", "answered": "已反馈", "answered_late": "逾期反馈"}
UNANSWERED: frozenset[str] = frozenset({"open", "overdue"})


def due_of(request: Request, feedback: Feedback | None, calendar: WorkCalendar) -> Due | None:
    """The day the answer is due, or None when the rule set sets no deadline (or the request lacks its date or kind)."""
    if feedback is None or request.received is None:
        return None
    if request.kind == "difficulty" and feedback.personal_days is not None:
        return calendar.add_working_days(request.received, feedback.personal_days)
    if request.kind == "suggestion" and feedback.suggestion_months is not None:
        return calendar.add_months(request.received, feedback.suggestion_months)
    return None


def state_of(answered: date | None, due: Due | None, today: date) -> State:
    """open | overdue | answered | answered_late; a provisional due date is never overdue, nor an answer late."""
    firm = due is not None and not due.provisional
    if answered is not None:
        return "answered_late" if firm and due is not None and answered > due.day else "answered"
    return "overdue" if firm and due is not None and today > due.day else "open"


@dataclass(frozen=True)
class RequestStatus:
    request: Request
    due: Due | None
    state: State

    @property
    def unanswered(self) -> bool:
        return self.state in UNANSWERED

    def days_late(self, today: date) -> int:
        """Days past the due date: until the answer, or until ``today`` when there is none."""
        if self.due is None:
            return 0
        end = self.request.answered or today
        return max(0, (end - self.due.day).days)


def request_statuses(project: Project, today: date) -> list[RequestStatus]:
    """Every request with its due date and state, by due date (then received, then id)."""
    feedback = project.rules.feedback if project.rules is not None else None
    calendar = project.work_calendar
    out = []
    for request in project.requests:
        due = due_of(request, feedback, calendar)
        out.append(RequestStatus(request, due, state_of(request.answered, due, today)))
    return sorted(out, key=lambda s: (s.due.day if s.due else date.max, s.request.received or date.max,
                                      s.request.id or ""))


def next_year_missing(project: Project, today: date) -> int | None:
    """From 1 November: next year, when a request is still open and nothing knows next year's arrangement."""
    if today.month < 11 or project.rules is None or project.rules.feedback is None:
        return None
    year = today.year + 1
    if year > LATEST.year or project.work_calendar.known(year):  # no file can be written for a year past the range
        return None
    if not any(r.answered is None for r in project.requests):
        return None
    return year


def missing_years(status: RequestStatus, calendar: WorkCalendar, today: date) -> tuple[int, ...]:
    """The years up to ``today``'s that a provisional due date depends on and nothing knows (they will not become known by waiting)."""
    received = status.request.received
    if status.due is None or not status.due.provisional or received is None:
        return ()
    return tuple(y for y in range(received.year, min(status.due.day.year, today.year) + 1) if not calendar.known(y))


__all__ = ["STATES", "STATE_NAMES", "RequestStatus", "due_of", "missing_years", "next_year_missing", "request_statuses",
           "state_of"]
