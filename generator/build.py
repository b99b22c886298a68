"""load → validate → render → publish: the whole build, for `expert-guide build` (构建与发布)."""
from __future__ import annotations

import dataclasses
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .audit import audit, forbidden_values
from .check import CheckResult, check
from .clock import reference_day
from .fields import Profile
from .load.project import Progress
from .engine import EngineError, run_engine
from .render.pdf import PdfError, write_pdf
from .render.tree import build_tree, write_tree
from .render.view import build_view
from .publish import DEFAULT_PDF, DEFAULT_SITE, PROFILE_NAMES, Publication, PublishError, guard_file, guard_folder



class BuildError(Exception):
    """The build stopped; the published output is as it was."""

    def __init__(self, message: str, result: CheckResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class BuildResult:
    check: CheckResult
    out: Path


def build_site(root: Path | str = ".", *, profile: Profile = "public", out: Path | str | None = None, strict: bool | None = None,
               today: date | None = None, progress: Progress | None = None, pdf: bool = True,
               engine: str = "mkdocs") -> BuildResult:
    """load → validate → render (docs tree, PDF) → the engine builds it into staging → audit → publish.

    ``strict`` (default: mkdocs.yml's ``strict``) also stops on warnings: of the check, of broken
    links in content/, and of the engine.
    """
    root = Path(root).resolve()
    out = Path(os.path.abspath(out)).resolve() if out else root / DEFAULT_SITE[profile]
    try:
        guard_folder(root, out, profile)  # guarded again under the lock; this fails fast
    except PublishError as exc:
        raise BuildError(str(exc)) from None
    today = today or reference_day()
    result = check(root, today=today, progress=progress)
    if not result.ok(strict=bool(strict)):
        raise BuildError("数据校验未通过，未生成任何输出", result)
    strict = bool(result.project.settings.get("strict", True)) if strict is None else strict
    say = progress or (lambda message: None)
    say(f"生成网站（{PROFILE_NAMES[profile]}，{engine}）")
    view = build_view(result.project, profile, today, result.diagnostics)
    tree = build_tree(result.project, view, pdf=pdf)
    forbidden = forbidden_values(result.project, profile, today)
    try:
        with Publication(root, out, profile, progress=progress) as publication, \
                tempfile.TemporaryDirectory(prefix="expert-guide-tree-") as work:
            folder = Path(work)
            problems = tree.problems + write_tree(tree, root, folder)
            if pdf:
                write_pdf(view, root, folder / "docs" / "downloads" / "guide.pdf", progress=progress)
            problems += run_engine(engine, folder, publication.staged_output)
            stale = publication.staged_output / "search" / "search_index.json"  # the engine's index: ours is used
            if stale.exists():
                stale.unlink()
            if strict and problems:
                shown = "".join(f"\n  {m}" for m in problems[:20])
                raise BuildError(f"生成时有 {len(problems)} 个警告（strict 模式），未发布：{shown}"
                                 "\n（不在导航中的页面：请放到 content/policies/ 中，或从 content/ 移除）", result)
            say("审计输出：检查每个文件中是否有不应公开的信息")
            publication.commit(lambda staged: audit(staged, forbidden))
    except (PdfError, PublishError, EngineError) as exc:
        raise BuildError(str(exc), result) from None
    say(f"已发布到 {out}")
    return BuildResult(result, out)


def write_docs_tree(root: Path | str = ".", *, profile: Profile = "public", out: Path | str, today: date | None = None,
                    progress: Progress | None = None, pdf: bool = True) -> BuildResult:
    """The docs tree alone (mkdocs.yml, docs/, overrides/), guarded and audited like a site."""
    root = Path(root).resolve()
    target = Path(os.path.abspath(out)).resolve()
    try:
        guard_folder(root, target, profile)
    except PublishError as exc:
        raise BuildError(str(exc)) from None
    today = today or reference_day()
    result = check(root, today=today, progress=progress)
    if not result.ok():
        raise BuildError("数据校验未通过，未生成任何输出", result)
    view = build_view(result.project, profile, today, result.diagnostics)
    tree = build_tree(result.project, view, pdf=pdf)
    forbidden = forbidden_values(result.project, profile, today)
    try:
        with Publication(root, target, profile, progress=progress) as publication:
            write_tree(tree, root, publication.staged_output)
            if pdf:
                write_pdf(view, root, publication.staged_output / "docs" / "downloads" / "guide.pdf", progress=progress)
            publication.commit(lambda staged: audit(staged, forbidden))
    except (PdfError, PublishError) as exc:
        raise BuildError(str(exc), result) from None
    return BuildResult(result, target)


def build_pdf(root: Path | str = ".", *, profile: Profile = "public", out: Path | str | None = None, strict: bool = False,
              today: date | None = None, progress: Progress | None = None):
    """Check, then typeset only the guide (default: guide.pdf, or guide-intranet.pdf), audited like the site."""
    root = Path(root).resolve()
    target = Path(os.path.abspath(out)).resolve() if out else root / DEFAULT_PDF[profile]
    try:
        guard_file(root, target, profile)
    except PublishError as exc:
        raise BuildError(str(exc)) from None
    today = today or reference_day()
    result = check(root, today=today, progress=progress)
    if not result.ok(strict=strict):
        raise BuildError("数据校验未通过，未生成 PDF", result)
    forbidden = forbidden_values(result.project, profile, today)
    try:
        with Publication(root, target, profile, single_file=True, progress=progress) as publication:
            written = write_pdf(build_view(result.project, profile, today, result.diagnostics), root,
                                publication.staged_output, progress)
            if progress:
                progress("审计 PDF：检查其中是否有不应公开的信息")
            publication.commit(lambda staged: audit(staged, forbidden))
    except (PdfError, PublishError) as exc:
        raise BuildError(str(exc), result) from exc
    return dataclasses.replace(written, path=target)
