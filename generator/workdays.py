"""Working days on the official calendar, and the due dates of 渝人发〔2002〕110号 §五.

A day is a working day by the State Council's arrangement for its year: Monday to Friday, except
statutory holidays, plus the make-up working days (调休, often a Saturday or Sunday). The
arrangement comes from an in-repo file ``data/calendar/YYYY.yaml`` when the project has one for
that year (it wins), else from the ``chinese-calendar`` package (2004–its last year). A year
neither knows is counted by weekends only and every date that depends on it is provisional (暂定).

Counting follows the Civil Code (民法典):
- 第二百零一条: the day a request is received is not counted;
- 第二百零二条: a period of months ends on the corresponding day of the last month, or on that
  month's last day when it has no such day;
- 第二百零三条: a last day that is a rest day (a weekend or holiday — not a 调休 working day)
  moves to the next working day.
"""
from __future__ import annotations

import calendar as _gregorian
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable, Mapping

MAX_DAYS = 3700  # no period here is longer than ten years: a loop that runs past this is a bug


def months_later(day: date, months: int) -> date:
    """The corresponding day ``months`` later, or that month's last day (民法典 第二百零二条); no rest-day shift."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _gregorian.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@dataclass(frozen=True)
class YearArrangement:
    """One year's official arrangement: holidays (rest days that would be working days) and 调休 working days."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str  # where it comes from: the notice's URL, or "chinese-calendar <version>"


@dataclass(frozen=True)
class Due:
    day: date
    provisional: bool  # a year on the way has no official arrangement yet: counted by weekends only


@lru_cache(maxsize=1)
def _package_years() -> Mapping[int, YearArrangement]:
    """chinese-calendar's data as arrangements, one per year it covers (empty if it is not installed)."""
    try:
        import chinese_calendar as cc
    except ImportError:  # pragma: no cover - a dependency; an in-repo year file still works without it
        return {}
    version = getattr(cc, "__version__", "?")
    holidays: dict[int, set[date]] = {}
    workdays: dict[int, set[date]] = {}
    for day in cc.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in cc.workdays:
        workdays.setdefault(day.year, set()).add(day)
    return {year: YearArrangement(year, frozenset(holidays.get(year, ())), frozenset(workdays.get(year, ())),
                                  f"chinese-calendar {version}")
            for year in set(holidays) | set(workdays)}


@dataclass(frozen=True)
class WorkCalendar:
    """The official calendar: the project's own year files over the package's data."""

    overrides: Mapping[int, YearArrangement] = field(default_factory=dict)

    @classmethod
    def of(cls, years: Iterable[YearArrangement] = ()) -> WorkCalendar:
        return cls({y.year: y for y in years})

    def arrangement(self, year: int) -> YearArrangement | None:
        return self.overrides.get(year) or _package_years().get(year)

    def first_known_year(self) -> int | None:
        """The earliest year with an arrangement (the package's first year, or an earlier file's)."""
        years = set(self.overrides) | set(_package_years())
        return min(years) if years else None

    def known(self, year: int) -> bool:
        return self.arrangement(year) is not None

    def is_working_day(self, day: date) -> bool:
        """Official where the year is known; Monday to Friday where it is not."""
        year = self.arrangement(day.year)
        if year is not None:
            if day in year.workdays:
                return True
            if day in year.holidays:
                return False
        return day.weekday() < 5

    def add_working_days(self, received: date, count: int) -> Due:
        """The ``count``-th working day after ``received`` (the day received is not counted)."""
        day, done, provisional = received, 0, False
        for _ in range(MAX_DAYS):
            if done >= count:
                break
            day += timedelta(days=1)
            provisional |= not self.known(day.year)
            if self.is_working_day(day):
                done += 1
        else:
            raise ValueError(f"{count} working days after {received} run past {MAX_DAYS} days")
        return Due(day, provisional)

    def add_months(self, received: date, months: int) -> Due:
        """The corresponding day ``months`` later (or that month's last day), moved off a rest day."""
        day, provisional = months_later(received, months), False
        for _ in range(MAX_DAYS):  # only the days from the corresponding day on decide the due date
            provisional |= not self.known(day.year)
            if self.is_working_day(day):
                return Due(day, provisional)
            day += timedelta(days=1)
        raise ValueError(f"no working day within {MAX_DAYS} days after {day}")  # pragma: no cover
