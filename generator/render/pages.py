"""The generated pages of the site and the Jinja environment that renders data (生成页面).

Data is rendered only here, by templates with autoescape on; it never passes
through Markdown, so ``[x](javascript:…)``, ``{: onclick=…}`` or ``a | b`` stay text.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from ..cjk import join_html
from ..fields import field_labels
from ..load.files import split_front_matter
from ..paths import THEME_DIR, docs_path
from .view import SiteView

TEMPLATES = THEME_DIR / "site"

_TITLE_UNSAFE = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇"})


def safe_title(text: str) -> str:
    """A title for MkDocs/Material, whose templates do not escape: markup characters become full-width."""
    return " ".join(str(text).translate(_TITLE_UNSAFE).split())


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str  # as if it were a file in content/
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    in_search: bool = True
    wide: bool = False  # a wide table: no table-of-contents column beside it (Material's `hide: [toc]`)


class JoinedTemplate(jinja2.Template):
    """A template whose output has no space where its source (or a data text) broke a Chinese line."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        return join_html(super().render(*args, **kwargs))


def environment(*more: str) -> jinja2.Environment:
    """The one Jinja environment of data pages and the printed guide: autoescape on, CJK lines joined.

    One per search path, made once (compiling templates costs more than rendering); ``more`` are
    further template folders searched after the site templates (the print templates).
    """
    return _environment(str(TEMPLATES), *more)


@functools.cache
def _environment(*folders: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(list(folders)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.template_class = JoinedTemplate
    env.filters["cn_date"] = cn_date
    env.filters["mailto"] = mailto
    env.filters["digits"] = lambda value: re.sub(r"\D", "", str(value))
    env.filters["nowrap"] = nowrap
    env.filters["readable"] = readable
    return env


def nowrap(value: Any) -> Markup:
    """A phone number, email or date as one unbreakable token (escaped): a phone never wraps 02/3-/69…"""
    return Markup('<span class="eg-nowrap">{}</span>').format(value)


def cn_date(value: Any) -> str:
    """2025-07-01 → 2025年7月1日; None → —. The one date style of the site and the printed guide."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "year"):
        return f"{value.year}年{value.month}月{value.day}日"
    text = str(value)
    if len(text) == 7 and text[4] == "-":
        return f"{text[:4]}年{int(text[5:])}月"
    return text


# A diagnostic's wording for the intranet's 校验报告 (readable): `check` writes dates as in the files (2026-09-02)
# and names fields by key and label (answered（反馈日期）, field.term); a reader of the site sees the site's one
# date style and the label. A space that only set a Latin key or an ISO date apart from Chinese goes with it.
_ISO_DAY = re.compile(r"( ?)(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])( ?)")
_TERM = re.compile(r"( ?)(“?)\b([a-z][a-z0-9_]*)(”?)（((?:[^（）]|（[^（）]*）)+)）( ?)")
_CODE = re.compile(r"`([^`]+)`")


def _wide(text: str, at: int) -> bool:
    """Is the character at ``at`` Chinese (an ideograph or full-width punctuation)? False outside the text."""
    return 0 <= at < len(text) and ord(text[at]) >= 0x2E80


def _spaced(text: str, m: re.Match[str], shown: str, first: int, last: int) -> str:
    before = "" if _wide(text, m.start() - 1) else m.group(first)
    after = "" if _wide(text, m.end()) else m.group(last)
    return before + shown + after


def _day(text: str, m: re.Match[str]) -> str:
    try:
        day = date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
    except ValueError:  # not a date: as written
        return m.group(0)
    return _spaced(text, m, cn_date(day), 1, 5)


def _term(text: str, m: re.Match[str]) -> str:
    name, label = m.group(3), m.group(5)
    if (name, label) not in field_labels():
        return m.group(0)
    quoted = bool(m.group(2)) and bool(m.group(4))
    shown = f"“{label}”" if quoted else m.group(2) + label + m.group(4)
    return _spaced(text, m, shown, 1, 6)


def readable(text: Any) -> Markup:
    """A diagnostic's message or hint for the site: 2025年7月1日, field labels, `what to type` as code (escaped)."""
    out = []
    for i, part in enumerate(_CODE.split(str(text))):
        if i % 2:
            out.append(Markup("<code>{}</code>").format(part))
            continue
        part = _ISO_DAY.sub(lambda m: _day(m.string, m), part)
        part = _TERM.sub(lambda m: _term(m.string, m), part)
        out.append(Markup.escape(part))
    return Markup("").join(out)


def mailto(address: Any, subject: str = "") -> str:
    """A mailto: link to ``address``, everything but the address's own characters percent-encoded.

    The link is ``mailto:`` whatever ``address`` holds (the loader only lets an email through), and a
    quote or ``<`` in it is encoded, never markup.
    """
    link = "mailto:" + quote(str(address), safe="@.+-_")
    return link + ("?subject=" + quote(subject, safe="") if subject else "")


FEEDBACK_SUBJECT = "网站纠错与意见"


def footer_html(view: SiteView) -> str:
    """Every page's footer (主办、承办单位，标识码与备案号，热线，更新日期，纠错), rendered with autoescape on."""
    return environment().get_template("footer.html").render(site=view.site, view=view, subject=FEEDBACK_SUBJECT).strip()


def cn_period(start: Any, end: Any) -> str:
    """A contact period: 2025年7月1日至2027年6月30日."""
    return f"{cn_date(start)}至{cn_date(end)}"


def generated_pages(view: SiteView) -> list[GeneratedPage]:
    pages = [
        GeneratedPage("policies/index.md", "政策文件", "policies_index.html"),
        GeneratedPage("categories.md", "联系和服务对象", "categories.html"),
        GeneratedPage("services.md", "服务事项", "services.html"),
        GeneratedPage("institutions.md", "服务机构", "institutions.html"),
        GeneratedPage("directory/index.md", "专家名录", "directory.html", wide=True),
        GeneratedPage("pairings.md", "领导联系专家名单", "pairings.html"),
        GeneratedPage("downloads.md", "下载", "downloads.html"),
    ]
    if view.intranet:
        pages.append(GeneratedPage("report.md", "校验报告", "report.html", in_search=False))
    if view.requests is not None:  # the intranet only
        pages.append(GeneratedPage("requests.md", "诉求办理", "requests.html", in_search=False))
    for chunk in view.expert_pages:
        title = f"{chunk['employer_name']} 专家" + (f"（{chunk['part']}）" if chunk["part"] > 1 else "")
        pages.append(GeneratedPage(f"experts/{chunk['slug']}.md", title, "experts_page.html", {"chunk": chunk},
                                   in_search=False))
    return pages


_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)


def meta_title(front_matter: str, body: str) -> str | None:
    """The title a content page gives itself: its front matter's `title`, else its first heading."""
    if front_matter.strip():
        from ..diagnostics import Diagnostics
        from ..load.yamlio import YMap, parse_yaml

        meta = parse_yaml(front_matter, "front matter", Diagnostics())
        if isinstance(meta, YMap) and isinstance(meta.get("title"), str) and meta["title"].strip():
            return meta["title"]
    heading = _HEADING.search(body)
    return heading.group(1) if heading else None


def nav(view: SiteView) -> list[dict[str, Any]]:
    """The navigation: content sections only; expert pages are reached through the directory.

    Entries are paths of the docs tree (``categories/index.md``, see paths.docs_path)."""
    items: list[dict[str, Any]] = [
        {"首页": "index.md"},
        {"政策文件": [{"文件目录": "policies/index.md"}, *[f"policies/{p['id']}.md" for p in view.policies]]},
        {"联系对象": "categories.md"},
        {"服务事项": "services.md"},
        {"服务机构": "institutions.md"},
        {"专家名录": "directory/index.md"},
        {"领导联系专家名单": "pairings.md"},
        {"下载": "downloads.md"},
    ]
    if view.intranet:
        items.append({"校验报告": "report.md"})
    if view.requests is not None:
        items.append({"诉求办理": "requests.md"})
    return _in_tree(items)


def _in_tree(item: Any) -> Any:
    if isinstance(item, str):
        return docs_path(item)
    if isinstance(item, dict):
        return {k: _in_tree(v) for k, v in item.items()}
    return [_in_tree(v) for v in item]
