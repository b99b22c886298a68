"""The printed 《专家服务指南》: the same view as the site, typeset by WeasyPrint, its 名单 by Typst (印刷版指南).

Steps: render the print template (compose) → find the CJK fonts and check every character has a
glyph (fonts) → typeset the 名单 in parts with Typst from data (roster), a long one in worker processes
(parallel) → lay out the guide with a fetcher that reads only theme/ and content/ (fetcher), with as
many placeholder pages as the parts have (it lays out the first and the last one or two; the running header
and number of those between are drawn by Typst: furniture), and lay the parts over them (overlay) → write
the PDF beside its target and rename it into place (write).

The names below are imported when first asked for: a worker that typesets a part imports only what it runs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...exports import exported_when_asked

if TYPE_CHECKING:
    from .compose import PRINT_DIR, appendix_tables, guide_html, print_html, split_appendix
    from .errors import PdfError
    from .fetcher import StrictFetcher, check_links, print_links
    from .fonts import FONTS, missing_glyphs, require_fonts, written_at
    from .write import PdfResult, write_pdf

_EXPORTED = {"write_pdf": "write", "PdfResult": "write", "PdfError": "errors", "guide_html": "compose",
             "appendix_tables": "compose", "split_appendix": "compose", "print_html": "compose", "PRINT_DIR": "compose",
             "print_links": "fetcher", "check_links": "fetcher", "StrictFetcher": "fetcher", "FONTS": "fonts",
             "require_fonts": "fonts", "missing_glyphs": "fonts", "written_at": "fonts"}
__all__ = list(_EXPORTED)

__getattr__, __dir__ = exported_when_asked(__name__, _EXPORTED)
