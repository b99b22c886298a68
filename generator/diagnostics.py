"""Diagnostics as values: located, collected, formatted like a compiler (诊断信息)."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value was written: file (relative to the project), 1-based line and column."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        path = visible(self.path)
        if self.line:
            return f"{path}:{self.line}:{self.col}"
        return path


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def visible(text: str) -> str:
    """A name as one line of text: control characters and line breaks written as escapes (\\n, \\x1b), so that a
    file name cannot start a line of its own in a log (a CI runner reads "::error …" at a line's start as a command)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a shape error (code E…) or a rule finding (code R…)."""

    location: Location
    severity: Severity
    code: str
    message: str
    basis: str = ""
    hint: str = ""

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.col, self.code, self.message)

    def text(self) -> str:
        basis = f"（依据：{self.basis}）" if self.basis else ""
        hint = f"。提示：{self.hint}" if self.hint else ""
        return f"{self.location}: {self.severity} {self.code} {self.message}{basis}{hint}"

    def as_dict(self) -> dict:
        loc = self.location
        return {
            "path": loc.path,
            "line": loc.line,
            "col": loc.col,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "basis": self.basis,
            "hint": self.hint,
        }


@dataclass
class Diagnostics:
    """A collector: every stage appends, nobody stops at the first problem."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, location: Location, code: str, message: str, *, basis: str = "", hint: str = "") -> None:
        self.items.append(Diagnostic(location, "error", code, message, basis, hint))

    def warning(self, location: Location, code: str, message: str, *, basis: str = "", hint: str = "") -> None:
        self.items.append(Diagnostic(location, "warning", code, message, basis, hint))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=Diagnostic.sort_key)


def summary_line(diagnostics: Iterable[Diagnostic]) -> str:
    """The closing line of `check`, in Chinese."""
    items = list(diagnostics)
    errors = sum(1 for d in items if d.severity == "error")
    warnings = len(items) - errors
    if not items:
        return "检查通过：0 个错误，0 个警告。"
    verdict = "检查未通过" if errors else "检查通过"
    return f"{verdict}：{errors} 个错误，{warnings} 个警告。"


def format_text(diagnostics: Iterable[Diagnostic], *, root: Path | None = None, prefix: str = "") -> str:
    items = list(diagnostics)
    lines = [d.text() for d in items]
    lines.append(summary_line(items))
    return "\n".join(lines) + "\n"


def format_json(diagnostics: Iterable[Diagnostic], *, root: Path | None = None, prefix: str = "") -> str:
    return json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False, indent=2) + "\n"


def _gh_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def _in_repository(path: str, prefix: str) -> str:
    """A project path as the forge names it: from the repository's top (``prefix`` is the project's folder there)."""
    return f"{prefix}{path}" if prefix and path and not path.startswith("<") else path


def format_github(diagnostics: Iterable[Diagnostic], *, root: Path | None = None, prefix: str = "") -> str:
    """GitHub Actions workflow commands, one annotation per diagnostic, at paths from the repository's top."""
    items = list(diagnostics)  # read twice: the annotations, then the summary
    out = []
    for d in items:
        loc = d.location
        props = [f"file={_gh_escape(_in_repository(loc.path, prefix), prop=True)}"]
        if loc.line:
            props += [f"line={loc.line}", f"col={loc.col}"]
        props.append(f"title={_gh_escape(d.code, prop=True)}")
        basis = f"（依据：{d.basis}）" if d.basis else ""
        hint = f"。提示：{d.hint}" if d.hint else ""
        out.append(f"::{d.severity} {','.join(props)}::{_gh_escape(d.code + ' ' + d.message + basis + hint)}")
    out.append(summary_line(items))
    return "\n".join(out) + "\n"


# GitLab's Code Quality severities: an error stops publication, a warning does not.
_GITLAB_SEVERITY = {"error": "critical", "warning": "minor"}
# what changes from day to day in a message: dates, and counts (已逾期 55 天); an id's digits (p4, e0101) stay
_DAY_OR_COUNT = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|(?<![A-Za-z0-9_.\-])\d+(?:\.\d+)?(?![A-Za-z0-9_\-])")


class _SourceLines:
    """The text of a located line, read once per file (None: no project, no such file or line)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.files: dict[str, list[str] | None] = {}

    def __call__(self, path: str, line: int) -> str | None:
        if self.root is None or line < 1:
            return None
        if path not in self.files:
            try:
                target = (self.root / path).resolve()
                inside = target.is_relative_to(self.root.resolve()) and target.is_file()
                self.files[path] = target.read_text(encoding="utf-8", errors="replace").splitlines() if inside else None
            except (OSError, ValueError):
                self.files[path] = None
        lines = self.files[path]
        return lines[line - 1].strip() if lines is not None and line <= len(lines) else None


def format_gitlab(diagnostics: Iterable[Diagnostic], *, root: Path | None = None, prefix: str = "") -> str:
    """A GitLab Code Quality report: a JSON array, one issue per diagnostic, at paths from the repository's top.

    The fingerprint names the finding, not where it sits today nor the day it is checked: code, file,
    the text of the line it points at (not its number: a line added above keeps its identity) and the
    message with its dates and counts left out (a request 55 days overdue today is 56 days overdue tomorrow;
    the digits of an id such as p4 stay, so that p4's finding and p5's are told apart),
    with the same finding's repetitions numbered.
    """
    source = _SourceLines(root)
    seen: dict[tuple[str, ...], int] = {}
    issues = []
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        line_text = source(d.location.path, d.location.line)
        key = (d.code, d.location.path, line_text or "",
               _DAY_OR_COUNT.sub("#", d.message))
        seen[key] = seen.get(key, 0) + 1
        identity = "\x1f".join((*key, str(seen[key])))
        basis = f"（依据：{d.basis}）" if d.basis else ""
        hint = f"。提示：{d.hint}" if d.hint else ""
        issues.append({
            "description": f"{d.code} {d.message}{basis}{hint}",
            "check_name": d.code,
            "fingerprint": hashlib.sha256(identity.encode("utf-8")).hexdigest(),
            "severity": _GITLAB_SEVERITY[d.severity],
            "location": {"path": _in_repository(d.location.path, prefix), "lines": {"begin": max(d.location.line, 1)}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


Formatter = Callable[..., str]
FORMATTERS: dict[str, Formatter] = {"text": format_text, "json": format_json, "github": format_github, "gitlab": format_gitlab}

__all__ = ["Location", "Diagnostic", "Diagnostics", "Severity", "FORMATTERS", "summary_line"]
