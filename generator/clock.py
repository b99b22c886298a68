"""The day a check is made for, and the range of days the tool accepts anywhere (日期与时钟).

SOURCE_DATE_EPOCH, when set, fixes both the day of the check and the PDF's creation time, so that
the same commit gives the same bytes. Every date the tool reads — data, options, the epoch — lies
in [EARLIEST, LATEST], so no date arithmetic downstream can leave Python's calendar.
"""
from __future__ import annotations

import os
from datetime import date, datetime, timezone

BUILD_DAY = "EXPERT_GUIDE_BUILD_DAY"  # set with SOURCE_DATE_EPOCH by provenance.build_clock: the committer's own day
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


class ClockError(ValueError):
    """SOURCE_DATE_EPOCH or a given day cannot be used; the message is for the user."""


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def range_text() -> str:
    return f"{EARLIEST.year}–{LATEST.year} 年"


def source_epoch() -> int | None:
    """The seconds of SOURCE_DATE_EPOCH, or None when it is not set."""
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ClockError(f"环境变量 SOURCE_DATE_EPOCH=“{text[:20]}”不是秒数（应为非负整数，如 1795305600）")
    if len(text) > 12:
        raise ClockError(f"环境变量 SOURCE_DATE_EPOCH={text[:20]}… 超出可用范围（{range_text()}）")
    seconds = int(text)
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc).timestamp() + seconds
    latest = datetime(LATEST.year, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp()
    if moment > latest:
        raise ClockError(f"环境变量 SOURCE_DATE_EPOCH={seconds} 超出可用范围（{range_text()}）")
    return seconds


def epoch_moment() -> datetime | None:
    seconds = source_epoch()
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=timezone.utc)


def reference_day() -> date:
    """The day of a check or build: the commit's own day while a build runs from git, else SOURCE_DATE_EPOCH's
    day in UTC, else today."""
    moment = epoch_moment()
    if moment is None:
        return date.today()
    day = os.environ.get(BUILD_DAY, "")
    try:
        given = date.fromisoformat(day) if day else None
    except ValueError:
        given = None
    # the committer's day is within a day of the moment (time zones reach ±14 h); anything else was not set by us
    return given if given is not None and abs((given - moment.date()).days) <= 1 else moment.date()


def parse_day(text: str) -> date:
    """A 年-月-日 day given on the command line, within the accepted range."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ClockError(f"“{text}”不是 年-月-日 格式的日期") from None
    if not in_range(day):
        raise ClockError(f"日期 {day} 超出可用范围（{range_text()}）")
    return day
