"""Content pages as finished HTML, and that HTML as a Markdown page any engine passes through (文稿页面).

A page of content/ is rendered here, once, with the project's Markdown extensions; links are
rewritten to the site's URLs, then the HTML is reduced to the allow-list (sanitize.py). The page
handed to MkDocs, ProperDocs or any engine is that HTML as raw blocks, with only the headings
written as Markdown (`## 标题 {#id}`) so the engine builds its table of contents. No engine ever
interprets a character the user wrote.
"""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Callable
from urllib.parse import quote, unquote, urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

from ..cjk import join_html
from ..load.config import markdown_extensions
from .sanitize import clean_html

def page_url(src: str) -> str:
    """The URL (relative to the site root) of a page with directory URLs: a/b.md → a/b/, a/index.md → a/."""
    stem = src[:-3] if src.endswith(".md") else src
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def relative_url(target: str, current: str) -> str:
    """``target`` (a URL from the site root) as seen from the page at ``current``."""
    folder = current if current.endswith("/") or not current else posixpath.dirname(current) + "/"
    rel = posixpath.relpath(target or ".", folder.rstrip("/") or ".")
    if target.endswith("/") or not target:
        rel = rel + "/" if rel != "." else "./"
    return rel


@dataclass
class Links:
    """Rewrites the relative links of one page; what cannot be found is a problem, in Chinese."""

    src: str  # the page, relative to content/
    pages: frozenset[str]  # every published page (src)
    files: frozenset[str]  # every published attachment (src)
    problems: list[str] = field(default_factory=list)

    def rewrite(self, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or value.startswith(("/", "#", "\\")) or not parts.path:
            return value
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.src), unquote(parts.path)))
        here = page_url(self.src)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if target.startswith("../") or target == "..":
            self.problems.append(f"content/{self.src}：链接“{value}”指向 content/ 之外")
            return value
        if target.endswith(".md"):
            if target not in self.pages:
                self.problems.append(f"content/{self.src}：链接“{value}”指向的页面不存在")
                return value
            return quote(relative_url(page_url(target), here)) + fragment
        if target not in self.files and target.rstrip("/") + "/index.md" not in self.pages:
            self.problems.append(f"content/{self.src}：链接“{value}”指向的文件不存在")
            return value
        return quote(relative_url(target, here)) + fragment


class _LinkTree(Treeprocessor):
    def __init__(self, md: markdown.Markdown, links: Callable[[], Links]) -> None:
        super().__init__(md)
        self.links = links

    def run(self, root: Any) -> None:
        links = self.links()
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    element.set(attribute, links.rewrite(value))


class ContentRenderer:
    """One Markdown instance for all content pages of a build."""

    def __init__(self, settings: dict[str, Any], pages: frozenset[str], files: frozenset[str]) -> None:
        names, configs = markdown_extensions(settings)
        self.md = markdown.Markdown(extensions=names, extension_configs=configs)
        self.current = Links("", pages, files)
        self.md.treeprocessors.register(_LinkTree(self.md, lambda: self.current), "expert_guide_links", 1)
        self.pages, self.files = pages, files
        self.problems: list[str] = []

    def render(self, src: str, text: str) -> str:
        """The page's body as sanitized HTML with site URLs."""
        self.current = Links(src, self.pages, self.files)
        self.md.reset()
        out = join_html(clean_html(self.md.convert(text)))
        self.problems.extend(self.current.problems)
        return out


# ---- HTML as a page of raw blocks ----

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Python-Markdown's escapable characters; the engine runs no other extension than toc and attr_list.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")


class _TopLevel(HTMLParser):
    """The top-level elements of an HTML fragment, as (tag, start offset, end offset)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.starts = [0]
        for line in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.depth = 0
        self.open: tuple[str, int] | None = None
        self.spans: list[tuple[str, int, int]] = []
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if self.depth == 0:
            self.open = (tag, self._offset())
        if tag in _VOID:
            if self.depth == 0:
                self._end(tag)
            return
        self.depth += 1

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        if self.depth == 0:
            self.open = (tag, self._offset())
            self._end(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.depth -= 1
        if self.depth == 0:
            self._end(tag)

    def _end(self, tag: str) -> None:
        assert self.open is not None
        end = self.text.index(">", self._offset()) + 1
        self.spans.append((self.open[0], self.open[1], end))
        self.open = None


_ID = re.compile(r'\bid="([^"]*)"')
_TAGS = re.compile(r"<[^>]*>")


def _heading_line(tag: str, element: str) -> str | None:
    """An h1–h6 as a Markdown heading with its id, or None when its id cannot be written safely."""
    level = int(tag[1])
    start = element.index(">") + 1
    ident = _ID.search(element[:start])
    text = html.unescape(_TAGS.sub("", element[start:element.rindex("<")]))
    text = " ".join(text.split())
    if not text or (ident and not re.fullmatch(r"[\w\-]+", ident.group(1))):
        return None
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    suffix = f" {{#{ident.group(1)}}}" if ident else ""
    return f"{'#' * level} {escaped}{suffix}"


def as_markdown(fragment: str) -> str:
    """An HTML fragment as Markdown that renders back to it: headings as Markdown, the rest raw."""
    parts: list[str] = []
    flow: list[str] = []

    def flush() -> None:
        body = "".join(flow).strip()
        if body:
            parts.append(f'<div class="eg-flow">\n{body}\n</div>')
        flow.clear()

    position = 0
    for tag, start, end in _TopLevel(fragment).spans:
        flow.append(fragment[position:start])
        position = end
        element = fragment[start:end]
        heading = _heading_line(tag, element) if re.fullmatch(r"h[1-6]", tag) else None
        if heading is None:
            flow.append(element)
        else:
            flush()
            parts.append(heading)
    flow.append(fragment[position:])
    flush()
    return "\n\n".join(parts) + "\n"


def raw_page(fragment: str) -> str:
    """A generated page's HTML as one raw block."""
    return f'<div class="eg-page">\n{fragment.strip()}\n</div>\n'
