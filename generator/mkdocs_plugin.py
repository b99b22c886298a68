"""The MkDocs plugin: load → validate → render inside `mkdocs build` and `mkdocs serve` (MkDocs 插件)."""
from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .audit import audit, forbidden_values
from .check import CheckResult, check
from .clock import ClockError, reference_day
from .diagnostics import format_text
from .paths import PROJECT_OVERRIDES, THEME_DIR
from .publish import DEFAULT_SITE, Publication, PublishError, describe
from .render.pages import (GeneratedPage, environment, generated_pages, meta_title, nav, placeholder_markdown,
                           safe_title, split_front_matter)
from .render.sanitize import clean_html
from .render.pdf import PdfError, write_pdf
from .render.search_index import dumps, experts_index, page_sections
from .render.view import PROFILES, SiteView, build_view

log = logging.getLogger("mkdocs.plugins.expert_guide")


class CollectWarnings(logging.Handler):
    """Keeps MkDocs' warnings: a strict build aborts only after the last plugin event, and a failed build says why."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class ExpertGuideConfig(Config):
    profile = c.Choice(PROFILES, default="public")
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
        self.view: SiteView = build_view(result.project, self.config.profile, self.day, result.diagnostics)
        site = self.view.site
        config.site_name = safe_title(site.get("title") or "专家服务指南")
        config.site_description = safe_title(f"{site.get('org', '')}{site.get('title', '')}")
        config.nav = nav(self.view)
        _layer_theme(config, root)
        self.env = environment()
        self.pages: dict[str, GeneratedPage] = {}
        self.sections: list[dict[str, str]] = []
        self._open_publication(config)
        return config

    def _stop(self, message: str) -> None:
        self.failure = message
        raise PluginError(message)

    def _open_publication(self, config: Any) -> None:
        """Guard the output folder and send MkDocs to a staging folder beside it."""
        out = Path(os.path.abspath(config.site_dir)).resolve()
        profile = self.config.profile
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
        if files.get_file_from_path("index.md") is None:  # a project without its own home page text
            home = GeneratedPage("index.md", self.view.site.get("title") or "首页", "")
            files.append(File.generated(config, "index.md", content=placeholder_markdown(home, body="")))
        for page in generated_pages(self.view):
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, page.src_uri, content=placeholder_markdown(page)))
            self.pages[page.src_uri] = page
        return files

    def on_page_read_source(self, page: Any, config: Any) -> str | None:
        """A content page as MkDocs may see it: its body, and a front matter of our making.

        MkDocs and Material print front-matter fields into <title>, the navigation and <meta>
        without escaping, and act on some (template, hide, status). None of the user's front matter
        reaches them: only an escaped title (the policy's validated title, the front matter's
        title, or the first heading).
        """
        if page.file.src_uri in self.pages or page.file.abs_src_path is None:
            return None
        text = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")  # check made sure it is UTF-8
        meta, body = split_front_matter(text)
        policy = next((p for p in self.view.policies if f"policies/{p['id']}.md" == page.file.src_uri), None)
        title = policy["title"] if policy is not None else meta_title(meta, body) or Path(page.file.src_uri).stem
        return placeholder_markdown(GeneratedPage(page.file.src_uri, title, ""), body=body)

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        src = page.file.src_uri
        base = "../" * page.url.count("/")
        generated = self.pages.get(src)
        context = {"view": self.view, "site": self.view.site, "base": base, "page_url": page.url,
                   "pdf": self.config.pdf}
        if generated is not None:
            html = self.env.get_template(generated.template).render(**context, **generated.context)
        else:
            html = clean_html(html)  # content/ is markup from people: only document markup survives
            if src.startswith("policies/"):
                policy = next((p for p in self.view.policies if f"policies/{p['id']}.md" == src), None)
                if policy is not None:
                    html = self.env.get_template("policy_meta.html").render(**context, policy=policy) + html
            elif src == "index.md":
                html = html + self.env.get_template("home.html").render(**context)
        if generated is None or generated.in_search:
            title = generated.title if generated else (page.title or "")
            self.sections.extend(page_sections(page.url, title, html))
        return html

    def on_post_build(self, config: Any) -> None:
        site_dir = Path(config.site_dir)
        (site_dir / "directory").mkdir(parents=True, exist_ok=True)
        (site_dir / "directory" / "experts.json").write_text(dumps(experts_index(self.view)), encoding="utf-8")
        (site_dir / "search").mkdir(parents=True, exist_ok=True)
        (site_dir / "search" / "pages.json").write_text(dumps(self.sections), encoding="utf-8")
        # Material's index is not used (see search_index.py); leave nothing stale behind.
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
                       "\n（不在导航中的页面：请放到 content/policies/ 中，或从 content/ 移除）")
        assert self.publication is not None
        say = self.progress or log.info
        say("审计输出：检查每个文件中是否有不应公开的信息")
        forbidden = forbidden_values(self.project, self.config.profile, self.day)
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
