"""load → validate → render → publish: the whole build, for `expert-guide build` (构建与发布)."""
from __future__ import annotations

import dataclasses
import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .audit import audit, forbidden_values
from .check import CheckResult, check
from .clock import reference_day
from .load.project import Progress
from .publish import DEFAULT_PDF, DEFAULT_SITE, PROFILE_NAMES, Publication, PublishError, guard_file, guard_folder

REPO_CONFIG = Path(__file__).resolve().parent.parent / "mkdocs.yml"


class BuildError(Exception):
    """The build stopped; the published output is as it was."""

    def __init__(self, message: str, result: CheckResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class BuildResult:
    check: CheckResult
    out: Path


def build_site(root: Path | str = ".", *, profile: str = "public", out: Path | str | None = None, strict: bool = False,
               today: date | None = None, progress: Progress | None = None, pdf: bool = True) -> BuildResult:
    """Check, then build the site; the MkDocs plugin stages, audits and publishes it (generator.publish)."""
    root = Path(root).resolve()
    out = Path(os.path.abspath(out)).resolve() if out else root / DEFAULT_SITE[profile]
    try:
        guard_folder(root, out, profile)  # the plugin guards again under the lock; this fails fast
    except PublishError as exc:
        raise BuildError(str(exc)) from None
    today = today or reference_day()
    result = check(root, today=today, progress=progress)
    if not result.ok(strict=strict):
        raise BuildError("数据校验未通过，未生成任何输出", result)
    if progress:
        progress(f"生成网站（{PROFILE_NAMES[profile]}）")
    _mkdocs_build(root, profile, out, strict, result, pdf, progress, today)
    return BuildResult(result, out)


def _mkdocs_build(root: Path, profile: str, out: Path, strict: bool, result: CheckResult, pdf: bool,
                  progress: Progress | None, today: date) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    own = root / "mkdocs.yml"
    config_file = own if own.is_file() else REPO_CONFIG
    overrides = {"site_dir": str(out)}
    if config_file is REPO_CONFIG and root != REPO_CONFIG.parent:
        overrides["docs_dir"] = str(root / "content")
    from .mkdocs_plugin import CollectWarnings

    warnings = CollectWarnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(warnings)
    try:
        config = load_config(config_file=str(config_file), **overrides)
    except (Abort, MkDocsException) as exc:
        logger.removeHandler(warnings)
        detail = "".join(f"\n  {message}" for message in warnings.messages) or f"\n  {exc}"
        raise BuildError(f"mkdocs.yml 有误，MkDocs 无法读取：{detail}", result) from None
    plugin = config.plugins["expert-guide"]  # present: check_config reports E503 otherwise
    plugin.config.profile = profile
    plugin.config.project_dir = str(root)
    plugin.config.strict = strict
    plugin.config.pdf = pdf
    plugin.preloaded = result
    plugin.today = today
    plugin.progress = progress
    try:
        build(config)
    except (Abort, MkDocsException) as exc:
        if plugin.failure:
            raise BuildError(plugin.failure, result) from None
        detail = "".join(f"\n  {message}" for message in warnings.messages)
        raise BuildError(f"网站生成失败：{exc}{detail}", result) from exc
    except (KeyboardInterrupt, OSError):
        raise
    except Exception as exc:  # a Markdown extension or theme failing on its options: one Chinese line
        raise BuildError(f"网站生成失败（{type(exc).__name__}：{exc}）；请检查 mkdocs.yml 中扩展的设置", result) from None
    finally:
        logger.removeHandler(warnings)
        plugin._close_publication()  # also after Ctrl-C, which MkDocs does not report to plugins


def build_pdf(root: Path | str = ".", *, profile: str = "public", out: Path | str | None = None, strict: bool = False,
              today: date | None = None, progress: Progress | None = None):
    """Check, then typeset only the guide (default: guide.pdf, or guide-intranet.pdf), audited like the site."""
    from .render.pdf import PdfError, write_pdf
    from .render.view import build_view

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
