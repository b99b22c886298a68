"""The 名单's pages that the guide does not lay out itself: their running header and number are drawn apart by Typst
(render/pdf/furniture.py) and put in between the first placeholder page and the last one or two (overlay.laid_out).
The guide so made must read and print as the one whose every placeholder page WeasyPrint lays out."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EPOCH, TODAY, synthetic_project
from pypdf import PdfReader

from generator.build import build_pdf
from generator.render.pdf import compose, overlay, write

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("count", range(1, 41))
def test_the_guide_lays_out_the_first_and_last_pages_and_an_even_number_are_drawn_apart(count):
    laid = overlay.laid_out(count)
    assert laid[0] == 1 and laid[-1] == count and len(laid) <= 3
    assert laid[1:] == list(range(laid[1], count + 1)) if len(laid) > 1 else laid == [1]
    assert (count - len(laid)) % 2 == 0  # every page after the 名单 keeps its side
    assert len(laid) == count or count > 3


def _guide(root: Path, out: Path, since: Path | None) -> Path:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        return build_pdf(root, out=out, today=TODAY, since=str(since) if since else None).path
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


# 700 experts: a 名单 of 5 pages (two drawn apart, two laid out after them); 1,200: 8 pages (six, one), with a
# 本版变化 chapter first (the page numbered 1 is its page).
@pytest.fixture(scope="module", params=[(700, False), (1200, True)], ids=["odd, no changes", "even, with changes"])
def pair(request, tmp_path_factory):
    """The guide of a synthetic project made as it is, and made with every placeholder page laid out by WeasyPrint
    (the way before: laid_out gives them all). In this process: the 名单 is one part."""
    experts, changes = request.param
    base = tmp_path_factory.mktemp(f"roster-pages-{experts}")
    root = synthetic_project(base / "project", experts, lambda n: f"合成单位{n}")
    since = None
    if changes:
        since = base / "previous"
        shutil.copytree(root, since)
        experts_file = since / "data" / "experts" / "emp-0.yaml"
        experts_file.write_text(experts_file.read_text(encoding="utf-8").replace("name: ", "name: 旧", 3),
                                encoding="utf-8")
    old_min = write.PARALLEL_MIN
    write.PARALLEL_MIN = 10**9
    try:
        made = _guide(root, base / "made.pdf", since)
        every = list(range(1, 10**6))
        patch = pytest.MonkeyPatch()
        patch.setattr(overlay, "laid_out", lambda count: every[:count])
        patch.setattr(compose, "laid_out", lambda count: every[:count])
        try:
            whole = _guide(root, base / "whole.pdf", since)
        finally:
            patch.undo()
    finally:
        write.PARALLEL_MIN = old_min
    return made, whole, changes


def _pages(pdf: Path) -> list[str]:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")[:-1]


def _roster_pages(pages: list[str]) -> list[int]:
    return [i for i, page in enumerate(pages) if page.strip() and
            re.sub(r"\s", "", page.strip().splitlines()[0]) == re.sub(r"\s", "", compose.ROSTER_TITLE)]


def test_the_pages_drawn_apart_read_as_those_laid_out(pair):
    made, whole, changes = pair
    pages = _pages(made)
    assert pages == _pages(whole)
    roster = _roster_pages(pages)
    drawn = len(roster) - len(overlay.laid_out(len(roster)))
    assert drawn >= 2 and roster == list(range(roster[0], roster[0] + len(roster)))
    assert ("本版变化" in pages[2].splitlines()[0]) == changes  # the first chapter: its page is numbered 1
    _numbered_one_by_one(pages)


def _numbered_one_by_one(pages: list[str]) -> None:
    """Every page from the first chapter on carries its number, one more than the page before."""
    numbers = [re.fullmatch(r"\s*—\s*(\d+)\s*—\s*", [line for line in page.splitlines() if line.strip()][-1])
               for page in pages[2:]]
    assert all(numbers), [p.splitlines()[-1] for p, n in zip(pages[2:], numbers) if not n]
    assert [int(n[1]) for n in numbers] == list(range(1, len(pages) - 1))


@pytest.mark.parametrize("hostile", [
    '<p class="placeholder-page after-furnished">甲</p>',  # the page that takes the numbers of those drawn apart
    '<div class="chapter first">乙</div>',  # the chapter where numbering starts
    '丙\n{: .chapter .first .placeholder-page .after-furnished }',
    '<p id="page-one">丁</p>\n\n<p id="placeholder-page-3">戊</p>',
], ids=["skip class", "start class", "attribute list", "ids"])
def test_content_cannot_move_the_page_numbers(tmp_path, hostile):
    """Content takes the template's classes and ids: the pages are numbered one by one all the same, those drawn apart
    too (the numbering is keyed to ids content cannot take: its ids are under c-)."""
    root = synthetic_project(tmp_path / "project", 700, lambda n: f"合成单位{n}")
    letter = root / "content" / "_print" / "letter.md"  # in the first chapter, and in the next (制度简介)
    letter.parent.mkdir(parents=True, exist_ok=True)
    letter.write_text(f"尊敬的专家：\n\n{hostile}\n\n此致\n", encoding="utf-8")
    intro = root / "content" / "index.md"
    intro.write_text((intro.read_text(encoding="utf-8") if intro.exists() else "# 制度简介\n\n本制度……\n")
                     + f"\n\n{hostile}\n", encoding="utf-8")
    old_min = write.PARALLEL_MIN
    write.PARALLEL_MIN = 10**9
    try:
        pages = _pages(_guide(root, tmp_path / "guide.pdf", None))
    finally:
        write.PARALLEL_MIN = old_min
    assert any(mark in "".join(pages) for mark in "甲乙丙丁")
    assert len(_roster_pages(pages)) - len(overlay.laid_out(len(_roster_pages(pages)))) >= 2
    _numbered_one_by_one(pages)


def _furniture(pdf: Path) -> list[list[tuple[str, float, float, float]]]:
    """Each page's running header and number: text, x, y of its baseline (pt), size."""
    found = []
    for page in PdfReader(pdf).pages:
        shown: list[tuple[str, float, float, float]] = []

        def visit(text, cm, tm, font, size, shown=shown):
            if text.strip() and (text.strip() == compose.ROSTER_TITLE or re.fullmatch(r"— \d+ —", text.strip())):
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                shown.append((text.strip(), x, y, round(size * abs(cm[3] or 1), 2)))
        page.extract_text(visitor_text=visit)
        found.append(shown)
    return found


def test_header_and_number_stand_where_the_guide_sets_them(pair):
    """On each page, the running header and the number are where WeasyPrint sets them, within 0.02 pt:
    the same texts at the same places in both guides (the number's place depends on its width, on the right)."""
    made, whole, _changes = pair
    ours, theirs = _furniture(made), _furniture(whole)
    roster = _roster_pages(_pages(made))
    assert len(ours) == len(theirs)
    for index in roster:
        assert len(ours[index]) == 2 or index == roster[0], (index, ours[index])  # the first: the heading too
    for index, (mine, guide) in enumerate(zip(ours, theirs)):
        assert [(t, s) for t, _x, _y, s in mine] == [(t, s) for t, _x, _y, s in guide], index
        assert all(abs(a[1] - b[1]) < 0.02 and abs(a[2] - b[2]) < 0.02 for a, b in zip(mine, guide)), (index, mine, guide)


def test_the_pages_print_the_same_but_for_the_rules_antialiasing(pair, tmp_path):
    """Rasterised, every page is the same in both guides, but for the 0.4 pt rule under the running header on the pages
    drawn apart (poppler shades a hairline filled by Typst and one clipped by WeasyPrint differently across its
    pixel rows): it stands in the same rows, as wide."""
    from PIL import Image, ImageChops

    made, whole, _changes = pair
    for pdf, name in ((made, "a"), (whole, "b")):
        (tmp_path / name).mkdir()
        subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", str(pdf), str(tmp_path / name / "p")], check=True)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    drawn = _roster_pages(_pages(made))[1:-1]
    rule = (int(87.474 / 72 * 100), int(87.874 / 72 * 100) + 1)  # guide.css: 37 mm - 6 mm, .4 pt; at 100 dpi
    differing = []
    for index, name in enumerate(names):
        a, b = (Image.open(tmp_path / folder / name).convert("L") for folder in "ab")
        box = ImageChops.difference(a, b).getbbox()
        if box is None:
            continue
        differing.append(index)
        _left, top, _right, bottom = box
        assert rule[0] <= top and bottom <= rule[1] + 1, (name, box)
        spans = []
        for img in (a, b):
            ink = [x for y in range(top, bottom) for x in range(img.width) if img.getpixel((x, y)) < 250]
            spans.append((min(ink), max(ink)))
        assert abs(spans[0][0] - spans[1][0]) <= 1 and abs(spans[0][1] - spans[1][1]) <= 1, (name, spans)
        assert spans[0][1] - spans[0][0] >= 600, (name, "the rule spans the type area: 156 mm")
    assert set(differing) <= set(drawn) and differing
