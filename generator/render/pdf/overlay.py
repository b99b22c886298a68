"""The 名单's parts laid over the guide's placeholder pages, with pypdf's public API only (合并名单)."""
from __future__ import annotations

import io
import re
from typing import cast

from .errors import PdfError

MM = 72 / 25.4
# guide.html marks the Nth placeholder page with an empty element of this id; nothing else may use the prefix.
MARKER = "placeholder-page-"


# The first chapter's heading (guide.html): on the page numbered 1, where guide.css starts the numbering.
PAGE_ONE = "page-one"


def laid_out(count: int) -> list[int]:
    """Which of ``count`` placeholder pages the guide lays out itself (their numbers N, of the markers): the first,
    under the chapter heading, and the last one or two. The pages between, an even number of them, are drawn apart
    (furniture.py) and put in after the first: every page after the 名单 keeps its side (left or right), and the
    guide lays out three pages instead of thousands (2,530 at 200,000 experts: 59 s, 20 ms a page)."""
    if count <= 3:
        return list(range(1, count + 1))
    tail = 2 if count % 2 else 1
    return [1, *range(count - tail + 1, count + 1)]


def placeholder_pages(document, count: int) -> list[int]:
    """The indexes of the laid-out placeholder pages (laid_out(count)) in the laid-out guide, found by their markers.

    Each marker is an anchor of the page it landed on (WeasyPrint's ``Page.anchors``), so the pages
    are located by the layout itself, not by the 名单's heading or section id (which content could
    also use). A marker that content repeats shows on a second page: that stops the build.
    """
    where: dict[str, list[int]] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            if name.startswith(MARKER):
                where.setdefault(name, []).append(index)
    expected = [f"{MARKER}{n}" for n in laid_out(count)]
    first = where.get(expected[0], [None])[0] if expected else None
    if first is None or sorted(where) != sorted(expected) \
            or any(where[name] != [first + i] for i, name in enumerate(expected)):
        raise PdfError(f"找不到附件一的 {count} 个占位页（标记 {MARKER}1…{count} 应各在一页、依次相连；"
                       f"文稿中不可使用以 {MARKER} 开头的 id），无法合并名单")
    return [first + i for i in range(len(expected))]


def page_number(document, index: int) -> int:
    """The number printed on the page ``index`` of the laid-out guide, before any page is drawn apart: counted from
    the page of the first chapter's heading (PAGE_ONE), numbered 1 (guide.css)."""
    one = [at for at, page in enumerate(document.pages) if PAGE_ONE in page.anchors]
    if len(one) != 1 or one[0] > index:
        raise PdfError(f"找不到页码 1 所在的页（标记 {PAGE_ONE}），无法给名单的页编号")
    return index - one[0] + 1


def lay_over_parts(guide: bytes, laid: list[int], parts: list[bytes], furniture: bytes | None = None) -> bytes:
    """``guide`` with the pages of ``parts``, in order, drawn on its placeholder pages: those it laid out (``laid``,
    its indexes: placeholder_pages) and, put in after the first of them, the pages of ``furniture`` (furniture.py:
    the running header and page number of those it did not lay out).

    Parts are typeset as right-hand pages; on a left-hand page they move 2 mm to the outer side, so
    the inner margin stays 28 mm. The parts' bookmarks (the tiers) go under the 名单's, on the pages they mark.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(guide)))
    drawn = PdfReader(io.BytesIO(furniture)).pages if furniture is not None else []
    for apart in reversed(drawn):  # each put in at the same place: pypdf finds it by walking the pages before it
        writer.insert_page(apart, laid[0] + 1)
    pages = list(range(laid[0], laid[0] + len(laid) + len(drawn)))
    part_pages: list = []
    marks: list[tuple[str, int]] = []  # the parts' bookmarks (the tiers: 局领导 …): title, index among part_pages
    for data in parts:
        reader = PdfReader(io.BytesIO(data))
        for item in reader.outline:  # the tiers: top-level bookmarks (a list would hold children; there are none)
            if isinstance(item, list):
                continue
            page = reader.get_destination_page_number(item)
            if page is not None:
                marks.append((str(item.title), len(part_pages) + page))
        part_pages += reader.pages
    if len(part_pages) != len(pages):
        raise PdfError(f"名单排出 {len(part_pages)} 页，占位页却有 {len(pages)} 页，无法合并名单")
    for index, page in zip(pages, part_pages):
        shift = 0 if index % 2 == 0 else -2 * MM  # even index = odd page number = right-hand page
        _lay_over(writer, writer.pages[index], page, shift, f"/EGPart{index}")
    _drop_markers(writer)
    _drop_cmaps(writer)
    if marks:
        chapter = _chapter_mark(writer, pages[0])
        for title, at in marks:
            writer.add_outline_item(title, pages[at], parent=chapter)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_SET_FONT = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+[-+]?[\d.]+\s+Tf")


def _fonts_set(page) -> set[str] | None:
    """The names of the fonts ``page``'s content sets (Tf), or None when that cannot be told for certain (a Tf
    this does not read, such as one inside a string)."""
    contents = page.get_contents()
    data = contents.get_data() if contents is not None else b""
    found = _SET_FONT.findall(data)
    if len(found) != data.count(b"Tf"):
        return None
    return {"/" + name.decode("latin-1") for name in found}


def _drop_markers(writer) -> None:
    """The placeholder pages' markers (and PAGE_ONE) taken out of the named destinations: they only served to find
    the pages.

    WeasyPrint writes every id as a destination in the catalog itself, and the catalog is read again for every page
    (poppler's pdftotext); with 2,530 markers it was 180 KB, and a fifth of pdftotext's time at 200,000 experts."""
    from pypdf.generic import ArrayObject, NameObject

    names = writer.root_object.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    flat = dests.get("/Names") if dests is not None else None
    if dests is None or flat is None:  # none, or a tree of /Kids (WeasyPrint writes one flat array)
        return
    kept = ArrayObject()
    for at in range(0, len(flat) - 1, 2):
        if not str(flat[at]).startswith(MARKER) and str(flat[at]) != PAGE_ONE:
            kept.extend(list.__getitem__(flat, slice(at, at + 2)))  # as written: references stay references
    dests[NameObject("/Names")] = kept


def _drop_cmaps(writer) -> None:
    """The guide's embedded OpenType fonts (WeasyPrint's) without their cmap table: every other table as it was.

    A CID font is drawn by its glyph ids (Identity-H) and its text is read through /ToUnicode: a reader has no use for
    the font's own character map. poppler builds one from it for every page that names the font (the running header
    and the page number name two on each of the 2,530 pages of a 200,000-expert guide): pdftotext took 9.5 ms a page
    with it, 3.7 without. A font that cannot be read is left as it is."""
    from fontTools.ttLib import TTFont

    for stream in _font_programs(writer):
        if stream.get("/Subtype") != "/OpenType":
            continue
        try:
            face = TTFont(io.BytesIO(stream.get_data()), lazy=True)
            if "cmap" not in face:
                continue
            del face["cmap"]
            out = io.BytesIO()
            face.save(out)
        except Exception:  # noqa: BLE001 - a font fontTools cannot read is kept as WeasyPrint wrote it
            continue
        stream.set_data(out.getvalue())


def _font_programs(writer):
    """Each embedded font program (/FontFile3) of the fonts the pages name, once."""
    seen: set[int] = set()
    for page in writer.pages:
        fonts = page["/Resources"].get("/Font") if "/Resources" in page else None
        for font in (fonts or {}).values():
            for descendant in font.get_object().get("/DescendantFonts") or ():
                descriptor = descendant.get_object().get("/FontDescriptor")
                program = descriptor.get_object().get("/FontFile3") if descriptor is not None else None
                if program is not None and id(program.get_object()) not in seen:
                    seen.add(id(program.get_object()))
                    yield program.get_object()


def _chapter_mark(writer, first: int):
    """The guide's bookmark of the 名单's chapter, made anew where it was so that it can hold others (pypdf adds
    children only to the bookmarks it made); None (the top level) if there is none. It is found by place, not by
    title: the top-level bookmark whose destination is the chapter's first page, where its heading stands."""
    from pypdf.generic import Fit

    root = writer.get_outline_root()
    target = writer.pages[first].indirect_reference
    for item in root.children():
        destination = item.get("/Dest")
        if destination is None or destination[0] != target:
            continue
        where = [None if value is None or str(value) == "null" else float(value) for value in destination[2:5]]
        following = item.get("/Next")
        title = str(item["/Title"])
        root.remove_child(item)
        return writer.add_outline_item(title, first, before=following, fit=Fit.xyz(*where))
    return None


def _lay_over(writer, target, page, shift: float, name: str) -> None:
    """Draw ``page`` on ``target`` as a form XObject: its compressed content is reused, never parsed.

    The part's content stream is cloned into the guide as it is (``IndirectObject.clone``) and made a
    form by adding the form's keys; the new content streams are registered by ``replace_contents``.
    """
    from pypdf import Transformation
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject,
                               StreamObject)

    contents = page.raw_get("/Contents")
    if not (isinstance(contents, IndirectObject) and isinstance(contents.get_object(), StreamObject)):
        # WeasyPrint writes one stream per page; anything else is merged the slow way, parsing it
        target.merge_transformed_page(page, Transformation().translate(shift, 0))
        return
    form_ref = contents.clone(writer)
    form = cast(StreamObject, form_ref.get_object())
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(page.mediabox)
    form[NameObject("/Resources")] = page.raw_get("/Resources").clone(writer)
    # WeasyPrint shares one resource dictionary between pages: each page gets its own, naming its own form beside what
    # the shared one holds (the same objects). Added to the shared one, all 2,530 forms of a 200,000-expert guide were
    # every page's (pdftotext held 330 MB for them). Its fonts are only those its own content sets (the placeholder's
    # header and page number: two of the guide's four): a reader loads every font a page names, and pdftotext reads
    # each embedded font file (0.7–0.9 MB) to tell its type. Where the page draws anything else, or its fonts cannot
    # be told for certain, it names them all.
    shared = target["/Resources"]
    own = DictionaryObject({NameObject(key): shared.raw_get(key) for key in shared if key != "/XObject"})
    xobjects, fonts = shared.get("/XObject"), shared.get("/Font")
    used = _fonts_set(target) if not xobjects and fonts is not None else None
    if used is not None and used <= set(fonts):
        own[NameObject("/Font")] = DictionaryObject({NameObject(key): fonts.raw_get(key) for key in fonts if key in used})
    drawn = DictionaryObject({NameObject(key): xobjects.raw_get(key) for key in xobjects} if xobjects is not None else {})
    drawn[NameObject(name)] = form_ref
    own[NameObject("/XObject")] = drawn
    target[NameObject("/Resources")] = own

    def stream(operators: str) -> DecodedStreamObject:
        obj = DecodedStreamObject()
        obj.set_data(operators.encode())
        return obj

    # WeasyPrint's content begins with a y-flip it never restores: wrap it in q … Q before drawing.
    existing = target["/Contents"]
    streams = list(existing) if isinstance(existing, ArrayObject) else [existing]
    # Without /Contents, replace_contents adds the new array and its new streams to the writer, keeping
    # the old streams it holds (with /Contents present it would write over them).
    del target[NameObject("/Contents")]
    target.replace_contents(ArrayObject([stream("q"), *(s.get_object() for s in streams),
                                         stream(f"Q q 1 0 0 1 {shift:.4f} 0 cm {name} Do Q")]))
