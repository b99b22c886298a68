"""The 名单's parts laid over the guide's placeholder pages, with pypdf's public API only (合并名单)."""
from __future__ import annotations

import io
from typing import cast

from .errors import PdfError

MM = 72 / 25.4
# guide.html marks the Nth placeholder page with an empty element of this id; nothing else may use the prefix.
MARKER = "placeholder-page-"


def placeholder_pages(document, count: int) -> list[int]:
    """The indexes of the ``count`` placeholder pages in the laid-out guide, found by their markers.

    Each marker is an anchor of the page it landed on (WeasyPrint's ``Page.anchors``), so the pages
    are located by the layout itself, not by the 名单's heading or section id (which content could
    also use). A marker that content repeats shows on a second page: that stops the build.
    """
    where: dict[str, list[int]] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            if name.startswith(MARKER):
                where.setdefault(name, []).append(index)
    expected = [f"{MARKER}{n}" for n in range(1, count + 1)]
    first = where.get(expected[0], [None])[0] if expected else None
    if first is None or sorted(where) != sorted(expected) \
            or any(where[name] != [first + i] for i, name in enumerate(expected)):
        raise PdfError(f"找不到附件一的 {count} 个占位页（标记 {MARKER}1…{count} 应各在一页、依次相连；"
                       f"文稿中不可使用以 {MARKER} 开头的 id），无法合并名单")
    return [first + i for i in range(count)]


def lay_over_parts(guide: bytes, pages: list[int], parts: list[bytes]) -> bytes:
    """``guide`` with the pages of ``parts``, in order, drawn on its pages ``pages``.

    Parts are typeset as right-hand pages; on a left-hand page they move 2 mm to the outer side, so
    the inner margin stays 28 mm. The parts' bookmarks (the tiers) go under the 名单's, on the pages they mark.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(guide)))
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
    if marks:
        chapter = _chapter_mark(writer, pages[0])
        for title, at in marks:
            writer.add_outline_item(title, pages[at], parent=chapter)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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
    resources = target["/Resources"]  # WeasyPrint shares one dictionary between pages: names are per page
    if "/XObject" not in resources:
        resources[NameObject("/XObject")] = DictionaryObject()
    resources["/XObject"][NameObject(name)] = form_ref

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
