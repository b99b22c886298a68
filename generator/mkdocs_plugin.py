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
from .clock import reference_day
from .diagnostics import format_text
from .render.pages import GeneratedPage, environment, generated_pages, nav, placeholder_markdown, safe_title
from .render.pdf import PdfError, write_pdf
from .render.search_index import dumps, experts_index, page_sections
from .render.view import PROFILES, SiteView, build_view

log = logging.getLogger("mkdocs.plugins.expert_guide")


class ExpertGuideConfig(Config):
    profile = c.Choice(PROFILES, default="public")
    project_dir = c.Optional(c.Type(str))  # default: the folder of mkdocs.yml
    strict = c.Type(bool, default=False)  # warnings abort too
    pdf = c.Type(bool, default=True)  # typeset 《专家服务指南》 into downloads/guide.pdf


class ExpertGuidePlugin(BasePlugin[ExpertGuideConfig]):
    """Validates data/ before MkDocs reads a page, then adds the pages rendered from it."""

    # Set by `expert-guide build`, which has checked already, audits itself and publishes atomically.
    preloaded: CheckResult | None = None
    today: date | None = None
    progress = None

    def on_config(self, config: Any) -> Any:
        root = Path(self.config.project_dir or Path(config.config_file_path).parent)
        self.root = root
        self.managed = self.preloaded is not None
        self.day = self.today or reference_day()
        result = self.preloaded or check(root, today=self.day)
        self.preloaded = None  # `serve` re-checks on every rebuild
        self.project = result.project
        if not result.ok(strict=self.config.strict):
            raise PluginError("数据校验未通过，未生成任何页面：\n" + format_text(result.diagnostics))
        for diagnostic in result.diagnostics:
            log.info(diagnostic.text())
        self.view: SiteView = build_view(result.project, self.config.profile, self.day, result.diagnostics)
        site = self.view.site
        config.site_name = safe_title(site.get("title") or "专家服务指南")
        config.site_description = safe_title(f"{site.get('org', '')}{site.get('title', '')}")
        config.nav = nav(self.view)
        self.env = environment()
        self.pages: dict[str, GeneratedPage] = {}
        self.sections: list[dict[str, str]] = []
        return config

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

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        # A policy's `status` (现行有效/已废止) is ours; Material would read it as its page-status icon.
        if page.file.src_uri.startswith("policies/"):
            page.meta.pop("status", None)
        return markdown

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        src = page.file.src_uri
        base = "../" * page.url.count("/")
        generated = self.pages.get(src)
        context = {"view": self.view, "site": self.view.site, "base": base, "page_url": page.url,
                   "pdf": self.config.pdf}
        if generated is not None:
            html = self.env.get_template(generated.template).render(**context, **generated.context)
        elif src.startswith("policies/"):
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
                raise PluginError(str(exc)) from exc
        if not self.managed:  # plain `mkdocs build`: MkDocs has written in place, so at least fail loudly
            hits = audit(site_dir, forbidden_values(self.project, self.config.profile, self.day))
            if hits:
                raise PluginError(f"{site_dir} 中发现不应公开的信息（请勿发布；发布请用 expert-guide build）：\n  "
                                  + "\n  ".join(h.text() for h in hits[:50]))

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        server.watch(os.fspath(self.root / "data"))
        server.watch(os.fspath(Path(__file__).resolve().parent.parent / "theme"))
        return server
