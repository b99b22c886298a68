"""Excel in and out: the blank 登记表, the export of a profile, and the import of a returned 登记表 (用 Excel 收集和报送).

Template and export are publications like the PDF: checked data, a guarded target, an audit of the
workbook for values the profile must not show, then one rename. The import reads the workbook
(load/workbook.py), plans text edits (load/merge.py), writes them into a staging copy of the
project, runs the whole `check` there, and only when that passes replaces each changed data file
in one rename. Any problem is reported at its cell (登记表.xlsx!登记表!E7) and data/ stays as it was.
"""
from __future__ import annotations

import difflib
import fcntl
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .audit import audit, forbidden_values
from .check import CheckResult, check
from .clock import reference_day
from .diagnostics import Diagnostic, Diagnostics, Location
from .fields import Profile
from .load.merge import Plan, plan_import
from .load.workbook import read_form
from .project import Project
from .provenance import build_clock
from .publish import Publication, PublishError
from .render.view import build_view
from .render.workbook import export_workbook, template_workbook


class XlsxError(Exception):
    """The workbook was not written, or the import stopped before reading; the message is for the user."""

    def __init__(self, message: str, result: CheckResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class ImportResult:
    """What an import found and did: diagnostics at cells, the changes, and the files written (none on a dry run)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    diff: str = ""
    written: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


# ---- out ----

def _checked(root: Path, today: date | None, what: str) -> CheckResult:
    result = check(root, today=today or reference_day())
    if result.errors:
        raise XlsxError(f"数据校验未通过，未生成{what}", result)
    return result


def _publish(root: Path, target: Path, kind: str, profile: Profile, data: bytes, project: Project,
             today: date) -> Path:
    forbidden = forbidden_values(project, profile, today)
    try:
        with Publication(root, target, kind, single_file=True) as publication:
            publication.staged_output.write_bytes(data)
            publication.commit(lambda staged: audit(staged, forbidden))
    except PublishError as exc:
        raise XlsxError(str(exc)) from None
    return target


def _target(out: Path | str, root: Path, replace: bool) -> Path:
    target = Path(os.path.abspath(out)).resolve()
    if target.suffix.lower() != ".xlsx":
        raise XlsxError(f"输出文件“{out}”应以 .xlsx 结尾（Excel 工作簿）")
    if not replace and os.path.lexists(os.path.abspath(out)):
        # a unit's filled return or an edited export has the same name as the blank one more often than not,
        # and returns are not kept in git: the only copy would be lost
        raise XlsxError(f"“{out}”已经存在，没有覆盖：它可能是单位填好的登记表或改过的导出。"
                        "换一个文件名；确认要覆盖时加 --replace")
    return target


def write_template(root: Path | str, out: Path | str, *, unit: str | None = None, today: date | None = None,
                   replace: bool = False) -> Path:
    """The blank 登记表 (with ``unit``: its name filled in, and only its leaders in the drop-down)."""
    root = Path(root).resolve()
    target = _target(out, root, replace)
    with build_clock(root):
        result = _checked(root, today, "登记表模板")
        project = result.project
        if unit is not None and project.get("units", unit) is None:
            known = "、".join(u.id for u in project.units[:20])
            raise XlsxError(f"单位“{unit}”不存在（data/units.yaml 中的编号有：{known}…）")
        data = template_workbook(project, unit=unit)
        return _publish(root, target, "template", "public", data, project, today or reference_day())


def write_export(root: Path | str, out: Path | str, *, profile: Profile = "public", today: date | None = None,
                 replace: bool = False) -> Path:
    """The 名单 and the filled 登记表 of ``profile``, audited like the site of that profile."""
    root = Path(root).resolve()
    target = _target(out, root, replace)
    with build_clock(root):
        day = today or reference_day()
        result = _checked(root, day, "导出的工作簿")
        view = build_view(result.project, profile, day, result.diagnostics)
        data = export_workbook(result.project, view)
        return _publish(root, target, profile, profile, data, result.project, day)


# ---- in ----

def import_workbook(file: Path | str, root: Path | str = ".", *, dry_run: bool = False,
                    today: date | None = None) -> ImportResult:
    """Merge a returned 登记表 into data/: all or nothing, checked as a whole project before a byte is written."""
    root = Path(root).resolve()
    file = Path(file)
    day = today or reference_day()
    before = check(root, today=day)
    if before.errors:
        raise XlsxError("项目数据本身未通过校验：请先修复这些错误，再导入登记表", before)
    diags = Diagnostics()
    sheet = read_form(file, diags)
    result = ImportResult(dry_run=dry_run)
    plan = plan_import(before.project, sheet, diags) if sheet is not None and not diags.errors else Plan()
    result.diagnostics = diags.sorted()
    if diags.errors or plan.empty:
        return result
    result.changes = plan.changes
    result.diff = _diff(plan)
    with _DataLock(root):
        staged = _staged_check(root, plan, day)
        result.diagnostics = sorted(result.diagnostics + _new_findings(before, staged, plan),
                                    key=Diagnostic.sort_key)
        if not result.ok or dry_run:
            return result
        result.written = _replace(root, plan)
    return result


def _diff(plan: Plan) -> str:
    out: list[str] = []
    for rel, text in plan.texts.items():
        original = plan.originals.get(rel)
        old = (original or "").removeprefix("\ufeff").splitlines(keepends=True)
        new = text.removeprefix("\ufeff").splitlines(keepends=True)
        out.extend(difflib.unified_diff(old, new, f"a/{rel}" if original is not None else "/dev/null", f"b/{rel}"))
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


class _DataLock:
    """One import into a project at a time (an flock on data/ itself: nothing is left behind)."""

    def __init__(self, root: Path) -> None:
        self.path = root / "data"
        self.fd: int | None = None

    def __enter__(self) -> "_DataLock":
        self.fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _staged_check(root: Path, plan: Plan, day: date) -> CheckResult:
    """The whole project with the plan applied, checked in a temporary copy (data/ copied, content/ linked where it can be)."""
    staging = Path(tempfile.mkdtemp(prefix="expert-guide-import-"))  # the system's temporary folder: nothing left in the project
    try:
        shutil.copytree(root / "data", staging / "data")  # a link inside the project: its content (the check has passed)
        if (root / "content").is_dir() and not (root / "content").is_symlink():
            shutil.copytree(root / "content", staging / "content", symlinks=True, copy_function=_link_or_copy)
        for name in ("mkdocs.yml",):
            if (root / name).is_file() and not (root / name).is_symlink():
                shutil.copy2(root / name, staging / name)
        for rel, text in plan.texts.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()  # never write through to a file shared with the project
            target.write_bytes(text.encode("utf-8"))
        result = check(staging, today=day)
        if not result.errors:
            _verify(result.project, plan)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


class ImportBug(XlsxError):
    """The staged data does not hold what the plan meant to write: nothing is written (a bug of ours, not the user's)."""


def _verify(project: Project, plan: Plan) -> None:
    """Every value the plan meant to write reads back as that value from the staged files."""
    for collection, ident, path, value in plan.intended:
        record = project.get(collection, ident)
        if record is None:
            raise ImportBug(f"内部错误：导入后找不到 {collection} {ident}，未写入任何文件（请报告这个问题）")
        current = record
        for part in path.split("."):
            current = getattr(current, part, None) if current is not None else None
        if isinstance(value, list):
            value = tuple(value)
        if current != value:
            raise ImportBug(f"内部错误：导入后 {collection} {ident} 的 {path} 读作 {current!r}，应为 {value!r}；"
                            "未写入任何文件（请报告这个问题）")


def _new_findings(before: CheckResult, staged: CheckResult, plan: Plan) -> list[Diagnostic]:
    """The staged check's errors, and its warnings that the project did not have already, at cells where they can be."""
    cells, lines, rows = _cell_map(staged.project, plan)
    known = Counter((d.code, d.message) for d in before.warnings)
    out = []
    for d in staged.diagnostics:
        if d.severity == "warning" and known[(d.code, d.message)] > 0:
            known[(d.code, d.message)] -= 1
            continue
        loc = d.location
        cell = cells.get((loc.path, loc.line, loc.col)) or lines.get((loc.path, loc.line)) or rows.get((loc.path, loc.line))
        if cell is not None:
            hint = f"{d.hint}。" if d.hint else ""
            d = Diagnostic(Location(cell), d.severity, d.code, d.message, d.basis, f"{hint}导入后的数据位于 {loc}")
        out.append(d)
    return out


def _cell_map(project: Project, plan: Plan) -> tuple[dict, dict, dict]:
    from .form import FORM_SHEET, cell_path

    cells: dict[tuple[str, int, int], str] = {}
    lines: dict[tuple[str, int], str] = {}
    rows: dict[tuple[str, int], str] = {}
    file = plan.file
    for (collection, ident, path), ref in plan.cells.items():
        record = project.get(collection, ident)
        if record is None:
            continue
        *parents, last = path.split(".")
        inner = record
        for part in parents:
            inner = getattr(inner, part, None)
        if inner is None or last not in inner._specs:
            continue
        loc = inner.where(last)
        place = cell_path(file, FORM_SHEET, ref)
        cells.setdefault((loc.path, loc.line, loc.col), place)
        lines.setdefault((loc.path, loc.line), place)
    for (collection, ident), ref in plan.rows.items():
        record = project.get(collection, ident)
        if record is not None:
            rows[(record.at.path, record.at.line)] = cell_path(file, FORM_SHEET, ref)
    return cells, lines, rows


def _replace(root: Path, plan: Plan) -> list[str]:
    """Each changed file replaced in one rename, after all are written beside their targets and the originals re-read."""
    staged: list[tuple[Path, Path]] = []
    try:
        for rel, text in plan.texts.items():
            target = root / rel
            current = target.read_bytes().decode("utf-8") if target.is_file() else None
            if current != plan.originals.get(rel):
                raise XlsxError(f"{rel} 在导入期间被修改了：未写入任何文件，请重新导入")
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.new-", dir=target.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(text.encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
            mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
            os.chmod(name, mode)
            staged.append((Path(name), target))
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _target_path in staged:
            if temporary.exists():
                temporary.unlink()
    return list(plan.texts)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["write_template", "write_export", "import_workbook", "ImportResult", "XlsxError"]
