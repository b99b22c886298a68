"""Due dates on the official calendar (民法典 第二百零一至二百零三条), table-driven."""
from __future__ import annotations

from datetime import date

import pytest

from generator.workdays import Due, WorkCalendar, YearArrangement

D = date.fromisoformat
OFFICIAL = WorkCalendar()
# A project's own file for 2027 (the package stops at 2026): a made-up arrangement that differs from
# weekends, so that the file visibly wins.
OWN_2027 = YearArrangement(2027, frozenset({D("2027-01-01"), D("2027-02-08"), D("2027-02-09"), D("2027-02-10"),
                                            D("2027-02-11"), D("2027-02-12")}),
                           frozenset({D("2027-02-06"), D("2027-02-20")}), "https://www.gov.cn/example/2027")
WITH_2027 = WorkCalendar.of([OWN_2027])
# An override for a year the package knows: it wins for that year.
OVERRIDE_2026 = WorkCalendar.of([YearArrangement(2026, frozenset({D("2026-03-02")}), frozenset(), "test")])

# (case, calendar, received, kind, amount, expected due, provisional)
CASES = [
    ("15 working days across 中秋 and 国庆 2026", OFFICIAL, "2026-09-22", "days", 15, "2026-10-20", False),
    ("a 调休 working Saturday counts (2026-10-10)", OFFICIAL, "2026-10-08", "days", 2, "2026-10-10", False),
    ("a 调休 working Sunday counts (2026-09-20)", OFFICIAL, "2026-09-18", "days", 1, "2026-09-20", False),
    ("received on a holiday: counting starts after it", OFFICIAL, "2026-10-03", "days", 1, "2026-10-08", False),
    ("received on a Friday: the weekend is not counted", OFFICIAL, "2026-11-20", "days", 1, "2026-11-23", False),
    ("1 month: the corresponding day", OFFICIAL, "2026-03-16", "months", 1, "2026-04-16", False),
    ("1 month from 30 January: the month's last day (a 调休 Saturday)", OFFICIAL, "2026-01-30", "months", 1,
     "2026-02-28", False),
    ("1 month ending on 国庆: moves to the first working day", OFFICIAL, "2026-09-02", "months", 1, "2026-10-08", False),
    ("1 month ending on a Sunday: Monday", OFFICIAL, "2026-10-22", "months", 1, "2026-11-23", False),
    ("1 month ending on a 调休 working Saturday: stays", OFFICIAL, "2026-09-10", "months", 1, "2026-10-10", False),
    ("year boundary, next year unknown: weekends only, provisional", OFFICIAL, "2026-12-22", "days", 15,
     "2027-01-12", True),
    ("year boundary with the project's 2027 file: official", WITH_2027, "2026-12-22", "days", 15, "2027-01-13", False),
    ("the project's file wins: a made-up holiday on a weekday", WITH_2027, "2027-02-05", "days", 1, "2027-02-06", False),
    ("an override for a known year wins", OVERRIDE_2026, "2026-02-27", "days", 1, "2026-03-03", False),
    ("1 month into an unknown year: provisional", OFFICIAL, "2026-12-15", "months", 1, "2027-01-15", True),
    ("1 month from December, due in a known year: not provisional", WITH_2027, "2026-12-31", "months", 1,
     "2027-02-01", False),
    ("a date far in the future does not crash", OFFICIAL, "2199-12-31", "days", 15, "2200-01-21", True),
    ("a leap day plus 12 months", OFFICIAL, "2024-02-29", "months", 12, "2025-02-28", False),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_due_dates(case):
    _name, cal, received, kind, amount, expected, provisional = case
    due = cal.add_working_days(D(received), amount) if kind == "days" else cal.add_months(D(received), amount)
    assert due == Due(D(expected), provisional)


def test_mon_to_fri_and_holidays_without_make_up_days_are_both_wrong():
    """The two easy mistakes give 2026-10-13 and 2026-10-21; the official calendar gives 2026-10-20."""
    from datetime import timedelta

    import chinese_calendar

    def count(is_working):
        day, done = D("2026-09-22"), 0
        while done < 15:
            day += timedelta(days=1)
            done += is_working(day)
        return day

    assert count(lambda d: d.weekday() < 5) == D("2026-10-13")
    assert count(lambda d: d.weekday() < 5 and d not in chinese_calendar.holidays) == D("2026-10-21")
    assert OFFICIAL.add_working_days(D("2026-09-22"), 15).day == D("2026-10-20")


def test_known_years():
    assert OFFICIAL.known(2026) and not OFFICIAL.known(2027) and WITH_2027.known(2027)
    assert OFFICIAL.arrangement(2026).source.startswith("chinese-calendar")
