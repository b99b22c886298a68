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
from pathlib import Path
from typing import Any

from ...cjk import last_pair_at
from ...glyphs import FONTS, Face, advances
from ...paths import THEME_DIR
from ..view import SiteView
from .compose import appendix_tables, split_appendix
from .errors import PdfError
from .fonts import require_fonts

TEMPLATE = THEME_DIR / "print" / "roster.typ"
NOTE = "本名单只列出同意公开的专家。"
# mm; 0 takes the rest of the 156 mm line (工作单位). guide.css's widths of the same columns.
WIDTHS = {"public": [9.5, 17, 17, 16, 0, 55], "intranet": [9.5, 17, 23, 16, 0, 55]}
_BLANKS = re.compile(r"\s+")
MM = 72 / 25.4
SIZE, PHONE_SIZE, HEADING_SIZE, TIER_SIZE = 9.5, 9.0, 12.0, 14.0  # pt, as roster.typ sets them
PADDING = 1.2  # mm each side of a cell's text
TYPE_WIDTH = 156  # mm: the 版心's width, across which the headings run
HEADING_WIDER = 1.15  # bold sans is wider than the serif the widths are read from
SLACK = 0.0  # pt: the advances read are a few per cent wider than Typst sets them (kerning), never narrower
# a run of characters a line may not break inside, as far as this cutting goes: all but blanks and the Chinese
# characters and kana, between any two of which it may (a run of dashes —— or of ellipses …… may not break)
_RUN = re.compile("[^\\s\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003fffd]+")


def roster_data(view: SiteView, part: list[dict], first: bool, fonts: dict[str, str],
                faces: dict[str, Face] | None = None) -> str:
    """One part of the 名单 (compose.split_appendix) as the JSON the template reads.

    Every text is one line of plain text (blanks folded as HTML folds them), split where its last two characters
    begin (cjk.last_pair_at): the template keeps those on one line, as keep_last_pair does for the guide. A run
    of letters or digits wider than its column (a long Latin name, a 序号 of five digits) is cut into pieces
    that fit, each on a line of its own (``faces``: the guide's, whose widths are measured; default: the
    installed ones): nothing stands over the next column or out of the 版心.
    """
    intranet = bool(view.intranet)
    widths = WIDTHS["intranet" if intranet else "public"]
    fit = _Fitter(faces or require_fonts())
    inner = [(w or 156 - sum(widths)) - 2 * PADDING for w in widths]  # mm inside each column
    number = 0

    def units(group: dict) -> list[dict]:
        nonlocal number
        out = []
        for unit in group["units"]:
            number += 1
            out.append({"key": f"eg-unit-{number}", "name": fit.heading(unit["name"]), "cont": fit.heading(unit["cont"]),
                        "leaders": [{"name": fit.cell(leader["leader"], inner[1]), "post": fit.cell(leader["post"], inner[2]),
                                     "phone": fit.cell(leader["phone"], inner[2], PHONE_SIZE) if intranet else None,
                                     "rows": [{"n": fit.cell(str(row["n"]), inner[0]),
                                               "expert": fit.cell(row["expert"], inner[3]),
                                               "employer": fit.cell(row["employer"], inner[4]), "term": _line(row["term"])}
                                              for row in leader["rows"]]}
                                    for chunk in unit["chunks"] for leader in chunk]})
        return out

    data: dict[str, Any] = {
        "fonts": fonts, "intranet": intranet, "first": first, "note": NOTE if first and not intranet else "",
        "widths": widths,
        "heads": ["序号", "联系领导", "职务／电话" if intranet else "职务", "联系专家", "工作单位", "联系期限"],
        "groups": [{"name": fit.heading(group["name"], TIER_SIZE) if group["name"] else None, "units": units(group)}
                   for group in part],
    }
    return json.dumps(data, ensure_ascii=False)


class _Fitter:
    """Cuts the runs of letters and digits too wide for their line into pieces that fit (widths of the serif face;
    headings, set in bold sans, are reckoned HEADING_WIDER as wide)."""

    def __init__(self, faces: dict[str, Face]) -> None:
        self.advance = advances(faces["serif"])

    def cell(self, text: Any, width_mm: float, size: float = SIZE) -> list:
        """[pieces, tail]: the pieces are set one after another with a line break between them, then the tail
        (the last two characters, kept together)."""
        line = _line(text)
        at = last_pair_at(line)
        return [self._pieces(line[:at], width_mm, size), line[at:]]

    def heading(self, text: Any, size: float = HEADING_SIZE) -> list:
        return self.cell(text, TYPE_WIDTH, size * HEADING_WIDER)

    def _pieces(self, text: str, width_mm: float, size: float) -> list[str]:
        room = width_mm * MM - SLACK  # pt
        pieces, start = [], 0
        for run in _RUN.finditer(text):
            cuts = self._cuts(run.group(), room, size)
            for cut in cuts:
                pieces.append(text[start:run.start() + cut])
                start = run.start() + cut
        pieces.append(text[start:])
        return pieces

    def _cuts(self, run: str, room: float, size: float) -> list[int]:
        """Where ``run`` is cut so that no piece is wider than ``room`` (none when it fits whole)."""
        widths = [self.advance.get(ord(c), 1.0) * size for c in run]
        if sum(widths) <= room:
            return []
        cuts, used = [], 0.0
        for index, width in enumerate(widths):
            if used and used + width > room:
                cuts.append(index)
                used = 0.0
            used += width
        return cuts


def roster_parts(view: SiteView, parts: int) -> list[str]:
    """The 名单 of ``view`` cut into about ``parts`` parts (at least one: with no pairing, the note alone), as JSON."""
    cut = split_appendix(appendix_tables(view), parts) or [[]]
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

    try:
        import typst
    except ImportError:
        raise PdfError("缺少排版软件包 typst（名单用它排版）：请运行 make setup，或 pip install -e .") from None
    try:
        pdf, warnings = typst.compile_with_warnings(
            str(TEMPLATE), root=str(TEMPLATE.parent), font_paths=font_dirs, ignore_system_fonts=True,
            sys_inputs={"data": data}, format="pdf", pdf_tags=False)
    except typst.TypstError as exc:  # its diagnostic names the template's file:line:col
        where = str(getattr(exc, "diagnostic", "") or "").strip()
        raise PdfError(f"名单排版失败（Typst）：{exc}" + (f"\n{where}" if where else "")) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a panic inside Typst is a BaseException (pyo3's PanicException)
        raise PdfError(f"名单排版失败（Typst 内部错误 {type(exc).__name__}：{exc}）") from None
    if warnings:
        raise PdfError("名单排版有警告，PDF 未生成：" + "；".join(str(w) for w in warnings[:5]))
    return pdf, len(PdfReader(io.BytesIO(pdf)).pages)


def font_dirs(faces: dict) -> list[str]:
    """The folders of the guide's faces (glyphs.Face): Typst finds the regular and bold files there."""
    return sorted({str(Path(face.path).parent) for face in faces.values()})


def _line(text: Any) -> str:
    return _BLANKS.sub(" ", str(text if text is not None else "")).strip()


