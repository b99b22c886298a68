"""The text of a PDF's pages in the order it is drawn, read from their content streams (按绘制顺序读取 PDF 文字).

The audit's second reading of a PDF, beside pdftotext's (poppler): every string a text operator shows,
decoded through its font's ToUnicode map, in the order the page draws it. The strings of one line are
joined as a reader sees them: directly when they touch (a name split over two runs, 董 + 振邦, reads
董振邦), with a space across a gap of more than a quarter of the font's size, and a line break where the
baseline moves. Form XObjects are followed, with their own resources and matrix and the text state they are
drawn in (the printed guide draws the 名单's pages so); a marked-content /ActualText, each annotation's
appearances and a tiling pattern's cell are read, on lines of their own. Then the page's lines once more, as
a reader sees them: the runs of each line in the way it reads (where a run ends from where it starts: a
mirrored Tz or a negative size turns it back), whatever order they were drawn in (a number placed right to
left, 5678 then 1234 then 138, reads 138 1234 5678 there).

What it does not understand it does not guess at: a page with a font it cannot decode (no ToUnicode map, a
code the map leaves out, a predefined CMap other than Identity-H, a Type3 font, a font set by a graphics
state), an XObject neither form nor image, an inline image or a string it cannot tokenize raises Unsupported,
and the caller reads that page another way (pypdf). It reads the guide of 200,000
experts (2,530 pages, 65 MB of content) in about 21 CPU s, where pypdf's extract_text took minutes.
"""
from __future__ import annotations

import codecs
import math
import re
from typing import Any, Callable

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MAX_DEPTH = 8  # forms drawn inside forms: deeper is not a page this reader reads


class Unsupported(Exception):
    """A page this reader cannot read for certain: read it another way."""


class Unverifiable(Exception):
    """A file whose text no reader can be trusted to have read whole: not to be vouched for (the audit refuses it)."""


# Content read for one page, forms and pattern cells counted each time they are drawn, each stream as at least
# a kilobyte: a few kilobytes of forms drawing each other a hundred times over would otherwise be read for hours
# (a guide's page is about 30 KB in one or two streams).
WORK_LIMIT = 64 * 1024 * 1024


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m × n, as PDF composes matrices (m applied first)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


# One token of a content stream, after any white space: a run of operators that draw no text with their
# operands (paths, colours and colour spaces, line styles, the text's render mode, ET: most of a table's page, skipped
# at once), a matrix with its operator (cm, Tm), a font with its size (Tf), a number, an operator, a name, a string
# (literal, without nested parentheses, or hex), an array's bracket, a dictionary's, or a comment. The match must begin
# where the last ended: a byte no alternative takes (a nested parenthesis, binary data) stops the reading. A matrix or a
# font read whole is read as its numbers and operator one by one would be; so is a whole run of text (_RUN) or a drawing
# (_DRAWING): a 名单 page is about 5,000 tokens one by one, 200 so.
# Every repetition is possessive: where no operator follows a row of numbers (an array), nothing is tried again (an
# outside review found 12 long numbers in a TJ array taking hours, each number read in every way it could be split).
_NUM = rb"[+-]?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)"  # possessive: a number can be read one way only
_WS = rb"[\x00\t\n\f\r ]"
_ENDS = rb"(?![^\x00\t\n\f\r ()<>\[\]{}/%])"  # an operator or a name ends at white space or a delimiter
_NAME = rb"/[^\x00\t\n\f\r ()<>\[\]{}/%]*+"
_NONTEXT = rb"""(?:(?:(?:%(num)s%(ws)s++)*+
             (?:re|[mlcvyhfFSsBbnW]\*?|w|J|j|M|d|ri|i|cs|CS|scn?|SCN?|g|G|rg|RG|k|K|Tr|ET)
           | %(name)s%(ws)s++(?:cs|CS))
         %(ends)s%(ws)s*+)++""" % {b"num": _NUM, b"ws": _WS, b"ends": _ENDS, b"name": _NAME}
_MATRIX = rb"(?:%(num)s%(ws)s++){6}" % {b"num": _NUM, b"ws": _WS}
_LITERAL = rb"\((?:[^()\\]|\\.)*\)"  # without nested parentheses (those are read token by token)
_HEX = rb"<[0-9A-Fa-f\x00\t\n\f\r ]*>"
_STRING = _LITERAL + rb"|" + _HEX
# One run of text as Typst draws every piece of it (a cell of the 名单, whose pages it typesets): its own graphics
# state, a matrix, a colour, one text object choosing a font and a matrix and showing one array, restored at once —
# "q 1 0 0 -1 85.2 687.9 cm /c0 cs 0 scn BT 0 Tr /f1 9.5 Tf 1 0 0 -1 0 0 Tm [(…)] TJ ET Q", thirteen tokens read as
# one (a guide of 200,000 experts draws 400,000 of them). It is read exactly as its tokens one by one would be (q pushes,
# cm, BT, Tf, Tm, TJ, Q pops; what draws no text between them is skipped, and names them only before cs, so no pattern is
# set); a run written any other way (a comment, a nested parenthesis, another operator) is read token by token.
_RUN = rb"""q%(ws)s++(?P<rc>%(matrix)s)cm%(ends)s%(ws)s*+(?:%(nontext)s)?+BT%(ends)s%(ws)s*+(?:%(nontext)s)?+
  (?P<rf>%(name)s)%(ws)s++(?P<rs>%(num)s)%(ws)s++Tf%(ends)s%(ws)s*+(?P<rm>%(matrix)s)Tm%(ends)s%(ws)s*+
  \[(?P<ra>(?:%(ws)s|%(string)s|%(num)s)*+)\]%(ws)s*+TJ%(ends)s%(ws)s*+(?:%(nontext)s)?+Q%(ends)s""" % {
    b"num": _NUM, b"ws": _WS, b"ends": _ENDS, b"name": _NAME, b"matrix": _MATRIX, b"nontext": _NONTEXT,
    b"string": _STRING}
# A drawing that shows no text in a graphics state of its own (a rule of the 名单's table, a cell's shading): "q 1 0 0 -1
# 79.4 754.4 cm /c0 cs 0.53 scn 0 0 m 442.2 0 l … h f Q" changes nothing this reader keeps, and is passed at once.
_DRAWING = rb"q%(ws)s++(?:%(matrix)scm%(ends)s%(ws)s*+)?+%(nontext)sQ%(ends)s" % {
    b"ws": _WS, b"ends": _ENDS, b"matrix": _MATRIX, b"nontext": _NONTEXT}
# An item of a run's array, by its delimiters kept (findall: an empty string "()" is not told from no match otherwise)
_ITEM = re.compile(rb"(%s)|(%s)|(%s)" % (_LITERAL, _HEX, _NUM), re.S)


def tokenizer(whole_runs: bool = True) -> re.Pattern[bytes]:
    """The content stream's tokens; ``whole_runs``: a run of text (_RUN) and a drawing (_DRAWING) each read as one
    token. Without them every operator is a token of its own: the tests read each stream both ways."""
    shortcuts = rb"(?P<r>%s) | (?P<v>%s) |" % (_RUN, _DRAWING) if whole_runs else b""
    return re.compile(rb"""%(ws)s*+(?:%(shortcuts)s
  (?P<k>%(nontext)s)
| (?P<x>(?:%(num)s%(ws)s++){6}(?:cm|Tm))%(ends)s
| (?P<f>%(name)s%(ws)s++%(num)s%(ws)s++Tf)%(ends)s
| (?P<n>%(num)s(?:%(ws)s++%(num)s)*+)  # a row of numbers at once: never read again from each of them
| (?P<o>[A-Za-z'"*][A-Za-z0-9'"*]*)
| (?P<m>%(name)s)
| \((?P<s>(?:[^()\\]|\\.)*)\)
| (?P<p>\()
| <(?P<h>[0-9A-Fa-f\x00\t\n\f\r ]*)>
| (?P<a>\[) | (?P<z>\]) | (?P<d><<|>>)
| (?P<c>%%[^\r\n]*)
| (?P<e>\Z)
)""" % {b"num": _NUM, b"ws": _WS, b"ends": _ENDS, b"name": _NAME, b"nontext": _NONTEXT, b"shortcuts": shortcuts},
        re.X | re.S)


_TOKEN = tokenizer()
_WHITE_RUN = re.compile(_WS + rb"+")
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|[\s\S])")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"\r\n": b"", b"\n": b"", b"\r": b""}
_UNLIKE_PYTHON = re.compile(rb"\\(?![0-7nrtbf\\\n])|\\\n\r")
_WHITE = re.compile(rb"[\x00\t\n\f\r ]")
_WHITESPACE = b"\x00\t\n\f\r "


def _matrix(six: bytes) -> Matrix:
    """Six numbers, each followed by white space (_MATRIX), as a matrix."""
    a, b, c, d, e, f = map(float, six.split() if b"\x00" not in six else _WHITE_RUN.split(six.strip(_WHITESPACE)))
    return a, b, c, d, e, f  # split(): PDF's white space less NUL is ASCII's, and no vertical tab is in _MATRIX


def _unescape(raw: bytes) -> bytes:
    if b"\\" not in raw:
        return raw
    if not _UNLIKE_PYTHON.search(raw):  # only escapes that mean in Python what they mean in PDF (\\000, \\n, \\\\)
        return codecs.escape_decode(raw)[0]

    def one(m: re.Match) -> bytes:
        code = m.group(1)
        if code[:1] in b"01234567":  # octal (8 and 9 are no escape: the digit itself)
            return bytes([int(code, 8) & 0xFF])
        return _ESCAPES.get(code, code)
    return _ESCAPE.sub(one, raw)


_PAREN = re.compile(rb"\\[\s\S]|[()]")


def _literal_end(data: bytes, pos: int) -> int:
    """Where the literal string whose "(" ends at ``pos`` closes: balanced parentheses are its text."""
    depth = 1
    for m in _PAREN.finditer(data, pos):
        token = m.group()
        if token == b"(":
            depth += 1
        elif token == b")":
            depth -= 1
            if not depth:
                return m.start()
    raise Unsupported("字符串没有结束")


class Font:
    """What a page needs of a font to read it: each code's text and width (in thousandths of the size)."""

    def __init__(self, to_unicode: dict[int, str], widths: dict[int, float], default: float, two_bytes: bool) -> None:
        self.to_unicode, self.widths, self.default, self.two_bytes = to_unicode, widths, default, two_bytes
        self._seen: dict[bytes, tuple[str, float, int]] = {}

    def decode(self, data: bytes) -> tuple[str, float, int]:
        """(text, advance in thousandths, count of single-byte spaces) of one string."""
        known = self._seen.get(data)
        if known is not None:
            return known
        if self.two_bytes:
            if len(data) % 2:
                raise Unsupported("字符串的字节数为奇数")
            codes = [data[i] << 8 | data[i + 1] for i in range(0, len(data), 2)]
            spaces = 0
        else:
            codes = list(data)
            spaces = codes.count(32)
        mapped, widths, default = self.to_unicode, self.widths, self.default
        try:
            text = "".join([mapped[code] for code in codes])
        except KeyError:  # a code the map leaves out: another reader may decode it by the font's encoding
            raise Unsupported("ToUnicode 中没有这个字符码") from None
        width = sum([widths.get(code, default) for code in codes])
        result = self._seen[data] = (text, width, spaces)
        return result


def _get(obj: Any, key: str, default: Any = None) -> Any:
    """``obj[key]`` resolved (an entry may be a reference to the value: pypdf's get() does not follow it)."""
    value = obj.get(key, default) if obj is not None else default
    return value.get_object() if hasattr(value, "get_object") else value


def _cmap(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap's bfchar and bfrange entries (comments left out, as a CMap reader leaves them)."""
    out: dict[int, str] = {}
    data = re.sub(rb"%[^\r\n]*", b"", data)  # no string of a ToUnicode CMap holds "%": its strings are hex

    def text(hex_: bytes) -> str:
        return bytes.fromhex(_WHITE.sub(b"", hex_).decode()).decode("utf-16-be", "replace")
    for kind, block in re.findall(rb"begin(bfchar|bfrange)(.*?)end(?:bfchar|bfrange)", data, re.S):  # in file order:
        if kind == b"bfchar":  # a later entry for a code wins, as poppler and pypdf read it
            for src, dst in re.findall(rb"<([0-9A-Fa-f\s]+)>\s*<([0-9A-Fa-f\s]*)>", block):
                out[int(_WHITE.sub(b"", src), 16)] = text(dst)
            continue
        for lo, hi, dst, many in re.findall(rb"<([0-9A-Fa-f\s]+)>\s*<([0-9A-Fa-f\s]+)>\s*(?:<([0-9A-Fa-f\s]*)>|\[([^\]]*)\])",
                                            block):
            low, high = int(_WHITE.sub(b"", lo), 16), int(_WHITE.sub(b"", hi), 16)
            if high - low > 0xFFFF:
                raise Unsupported("ToUnicode 的范围过大")
            if many:
                for offset, item in enumerate(re.findall(rb"<([0-9A-Fa-f\s]*)>", many)):
                    out[low + offset] = text(item)
            else:
                first = text(dst)
                if not first:
                    continue
                units = first.encode("utf-16-be")
                last = int.from_bytes(units[-2:], "big")
                for offset in range(high - low + 1):
                    out[low + offset] = (units[:-2] + (last + offset & 0xFFFF).to_bytes(2, "big")).decode(
                        "utf-16-be", "replace")
    if not out:
        raise Unsupported("ToUnicode 中没有任何映射")
    return out


def _font(obj: Any) -> Font:
    """A font resource as this reader reads it; Unsupported for what it cannot decode for certain."""
    subtype = _get(obj, "/Subtype")
    to_unicode_stream = _get(obj, "/ToUnicode")
    if to_unicode_stream is None or not hasattr(to_unicode_stream, "get_data"):
        raise Unsupported(f"字体 {_get(obj, '/BaseFont')} 没有 ToUnicode")
    to_unicode = _cmap(to_unicode_stream.get_data())
    if subtype == "/Type0":
        if _get(obj, "/Encoding") != "/Identity-H":
            raise Unsupported(f"字体编码 {_get(obj, '/Encoding')}")
        descendant = _get(obj, "/DescendantFonts")[0].get_object()
        default = float(_get(descendant, "/DW", 1000))
        widths: dict[int, float] = {}
        array = [x.get_object() if hasattr(x, "get_object") else x for x in _get(descendant, "/W") or []]
        at = 0
        while at < len(array):
            first = int(array[at])
            following = array[at + 1]
            if isinstance(following, list):
                for offset, width in enumerate(following):
                    widths[first + offset] = float(width)
                at += 2
            else:
                for code in range(first, int(following) + 1):
                    widths[code] = float(array[at + 2])
                at += 3
        return Font(to_unicode, widths, default, True)
    if subtype in ("/TrueType", "/Type1") and _get(obj, "/Widths") is not None:
        first = int(_get(obj, "/FirstChar", 0))
        widths = {first + offset: float(width) for offset, width in enumerate(_get(obj, "/Widths"))}
        missing = float(_get(_get(obj, "/FontDescriptor"), "/MissingWidth", 0))
        return Font(to_unicode, widths, missing, False)
    raise Unsupported(f"字体类型 {subtype}")


class _Page:
    """The reading of one page: its lines, as they are drawn."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.last: tuple[float, float, float, float, float] | None = None  # end x, y, direction x, y; size
        self.fonts: dict[int, Font] = {}
        # each run: its direction (in whole degrees), where its line is across that direction, where it starts and
        # ends along it, its size and text
        self.runs: list[tuple[int, float, float, float, float, str]] = []
        self.work = 0  # bytes of content read (WORK_LIMIT)
        self.patterns: set[int] = set()  # the pattern cells read: each once

    def visual(self) -> str:
        """The runs as a reader sees them, line by line, each line read in its direction (left to right, or as it
        is turned): a number drawn right to left (5678, 1234, 138 placed from the right) reads 138 1234 5678 here,
        whatever the order drawn."""
        lines: list[list[tuple[float, float, float, str]]] = []
        line_at, line_direction, line_size = None, None, 0.0
        for direction, across, start, end, size, text in sorted(self.runs):
            line_size = max(line_size, size)  # the line's largest type: a 0.1 pt run does not start a line
            if line_at is None or direction != line_direction or across - line_at > 0.5 * line_size:
                lines.append([])
                line_at, line_direction, line_size = across, direction, size
            lines[-1].append((start, end, size, text))
        out: list[str] = []
        for line in lines:
            largest = max(size for _start, _end, size, _text in line)
            # type too small to see (under a quarter of the line's) is read on a line of its own, not between
            # the characters of a number it would otherwise split
            out.extend(text for _start, _end, size, text in line if size < 0.25 * largest)
            pieces, reach = [], None
            for start, end, size, text in sorted(r for r in line if r[2] >= 0.25 * largest):
                if reach is not None and start - reach > 0.25 * size:
                    pieces.append(" ")
                pieces.append(text)
                reach = end if reach is None else max(reach, end)
            out.append("".join(pieces))
        return "\n".join(out)

    def actual_text(self, operands: list[Any], resources: Any) -> None:
        """A marked-content sequence's /ActualText (what the content stands for, as a reader copies it): a line."""
        properties: Any = None
        if "/ActualText" in operands:  # the property list written inline: its entries are the operands
            at = operands.index("/ActualText")
            properties = {"/ActualText": operands[at + 1] if at + 1 < len(operands) else None}
        elif operands and isinstance(operands[-1], str) and len(operands) >= 2:  # named in the resources
            properties = _get(_get(resources, "/Properties"), operands[-1])
        text = _get(properties, "/ActualText") if properties is not None else None
        if text is None:
            return
        if isinstance(text, bytes):
            text = (text[2:].decode("utf-16-be", "replace") if text.startswith(b"\xfe\xff")
                    else text[3:].decode("utf-8", "replace") if text.startswith(b"\xef\xbb\xbf")
                    else text.decode("latin-1"))
        self.out.append(f"\n{text}\n")
        self.last = None

    def font(self, resources: Any, name: str) -> Font:
        fonts = _get(resources, "/Font")
        ref = fonts.raw_get(name) if fonts is not None and name in fonts else None
        if ref is None:
            raise Unsupported(f"找不到字体 {name}")
        key = getattr(ref, "idnum", None) or id(ref)
        font = self.fonts.get(key)
        if font is None:
            font = self.fonts[key] = _font(ref.get_object())
        return font

    def show(self, text: str, start: tuple[float, float], end: tuple[float, float], direction: tuple[float, float],
             size: float) -> None:
        if self.last is not None:
            px, py, ux, uy, last_size = self.last
            dx, dy = start[0] - px, start[1] - py
            along, across = dx * ux + dy * uy, dy * ux - dx * uy
            scale = max(size, last_size)
            if abs(across) > 0.5 * scale or along < -0.5 * scale:
                self.out.append("\n")
            elif along > 0.25 * scale:
                self.out.append(" ")
        self.out.append(text)
        self.last = (end[0], end[1], direction[0], direction[1], size)
        ux, uy = direction
        self.runs.append((round(math.degrees(math.atan2(uy, ux))) % 360, start[1] * ux - start[0] * uy,
                          start[0] * ux + start[1] * uy, end[0] * ux + end[1] * uy, size, text))

    def apart(self) -> None:
        """What follows is not on the line before (an annotation's appearance, a pattern's cell)."""
        if self.last is not None:
            self.out.append("\n")
        self.last = None

    def shows(self, items: list[Any], font: Font, size: float, spacing: float, word: float, scaling: float,
              rise: float, tm: Matrix, ctm: Matrix) -> Matrix:
        """One TJ (or Tj): its strings shown and its kerns moved, in this text state; the text matrix after it."""
        whole = _times(tm, ctm)
        start = (whole[4] + rise * whole[2], whole[5] + rise * whole[3])
        ydir = math.hypot(whole[2], whole[3])
        xdir = math.hypot(whole[0], whole[1]) or 1.0
        pieces: list[str] = []
        advance = 0.0
        for item in items:
            if isinstance(item, bytes):
                text, width, spaces = font.decode(item)
                count = len(item) // 2 if font.two_bytes else len(item)
                advance += (width / 1000 * size + spacing * count + word * spaces) * scaling
                pieces.append(text)
            elif isinstance(item, float):
                shift = -item / 1000 * size * scaling
                if shift > 0.25 * size * scaling and pieces:
                    pieces.append(" ")
                advance += shift
            else:
                raise Unsupported("TJ 数组中有不能显示的项")
        tm = _times((1.0, 0.0, 0.0, 1.0, advance, 0.0), tm)
        after = _times(tm, ctm)
        stop = (after[4] + rise * after[2], after[5] + rise * after[3])
        length = math.hypot(stop[0] - start[0], stop[1] - start[1])
        # the way the text reads is where it ends from where it starts (a mirrored Tz or a negative size
        # turns it back); only a run that does not advance takes the matrix's
        way = ((stop[0] - start[0]) / length, (stop[1] - start[1]) / length) if length > 1e-6 else \
            (whole[0] / xdir, whole[1] / xdir)
        self.show("".join(pieces), start, stop, way, abs(size) * ydir)
        return tm

    def run(self, data: bytes, resources: Any, ctm: Matrix, depth: int, state: tuple | None = None) -> None:
        """Draw one content stream (a page's, or a form's) under ``ctm``; ``state``: the text state a form is
        drawn in (font, size, Tc, Tw, Tz, TL, Ts), which it inherits."""
        if depth > MAX_DEPTH:
            raise Unsupported("表单嵌套过深")
        self.work += len(data) + 1024  # a stream read costs as much as a kilobyte of content
        if self.work > WORK_LIMIT:
            raise Unverifiable(f"一页要读的内容超过 {WORK_LIMIT // 1024 // 1024} MB（表单或图案反复相互绘制）")
        operands: list[Any] = []
        arrays: list[list[Any]] = []
        stack: list[tuple] = []
        font: Font | None
        font, size, spacing, word, scaling, leading, rise = state or (None, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        tm = tlm = IDENTITY
        pos = 0
        match = _TOKEN.match
        named: dict[bytes, Font] = {}  # this stream's fonts by name, as its resources give them
        matrices: dict[bytes, Matrix] = {}  # the text matrices its runs set, by their text (most: "1 0 0 -1 0 0 ")
        while True:
            m = match(data, pos)
            if m is None:
                raise Unsupported(f"内容流第 {pos} 字节无法读取")
            pos = m.end()
            kind = m.lastgroup
            if kind == "r":  # q, cm, BT, Tf, Tm, TJ, ET, Q read at once (_RUN): only the text state moves
                if arrays:
                    raise Unsupported("数组中出现了操作符")
                font_name, size_text, tm_text, array, cm_text = m.group("rf", "rs", "rm", "ra", "rc")
                run_font = named.get(font_name)
                if run_font is None:
                    run_font = named[font_name] = self.font(resources, font_name.decode("latin-1"))
                tlm = matrices.get(tm_text) or matrices.setdefault(tm_text, _matrix(tm_text))
                items: list[Any] = []
                for literal, hexa, number in _ITEM.findall(array):
                    if literal:
                        items.append(_unescape(literal[1:-1]))
                    elif hexa:
                        hexa = _WHITE.sub(b"", hexa[1:-1])
                        items.append(bytes.fromhex((hexa + b"0" * (len(hexa) % 2)).decode()))
                    else:
                        items.append(float(number))
                tm = self.shows(items, run_font, float(size_text), spacing, word, scaling, rise, tlm,
                                _times(_matrix(cm_text), ctm))
                operands.clear()
                continue
            if kind == "v":  # q … Q drawing no text (_DRAWING)
                if arrays:
                    raise Unsupported("数组中出现了操作符")
                operands.clear()
                continue
            if kind == "k":
                if arrays:
                    raise Unsupported("数组中出现了操作符")
                if operands and isinstance(operands[-1], str) and m.group("k").startswith((b"scn", b"SCN")):
                    self.pattern(resources, operands[-1], depth)  # a pattern may paint text: its cell is read
                operands.clear()
                continue
            if kind == "n":
                (arrays[-1] if arrays else operands).extend(map(float, _WHITE_RUN.split(m.group("n"))))
                continue
            if kind == "x":  # six numbers and cm or Tm
                if arrays:
                    raise Unsupported("数组中出现了操作符")
                *numbers, op = _WHITE_RUN.split(m.group("x"))
                matrix: Matrix = tuple(map(float, numbers))  # type: ignore[assignment]
                if op == b"cm":
                    ctm = _times(matrix, ctm)
                else:
                    tm = tlm = matrix
                operands.clear()
                continue
            if kind == "f":  # a font's name, its size and Tf
                if arrays:
                    raise Unsupported("数组中出现了操作符")
                name, number, _tf = _WHITE_RUN.split(m.group("f"))
                font, size = self.font(resources, name.decode("latin-1")), float(number)
                operands.clear()
                continue
            if kind == "s":
                (arrays[-1] if arrays else operands).append(_unescape(m.group("s")))
                continue
            if kind == "p":  # a literal string with balanced parentheses in it
                end = _literal_end(data, pos)
                (arrays[-1] if arrays else operands).append(_unescape(data[pos:end]))
                pos = end + 1
                continue
            if kind == "h":
                raw = _WHITE.sub(b"", m.group("h"))
                (arrays[-1] if arrays else operands).append(bytes.fromhex((raw + b"0" * (len(raw) % 2)).decode()))
                continue
            if kind == "m":
                (arrays[-1] if arrays else operands).append(m.group("m").decode("latin-1"))
                continue
            if kind == "a":
                arrays.append([])
                continue
            if kind == "z":
                if not arrays:
                    raise Unsupported("多余的“]”")
                done = arrays.pop()
                (arrays[-1] if arrays else operands).append(done)
                continue
            if kind == "e":
                return
            if kind in ("c", "d"):  # a comment; a dictionary's brackets (marked content): its entries are operands
                continue
            op = m.group("o")
            if arrays:
                raise Unsupported("数组中出现了操作符")
            if op in _SHOWS:
                if font is None:
                    raise Unsupported("未选字体就显示文字")
                if op == b"'" or op == b'"':
                    if op == b'"':
                        word, spacing = operands[0], operands[1]
                    tlm = tm = _times((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
                items = operands[-1] if op == b"TJ" else [operands[-1]] if operands else []
                if not isinstance(items, list):
                    raise Unsupported("TJ 的操作数不是数组")
                tm = self.shows(items, font, size, spacing, word, scaling, rise, tm, ctm)
            elif op == b"Tf":
                if len(operands) < 2 or not isinstance(operands[-2], str):
                    raise Unsupported("Tf 的操作数有误")
                font, size = self.font(resources, operands[-2]), float(operands[-1])
            elif op == b"BT":
                tm = tlm = IDENTITY
            elif op == b"Tm":
                tm = tlm = tuple(_numbers(operands, 6))  # type: ignore[assignment]
            elif op in (b"Td", b"TD"):
                tx, ty = _numbers(operands, 2)
                if op == b"TD":
                    leading = -ty
                tlm = tm = _times((1.0, 0.0, 0.0, 1.0, tx, ty), tlm)
            elif op == b"T*":
                tlm = tm = _times((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
            elif op == b"cm":
                ctm = _times(tuple(_numbers(operands, 6)), ctm)  # type: ignore[arg-type]
            elif op == b"q":
                stack.append((ctm, font, size, spacing, word, scaling, leading, rise))
            elif op == b"Q":
                if stack:
                    ctm, font, size, spacing, word, scaling, leading, rise = stack.pop()
            elif op == b"Tc":
                (spacing,) = _numbers(operands, 1)
            elif op == b"Tw":
                (word,) = _numbers(operands, 1)
            elif op == b"Tz":
                (scaling,) = _numbers(operands, 1)
                scaling /= 100
            elif op == b"TL":
                (leading,) = _numbers(operands, 1)
            elif op == b"Ts":
                (rise,) = _numbers(operands, 1)
            elif op == b"Do":
                self.draw(resources, operands[-1] if operands else None, ctm, depth,
                          (font, size, spacing, word, scaling, leading, rise))
            elif op == b"BI":
                raise Unsupported("内嵌图像")
            elif op == b"gs":
                state = _get(_get(resources, "/ExtGState"), operands[-1]) if operands else None
                if state is None:
                    raise Unsupported(f"找不到图形状态 {operands[-1] if operands else ''}")
                if _get(state, "/Font") is not None:  # a font set by the graphics state: not followed here
                    raise Unsupported("图形状态中设置了字体")
            elif op in (b"BDC", b"DP"):
                self.actual_text(operands, resources)
            operands.clear()

    def pattern(self, resources: Any, name: str, depth: int) -> None:
        """A tiling pattern's cell is a content stream: its text is read once, on lines of its own."""
        patterns = _get(resources, "/Pattern")
        pattern = _get(patterns, name)
        if pattern is None:
            raise Unsupported(f"找不到图案 {name}")
        if _get(pattern, "/PatternType") != 1:  # a shading: no text
            return
        key = getattr(patterns.raw_get(name), "idnum", None) or id(pattern)
        if key in self.patterns:
            return
        self.patterns.add(key)
        inner = _get(pattern, "/Resources")
        self.apart()
        self.run(pattern.get_data(), inner if inner is not None else resources,
                 tuple(float(x) for x in _get(pattern, "/Matrix", IDENTITY)), depth + 1)  # type: ignore[arg-type]
        self.apart()

    def annotations(self, page: Any, resources: Any) -> None:
        """Each annotation's appearances (every state of /N, hidden or not: reading more is safe), on lines of their own."""
        for annotation in _get(page, "/Annots") or []:
            annotation = annotation.get_object()
            normal = _get(_get(annotation, "/AP"), "/N")
            forms = [normal] if hasattr(normal, "get_data") else \
                [v.get_object() for v in normal.values()] if hasattr(normal, "values") else []
            for form in forms:
                if not hasattr(form, "get_data"):
                    continue
                inner = _get(form, "/Resources")
                self.apart()
                self.run(form.get_data(), inner if inner is not None else resources,
                         tuple(float(x) for x in _get(form, "/Matrix", IDENTITY)), 1)  # type: ignore[arg-type]

    def draw(self, resources: Any, name: Any, ctm: Matrix, depth: int, state: tuple) -> None:
        """A named XObject: a form is read (its matrix, its resources or the page's, the text state it is drawn
        in); an image has no text."""
        objects = _get(resources, "/XObject")
        if not isinstance(name, str) or objects is None or name not in objects:
            raise Unsupported(f"找不到 XObject {name}")
        form = objects[name].get_object()
        subtype = _get(form, "/Subtype")
        if subtype == "/Image":
            return
        if subtype != "/Form":  # a PostScript XObject, or none: not a page this reader reads
            raise Unsupported(f"XObject 类型 {subtype}")
        matrix = tuple(float(x) for x in _get(form, "/Matrix", IDENTITY))
        if len(matrix) != 6:
            raise Unsupported("表单的 /Matrix 有误")
        inner = _get(form, "/Resources")
        self.run(form.get_data(), inner if inner is not None else resources, _times(matrix, ctm), depth + 1,
                 state)


_SHOWS = frozenset((b"Tj", b"TJ", b"'", b'"'))


def _numbers(operands: list[Any], count: int) -> list[float]:
    if len(operands) < count or not all(isinstance(x, float) for x in operands[-count:]):
        raise Unsupported("操作数有误")
    return operands[-count:]


def page_text(page: Any, fonts: dict[int, Font] | None = None, *, visual: bool = True) -> str:
    """The text of one pypdf page, as drawn, then (``visual``) its horizontal lines as a reader sees them, each
    from left to right; Unsupported where this reader cannot read it for certain.

    ``fonts`` (by object number) is shared between the pages of one file: a guide's pages share four."""
    reading = _Page()
    if fonts is not None:
        reading.fonts = fonts
    contents = page.get_contents()
    resources = _get(page, "/Resources")
    if contents is not None:
        reading.run(contents.get_data(), resources, IDENTITY, 0)
    reading.annotations(page, resources)
    return "".join(reading.out) + ("\n" + reading.visual() if visual else "")


def pages_text(pages: Any, fallback: Callable[[Any], str]) -> str:
    """Every page's text, as drawn; a page this reader cannot read is read by ``fallback``."""
    fonts: dict[int, Font] = {}
    out = []
    for page in pages:
        try:
            out.append(page_text(page, fonts))
        except Unverifiable:
            raise
        except Exception:  # Unsupported, or objects not as this reader expects them: read as before, not guessed
            out.append(fallback(page))
            cells = _cells(page, fonts)  # the fallback does not read pattern cells: this reader alone does
            if cells:
                out.append(cells)
    return "\n".join(out)


def _cells(page: Any, fonts: dict[int, Font]) -> str:
    """The text of every tiling pattern cell the page's resources hold (its own, its forms', its annotations'),
    each read alone; Unverifiable if one cannot be read, for no other reader reads them."""
    reading = _Page()
    reading.fonts = fonts
    seen: set[int] = set()
    todo = [_get(page, "/Resources")]
    for annotation in _get(page, "/Annots") or []:
        normal = _get(_get(annotation.get_object(), "/AP"), "/N")
        todo.extend(_get(form, "/Resources") for form in ([normal] if hasattr(normal, "get_data") else
                                                           [v.get_object() for v in normal.values()]
                                                           if hasattr(normal, "values") else []))
    try:
        while todo:
            resources = todo.pop()
            if resources is None or id(resources) in seen or len(seen) > 10_000:
                continue
            seen.add(id(resources))
            for ref in (_get(resources, "/XObject") or {}).values():
                todo.append(_get(ref.get_object(), "/Resources"))
            for name in _get(resources, "/Pattern") or {}:
                pattern = _get(_get(resources, "/Pattern"), name)
                if _get(pattern, "/PatternType") == 1:
                    reading.pattern(resources, name, 0)
                    todo.append(_get(pattern, "/Resources"))
    except Unverifiable:
        raise
    except Exception as exc:
        raise Unverifiable(f"图案中的文字无法读取（{type(exc).__name__}）") from None
    return "".join(reading.out) + "\n" + reading.visual() if reading.runs else ""
