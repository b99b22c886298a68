"""Content HTML reduced to an allow-list of tags, attributes and URL schemes (净化文稿 HTML).

Markdown passes raw HTML through, and attr_list lets `{: onclick=… }` set any attribute. Whatever
content/ holds, what reaches a page or the printed guide is only ordinary document markup: no
script, no event handler, no `javascript:` or `data:` URL, no frame, form or style, and no image
fetched from another site. Data never goes this way: templates render it with autoescape on.
"""
from __future__ import annotations

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"},
    "col": {"span"},
    "details": {"open"},
}
SCHEMES = {"https", "http", "mailto", "tel"}


def _local_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and (":" in value.split("/", 1)[0] or value.lstrip().startswith(("//", "\\"))):
        return None  # an image from another site would tell it who reads the guide
    return value


def clean_html(html: str) -> str:
    """``html`` with everything outside the allow-list removed (text is kept, markup dropped)."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel=None,
                     strip_comments=True, attribute_filter=_local_images)
