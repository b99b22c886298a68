"""data/calendar/YYYY.yaml: a year's official arrangement of holidays and 调休 working days (节假日安排).

Each file is one year's notice of the State Council (国务院办公厅关于 YYYY 年部分节假日安排的通知):
``holidays`` are the days off, written as the notice lists them (a period such as 10月1日至7日
includes its weekend, as chinese-calendar's data does, so a weekend listed as a holiday is fine);
``workdays`` are the make-up working days, a Saturday or Sunday; ``source`` is the notice's URL.
The file wins over chinese-calendar for its year (generator/workdays.py).
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ..clock import EARLIEST, LATEST, in_range, range_text
from ..diagnostics import Diagnostics, Location
from ..kinds import DATE
from ..models import CalendarYear
from ..positions import unpack
from ..workdays import YearArrangement
from .files import shown_name
from .shape import ShapeChecker
from .yamlio import YList, YMap, load_yaml_file

FOLDER = "data/calendar"
_YEAR_FILE = re.compile(r"(\d{4})\.yaml")
_WEEKDAYS = "一二三四五六日"


def load_calendar(root: Path, diags: Diagnostics, checker: ShapeChecker) -> tuple[YearArrangement, ...]:
    """Every valid year file; a file with any error is left out (the package's data, if any, is used instead)."""
    folder = root / FOLDER
    if folder.is_symlink():
        diags.error(Location(FOLDER), "E016", f"{FOLDER}/ 是符号链接：只读取项目目录中的数据", hint="把年份文件直接放在项目中")
        return ()
    if not folder.is_dir():
        return ()
    years = []
    for path in sorted(p for p in folder.iterdir() if p.suffix == ".yaml" and not p.name.startswith(".")):
        rel = path.relative_to(root).as_posix()
        before = len(diags.errors)
        year = _year_of(path, rel, diags)
        raw = load_yaml_file(path, rel, diags, root)
        if raw is None or year is None:
            continue
        record = checker.record(CalendarYear, raw, Location(rel, 1, 1), f"{path.name}（{year} 年节假日安排）")
        if record is None or not isinstance(raw, YMap):
            continue
        holidays = _dated(raw.get("holidays"))
        workdays = _dated(raw.get("workdays"))
        for label, days in (("holidays", holidays), ("workdays", workdays)):
            for day, where in days.items():
                if day.year != year:
                    diags.error(where, "E602", f"“{label}”中的 {day} 不在 {year} 年（文件 {path.name} 只写 {year} 年的安排）",
                                hint="跨年的假期（如元旦）按日期分别写入各自年份的文件")
        for day, where in workdays.items():
            if day in holidays:
                diags.error(where, "E603", f"{day} 既写为放假日（holidays，第 {holidays[day].line} 行）又写为调休上班日",
                            hint="按通知核对：放假的日子写在 holidays，调休上班的周六、周日写在 workdays")
            elif day.weekday() < 5 and day.year == year:
                diags.warning(where, "E604", f"调休上班日 {day} 是星期{_WEEKDAYS[day.weekday()]}，本来就是工作日",
                              hint="调休上班日通常是周六或周日：请按通知核对日期")
        if len(diags.errors) == before and record.holidays is not None:
            years.append(YearArrangement(year, frozenset(record.holidays), frozenset(record.workdays),
                                         record.source or rel))
    return tuple(years)


def _year_of(path: Path, rel: str, diags: Diagnostics) -> int | None:
    match = _YEAR_FILE.fullmatch(path.name)
    if match is None:
        diags.error(Location(shown_name(rel)), "E601", f"“{shown_name(path.name)}”不是年份文件名，无法知道它是哪一年的安排",
                    hint="每年一个文件，以年份命名，如 data/calendar/2027.yaml")
        return None
    year = int(match.group(1))
    if not EARLIEST.year <= year <= LATEST.year:
        diags.error(Location(rel), "E113", f"年份 {year} 超出可用范围（{range_text()}）")
        return None
    return year


def _dated(raw: object) -> dict[date, Location]:
    """The well-formed dates of a YAML list with where each was first written (bad ones: reported by the shape check)."""
    out: dict[date, Location] = {}
    if not isinstance(raw, YList):
        return out
    for index, entry in enumerate(raw):
        if not isinstance(entry, str) or not DATE.fullmatch(entry):
            continue
        try:
            day = date.fromisoformat(entry)
        except ValueError:
            continue
        if not in_range(day):
            continue
        line, col, _flags = unpack(raw.pos[index])
        out.setdefault(day, Location(raw.path, line, col))
    return out
