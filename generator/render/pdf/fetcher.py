"""What the printed guide may reference and read, and the one door to WeasyPrint (引用规则与排版).

Images only from content/, links only inside the guide or to https:, mailto:, tel:; WeasyPrint
itself reads files under theme/ and content/ only (StrictFetcher). Every breach stops the build.
"""
from __future__ import annotations

import html as html_lib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ...cjk import keep_last_pair
from ...validate.printable import HREF, PRINT_SCHEMES, SCHEME, SRC
from .errors import PdfError


def refuse_schemes(raw: str, folder: str) -> None:
    """Any ``src`` of content with a scheme (``file:``, ``http:``…) stops the build, before the sanitizer drops it."""
    for src in SRC.findall(raw):
        if SCHEME.match(html_lib.unescape(src)):
            raise PdfError(f"{folder} 中引用了不允许读取的资源：{html_lib.unescape(src)}（只允许 theme/ 与 content/ 下的文件）")


def local_sources(html: str, root: Path, folder: str) -> str:
    """Relative images are the content file's neighbours, not the print template's: made absolute."""
    content = (root / "content").resolve()

    def absolute(match: re.Match) -> str:
        src = html_lib.unescape(match.group(2))
        path = (root / folder / unquote(src)).resolve()
        if not path.is_relative_to(content):
            raise PdfError(f"{folder} 中引用了不允许读取的资源：{src}（在 content/ 之外）")
        return f'{match.group(1)}"{html_lib.escape(path.as_uri())}"'

    return re.sub(r'(<img\b[^>]*?\ssrc=)"([^":]*)"', absolute, html)


def print_links(html: str, root: Path, folder: str, policy_ids: set[str]) -> str:
    """Links of content for print: a policy page becomes its chapter, another page plain text.

    Anything else relative must stay inside content/; `file:` and plain `http:` links fail the
    build, like the images (StrictFetcher), and so does any link found in the laid-out document
    (check_links).
    """
    def rewrite(match: re.Match) -> str:
        before, href, after = match.groups()
        target = html_lib.unescape(href)
        if target.startswith("#") or target.lower().startswith(PRINT_SCHEMES):
            return match.group(0)
        if SCHEME.match(target):
            raise PdfError(f"{folder} 中的链接“{target}”：印刷版只允许 https:、mailto: 和 tel: 链接")
        path = (root / folder / unquote(target.split("#")[0])).resolve()
        content = (root / "content").resolve()
        if not path.is_relative_to(content):
            raise PdfError(f"{folder} 中的链接“{target}”指向 content/ 之外")
        rel = path.relative_to(content).as_posix()
        if rel.startswith("policies/") and rel.endswith(".md") and rel[9:-3] in policy_ids:
            return f'<a{before} href="#policy-{rel[9:-3]}"{after}>'
        return f"<a{before}{after}>"  # another page of the site: kept as text in print

    return HREF.sub(rewrite, html)


def check_links(document) -> None:
    """Every link of the laid-out guide is internal or https:, mailto:, tel: (no file:, http:, attachment)."""
    for number, page in enumerate(document.pages, 1):
        for kind, target, _rect, _box in page.links:
            if kind == "internal":
                continue
            if kind != "external" or not str(target).lower().startswith(PRINT_SCHEMES):
                raise PdfError(f"第 {number} 页的链接“{target}”不允许：印刷版只允许 https:、mailto:、tel: 和指南内部的链接")


class StrictFetcher:
    """Reads only files under the allowed folders; any other reference stops the build."""

    def __init__(self, allowed: list[Path]) -> None:
        self.allowed = [p.resolve() for p in allowed]
        self.refused: list[str] = []

    def make(self):
        from weasyprint.urls import FatalURLFetchingError, URLFetcher

        outer = self

        class _Fetcher(URLFetcher):
            def fetch(self, url: str, headers=None):
                parts = urlsplit(url)
                if parts.scheme == "file":
                    path = Path(unquote(parts.path)).resolve()
                    if any(path.is_relative_to(root) for root in outer.allowed) and path.is_file():
                        return super().fetch(url, headers)
                outer.refused.append(url)
                raise FatalURLFetchingError(f"不允许读取的资源：{url}")

        return _Fetcher(allowed_protocols=("file",), fail_on_errors=True)


def render(html: str, base_url: str, allowed: list[Path]):
    """Lay out one document with WeasyPrint; only allowed files may be read, only allowed links made.

    Every document is laid out here (the guide, its placeholder version, each part of the 名单), so
    here no block is let end on a line of one Chinese character (cjk.keep_last_pair: CSS orphans and
    widows govern page breaks only); the HTML composed before stays as the templates wrote it.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    fetcher = StrictFetcher(allowed)
    try:
        document = HTML(string=keep_last_pair(html), base_url=base_url, url_fetcher=fetcher.make()) \
            .render(font_config=FontConfiguration())
    except FatalURLFetchingError:
        raise PdfError("模板或文稿引用了不允许读取的资源（只允许 theme/ 与 content/ 下的文件）："
                       + "、".join(fetcher.refused)) from None
    if fetcher.refused:
        raise PdfError("模板或文稿引用了不允许读取的资源：" + "、".join(fetcher.refused))
    check_links(document)
    return document
