"""Chinese line joining: a source line break between two CJK characters is no space (中文断行).

Editors wrap long Chinese lines in Markdown, YAML and templates. A browser (and WeasyPrint) shows
such a break as a space, so "工作、\\n生活" reads "工作、 生活". CSS Text 3 (segment break
transformation) says the break disappears when the characters on both sides are East Asian wide;
Chromium and WeasyPrint do not implement that rule, so the tool applies it to the text it writes:

- ``join_html`` to every piece of HTML made from source text (content pages, data pages, the
  printed guide): breaks in text, not inside ``pre``, ``code``, ``script``, ``style`` or ``textarea``;
- ``fold_break`` where YAML folds a line break of a multi-line value (load/yamlio.py).

Only a line break goes: a space the author typed stays, and a break next to Latin letters or
digits stays a space ("共\\n3 位" → "共 3 位").
"""
from __future__ import annotations

import re

# Wide characters (East Asian Width W/F/H without Hangul, which separates words with spaces),
# and the Chinese punctuation Unicode counts as ambiguous: “ ” ‘ ’ — ― … ·
WIDE = (
    "\u2e80-\u2fdf\u2ff0-\u303f\u3040-\u312f\u3190-\u31ff\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua000-\ua4cf\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe6f\uff01-\uff60\uff61-\uff9f\uffe0-\uffe6"
    "\U00020000-\U0003fffd"
    "\u00b7\u2014\u2015\u2018\u2019\u201c\u201d\u2026"
)
_WIDE_CHAR = re.compile(f"[{WIDE}]")
# A break with the blanks around it (HTML white space), between two wide characters.
_BREAK = re.compile(f"(?<=[{WIDE}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{WIDE}])")


def is_wide(char: str) -> bool:
    """True for a CJK character or CJK punctuation."""
    return bool(char) and _WIDE_CHAR.fullmatch(char) is not None


def fold_break(before: str, after: str) -> str:
    """What a line break between ``before`` and ``after`` (the texts on either side) becomes: "" or " "."""
    return "" if before and after and is_wide(before[-1]) and is_wide(after[0]) else " "


def join_text(text: str) -> str:
    """``text`` with every line break (and the blanks around it) between two CJK characters removed."""
    return _BREAK.sub("", text) if "\n" in text else text


# HTML: comments, doctype and tags (quoted attribute values may hold ">"); the rest is text.
_TOKEN = re.compile(r"<!--.*?-->|<![^>]*>|<\?[^>]*>|</?[A-Za-z][^\s/>]*(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
# Inline elements: a break next to one is still between the characters around it.
_INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "i", "ins", "label", "mark",
                     "q", "s", "small", "span", "strong", "sub", "sup", "time", "u", "var"})
# Elements whose white space is kept as written, or is not text at all.
_VERBATIM = frozenset({"pre", "code", "kbd", "samp", "script", "style", "textarea", "listing", "xmp"})


def join_html(html: str) -> str:
    """``html`` with source line breaks between CJK characters removed from its text.

    Text on both sides of inline tags (``a``, ``strong``, ``span`` …) counts as one run; a block tag
    or ``br`` ends the run; text inside ``pre``, ``code`` and the like is left as written.
    """
    if "\n" not in html:
        return html
    pieces: list[str] = []
    run: list[int] = []  # indexes in pieces of the text pieces of the current run
    verbatim: list[str] = []

    def flush() -> None:
        if len(run) == 1:
            pieces[run[0]] = join_text(pieces[run[0]])
        elif run:
            _join_run(pieces, run)
        run.clear()

    position = 0
    for match in _TOKEN.finditer(html):
        if match.start() > position:
            pieces.append(html[position:match.start()])
            if not verbatim:
                run.append(len(pieces) - 1)
        tag = match.group()
        pieces.append(tag)
        position = match.end()
        name_match = _NAME.match(tag)
        if name_match is None:  # a comment or doctype: invisible, the run goes on
            continue
        name = name_match.group(1).lower()
        closing = tag.startswith("</")
        if verbatim:
            if name == verbatim[-1]:
                if closing:
                    verbatim.pop()
                elif not tag.endswith("/>"):
                    verbatim.append(name)
            continue
        if name in _VERBATIM and not closing and not tag.endswith("/>"):
            flush()
            verbatim.append(name)
        elif name not in _INLINE:
            flush()
    if position < len(html):
        pieces.append(html[position:])
        if not verbatim:
            run.append(len(pieces) - 1)
    flush()
    return "".join(pieces)


def _join_run(pieces: list[str], run: list[int]) -> None:
    """Join breaks in text pieces separated only by inline tags, as if the tags were not there."""
    texts = [pieces[i] for i in run]
    whole = "".join(texts)
    if "\n" not in whole:
        return
    cuts = [(m.start(), m.end()) for m in _BREAK.finditer(whole)]
    if not cuts:
        return
    start = 0
    for index, text in zip(run, texts):
        end = start + len(text)
        kept = []
        cursor = start
        for a, b in cuts:
            if b <= start or a >= end:
                continue
            kept.append(whole[cursor:max(a, start)])
            cursor = min(b, end)
        kept.append(whole[cursor:end])
        pieces[index] = "".join(kept)
        start = end
