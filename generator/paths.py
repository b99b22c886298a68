"""Where things live: the theme, and the site paths the generator owns (路径).

A file in content/ may not take a path the generator writes itself: such a file would be
silently replaced, or would replace a generated page. `check` reports it (E019).
"""
from __future__ import annotations

from pathlib import Path

# The built-in theme ships inside the package: Material overrides, the data pages' templates, the print templates.
THEME_DIR = Path(__file__).resolve().parent / "theme"
# A project may override any file of THEME_DIR/overrides by the same path under its own theme/overrides/.
PROJECT_OVERRIDES = "theme/overrides"

# Source paths (as if in content/) of the pages generated from data; see render/pages.py.
GENERATED_PAGES = ("policies/index.md", "categories.md", "services.md", "institutions.md", "directory/index.md",
                   "pairings.md", "downloads.md", "report.md", "requests.md", "activities.md", "changes.md")
# Folders and files of the output that only the generator writes.
GUIDE_PDF = "downloads/guide.pdf"  # the printed 《专家服务指南》, for download
RESERVED_FOLDERS = ("experts/", "directory/", "search/", "downloads/", "assets/")
RESERVED_FILES = ("404.html", "sitemap.xml", "sitemap.xml.gz", "search/pages.json", "directory/experts.json",
                  GUIDE_PDF, "requests/requests.ics", "downloads/form.xlsx", "downloads/roster.xlsx")
# The intranet's 下载 page offers the blank 登记表 and the current export (expert-guide xlsx); the public site has neither.
FORM_WORKBOOK = "downloads/form.xlsx"
ROSTER_WORKBOOK = "downloads/roster.xlsx"
REPORT_WORKBOOK = "report/report.xlsx"  # the intranet's whole 校验报告, beside its page (which lists the first of each code)
REQUESTS_FEED = "requests/requests.ics"  # the intranet's calendar feed of request deadlines, beside its 诉求办理 page


def docs_path(src: str) -> str:
    """Where a page lies in the docs tree: a/b.md → a/b/index.md, so that its source folder is its URL.

    Every engine then agrees on the URL (with or without directory URLs), and the relative links
    of the page's raw HTML, written for the URL, are right whether an engine rewrites them or not.
    """
    if not src.endswith(".md"):
        return src
    stem = src[:-3]
    if stem == "index" or stem.endswith("/index"):
        return src
    return stem + "/index.md"


def site_path(src: str) -> str:
    """The output path of a content file with directory URLs: a.md → a/index.html."""
    path = docs_path(src)
    return path[:-3] + ".html" if path.endswith(".md") else path


RESERVED_PAGES = frozenset(site_path(p) for p in GENERATED_PAGES)


def reserved(src: str) -> bool:
    """A content path whose output the generator writes itself."""
    out = site_path(src)
    return out in RESERVED_PAGES or out in RESERVED_FILES or out.startswith(RESERVED_FOLDERS)
