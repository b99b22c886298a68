"""附件一 领导联系专家名单 in print: each part typeset by Typst from data, its pages laid over the guide's (名单排版).

WeasyPrint lays out a table row in about 5 ms: a national 名单 of 50,000 pairings took four minutes of CPU per
guide. Typst sets the same rows in about a tenth of that, with its own CJK line breaking, in the same fonts and
on the same 版心; the rest of the guide stays WeasyPrint's, and the parts' pages are laid over its placeholder
pages (overlay.py) as before.

A part is handed to Typst as JSON in ``sys.inputs``: the template (theme/print/roster.typ) shows its strings
as text, so no value from data is read as markup or code, and Typst is given no file but the template's folder
and the fonts: it cannot read the project, the data or the network.
"""
from __future__ import annotations

import io
import json
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...cjk import last_pair_at
from ...glyphs import FONTS, Face, advances, font_face
from ...paths import THEME_DIR
from .errors import PdfError
from .fonts import require_fonts

if TYPE_CHECKING:
    from ..view import SiteView

TEMPLATE = THEME_DIR / "print" / "roster.typ"
NOTE = "本名单只列出同意公开的专家。"
# mm; 0 takes the rest of the 156 mm line (工作单位). guide.css's widths of the same columns.
WIDTHS = {"public": [9.5, 17, 17, 16, 0, 55], "intranet": [9.5, 17, 23, 16, 0, 55]}
_BLANKS = re.compile("[ \t\n\r\f]+")  # what HTML folds: not the no-break spaces, not U+3000
MM = 72 / 25.4
SIZE, PHONE_SIZE, HEADING_SIZE, TIER_SIZE = 9.5, 9.0, 12.0, 14.0  # pt, as roster.typ sets them
PADDING = 1.2  # mm each side of a cell's text
TYPE_WIDTH = 156  # mm: the 版心's width, across which the headings run
TALL = 150  # mm: a row estimated taller than this may break across pages (a page holds about 200 mm of rows)
# A run of characters a line may not break inside, as far as fitting goes (`_spans` widens it by the characters
# glued to it): all but blanks and the Chinese characters, between any two of which a line may break (kana are
# in: a line cannot break before ー, ・, ゝ or small kana; nor inside a row of dashes —— or ellipses ……). A
# hyphen before a letter ends a run (a line may break after it: Montgomery-/Wellington); before a digit it does
# not (023-67730102 stays whole). Glue characters (the no-break spaces, U+2011 the non-breaking hyphen …) hold
# the characters beside them in the run, Chinese ones too.
_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003fffd"
_GLUE = "\u00a0\u2007\u202f\u2011\u0f08\u0f0c\u0f12\u035c-\u0362"  # the no-break spaces and hyphen …
_BREAKING_BLANKS = " \t\n\r\f\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000"  # a line may break at these
_RUN = re.compile(f"(?:[^{_BREAKING_BLANKS}\\-{_IDEOGRAPHS}{_GLUE}]|-(?=\\d)|[{_GLUE}]|[{_IDEOGRAPHS}](?=[{_GLUE}])"
                  f"|(?<=[{_GLUE}])[{_IDEOGRAPHS}])+-?|-")
FIT = 0.98  # a piece set smaller is set to this share of its column: Typst's widths differ from the advances a little
HEADING_MAX = 40  # mm: a unit's name stands in the header repeated on every page of its table (about 150 characters)


class NameTooLong(PdfError):
    """A unit's name too long for the header repeated on each page of its table (write_pdf says where it is)."""

    def __init__(self, name: str, where: str = "data/units.yaml") -> None:
        self.name = name
        super().__init__(f"{where}：单位名称“{name[:24]}…”太长（{len(name)} 个字符），印刷名单时每页重复的表头放不下；"
                         "请缩短该单位的名称")


def roster_data(view: SiteView, part: list[dict], first: bool, fonts: dict[str, str],
                faces: dict[str, Face] | None = None) -> str:
    """One part of the 名单 (compose.split_appendix) as the JSON the template reads.

    Every text is one line of plain text (blanks folded as HTML folds them) in pieces (_Fitter): a run that
    cannot break and is wider than its column (a long Latin name, a five-digit 序号, a phone with an extension)
    is set smaller until it fits, never cut: nothing stands over the next column or out of the 版心, and a
    number or a name stays whole on one line, where the audit reads it. Its last two characters are kept on one
    line (cjk.last_pair_at), as keep_last_pair does in the rest of the guide. ``faces``: the guide's (default:
    the installed ones), whose advance widths are read.
    """
    intranet = bool(view.intranet)
    widths = WIDTHS["intranet" if intranet else "public"]
    fit = _Fitter(faces or require_fonts())
    inner = [(w or TYPE_WIDTH - sum(widths)) - 2 * PADDING for w in widths]  # mm inside each column
    number = 0

    def row(tall: float, pairing: dict) -> dict:
        cells = {"n": fit.cell(str(pairing["n"]), inner[0]), "expert": fit.cell(pairing["expert"], inner[3]),
                 "employer": fit.cell(pairing["employer"], inner[4])}
        tall = max(tall, *(fit.height(cell) for cell in cells.values()))
        return {**{k: fit.piece(c) for k, c in cells.items()}, "term": _line(pairing["term"]), "breakable": tall > TALL}

    def units(group: dict) -> list[dict]:
        nonlocal number
        out = []
        for unit in group["units"]:
            number += 1
            leaders = []
            for chunk in unit["chunks"]:
                for leader in chunk:
                    cells = {"name": fit.cell(leader["leader"], inner[1]), "post": fit.cell(leader["post"], inner[2])}
                    if intranet:  # a phone never wraps: 023-67730101转8001, +86 23 6773 0102 stand whole
                        cells["phone"] = fit.whole(leader["phone"], inner[2], PHONE_SIZE)
                    tall = fit.height(cells["post"]) + (fit.height(cells["phone"]) if intranet else 0)
                    tall = max(tall, fit.height(cells["name"]))
                    shown = {k: fit.piece(c) for k, c in cells.items()}
                    leaders.append({"phone": None, **shown, "rows": [row(tall, p) for p in leader["rows"]]})
            name, cont = fit.heading(unit["name"]), fit.heading(unit["cont"])
            if fit.height(cont) > HEADING_MAX:  # a header taller than a page cannot be set: the rows would be lost
                raise NameTooLong(name["text"])
            out.append({"key": f"eg-unit-{number}", "name": fit.piece(name), "cont": fit.piece(cont),
                        "leaders": leaders})
        return out

    data: dict[str, Any] = {
        "fonts": fonts, "intranet": intranet, "first": first, "note": NOTE if first and not intranet else "",
        "widths": widths,
        "heads": ["序号", "联系领导", "职务／电话" if intranet else "职务", "联系专家", "工作单位", "联系期限"],
        "groups": [{"name": fit.piece(fit.heading(group["name"], TIER_SIZE)) if group["name"] else None,
                    "units": units(group)} for group in part],
    }
    return json.dumps(data, ensure_ascii=False)


class _Fitter:
    """Lays a cell's text out as roster.typ sets it: pieces of text, each at its own size, then the tail.

    A piece is ``[text, size]``: size is null for the cell's own size, or the smaller size (pt) that a run too
    wide for the column is set in so that it fits. Widths are the faces' advances (a few per cent wider than
    Typst sets them, with its kerning: never narrower); headings are measured in bold sans.
    """

    def __init__(self, faces: dict[str, Face]) -> None:
        self.advance = advances(faces["serif"])
        bold = font_face(FONTS["sans"], bold=True) or faces["sans"]  # regular where no bold is installed, as Typst
        self.bold = advances(bold)

    def cell(self, text: Any, width_mm: float, size: float = SIZE, bold: bool = False) -> dict:
        """``{"pieces": [[text, size | None] …], "tail": text, …}`` (``piece`` gives what the template reads).

        A span that no line may break inside (a run and the characters glued to it) and that is wider than the
        column is one piece, set smaller to fit. The tail is the last two characters, kept together unless they
        begin inside such a span (the box would let a line break in the middle of a word or a number) or alone
        are wider than the column."""
        line = _line(text)
        room = width_mm * MM
        advance = self.bold if bold else self.advance
        spans = _spans(line)
        at = last_pair_at(line)
        if at < len(line) and (any(s < at < e for s, e in spans) or self._width(line[at:], size, advance) > room):
            at = len(line)
        pieces: list[list[Any]] = []
        start = 0
        for s, e in spans:
            if e > at:  # the tail, kept whole, begins at a span's edge
                break
            wide = self._width(line[s:e], size, advance)
            if wide > room:
                pieces += [[line[start:s], None], [line[s:e], round(size * room * FIT / wide, 2)]]
                start = e
        pieces.append([line[start:at], None])
        return {"pieces": [p for p in pieces if p[0]], "tail": line[at:], "size": size, "width": width_mm,
                "text": line, "spans": spans, "bold": bold}

    def whole(self, text: Any, width_mm: float, size: float) -> dict:
        """A text that never wraps, as one piece: at its size, or smaller to fit the column."""
        line = _line(text)
        wide = self._width(line, size, self.advance)
        fitted = round(size * min(1.0, width_mm * MM * FIT / wide), 2) if wide else size
        return {"pieces": [[line, fitted]] if line else [], "tail": "", "size": size, "width": width_mm, "text": line,
                "spans": [(0, len(line))], "bold": False}

    @staticmethod
    def piece(cell: dict) -> list:
        """What the template reads of a cell: ``[pieces, tail]``."""
        return [cell["pieces"], cell["tail"]]

    def heading(self, text: Any, size: float = HEADING_SIZE) -> dict:
        return self.cell(text, TYPE_WIDTH, size, bold=True)

    def height(self, cell: dict) -> float:
        """About how tall (mm) the cell's text stands: its lines at 1.5 times its size, and the padding. A short
        text is taken as one em a character (quick: it cannot be near a page's height, even in the widest
        symbols, 2.5 em); a long one is laid into lines as a line breaker would, and a tenth added."""
        room = cell["width"] * MM
        text, size = cell["text"], cell["size"]
        if len(text) <= 40:
            lines = 1 + int(len(text) * size / room * 1.15)
        else:
            lines = int(self._lines(cell, room) * 1.1) + 1
        return lines * 1.5 * size / MM + 2

    def _lines(self, cell: dict, room: float) -> int:
        """The lines a greedy breaker fills: spans whole (one that is wider than the column is set to fit it),
        blanks and Chinese characters as the places between which a line may break."""
        text, size = cell["text"], cell["size"]
        advance = self.bold if cell["bold"] else self.advance
        lines, used, at = 1, 0.0, 0
        units: list[float] = []
        for s, e in cell["spans"]:
            units += [self._width(c, size, advance) for c in text[at:s]]
            units.append(min(self._width(text[s:e], size, advance), room))
            at = e
        units += [self._width(c, size, advance) for c in text[at:]]
        for width in units:
            if used + width > room and used:
                lines, used = lines + 1, 0.0
            used += width
        return lines

    @staticmethod
    def _width(text: str, size: float, advance: dict[int, float]) -> float:
        return sum(advance.get(ord(c), 1.0) for c in text) * size


def roster_parts(view: SiteView, parts: int, appendix: list[dict] | None = None) -> list[str]:
    """The 名单 of ``view`` (``appendix``: its compose.appendix_tables, if made already) cut into about ``parts``
    parts (at least one: with no pairing, the note alone), as JSON."""
    from .compose import appendix_tables, split_appendix  # here: a worker that typesets a part needs neither

    cut = split_appendix(appendix if appendix is not None else appendix_tables(view), parts) or [[]]
    faces = require_fonts()
    return [roster_data(view, part, i == 0, dict(FONTS), faces) for i, part in enumerate(cut)]


def printed_strings(data: str) -> list[str]:
    """Every string of a part's JSON that is printed (for the glyph check): all but the font names and keys."""
    found: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, str) and key not in ("key",):
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, dict):
            for name, item in value.items():
                if name != "fonts":
                    walk(item, name)
    walk(json.loads(data))
    return found


def typeset_roster(data: str, font_dirs: list[str]) -> tuple[bytes, int]:
    """One part as a PDF of its own (pages without header or number) and its page count.

    A warning of Typst's (a font it cannot find, a glyph it lacks) stops the build: the guide would print it wrong.
    """
    from pypdf import PdfReader

    pdf = typeset(TEMPLATE, data, font_dirs, "名单")
    return pdf, len(PdfReader(io.BytesIO(pdf)).pages)


def typeset(template: Path, data: str, font_dirs: list[str], what: str) -> bytes:
    """``template`` (theme/print/) typeset by Typst with ``data`` (sys.inputs.data), as PDF; ``what`` it is, for the
    messages. Its failure or a warning (a font it cannot find, a glyph it lacks) is a PdfError."""
    try:
        import typst
    except ImportError:
        raise PdfError(f"缺少排版软件包 typst（{what}用它排版）：请运行 make setup，或 pip install -e .") from None
    try:
        pdf, warnings = typst.compile_with_warnings(
            str(template), root=str(template.parent), font_paths=font_dirs, ignore_system_fonts=True,
            sys_inputs={"data": data}, format="pdf", pdf_tags=False)
    except typst.TypstError as exc:  # its diagnostic names the template's file:line:col
        where = str(getattr(exc, "diagnostic", "") or "").strip()
        raise PdfError(f"{what}排版失败（Typst）：{exc}" + (f"\n{where}" if where else "")) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a panic inside Typst is a BaseException (pyo3's PanicException)
        raise PdfError(f"{what}排版失败（Typst 内部错误 {type(exc).__name__}：{exc}）") from None
    if warnings:
        raise PdfError(f"{what}排版有警告，PDF 未生成：" + "；".join(str(w) for w in warnings[:5]))
    return pdf


def font_dirs(faces: dict) -> list[str]:
    """The folders of the guide's faces (glyphs.Face): Typst finds the regular and bold files there."""
    return sorted({str(Path(face.path).parent) for face in faces.values()})


def _spans(line: str) -> list[tuple[int, int]]:
    """Where no line may break in ``line``: each run (_RUN) with the characters glued to it (the one before a run
    that begins with closing punctuation or a dash, ，。）、！-; the one after a run that ends with opening
    punctuation, （“); runs that overlap once so widened are one span (runs that only touch may break apart)."""
    spans: list[tuple[int, int]] = []
    for run in _RUN.finditer(line):
        s, e = run.start(), run.end()
        if s > 0 and not line[s - 1].isspace() and unicodedata.category(line[s])[:2] in ("Pe", "Po", "Pf", "Pd"):
            s -= 1
        if e < len(line) and not line[e].isspace() and unicodedata.category(line[e - 1])[:2] in ("Ps", "Pi"):
            e += 1
        if spans and s < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(e, spans[-1][1]))
        else:
            spans.append((s, e))
    return spans


def _line(text: Any) -> str:
    return _BLANKS.sub(" ", str(text if text is not None else "")).strip(" ")


