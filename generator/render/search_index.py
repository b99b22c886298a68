"""What the browser searches: a compact directory of experts and the sections of content pages (检索数据).

Material's own index (one document per page, whole text, tokenised without
word segmentation) is 20 MB at 5,000 experts and finds nothing for 特殊津贴.
Instead the browser downloads two small JSON files and matches substrings:
experts as rows of interned values, content as section texts.
"""
from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

from .view import SiteView

_HEADING = re.compile(r'<h([1-3])[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)


def experts_index(view: SiteView) -> dict[str, Any]:
    """Rows of [id, name, employer#, region#, field#, [category#…], page#, rank#, degree#]."""
    tables: dict[str, dict[str, int]] = {k: {} for k in ("emp", "reg", "fld", "pg", "rank", "deg")}

    def intern(table: str, value: Any) -> int:
        value = "" if value is None else str(value)
        return tables[table].setdefault(value, len(tables[table]))

    cat_index = {c["id"]: i for i, c in enumerate(view.categories)}
    rows = []
    for page in view.expert_pages:
        pg = intern("pg", page["slug"])
        for e in page["experts"]:
            rows.append([e["id"], e["name"], intern("emp", e["employer_name"]), intern("reg", e.get("region")),
                         intern("fld", e.get("field")), [cat_index[c["id"]] for c in e["category_list"] if c["id"] in cat_index],
                         pg, intern("rank", e.get("title_rank")), intern("deg", e.get("degree"))])
    out: dict[str, Any] = {"v": 1, "cat": [[c["name"], c["scope"]] for c in view.categories]}
    out.update({k: list(t) for k, t in tables.items()})
    out["rows"] = rows
    return out


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _text(fragment: str) -> str:
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())


def page_sections(url: str, title: str, content_html: str) -> list[dict[str, str]]:
    """Split a rendered page at its h1–h3 headings: one searchable section per heading."""
    sections = []
    matches = list(_HEADING.finditer(content_html))
    head = content_html[:matches[0].start()] if matches else content_html
    if _text(head):
        sections.append({"t": title, "u": url, "x": _text(head)})
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(content_html)
        heading = _text(m.group(3)).rstrip("¶").strip()
        sections.append({"t": f"{title} › {heading}" if heading != title else title,
                         "u": f"{url}#{html.unescape(m.group(2))}", "x": _text(content_html[m.end():end])})
    return sections


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
