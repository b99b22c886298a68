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

import html as html_lib
import re
import unicodedata

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


# Where a break may go: a wide character, blanks, inline tags or comments, the break, more of them, and a
# wide character — the only places ``join_html``'s runs can join. Text without one is returned as it is
# (most of a generated page: its breaks sit between block tags); a match inside ``pre`` merely costs the
# full reading. tests/test_cjk.py checks that every text ``join_html`` changes has one.
_SKIPPABLE = (r"<!--.*?-->|<![^>]*>|<\?[^>]*>|</?(?i:" + "|".join(sorted(_INLINE)) + r")(?=[\s/>])"
              r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_MAY_JOIN = re.compile(f"[{WIDE}](?:[ \t\r\f]|{_SKIPPABLE})*\n(?:[ \t\r\n\f]|{_SKIPPABLE})*[{WIDE}]", re.S)


# _MAY_JOIN found the other way round, for speed: it tries every wide character of a page (most of a Chinese page),
# this finds each break with a wide character after it (a page has a few dozen) and reads back from there, through
# the reversed page, to a wide character before it. Reversed, a skippable starts with ">" and ends with "<"; the
# character after an inline tag's name is the one before it. The same answer as _MAY_JOIN (a property test holds
# them together): a 42 MB page in 0.15 s against 1.5 s.
_AFTER_BREAK = re.compile(f"\n(?=(?:[ \t\r\n\f]|{_SKIPPABLE})*[{WIDE}])", re.S)
_SKIPPABLE_REVERSED = (r">--.*?--!<|>[^>]*!<|>[^>]*\?<|>(?:[^>\"']|\"[^\"]*\"|'[^']*')*(?<=[\s/>])(?i:"
                       + "|".join(sorted(name[::-1] for name in _INLINE)) + r")/?<")
_BEFORE_BREAK_REVERSED = re.compile(f"(?:[ \t\r\f]|{_SKIPPABLE_REVERSED})*[{WIDE}]", re.S)


def _may_join(html: str) -> bool:
    """Has ``html`` a wide character, blanks, inline tags or comments, a break, more of them, and a wide character?
    (_MAY_JOIN.search, read from each break.)"""
    reversed_html = ""
    for match in _AFTER_BREAK.finditer(html):
        if not reversed_html:
            reversed_html = html[::-1]
        if _BEFORE_BREAK_REVERSED.match(reversed_html, len(html) - match.start()):
            return True
    return False


def join_html(html: str) -> str:
    """``html`` with source line breaks between CJK characters removed from its text.

    Text on both sides of inline tags (``a``, ``strong``, ``span`` …) counts as one run; a block tag
    or ``br`` ends the run; text inside ``pre``, ``code`` and the like is left as written.
    """
    if "\n" not in html or not _may_join(html):
        return html
    return _join_runs(html)


def _join_runs(html: str) -> str:
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


# ---- print: no line of one character at the end of a block (末行不留单字) ----

KEEP_CLASS = "eg-keep"  # print CSS: white-space: nowrap
NOWRAP_CLASS = "eg-nowrap"  # a block of this class never wraps: nothing to bind in it
# The narrowest measure a block of print text is set in holds 4 characters (the 名单's 联系专家 column, 16 mm at
# 9.5 pt): a block of 4 or fewer never wraps, and is left without a span (each one costs WeasyPrint an inline box).
MIN_WRAPPING = 5
_CLASS_ATTR = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
# Inline elements set as one piece whose text is not split into characters here, and elements whose
# text is not set in lines of the page at all.
_ATOMS = frozenset({"code", "kbd", "samp", "img", "svg", "math"})
_NOT_TEXT = frozenset({"head", "title", "script", "style", "textarea", "template", "select", "option"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_UNIT = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.S)  # a character or a reference
_ANCHOR_ATTR = re.compile(r"""\s(?:id|name)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)

Item = tuple[str, int, str]  # (text | open | close | atom, index in the pieces, tag name)


def keep_last_pair(html: str) -> str:
    """``html`` with the last two characters of every block's text in one unbreakable span (``eg-keep``).

    A block (paragraph, list item, table cell, heading, definition, or the text before a ``br``) whose
    text ends in a Chinese character then never ends on a line holding that one character: the
    character before it goes down with it. Punctuation after the last character (。”）) is bound too;
    spaces and punctuation between the two are passed over (“甲，乙。” binds all four). Text ending in
    Latin letters, digits, a piece of ``code`` or an image is left as it is, and so are blocks too short
    to wrap (fewer than MIN_WRAPPING characters) and blocks of class ``eg-nowrap``. Inline tags stay
    balanced: an element that closes between the two characters is closed before the span and opened
    again inside it (without its id). Nothing is added but the span's tags: no character the fonts lack.
    """
    pieces: list[str] = []
    run: list[Item] = []  # the text of one block so far, and the inline tags in it
    stack: list[tuple[str, str]] = []  # inline elements open at this point: (name, opening tag)
    run_stack: list[tuple[str, str]] = []  # ... when the run began
    unbreakable = [False]  # the run's block is of NOWRAP_CLASS
    skip: list[str] = []  # names of the elements we are inside whose text is not split (atoms, head, pre …)
    atom_at = 0

    def flush(tag: str | None = "") -> None:
        """End the run; ``tag`` (None for a br, which stays in its block) begins the next one."""
        if run and not unbreakable[0]:
            _bind(pieces, run, run_stack)
        run.clear()
        run_stack[:] = stack
        if tag is not None:
            unbreakable[0] = _has_class(tag, NOWRAP_CLASS) and not tag.startswith("</")

    def text(value: str) -> None:
        pieces.append(value)
        if not skip:
            run.append(("text", len(pieces) - 1, ""))

    position = 0
    for match in _TOKEN.finditer(html):
        if match.start() > position:
            text(html[position:match.start()])
        tag = match.group()
        pieces.append(tag)
        position = match.end()
        name_match = _NAME.match(tag)
        if name_match is None:  # a comment or doctype
            continue
        name = name_match.group(1).lower()
        closing, void = tag.startswith("</"), tag.endswith("/>") or name in _VOID
        if skip:
            if name == skip[-1] and closing:
                skip.pop()
                if not skip and name in _ATOMS:
                    run.append(("atom", atom_at, name))
            elif name == skip[-1] and not void:
                skip.append(name)
        elif name in _ATOMS:
            if closing:
                continue
            if void:
                run.append(("atom", len(pieces) - 1, name))
            else:
                skip.append(name)
                atom_at = len(pieces) - 1
        elif name in _INLINE:
            if closing:
                run.append(("close", len(pieces) - 1, name))
                _track(stack, "close", name, tag)
            elif not void:
                run.append(("open", len(pieces) - 1, name))
                _track(stack, "open", name, tag)
        else:  # a block, a cell, a br: the line ends here
            flush(tag if name != "br" else None)
            if (name in _NOT_TEXT or name in _VERBATIM) and not closing and not void:
                skip.append(name)
    if position < len(html):
        text(html[position:])
    flush()
    return "".join(pieces)


def _has_class(tag: str, name: str) -> bool:
    match = _CLASS_ATTR.search(tag) if "class" in tag else None
    return match is not None and name in (match.group(1) or match.group(2) or "").split()


def _track(stack: list[tuple[str, str]], kind: str, name: str, tag: str) -> None:
    """``stack`` of open inline elements after the tag ``tag``."""
    if kind == "open":
        stack.append((name, tag))
    elif kind == "close":
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == name:
                del stack[depth:]
                break


def last_pair_at(text: str) -> int:
    """Where keep_last_pair's bound end of plain ``text`` begins (its last two characters and the punctuation
    after them), or ``len(text)`` when it binds nothing: the same rule, for text without tags (the 名单's cells,
    typeset by Typst, generator/render/pdf/roster.py)."""
    content: list[tuple[int, str]] = []  # from the end: (index, kind) of the characters that count
    for index in range(len(text) - 1, -1, -1):
        kind = _kind(text[index])
        if kind in ("han", "other"):
            content.append((index, kind))
            if len(content) == MIN_WRAPPING:
                break
    if len(content) < MIN_WRAPPING or content[0][1] != "han":
        return len(text)
    return content[1][0]


def _kind(char: str | None) -> str:
    """han (a Chinese character or kana), blank, mark (punctuation), or other (Latin, digits, an atom …)."""
    if char is None or len(char) != 1:
        return "other"
    if char.isspace():
        return "blank"
    category = unicodedata.category(char)
    if category.startswith("P"):
        return "mark"
    return "han" if is_wide(char) and not category.startswith(("S", "Z")) else "other"


def _bind(pieces: list[str], run: list[Item], open_before: list[tuple[str, str]]) -> None:
    """Put the run's last two characters (and the punctuation after them) in one ``eg-keep`` span."""
    units: list[tuple[int, int, int, str]] = []  # from the end: (item, start, end offset in its text, kind)
    content = 0
    for number in range(len(run) - 1, -1, -1):
        kind, index, _name = run[number]
        if kind == "atom":
            units.append((number, 0, 0, "other"))
            content += 1
        elif kind == "text":
            for m in reversed(list(_UNIT.finditer(pieces[index]))):
                units.append((number, m.start(), m.end(), _kind(html_lib.unescape(m.group()))))
                content += units[-1][3] in ("han", "other")
                if content == MIN_WRAPPING:
                    break
        if content >= MIN_WRAPPING:
            break
    words = [u for u in units if u[3] in ("han", "other")]
    if len(words) < MIN_WRAPPING or words[0][3] != "han" or run[words[1][0]][0] == "atom":
        return
    start = words[1]
    end = next(u for u in units if u[3] != "blank")  # after the punctuation that ends the text
    # Between start and end, an element opened after start must close by the end (else the span is
    # stretched over its closing tag); one opened before start and closed in between must be the
    # innermost open there: it is closed before the span and opened again inside it.
    stack = list(open_before)
    for kind, index, name in run[:start[0]]:
        _track(stack, kind, name, pieces[index])
    opened: list[str] = []
    reopen = 0
    for kind, _index, name in run[start[0] + 1:end[0] + 1]:
        if kind == "open":
            opened.append(name)
        elif kind == "close" and opened:
            if opened.pop() != name:
                return
        elif kind == "close":
            reopen += 1
            if reopen > len(stack) or stack[-reopen][0] != name:
                return
    last_close = None
    empty: list[str] = []  # elements after the end (holding blanks at most), e.g. <span class="blank"></span>
    for kind, index, name in run[end[0] + 1:]:
        if not opened:
            break
        if kind == "open":
            empty.append(name)
        elif kind == "close" and empty:
            if empty.pop() != name:
                return
        elif kind == "close" and name == opened[-1]:
            opened.pop()
            last_close = index
        elif kind != "text":
            return
    if opened:
        return
    inner = stack[len(stack) - reopen:]
    at = start[0]
    while inner and start[1] == 0 and at > 0 and run[at - 1][0] == "open" and run[at - 1][1] == run[at][1] - 1 \
            and pieces[run[at - 1][1]] == inner[-1][1]:
        at -= 1  # the text opens the element: the span begins before it, nothing to close and open again
        inner = inner[:-1]
    if last_close is not None:
        pieces[last_close] += "</span>"
    else:
        index = run[end[0]][1]
        pieces[index] = pieces[index][:end[2]] + "</span>" + pieces[index][end[2]:]
    head = "".join(f"</{name}>" for name, _tag in reversed(inner)) + f'<span class="{KEEP_CLASS}">' \
        + "".join(_ANCHOR_ATTR.sub("", tag) for _name, tag in inner)
    index = run[at][1]
    offset = start[1] if at == start[0] else 0
    pieces[index] = pieces[index][:offset] + head + pieces[index][offset:]
