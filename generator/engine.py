"""The engines that turn a docs tree into HTML: MkDocs and its maintained fork ProperDocs (构建引擎).

Both are called as libraries on the folder render/tree.py wrote (`mkdocs.yml`, `docs/`,
`overrides/`), with no plugin of ours; their warnings are collected, not printed. In-process MkDocs
is only spared the work of re-reading the generated pages' HTML through Python-Markdown's HTML
parser (RawPages): the same bytes come out, which the tests compare with ProperDocs run apart.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ENGINES = ("mkdocs", "properdocs")


class EngineError(Exception):
    """The engine could not build the tree; the message is in Chinese and names the cause."""


class CollectWarnings(logging.Handler):
    """Keeps an engine's warnings: a strict build stops on them before publishing, a failed build says why."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


RAW_START, RAW_END = '<div class="eg-page">\n', "\n</div>"  # render/content.raw_page: a generated page, one raw block


class RawPages:
    """Generated pages as they were written: one raw HTML block, which Python-Markdown passes through unchanged
    after parsing it tag by tag (at 20,000 experts, 20 of the engine's 24 seconds). A token stands in for the
    block while Markdown runs and the block is put back before any other plugin sees the page's HTML.
    Pages of content/ (Markdown with raw HTML of its own) are converted as they always were.

    Its two events are plain functions with MkDocs' priority on them: last to see the Markdown, first
    to see the HTML, so that no other plugin meets the token."""

    def __init__(self) -> None:
        blocks: dict[str, str] = {}

        def on_page_markdown(markdown: str, **_: object) -> str:
            text = markdown.rstrip("\n")
            if not (text.startswith(RAW_START) and text.endswith(RAW_END)) or "EGRAWPAGE" in text:
                return markdown
            token = f"EGRAWPAGE{len(blocks)}EGRAWPAGE"
            blocks[token] = text
            return token + "\n"

        def on_page_content(html: str, **_: object) -> str:
            if html.startswith("<p>EGRAWPAGE") and html.endswith("EGRAWPAGE</p>"):
                token = html[3:-4]
                if token in blocks:
                    return blocks.pop(token)
            return html

        on_page_markdown.mkdocs_priority = -100  # type: ignore[attr-defined]
        on_page_content.mkdocs_priority = 100  # type: ignore[attr-defined]
        self.on_page_markdown, self.on_page_content = on_page_markdown, on_page_content


class NoThemeIndex:
    """The theme's search index is thrown away after the build (ours is used: render/search_index.py), so no
    page is parsed for it: every page is marked `search: exclude` (Material's own switch) before the theme's
    search plugin sees it. The HTML is the same; at 200,000 experts the intranet build spent 15 s on that index."""

    def __init__(self) -> None:
        def on_page_context(context: Any, *, page: Any, **_: object) -> Any:
            exclude_from_theme_index(page)
            return context

        on_page_context.mkdocs_priority = 100  # type: ignore[attr-defined]
        self.on_page_context = on_page_context


class Stopping:
    """Stops the engine before its next page once ``stop`` is set (run_engine): as a page is read, and as it is
    written (the engine reads every page, then writes every page)."""

    def __init__(self, stop: threading.Event, abort: type[Exception]) -> None:
        def on_pre_page(page: Any, **_: object) -> Any:
            if stop.is_set():
                raise abort("构建已停止")
            return page

        def on_page_context(context: Any, **_: object) -> Any:
            if stop.is_set():
                raise abort("构建已停止")
            return context

        on_pre_page.mkdocs_priority = 100  # type: ignore[attr-defined]
        on_page_context.mkdocs_priority = 100  # type: ignore[attr-defined]
        self.on_pre_page, self.on_page_context = on_pre_page, on_page_context


def exclude_from_theme_index(page: Any) -> None:
    """Material's `search: exclude` on ``page`` (NoThemeIndex, and the plugin door's own hook)."""
    page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}


def _run_apart(engine: str, folder: Path, site_dir: Path, stop: threading.Event | None = None) -> list[str]:
    """ProperDocs in its own process: it redirects every `mkdocs.*` import (Material's plugins) to itself,
    which cannot happen in a process that has imported MkDocs already. ``stop``: as for run_engine (killed)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
    deadline = time.monotonic() + 3600
    with subprocess.Popen([sys.executable, "-m", engine, "build", "-f", os.fspath(folder / "mkdocs.yml"),
                           "-d", os.fspath(site_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env) as process:
        while True:
            try:
                _out, err = process.communicate(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                stopped = stop is not None and stop.is_set()
                if stopped or time.monotonic() > deadline:
                    process.kill()
                    process.communicate()
                    raise EngineError("构建已停止" if stopped else f"{engine} 运行超过 1 小时，已停止") from None
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    if process.returncode != 0:
        raise EngineError(f"{engine} 未能生成网站：" + "".join(f"\n  {line}" for line in lines[-20:]))
    return [line.split("-", 1)[1].strip() if "-" in line else line
            for line in lines if line.startswith("WARNING")]


def available(engine: str) -> bool:
    return importlib.util.find_spec(engine) is not None


def run_engine(engine: str, folder: Path, site_dir: Path, stop: threading.Event | None = None) -> list[str]:
    """Build ``folder``/mkdocs.yml into ``site_dir``; returns the engine's warnings.

    ``stop`` (when the build runs the engine in a thread): once set, the engine stops before its next page
    (EngineError), so that the build can wait for it before removing the folders it writes in."""
    if engine not in ENGINES:
        raise EngineError(f"未知的构建引擎“{engine}”：只能是 {' 或 '.join(ENGINES)}")
    if not available(engine):
        raise EngineError(f"没有安装构建引擎 {engine}：请运行 make setup，或 pip install {engine}")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's notice about MkDocs 2.0 is for authors, not staff
    if engine != "mkdocs":
        return _run_apart(engine, folder, site_dir, stop)
    config_module = importlib.import_module(f"{engine}.config")
    build_module = importlib.import_module(f"{engine}.commands.build")
    exceptions = importlib.import_module(f"{engine}.exceptions")
    collect = CollectWarnings()
    logger = logging.getLogger(engine)
    logger.addHandler(collect)
    try:
        config = config_module.load_config(config_file=os.fspath(folder / "mkdocs.yml"), site_dir=os.fspath(site_dir))
        config.plugins["expert-guide-raw-pages"] = RawPages()
        config.plugins["expert-guide-no-theme-index"] = NoThemeIndex()
        if stop is not None:
            config.plugins["expert-guide-stop"] = Stopping(stop, exceptions.Abort)
        build_module.build(config)
    except (exceptions.Abort, exceptions.ConfigurationError, exceptions.PluginError, exceptions.BuildError) as exc:
        detail = "".join(f"\n  {m}" for m in collect.messages)
        raise EngineError(f"{engine} 未能生成网站：{exc}{detail}") from None
    except (KeyboardInterrupt, OSError):
        raise
    except Exception as exc:  # a Markdown extension or the theme failing: one Chinese line, no traceback
        raise EngineError(f"{engine} 未能生成网站（{type(exc).__name__}：{exc}）") from None
    finally:
        logger.removeHandler(collect)
    return collect.messages


class EngineSession:
    """In-process MkDocs kept open on one docs tree (a preview's): built whole once, then page by page.

    ``update`` renders again only the pages whose source changed in ``folder``/docs, each exactly as a whole
    build renders it (MkDocs' own steps for one page, with the navigation, files and theme of the whole
    build); a page whose title changed changes the navigation of every page (and of the 404 page), so the
    whole tree is built again. tests/test_preview.py compares the result with a whole build, byte for byte.
    """

    def __init__(self, folder: Path, sites: Path) -> None:
        self.folder, self.sites = folder, sites
        self.generation = 0
        self.site_dir = sites / "site-0"  # none yet
        self.warnings: list[str] = []  # of the last build or update
        self.build()

    def build(self) -> None:
        """The whole tree again (a page added or taken away, the configuration or the theme changed).

        Into a new folder: the site being served stays whole until the new one is complete (a theme's
        template error leaves the last pages, not an emptied folder)."""
        self.generation += 1
        target = self.sites / f"site-{self.generation}"
        try:
            self._build(target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        previous, self.site_dir = self.site_dir, target
        shutil.rmtree(previous, ignore_errors=True)

    def _build(self, site_dir: Path) -> None:
        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        from mkdocs.commands import build as build_module
        from mkdocs.config import load_config

        state: dict[str, Any] = {}
        self.warnings = []

        def on_nav(nav: object, files: object, **_: object) -> object:
            state["nav"], state["files"] = nav, files
            return nav

        def on_env(env: object, **_: object) -> object:
            state["env"] = env
            return env

        on_nav.mkdocs_priority = -100  # type: ignore[attr-defined]
        on_env.mkdocs_priority = -100  # type: ignore[attr-defined]
        keep = type("KeepState", (), {"on_nav": staticmethod(on_nav), "on_env": staticmethod(on_env)})()
        with self._collecting():
            config: Any = load_config(config_file=os.fspath(self.folder / "mkdocs.yml"), site_dir=os.fspath(site_dir))
            config.plugins["expert-guide-raw-pages"] = RawPages()
            config.plugins["expert-guide-no-theme-index"] = NoThemeIndex()
            config.plugins["expert-guide-keep-state"] = keep
            build_module.build(config)
        self.config, self.nav, self.files, self.env = config, state["nav"], state["files"], state["env"]
        stale = site_dir / "search" / "search_index.json"  # the engine's index: ours is used
        if stale.exists():
            stale.unlink()

    def update(self, pages: list[str]) -> bool:
        """Render again the pages (docs paths) whose source was rewritten in the docs folder; True when a
        title changed and so the whole tree was built again."""
        from mkdocs.commands import build as build_module
        from mkdocs.structure.files import InclusionLevel

        config, files = self.config, self.files
        self.warnings = []
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        with self._collecting():
            changed = []
            for src in pages:
                file = files.get_file_from_path(src)
                if file is None or file.page is None:
                    raise EngineError(f"页面 {src} 不在上次构建中")
                title = file.page.title
                build_module._populate_page(file.page, config, files)
                if file.page.title != title:  # the navigation of every page shows it
                    break
                changed.append(file.page)
            else:
                for page in changed:
                    build_module._build_page(page, config, doc_files, self.nav, self.env)
                return False
        self.build()
        return True

    def _collecting(self) -> "_Collecting":
        return _Collecting(self.warnings)


class _Collecting:
    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        self.handler = CollectWarnings()

    def __enter__(self) -> None:
        self.handler.messages = self.messages
        logging.getLogger("mkdocs").addHandler(self.handler)

    def __exit__(self, *_: object) -> None:
        logging.getLogger("mkdocs").removeHandler(self.handler)


def strict_hint(messages: list[str]) -> str:
    """What to do about the engine's warnings that stopped a strict build (mkdocs.yml ``strict: true``)."""
    if any("nav" in m or "导航" in m for m in messages):
        return "\n（不在导航中的页面：请放到 content/policies/ 中，或从 content/ 移除）"
    return "\n（mkdocs.yml 中 strict: true（默认）时，生成网站时的警告也会阻止发布：请改正上述问题）"
