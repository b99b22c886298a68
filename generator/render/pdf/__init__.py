"""The printed 《专家服务指南》: the same view as the site, typeset by WeasyPrint (印刷版指南).

Steps: render the print template (compose) → find the CJK fonts and check every character has a
glyph (fonts) → lay out with a fetcher that reads only theme/ and content/ (fetcher), a long 名单 in
worker processes (parallel) laid over the guide's placeholder pages (overlay) → write the PDF beside
its target and rename it into place (write).
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
