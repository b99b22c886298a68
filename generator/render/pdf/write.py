"""write_pdf: the guide checked, typeset at once or with its 名单 in parts, and put in place (写出指南)."""
from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ...glyphs import lacking
from ...paths import THEME_DIR
from ..view import SiteView
from .compose import PRINT_DIR, appendix_tables, guide_html, pairing_count, part_html, split_appendix
from .errors import PdfError
from .fetcher import render
from .fonts import missing_glyphs, printed_text, require_fonts
from .parallel import typeset_guide, typeset_parts

PARALLEL_MIN = 600  # pairings: below this one document is faster than starting worker processes
# pairings in one part at most: a worker's memory grows with its rows (about 6,000 rows took 944 MB, 24,000
# took 3.2 GB), so a large 名单 is cut into more parts than there are cores, typeset a core's worth at a time
MAX_PART_PAIRINGS = 3000


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int
    bytes: int


def write_pdf(view: SiteView, root: Path, target: Path, progress: Callable[[str], None] | None = None) -> PdfResult:
    """Typeset the guide for ``view`` and put it at ``target`` (atomically)."""
    say = progress or (lambda message: None)
    say("排版《专家服务指南》：准备 HTML")
    fonts = require_fonts()
    appendix = appendix_tables(view)
    pairings = pairing_count(appendix)
    workers = min(os.cpu_count() or 1, 4)
    in_parts = pairings >= PARALLEL_MIN and workers > 1
    count_parts = max(workers, -(-pairings // MAX_PART_PAIRINGS))
    htmls: list[str] = []
    if in_parts:  # the pieces that are typeset, never the whole document at once (its HTML: ~100 MB to make)
        parts = split_appendix(appendix, count_parts)
        del appendix
        htmls = [part_html(view, part, first=i == 0) for i, part in enumerate(parts)]
        del parts
        # every character printed: the guide's (its placeholders hold none) and the parts' (a superset of the
        # whole document's 名单: only “（续）” is theirs alone); a lack is reported as ever, from the whole document
        chars = set(printed_text(guide_html(view, root, placeholder_pages=1)))
        for h in htmls:
            chars.update(printed_text(h))
        html = guide_html(view, root) if lacking("".join(sorted(chars)), fonts) else ""
    else:
        html = guide_html(view, root)
    problems = missing_glyphs(html, fonts, root) if html else []  # the full document: every character of every part
    if problems:
        # The whole build stops, the site too: it would link a guide that is missing or out of date. Publishing the
        # site alone is a choice the user makes (--no-pdf: its downloads page then lists no PDF).
        raise PdfError("以下字符印刷字体中没有字形，PDF 未生成：\n  " + "\n  ".join(problems)
                       + "\n请改用字体中有的字或通行写法（check 也会报告它们）；只发布网站可用 expert-guide build --no-pdf")
    allowed = [THEME_DIR, root / "content"]
    base_url = (PRINT_DIR / "guide.html").as_uri()
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)  # WeasyPrint warns about CSS it ignores; failures are raised below
    try:
        if in_parts:
            say(f"排版《专家服务指南》：名单 {pairings} 对联系分 {count_parts} 份、{workers} 个进程并行排版")
            del html
            data, pages = _typeset_in_parts(view, root, htmls, workers, base_url, allowed)
        else:
            say("排版《专家服务指南》：版面计算（页数多时需要几十秒）")
            data, pages = _typeset(html, base_url, allowed)
        say(f"排版《专家服务指南》：已写出 {pages} 页")
    finally:
        logger.setLevel(level)
    if b"/EmbeddedFile" in data:
        raise PdfError("PDF 中出现了附件（/EmbeddedFile），已拒绝写出")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return PdfResult(target, pages, len(data))


def _typeset(html: str, base_url: str, allowed: list[Path]) -> tuple[bytes, int]:
    """One document, laid out and written by WeasyPrint."""
    document = render(html, base_url, allowed)
    return document.write_pdf(pdf_identifier=b"expert-guide", uncompressed_pdf=False), len(document.pages)


def _typeset_in_parts(view: SiteView, root: Path, htmls: list[str], workers: int, base_url: str,
                      allowed: list[Path]) -> tuple[bytes, int]:
    """The 名单 in parts on every core, then the guide with placeholder pages, the parts laid over them.

    Page breaks inside a part do not depend on its page numbers, so the parts need not wait for each other.
    The guide too is laid out in a worker (parallel.typeset_guide): the parent holds HTML and PDF bytes only.
    """
    typeset = typeset_parts(htmls, base_url, allowed, concurrency=workers)
    count = sum(pages for _data, pages in typeset)
    parts = [part for part, _pages in typeset]
    del typeset
    return typeset_guide(guide_html(view, root, placeholder_pages=count), base_url, allowed, count, parts)
