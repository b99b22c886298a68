"""The leak audit: no value the profile must not show is anywhere in the output (泄露审计).

What is forbidden comes from generator.exposure (the field declarations alone); how a file is read
comes from generator.extract (every encoding and container). Every file of the output is read, and
a file that cannot be read through is itself a finding. Numbers are matched by their digits too,
whatever separators surround them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from . import exposure
from .exposure import Forbidden, ForbiddenSet, Matcher, fold, project_prose
from .extract import Unreadable, channels, reading_output
from .fields import Profile
from .project import Project


@dataclass(frozen=True)
class Hit:
    path: str
    channel: str
    forbidden: Forbidden

    def text(self) -> str:
        if self.channel == UNREADABLE:
            return f"{self.path}：{self.forbidden.source}"
        return (f"{self.path}（{self.channel}）：出现了不应公开的值 {self.forbidden.masked}，"
                f"来自 {self.forbidden.source}")


UNREADABLE = "无法读取"


def forbidden_values(project: Project, profile: Profile, today: Any = None) -> ForbiddenSet:
    """What ``profile`` must never show (generator.exposure), read against the project's own prose."""
    return exposure.forbidden_values(project, profile, today, prose=project_prose(project))


# ---- reading every channel ----

def audit(site: Path, forbidden: Iterable[Forbidden]) -> list[Hit]:
    """Every place in ``site`` where a forbidden value can be read (one pass per text, all values at once).

    A file that cannot be read through (encrypted, a zip bomb, damaged) is itself a finding: what
    cannot be checked is not published.
    """
    matcher = Matcher(forbidden)
    if not matcher:
        return []
    hits: list[Hit] = []
    for path in sorted(site.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        found: set[str] = set()

        def by_digits(channel: str, *texts: str) -> None:
            for folded in dict.fromkeys(texts):
                for finding in matcher.search(folded, values=False):
                    if finding.forbidden.value not in found:
                        found.add(finding.forbidden.value)
                        hits.append(Hit(rel, f"{channel}（按数字）", finding.forbidden))

        # the channel read, its text as written and its most decoded text, folded (variants come in that order):
        # numbers are searched in both ("<138 0501 7419>" is a tag to the decoded text), values in every variant
        current, first, last = "", "", ""
        try:
            with reading_output():  # the build's own files: a 200,000-expert 名单 workbook is over 64 MB unzipped
                for channel, text in channels(path):
                    folded = fold(text)  # folded once, searched for values now, for digits when the channel is done
                    if channel != current:  # the channel before is done: its numbers, then let it go
                        by_digits(current, first, last)
                        current, first = channel, folded
                    last = folded
                    for finding in matcher.search(folded, digits=False):
                        if finding.forbidden.value not in found:
                            found.add(finding.forbidden.value)
                            hits.append(Hit(rel, channel, finding.forbidden))
                by_digits(current, first, last)
        except Unreadable as exc:
            hits.append(Hit(rel, UNREADABLE, Forbidden("—", f"{exc}：无法核查其中是否有个人信息，不能发布")))
            continue
    return hits
