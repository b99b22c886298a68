"""The printed 《专家服务指南》: the same view as the site, typeset by WeasyPrint, its 名单 by Typst (印刷版指南).

Steps: render the print template (compose) → find the CJK fonts and check every character has a
glyph (fonts) → typeset the 名单 in parts with Typst from data (roster), a long one in worker processes
(parallel) → lay out the guide with a fetcher that reads only theme/ and content/ (fetcher), with as
many placeholder pages as the parts have (it lays out the first and the last one or two; the running header
and number of those between are drawn by Typst: furniture), and lay the parts over them (overlay) → write
the PDF beside its target and rename it into place (write).
"""
from __future__ import annotations

from .compose import PRINT_DIR, appendix_tables, guide_html, print_html, split_appendix
from .errors import PdfError
from .fetcher import StrictFetcher, check_links, print_links
from .fonts import FONTS, missing_glyphs, require_fonts, written_at
from .write import PdfResult, write_pdf

__all__ = ["write_pdf", "PdfResult", "PdfError", "guide_html", "appendix_tables", "split_appendix", "print_html",
           "print_links", "check_links", "StrictFetcher", "FONTS", "require_fonts", "missing_glyphs",
           "written_at", "PRINT_DIR"]
