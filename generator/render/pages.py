"""The generated pages of the site and the Jinja environment that renders data (生成页面).

Data is rendered only here, by templates with autoescape on; it never passes
through Markdown, so ``[x](javascript:…)``, ``{: onclick=…}`` or ``a | b`` stay text.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from ..cjk import join_html
from ..fields import field_labels
from ..load.files import split_front_matter
from ..paths import THEME_DIR, docs_path
from .dates import cn_date, cn_period
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
    # the body in the page search too; the 名单 and the 名录 give theirs by heading only: every name in them is
    # found through the expert and leader shards (at 200,000 experts the 名单's text alone was 1.86 MB)
    search_body: bool = True
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
    env.filters["nowrap_tokens"] = nowrap_tokens
    env.filters["readable"] = readable
    env.filters["pairing_columns"] = pairing_columns
    env.filters["report_table"] = report_table
    env.tests["long_label"] = lambda text: text_em(str(text)) > LABEL_MAX
    return env


# Where a token may break when it is wider than its line: an email after "@" and before ".", a URL after "/"
# and before "." "?" "&" "#" "=". Phones, dates and 文号 are one piece.
_PIECES = {"email": re.compile(r"(?<=@)|(?=\.)"), "url": re.compile(r"(?<=/)(?=[^/])|(?=[.?&#=])")}


def nowrap(value: Any, kind: str = "") -> Markup:
    """A phone number, email, URL, date or 文号 as a token (escaped): a phone never wraps 02/3-/69….

    Each piece is an ``eg-nowrap`` span, never broken while it fits its line (expert-guide.css); an email or
    URL of several pieces (``kind``) may break between them, with ``<wbr>``, only when it is wider than its line.
    """
    text = str(value)
    splitter = _PIECES.get(kind)
    pieces = [p for p in splitter.split(text) if p] if splitter else [text]
    # escaped piece by piece and joined as text: Markup.format costs more than the page (1.6 million dates at 200,000)
    return Markup("<wbr>".join(f'<span class="eg-nowrap">{escape(p)}</span>' for p in pieces))


# A date, phone number or email inside a sentence (本版变化's lines: 结束日期：2027年6月30日 → 2027年12月31日).
_TOKEN = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\+?\d[\d\- ()]{5,}\d|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def nowrap_tokens(text: Any) -> Markup:
    """A sentence, escaped, with each date, phone number and email in it unbreakable (see ``nowrap``)."""
    text = str(text)
    out, last = Markup(""), 0
    for match in _TOKEN.finditer(text):
        out += text[last:match.start()]  # escaped by Markup's +
        out += nowrap(match.group())
        last = match.end()
    return out + text[last:]


# A diagnostic's wording for the intranet's 校验报告 (readable): `check` writes dates as in the files (2026-09-02)
# and names fields by key and label (answered（反馈日期）, field.term); a reader of the site sees the site's one
# date style and the label. A space that only set a Latin key or an ISO date apart from Chinese goes with it.
_ISO_DAY = re.compile(r"( ?)(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])( ?)")
_TERM = re.compile(r"( ?)(“?)\b([a-z][a-z0-9_]*)(”?)（((?:[^（）]|（[^（）]*）)+)）( ?)")
_CODE = re.compile(r"`([^`]+)`")
_PATH = re.compile(r"(?<![\w/.-])(?:data|content|schemas)/[\w./-]*[\w]")


def _wide(text: str, at: int) -> bool:
    """Is the character at ``at`` Chinese (an ideograph or full-width punctuation)? False outside the text."""
    return 0 <= at < len(text) and ord(text[at]) >= 0x2E80


def _spaced(text: str, m: re.Match[str], shown: str, first: int, last: int) -> str:
    before = "" if _wide(text, m.start() - 1) else m.group(first)
    after = "" if _wide(text, m.end()) else m.group(last)
    return before + shown + after


def _day(text: str, m: re.Match[str], days: list[str]) -> str:
    """The date as a placeholder for its token (\0n\0), put back after escaping."""
    try:
        day = date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
    except ValueError:  # not a date: as written
        return m.group(0)
    days.append(cn_date(day))
    return _spaced(text, m, f"\0{len(days) - 1}\0", 1, 5)


def _term(text: str, m: re.Match[str]) -> str:
    name, label = m.group(3), m.group(5)
    if (name, label) not in field_labels():
        return m.group(0)
    quoted = bool(m.group(2)) and bool(m.group(4))
    shown = f"“{label}”" if quoted else m.group(2) + label + m.group(4)
    return _spaced(text, m, shown, 1, 6)


def readable(text: Any) -> Markup:
    """A diagnostic's message or hint for the site: 2025年7月1日 (a token), field labels, `what to type` as code."""
    out = []
    text = str(text).replace("\0", "")
    text = "`".join(piece if i % 2 else _PATH.sub(lambda m: f"`{m.group()}`", piece)  # a file named is code too
                    for i, piece in enumerate(text.split("`")))
    for i, part in enumerate(_CODE.split(text)):
        if i % 2:
            out.append(Markup("<code>{}</code>").format(part))
            continue
        days: list[str] = []
        part = _ISO_DAY.sub(lambda m: _day(m.string, m, days), part)
        part = _TERM.sub(lambda m: _term(m.string, m), part)
        for j, piece in enumerate(part.split("\0")):
            out.append(nowrap(days[int(piece)]) if j % 2 else Markup.escape(piece))
    return Markup("").join(out)


def mailto(address: Any, subject: str = "") -> str:
    """A mailto: link to ``address``, everything but the address's own characters percent-encoded.

    The link is ``mailto:`` whatever ``address`` holds (the loader only lets an email through), and a
    quote or ``<`` in it is encoded, never markup.
    """
    link = "mailto:" + quote(str(address), safe="@.+-_")
    return link + ("?subject=" + quote(subject, safe="") if subject else "")


def text_em(text: str) -> float:
    """About how wide ``text`` is, in em of a sans-serif font: Chinese (and ambiguous) 1, Latin letters and digits
    .56–.72 (Arial's and Helvetica's, a little over), spaces and narrow punctuation .33. An estimate on the wide side."""
    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F", "A"):
            width += 1.0
        elif char.isupper():
            width += 0.72
        elif char.isalnum():
            width += 0.56
        else:
            width += 0.33
    return width


LABEL_MAX = 20.0  # a label (th of eg-facts) from the data wider than this wraps (expert-guide.css eg-wrap)


# The 名单's columns (em of its table's font): every unit's table has the same ones (colgroup), so names never
# break on a desktop: the name columns are as wide as the widest name the list shows (capped: a longer one
# breaks as a last resort), the 职务 column as the longest post up to 10.5 characters a line (30 characters in 3
# lines), 双方同意 a date a line; 联系期限 on one line when the text column leaves 工作单位 at least EMPLOYER_MIN
# beside it, else a date a line (a container query length, cqi; expert-guide.css has the fallback). 工作单位 takes
# the rest. CELL is a cell's padding and a margin; TABLE_MARGIN the text column's padding around the table.
CELL = 2.0
NAME_MAX, POST_MAX = 9.0, 10.5
TERM_ONE_LINE, TERM_TWO_LINES, CONSENT = 16.5, 10.5, 11.5
EMPLOYER_MIN, TABLE_MARGIN = 10.0, 3.0


def pairing_columns(view: SiteView) -> dict[str, Any]:
    """The widths of the 名单's leader, post and expert columns (em), from the names and posts it shows, and the
    term column's CSS width."""
    leaders = [leader for g in view.pairing_groups for u in g["units"] for leader in u["leaders"]]
    names = [text_em(leader["name"]) for leader in leaders]
    if view.intranet:  # the leader's phone under the name
        names += [text_em(leader["contact"]["phone"]) for leader in leaders if (leader.get("contact") or {}).get("phone")]
    experts = [text_em(p["expert_name"]) for leader in leaders for p in leader["pairings"]]
    posts = [text_em(leader["post"]) for leader in leaders]
    out: dict[str, Any] = {"leader": min(max(names, default=3.0), NAME_MAX) + CELL,
                           "expert": min(max(experts, default=3.0), NAME_MAX) + CELL,
                           "post": min(max(posts, default=3.0), POST_MAX) + CELL}
    others = out["leader"] + out["post"] + out["expert"] + (CONSENT if view.intranet else 0) + EMPLOYER_MIN + TABLE_MARGIN
    out["term"] = f"clamp({TERM_TWO_LINES}em, 100cqi - {others:.1f}em, {TERM_ONE_LINE}em)"
    return out


FEEDBACK_SUBJECT = "网站纠错与意见"


def footer_html(view: SiteView) -> str:
    """Every page's footer (主办、承办单位，标识码与备案号，热线，更新日期，纠错), rendered with autoescape on."""
    return environment().get_template("footer.html").render(site=view.site, view=view, subject=FEEDBACK_SUBJECT).strip()


REPORT_ROWS = 100  # the 校验报告 page lists the first findings of each code; the workbook beside it has them all


def report_table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The rows the 校验报告 page lists (the first REPORT_ROWS of each code, in order) and, by code, how many it
    leaves to the workbook: 130,000 warnings of a national check were a 64 MB page no browser could show."""
    shown: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for row in rows:
        seen = counts.get(row["code"], 0)
        counts[row["code"]] = seen + 1
        if seen < REPORT_ROWS:
            shown.append(row)
    omitted = [(code, n - REPORT_ROWS) for code, n in sorted(counts.items()) if n > REPORT_ROWS]
    return {"shown": shown, "omitted": omitted, "limit": REPORT_ROWS}


def generated_pages(view: SiteView) -> list[GeneratedPage]:
    pages = [
        GeneratedPage("policies/index.md", "政策文件", "policies_index.html"),
        GeneratedPage("categories.md", "联系和服务对象", "categories.html"),
        GeneratedPage("services.md", "服务事项", "services.html"),
        GeneratedPage("institutions.md", "服务机构", "institutions.html"),
        GeneratedPage("directory/index.md", "专家名录", "directory.html", wide=True, search_body=False),
        GeneratedPage("pairings.md", "领导联系专家名单", "pairings.html", wide=True, search_body=False),
        GeneratedPage("downloads.md", "下载", "downloads.html"),
    ]
    if view.changes is not None:  # a previous edition was named (build --since)
        pages.append(GeneratedPage("changes.md", "本版变化", "changes.html", in_search=False))
    if view.intranet:
        pages.append(GeneratedPage("report.md", "校验报告", "report.html", in_search=False))
    if view.requests is not None:  # the intranet only
        pages.append(GeneratedPage("requests.md", "诉求办理", "requests.html", in_search=False))
    if view.activities is not None:  # the intranet only
        pages.append(GeneratedPage("activities.md", "联系活动", "activities.html", in_search=False))
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
        title = meta.get("title") if isinstance(meta, YMap) else None
        if isinstance(title, str):
            # one line, as a title shows: a "\n" or other control character written in quotes becomes a space
            title = " ".join("".join(c if c.isprintable() else " " for c in title).split())
            if title:
                return title
    heading = _HEADING.search(body)
    return heading.group(1) if heading else None


def nav(view: SiteView) -> list[dict[str, Any]]:
    """The navigation: content sections only; expert pages are reached through the directory.

    Entries are paths of the docs tree (``categories/index.md``, see paths.docs_path)."""
    items: list[dict[str, Any]] = [
        {"首页": "index.md"},
        *([{"本版变化": "changes.md"}] if view.changes is not None else []),
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
    if view.activities is not None:
        items.append({"联系活动": "activities.md"})
    return _in_tree(items)


def _in_tree(item: Any) -> Any:
    if isinstance(item, str):
        return docs_path(item)
    if isinstance(item, dict):
        return {k: _in_tree(v) for k, v in item.items()}
    return [_in_tree(v) for v in item]
