"""The printed 《专家服务指南》: the same view as the site, typeset by WeasyPrint (印刷版指南).

Steps: render the print template → find the CJK fonts → check every character
has a glyph → lay out with a fetcher that reads only theme/ and content/ →
write the PDF beside its target and rename it into place.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

import markdown

from .pages import THEME_DIR, cn_date, environment
from .view import SiteView

PRINT_DIR = THEME_DIR / "print"
FONTS = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"}
FORM_COLUMNS = ("序号", "专家姓名", "性别", "出生年月", "工作单位", "职务/职称", "专业领域", "专家类别", "联系领导及职务",
                "联系起止日期", "备注")
ROWS_PER_TABLE = 25  # leaders per table: a unit with thousands of pairings still makes small tables


class PdfError(Exception):
    """The guide could not be typeset; nothing was written."""


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int
    bytes: int


def guide_html(view: SiteView, root: Path) -> str:
    """The print document as HTML: chapters in the order the notice lists them."""
    env = environment()
    env.loader.searchpath.append(str(PRINT_DIR))  # type: ignore[union-attr]
    letter = _markdown_file(root / "content" / "_print" / "letter.md")
    intro = _markdown_file(root / "content" / "index.md", drop_title=True)
    policies = [{**p, "html": markdown.markdown(p["body"], extensions=["attr_list"])} for p in view.policies]
    return env.get_template("guide.html").render(
        view=view, site=view.site, letter=letter, intro=intro, policies=policies, appendix=appendix_tables(view),
        form_columns=FORM_COLUMNS, form_rows=range(1, 13), created=_created(view), cn_date=cn_date)


def appendix_tables(view: SiteView) -> list[dict]:
    """The 名单 as small tables per unit: tier → unit → tables of at most ROWS_PER_TABLE leaders.

    One row per leader with that leader's experts and terms line by line: a third of the rows
    of one row per pairing, which is what WeasyPrint's layout time follows.
    """
    groups = []
    for group in view.pairing_groups:
        units = []
        for unit in group["units"]:
            rows = []
            for leader in unit["leaders"]:
                rows.append({"n": len(rows) + 1, "leader": leader["name"], "post": leader["post"],
                             "phone": (leader.get("contact") or {}).get("phone") or "—",
                             "pairings": [{"expert": p["expert_name"], "employer": p["expert_employer"],
                                           "term": f"{p['start'].isoformat()} 至 {p['end'].isoformat()}"}
                                          for p in leader["pairings"]]})
            tables = [rows[i:i + ROWS_PER_TABLE] for i in range(0, len(rows), ROWS_PER_TABLE)]
            units.append({"name": unit["name"], "tables": tables})
        groups.append({"name": group["name"], "units": units})
    return groups


def _markdown_file(path: Path, drop_title: bool = False) -> str:
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    if drop_title:
        text = re.sub(r"\A#\s[^\n]*\n", "", text.lstrip())
    return markdown.markdown(text)


def _created(view: SiteView) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    published = view.site.get("published")
    return f"{published.isoformat()}T00:00:00Z" if published else "2000-01-01T00:00:00Z"


@lru_cache(maxsize=None)
def font_file(family: str) -> Path | None:
    """The file fontconfig picks for ``family``, if it really is that family."""
    import subprocess

    try:
        out = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", family], capture_output=True, text=True,
                             timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, file = out.partition("\n")
    if family not in families.split(","):
        return None
    return Path(file) if file else None


@lru_cache(maxsize=None)
def _cmap(path: Path, family: str) -> frozenset[int]:
    """The code points ``family`` draws (the face of that name in a .ttc collection)."""
    from fontTools.ttLib import TTCollection, TTFont

    collection = TTCollection(str(path), lazy=True) if path.suffix.lower() == ".ttc" else None
    fonts = collection.fonts if collection is not None else [TTFont(str(path), lazy=True)]
    try:
        chosen = fonts[0]
        for font in fonts:
            if family in {n.toUnicode() for n in font["name"].names if n.nameID in (1, 16)}:
                chosen = font
                break
        return frozenset(chosen.getBestCmap())
    finally:
        (collection or fonts[0]).close()


def require_fonts() -> dict[str, Path]:
    found = {role: font_file(family) for role, family in FONTS.items()}
    missing = [FONTS[role] for role, path in found.items() if path is None]
    if missing:
        raise PdfError(f"未找到中文字体：{'、'.join(missing)}。请安装 Debian 软件包 fonts-noto-cjk（make build 会自动安装）")
    return found  # type: ignore[return-value]


_TAG = re.compile(r"<[^>]+>")


def missing_glyphs(html: str, fonts: dict[str, Path]) -> list[str]:
    """Every character of the document that a chosen font cannot draw, with some context."""
    import html as html_lib

    text = html_lib.unescape(_TAG.sub(" ", re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)))
    maps = {role: _cmap(path, FONTS[role]) for role, path in fonts.items()}
    problems = []
    seen = set()
    for index, char in enumerate(text):
        if char in seen or char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        seen.add(char)
        lacking = [FONTS[role] for role, cmap in maps.items() if ord(char) not in cmap]
        if lacking:
            context = " ".join(text[max(0, index - 12):index + 12].split())
            problems.append(f"字符“{char}”（U+{ord(char):04X}）在 {'、'.join(lacking)} 中没有字形，出现在“{context}”")
    return problems


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


def write_pdf(view: SiteView, root: Path, target: Path, progress: Callable[[str], None] | None = None) -> PdfResult:
    """Typeset the guide for ``view`` and put it at ``target`` (atomically)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    say = progress or (lambda message: None)
    say("排版《专家服务指南》：准备 HTML")
    html = guide_html(view, root)
    fonts = require_fonts()
    problems = missing_glyphs(html, fonts)
    if problems:
        raise PdfError("以下字符无法显示，PDF 未生成：\n  " + "\n  ".join(problems))
    fetcher = StrictFetcher([THEME_DIR, root / "content"])
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)  # WeasyPrint warns about CSS it ignores; failures are raised below
    try:
        say("排版《专家服务指南》：版面计算（页数多时需要几十秒）")
        document = HTML(string=html, base_url=(PRINT_DIR / "guide.html").as_uri(), url_fetcher=fetcher.make()) \
            .render(font_config=FontConfiguration())
        say(f"排版《专家服务指南》：写出 {len(document.pages)} 页")
        data = document.write_pdf(pdf_identifier=b"expert-guide", uncompressed_pdf=False)
    except FatalURLFetchingError:
        raise PdfError("模板或文稿引用了不允许读取的资源（只允许 theme/ 与 content/ 下的文件）："
                       + "、".join(fetcher.refused)) from None
    finally:
        logger.setLevel(level)
    if fetcher.refused:
        raise PdfError("模板或文稿引用了不允许读取的资源：" + "、".join(fetcher.refused))
    if b"/EmbeddedFile" in data:
        raise PdfError("PDF 中出现了附件（/EmbeddedFile），已拒绝写出")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return PdfResult(target, len(document.pages), len(data))
