"""load → validate → render → publish: the whole build, for `expert-guide build` (构建与发布)."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .audit import audit, forbidden_values
from .check import CheckResult, check
from .clock import reference_day
from .load.project import Progress

REPO_CONFIG = Path(__file__).resolve().parent.parent / "mkdocs.yml"
DEFAULT_OUT = {"public": "site", "intranet": "site-intranet"}


class BuildError(Exception):
    """The build stopped; the published folder is as it was."""

    def __init__(self, message: str, result: CheckResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class BuildResult:
    check: CheckResult
    out: Path


def build_site(root: Path | str = ".", *, profile: str = "public", out: Path | str | None = None, strict: bool = False,
               today: date | None = None, progress: Progress | None = None, pdf: bool = True) -> BuildResult:
    """Check, then build the site into a fresh folder beside ``out`` and swap it into place."""
    root = Path(root).resolve()
    out = Path(out).resolve() if out else root / DEFAULT_OUT[profile]
    today = today or reference_day()
    result = check(root, today=today, progress=progress)
    if not result.ok(strict=strict):
        raise BuildError("数据校验未通过，未生成任何输出", result)
    out.parent.mkdir(parents=True, exist_ok=True)
    _recover(out)
    for stale in [*out.parent.glob(f".{out.name}.new-*"), *out.parent.glob(f".{out.name}.old-*")]:
        shutil.rmtree(stale, ignore_errors=True)  # left by a build that was killed
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; a web server must be able to read it
    try:
        if progress:
            progress(f"生成网站（{'公开版' if profile == 'public' else '内网版'}）")
        _mkdocs_build(root, profile, staging, strict, result, pdf, progress, today)
        if progress:
            progress("审计输出：检查每个文件中是否有不应公开的信息")
        hits = audit(staging, forbidden_values(result.project, profile, today))
        if hits:
            raise BuildError("输出中发现不应公开的信息，未发布：\n  " + "\n  ".join(h.text() for h in hits[:50])
                             + (f"\n  ……共 {len(hits)} 处" if len(hits) > 50 else ""), result)
        if progress:
            progress(f"发布到 {out}")
        _swap(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(result, out)


def _mkdocs_build(root: Path, profile: str, site_dir: Path, strict: bool, result: CheckResult, pdf: bool,
                  progress: Progress | None, today: date) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    own = root / "mkdocs.yml"
    config_file = own if own.is_file() else REPO_CONFIG
    overrides = {"site_dir": str(site_dir)}
    if config_file is REPO_CONFIG and root != REPO_CONFIG.parent:
        overrides["docs_dir"] = str(root / "content")
    config = load_config(config_file=str(config_file), **overrides)
    plugin = config.plugins["expert-guide"]
    plugin.config.profile = profile
    plugin.config.project_dir = str(root)
    plugin.config.strict = strict
    plugin.config.pdf = pdf
    plugin.preloaded = result
    plugin.today = today
    plugin.progress = progress
    warnings = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(warnings)
    try:
        build(config)
    except (Abort, MkDocsException) as exc:
        detail = "".join(f"\n  {message}" for message in warnings.messages)
        raise BuildError(f"网站生成失败：{exc}{detail}") from exc
    finally:
        logger.removeHandler(warnings)


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings, so a failed build says why."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_pdf(root: Path | str = ".", *, profile: str = "public", out: Path | str | None = None, strict: bool = False,
              today: date | None = None, progress: Progress | None = None):
    """Check, then typeset only the guide (default: guide.pdf, or guide-intranet.pdf)."""
    from .render.pdf import PdfError, write_pdf
    from .render.view import build_view

    root = Path(root).resolve()
    today = today or reference_day()
    result = check(root, today=today, progress=progress)
    if not result.ok(strict=strict):
        raise BuildError("数据校验未通过，未生成 PDF", result)
    target = Path(out).resolve() if out else root / ("guide.pdf" if profile == "public" else "guide-intranet.pdf")
    try:
        return write_pdf(build_view(result.project, profile, today, result.diagnostics), root, target, progress)
    except PdfError as exc:
        raise BuildError(str(exc), result) from exc


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _recover(out: Path) -> None:
    """Undo a swap that was cut between its two renames (only possible without renameat2)."""
    if not out.exists():
        for old in sorted(out.parent.glob(f".{out.name}.old-*")):
            old.rename(out)
            return


def _swap(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` so that a reader, or a kill, never finds half a site or none."""
    if out.exists() and _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous site
        return
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
