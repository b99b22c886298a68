"""The MkDocs plugin: load → validate → render inside `mkdocs build` and `mkdocs serve` (MkDocs 插件)."""
from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path
from typing import Any, cast

import pathspec
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .audit import audit, forbidden_values
from .check import CheckResult, check
from .clock import ClockError, reference_day
from .diagnostics import format_text
from .engine import CollectWarnings, exclude_from_theme_index, strict_hint
from .paths import PROJECT_OVERRIDES, THEME_DIR
from .publish import DEFAULT_SITE, Publication, PublishError, describe
from .render.pdf import PdfError, write_pdf
from .render.tree import build_tree
from .fields import Profile
from .render.view import PROFILES, SiteView, build_view

log = logging.getLogger("mkdocs.plugins.expert_guide")


class ExpertGuideConfig(Config):
    profile = c.Type(str, default="public")  # checked in on_config, with a Chinese message
    project_dir = c.Optional(c.Type(str))  # default: the folder of mkdocs.yml
    strict = c.Type(bool, default=False)  # warnings abort too
    pdf = c.Type(bool, default=True)  # typeset 《专家服务指南》 into downloads/guide.pdf


class ExpertGuidePlugin(BasePlugin[ExpertGuideConfig]):
    """Validates data/ before MkDocs reads a page, adds the pages rendered from it, and publishes.

    Whatever door MkDocs was opened by (`expert-guide build`, `mkdocs build`, `mkdocs serve`), the
    output goes through generator.publish: guarded, staged, audited, then swapped into place.
    """

    # Set by `expert-guide build`, which has checked already.
    preloaded: CheckResult | None = None
    today: date | None = None
    progress = None
    failure: str | None = None  # why the build stopped, in Chinese, for `expert-guide build`
    publication: Publication | None = None

    def on_config(self, config: Any) -> Any:
        if self.config.profile not in PROFILES:
            self._stop(f"版本“{self.config.profile}”不存在：环境变量 EXPERT_GUIDE_PROFILE（或 mkdocs.yml 中 expert-guide 的 "
                       f"profile）只能是 {' 或 '.join(PROFILES)}")
        self.profile: Profile = cast(Profile, self.config.profile)
        root = Path(self.config.project_dir or Path(config.config_file_path).parent).resolve()
        self.root = root
        try:
            self.day = self.today or reference_day()
            result = self.preloaded or check(root, today=self.day)
        except ClockError as exc:
            self._stop(str(exc))
        self.preloaded = None  # `serve` re-checks on every rebuild
        self.project = result.project
        if not result.ok(strict=self.config.strict):
            self._stop("数据校验未通过，未生成任何页面：\n" + format_text(result.diagnostics))
        for diagnostic in result.diagnostics:
            log.info(diagnostic.text())
        self.view: SiteView = build_view(result.project, self.profile, self.day, result.diagnostics)
        self.tree = build_tree(result.project, self.view, pdf=self.config.pdf)
        for problem in self.tree.problems:
            log.warning(problem)
        engine = self.tree.config  # the same settings the engine door writes into its mkdocs.yml
        config.site_name, config.site_description, config.nav = engine["site_name"], engine["site_description"], engine["nav"]
        config.extra["eg_footer"] = engine["extra"]["eg_footer"]
        config.markdown_extensions = ["toc", "attr_list"]
        config.mdx_configs = {"toc": dict(engine["markdown_extensions"][0]["toc"])}
        config.not_in_nav = pathspec.GitIgnoreSpec.from_lines(engine["not_in_nav"].splitlines())
        _layer_theme(config, root)
        self._open_publication(config)
        return config

    def _stop(self, message: str) -> None:
        self.failure = message
        raise PluginError(message)

    def _open_publication(self, config: Any) -> None:
        """Guard the output folder and send MkDocs to a staging folder beside it."""
        out = Path(os.path.abspath(config.site_dir)).resolve()
        profile = self.profile
        if out == self.root / DEFAULT_SITE["public"] and profile != "public":
            out = self.root / DEFAULT_SITE[profile]  # the profile chooses the default folder in every door
        publication = Publication(self.root, out, profile, progress=self.progress or log.info)
        try:
            config.site_dir = str(publication.open())
        except PublishError as exc:
            self._stop(str(exc))
        except OSError as exc:
            self._stop(f"无法准备输出目录：{describe(exc)}")
        self.publication = publication
        self.warnings = CollectWarnings()
        logging.getLogger("mkdocs").addHandler(self.warnings)

    def _close_publication(self) -> None:
        if self.publication is not None:
            self.publication.close()
        logging.getLogger("mkdocs").removeHandler(getattr(self, "warnings", None) or logging.NullHandler())

    def on_build_error(self, error: Exception) -> None:
        if self.failure is None:
            self.failure = str(error)
        self._close_publication()

    def on_files(self, files: Files, config: Any) -> Files:
        """content/ as MkDocs found it is replaced by the docs tree: finished pages, data files, attachments."""
        docs = os.path.abspath(config.docs_dir)
        for file in list(files):
            if file.src_dir is not None and os.path.abspath(file.src_dir) == docs:
                files.remove(file)
        for src, text in self.tree.pages.items():
            files.append(File.generated(config, src, content=text))
        for src, data in self.tree.files.items():
            files.append(File.generated(config, src, content=data))
        for src, path in self.tree.copies.items():
            files.append(File.generated(config, src, abs_src_path=os.fspath(path)))
        return files

    @event_priority(100)
    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        exclude_from_theme_index(page)  # the theme's index is removed below: not made from the pages
        return context

    def on_post_build(self, config: Any) -> None:
        site_dir = Path(config.site_dir)
        stale = site_dir / "search" / "search_index.json"
        if stale.exists():
            stale.unlink()
        if self.config.pdf:
            try:
                write_pdf(self.view, self.root, site_dir / "downloads" / "guide.pdf", progress=self.progress or log.info)
            except PdfError as exc:
                self._stop(str(exc))
        if config.strict and self.warnings.messages:  # MkDocs would abort after this event: never publish first
            shown = "".join(f"\n  {m}" for m in self.warnings.messages[:20])
            self._stop(f"MkDocs 报告了 {len(self.warnings.messages)} 个警告（strict 模式），未发布：{shown}"
                       + strict_hint(self.warnings.messages))
        assert self.publication is not None
        say = self.progress or log.info
        say("审计输出：检查每个文件中是否有不应公开的信息")
        forbidden = forbidden_values(self.project, self.profile, self.day)
        try:
            self.publication.commit(lambda staged: audit(staged, forbidden))
        except PublishError as exc:
            self._stop(str(exc))
        say(f"已发布到 {self.publication.out}")
        config.site_dir = str(self.publication.out)  # for what runs after the build (gh-deploy, serve)
        self._close_publication()

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        server.watch(os.fspath(self.root / "data"))
        if (self.root / "theme").is_dir():
            server.watch(os.fspath(self.root / "theme"))
        return server


def _layer_theme(config: Any, root: Path) -> None:
    """Template search order: the project's theme/overrides, then the built-in theme, then Material."""
    dirs = config.theme.dirs
    own = root / PROJECT_OVERRIDES
    builtin = os.fspath(THEME_DIR / "overrides")
    if builtin in dirs:
        return
    first = 1 if config.theme.custom_dir else 0
    if not config.theme.custom_dir and own.is_dir():
        dirs.insert(0, os.fspath(own))
        first = 1
    dirs.insert(first, builtin)
