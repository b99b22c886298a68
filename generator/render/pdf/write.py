"""write_pdf: the guide checked, its 名单 typeset in parts and laid over it, and put in place (写出指南)."""
from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Callable

from ...glyphs import lacking
from ...paths import THEME_DIR
from ..view import SiteView
from .compose import PRINT_DIR, appendix_tables, guide_html, pairing_count
from .errors import PdfError
from .fonts import missing_glyphs, printed_text, require_fonts, written_in
from .parallel import guide_with_parts, typeset_guide, typeset_parts
from .roster import NameTooLong, font_dirs, printed_strings, roster_parts, typeset_roster

PARALLEL_MIN = 600  # pairings: below this the 名单 is one part, and it and the guide are typeset in this process
# pairings in one part at most: a worker's memory grows with its rows (Typst: 3,000 rows about 420 MB, 50,000
# rows 5 GB), so a large 名单 is cut into more parts than there are cores, typeset a core's worth at a time
MAX_PART_PAIRINGS = 3000


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int
    bytes: int


def write_pdf(view: SiteView, root: Path, target: Path, progress: Callable[[str], None] | None = None, *,
              before_workers: Callable[[], None] | None = None,
              laying_out: Callable[[], None] | None = None) -> PdfResult:
    """Typeset the guide for ``view`` and put it at ``target`` (atomically).

    The 名单 is typeset by Typst in parts (roster.py), in worker processes when it is long; the guide by
    WeasyPrint with as many placeholder pages as the parts have (it lays out the first and the last one or two, and
    Typst draws the running header and number of those between: furniture.py), the parts' pages laid over them.
    ``before_workers`` is called before those processes start (build --profile all waits there for the audit of
    the profile made before: the two are not in memory at once); ``laying_out`` when only the guide's layout is
    left, which a worker process does while this one waits (build starts the engine there).
    """
    say = progress or (lambda message: None)
    say("排版《专家服务指南》：准备 HTML")
    faces = require_fonts()
    appendix = appendix_tables(view)
    pairings = pairing_count(appendix)
    workers = min(os.cpu_count() or 1, 4)
    # how the 名单 is cut does not depend on the machine (each part begins a page: the same bytes everywhere)
    count_parts = max(2, -(-pairings // MAX_PART_PAIRINGS)) if pairings >= PARALLEL_MIN else 1
    apart = count_parts > 1  # in worker processes, also on one core: Typst keeps memory from one part to the next
    try:
        datas = roster_parts(view, count_parts, appendix)
    except NameTooLong as exc:
        raise NameTooLong(exc.name, written_in(root, exc.name)) from None
    del appendix
    # every character printed: the guide's (its placeholders hold none) and the parts'; a lack is reported with
    # where it is written, from the whole printed text
    guide = guide_html(view, root, placeholder_pages=1)
    strings = [s for data in datas for s in printed_strings(data)]
    chars = set(printed_text(guide)).union(*strings)
    problems = missing_glyphs(guide + "".join(f"<p>{escape(s)}</p>" for s in strings), faces, root) \
        if lacking("".join(sorted(chars)), faces) else []
    del guide, strings
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
        dirs = font_dirs(faces)
        if apart:
            if before_workers is not None:
                before_workers()
            say(f"排版《专家服务指南》：名单 {pairings} 对联系分 {len(datas)} 份、{workers} 个进程"
                + ("并行排版" if workers > 1 else "依次排版"))
            typeset = typeset_parts(datas, dirs, concurrency=workers)
        else:
            say(f"排版《专家服务指南》：名单 {pairings} 对联系")
            typeset = [typeset_roster(datas.pop(), dirs)]
        count = sum(pages for _data, pages in typeset)
        pieces = [piece for piece, _pages in typeset]
        del typeset
        say(f"排版《专家服务指南》：名单 {count} 页；全书版面计算")
        html = guide_html(view, root, placeholder_pages=count)
        if laying_out is not None:
            laying_out()
        if apart:  # the laid-out guide in a worker: the parent holds HTML and PDF bytes only
            data, pages = typeset_guide(html, base_url, allowed, count, pieces, dirs)
        else:
            data, pages = guide_with_parts((html, base_url, [str(p) for p in allowed], count, pieces, dirs))
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

