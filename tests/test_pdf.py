"""The printed guide, read back from the real PDF with poppler and pypdf."""
from __future__ import annotations

import html as html_lib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, TODAY
from pypdf import PdfReader

from generator import check
from generator.build import BuildError, build_pdf
from generator.render.pdf import PdfError, fonts, guide_html, parallel, print_html, write
from generator.render.view import build_view

pytestmark = pytest.mark.slow
CHAPTERS = ["致专家的信", "制度简介", "联系和服务对象", "联系方式", "服务事项", "服务机构名录", "意见反馈与办理时限", "政策文件",
            "附件一　领导联系专家名单", "附件二　各级领导联系专家情况登记表"]
EPOCH = "1795305600"  # 2026-11-22
needs_two_cores = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the 名单 is typeset in parts only on 2+ cores")


def _build(root: Path, out: Path, profile: str = "public", progress=None) -> Path:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        return build_pdf(root, profile=profile, out=out, today=TODAY, progress=progress).path
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(first), "-l", str(last)] if first else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def sample():
    return check(ROOT, today=TODAY).project


@pytest.fixture(scope="module")
def public_pdf(sample_public):
    """The guide typeset as one document (the sample has fewer pairings than PARALLEL_MIN), from the shared build."""
    return sample_public / "downloads" / "guide.pdf"


@pytest.fixture(scope="module")
def intranet_pdf(sample_intranet):
    return sample_intranet / "downloads" / "guide.pdf"


@pytest.fixture(scope="module")
def parallel_pdf(tmp_path_factory):
    """The same guide with its 名单 typeset in parts by worker processes and laid over the placeholder pages."""
    old = write.PARALLEL_MIN
    write.PARALLEL_MIN = 1
    try:
        return _build(ROOT, tmp_path_factory.mktemp("pdf-parts") / "guide.pdf")
    finally:
        write.PARALLEL_MIN = old


@pytest.fixture(params=["one document", "parallel parts"])
def guide(request):
    """Tests of what the guide says run on both paths."""
    return request.getfixturevalue("public_pdf" if request.param == "one document" else "parallel_pdf")


def test_every_chapter_institution_phone_and_rare_name_are_in_the_text(guide, sample):
    body = text(guide)
    for title in CHAPTERS:
        assert _squash(title) in _squash(body), title
    institution = sample.institutions[0]
    assert institution.phone in body and institution.name in body
    rare = [e.name for e in sample.experts if e.publishable and re.search("[堃喆珺赟镕]", e.name)]
    assert rare and any(name in body for name in rare)
    assert "周镕基" in body


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


def test_toc_page_numbers_are_the_pages_where_chapters_start(guide):
    pages = [text(guide, i + 1, i + 1) for i in range(len(PdfReader(guide).pages))]
    toc = pages[1]
    for title in CHAPTERS:
        match = re.search(r"\s*".join(map(re.escape, _squash(title))) + r"\s*\.+\s*(\d+)", toc)
        assert match, (title, toc)
        number = int(match.group(1))
        # The chapter starts on the first page whose heading (after the running header) is its title.
        start = next(page for page in pages[2:] if _squash(title) in [_squash(line) for line in page.splitlines()[:6]])
        footer = [line for line in start.splitlines() if line.strip()][-1]
        assert re.fullmatch(rf"\s*—\s*{number}\s*—\s*", footer), (title, number, footer)


def test_fonts_are_embedded_subsets_of_noto_cjk(public_pdf):
    out = subprocess.run(["pdffonts", str(public_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        name, *_rest = row.split()
        # WeasyPrint names a subset by family (Noto-Serif-CJK-SC), Typst (the 名单) by PostScript name
        assert re.match(r"[A-Z]{6}\+(Noto-(Serif|Sans)-CJK-SC(-Bold)?|Noto(Serif|Sans)CJKsc-(Regular|Bold)-Identity-H)$", name), row
        assert re.search(r"\byes\s+yes\s+yes\b", row), row  # embedded, subset, unicode map


def test_metadata_bookmarks_and_no_attachments(public_pdf):
    reader = PdfReader(public_pdf)
    meta = reader.metadata
    assert meta.title == "专家服务指南" and meta.author == "重庆市人事局" and "专家服务指南" in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == CHAPTERS
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in public_pdf.read_bytes()


def test_the_tiers_of_the_roster_are_bookmarks_under_it_on_their_pages(guide):
    """The 名单 is typeset apart (Typst) and laid over the guide: its tiers' bookmarks are moved under 附件一's,
    each on the page where the tier's heading is printed."""
    reader = PdfReader(guide)
    outline = reader.outline
    at = next(i for i, item in enumerate(outline) if not isinstance(item, list) and item.title.startswith("附件一"))
    tiers = outline[at + 1]
    assert isinstance(tiers, list) and [t.title for t in tiers] == ["局领导", "部门领导", "区县领导"]
    for tier in tiers:
        page = reader.get_destination_page_number(tier)
        assert page >= reader.get_destination_page_number(outline[at])
        assert tier.title in "".join(reader.pages[page].extract_text().split()), (tier.title, page)


def test_public_pdf_has_no_expert_contact_and_intranet_has_leader_phones(guide, intranet_pdf, sample):
    public = text(guide)
    digits = re.sub(r"\D", "", public)
    for e in sample.experts:
        values = [e.id_number] + ([e.contact.phone, e.contact.mobile, e.contact.email, e.contact.address]
                                  if e.contact else [])
        for value in filter(None, values):
            assert value not in public
            number = re.sub(r"\D", "", value)
            if len(number) >= 8:
                assert number not in digits
        if not e.publishable:
            assert e.name not in public
    leader_phone = next(x.contact.phone for x in sample.leaders if x.contact and x.contact.phone)
    assert leader_phone not in public and leader_phone in text(intranet_pdf)


def test_same_commit_same_bytes(public_pdf, tmp_path):
    """The PDF command gives the bytes the site build published."""
    again = _build(ROOT, tmp_path / "again.pdf")
    assert again.read_bytes() == public_pdf.read_bytes()


@needs_two_cores
def test_same_commit_same_bytes_in_parts(minimal, tmp_path, monkeypatch):
    monkeypatch.setattr(write, "PARALLEL_MIN", 1)
    first, second = _build(minimal, tmp_path / "a.pdf"), _build(minimal, tmp_path / "b.pdf")
    assert first.read_bytes() == second.read_bytes()


def test_the_same_bytes_on_one_core_and_on_four(minimal, tmp_path, monkeypatch):
    """How the 名单 is cut into parts (each begins a page) does not depend on the machine: one core typesets the
    parts in one worker after another (Typst keeps memory from one part to the next), four side by side, and the
    guides are the same."""
    monkeypatch.setattr(write, "PARALLEL_MIN", 1)
    monkeypatch.setattr(write, "MAX_PART_PAIRINGS", 2)
    said: list[str] = []
    monkeypatch.setattr(write.os, "cpu_count", lambda: 1)
    one = _build(minimal, tmp_path / "one.pdf", progress=said.append)
    monkeypatch.setattr(write.os, "cpu_count", lambda: 4)
    four = _build(minimal, tmp_path / "four.pdf", progress=said.append)
    assert one.read_bytes() == four.read_bytes()
    assert any("份、4 个进程并行排版" in m for m in said) and any("份、1 个进程依次排版" in m for m in said), said


def test_parts_are_laid_over_the_right_pages(guide, sample):
    """The 名单 reads in order, under its own running header, with the outer page numbers."""
    pages = [text(guide, i + 1, i + 1) for i in range(len(PdfReader(guide).pages))]
    pairing_pages = [p for p in pages if "附件一" in p.splitlines()[0] if p.strip()]
    assert pairing_pages
    numbers = [int(n) for p in pairing_pages for n in re.findall(r"^\s*(\d+)\s+\S+\s+\S+\s+\S+\s.*\d日至\d{4}年", p, re.M)]
    assert numbers and numbers[0] == 1
    leaders = {x.name for x in sample.leaders}
    listed = {name for p in pairing_pages for name in leaders if name in p}
    assert listed, "leaders appear in the 名单"
    for page in pairing_pages:
        assert re.search(r"—\s*\d+\s*—", page.strip().splitlines()[-1])


def test_pages_are_inked_like_a_printed_book(public_pdf, tmp_path):
    """Rasterised as a reader sees them: no blank or flooded page, text inside the type area, not in the margins."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", str(public_pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == len(PdfReader(public_pdf).pages)
    for png in pages:
        image = Image.open(png).convert("L")
        width, height = image.size
        ink = [1 if v < 160 else 0 for v in image.tobytes()]
        share = sum(ink) / len(ink)
        assert 0.0008 < share < 0.35, (png.name, share)  # a short last page of a chapter has ~0.002
        # A4 (the 登记表 in landscape) with side margins of at least 15 mm: that much on each side stays paper
        margin = int(width * 15 / (297 if width > height else 210))
        edges = sum(ink[y * width + x] for y in range(height) for x in (*range(margin), *range(width - margin, width)))
        assert edges == 0, (png.name, edges)


@pytest.fixture
def minimal(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    return root


def test_rare_characters_render_and_unknown_glyphs_fail(minimal, tmp_path):
    path = minimal / "data" / "experts.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 张院士", "name: 李堃喆珺赟镕"), encoding="utf-8")
    ok = _build(minimal, tmp_path / "ok.pdf")  # the name may wrap in its narrow column: read in drawing order
    raw = subprocess.run(["pdftotext", "-raw", str(ok), "-"], capture_output=True, text=True, check=True).stdout
    assert "李堃喆珺赟镕" in _squash(raw)
    path.write_text(path.read_text(encoding="utf-8").replace("name: 刘院士", "name: 刘\U00013000"), encoding="utf-8")
    line = next(n for n, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "\U00013000" in t)
    with pytest.raises(BuildError, match=rf"data/experts\.yaml:{line}:10：字符“\U00013000”（U\+13000）在 Noto Serif CJK SC、"
                                         r"Noto Sans CJK SC 中没有字形.*\n请改用.*expert-guide build --no-pdf"):
        _build(minimal, tmp_path / "bad.pdf")
    assert not (tmp_path / "bad.pdf").exists()


def test_missing_cjk_font_is_a_clear_error(minimal, tmp_path, monkeypatch):
    monkeypatch.setitem(fonts.FONTS, "serif", "No Such Font SC")
    with pytest.raises(BuildError, match="未找到中文字体：No Such Font SC。请安装 Debian 软件包 fonts-noto-cjk"):
        _build(minimal, tmp_path / "x.pdf")


@pytest.mark.parametrize("reference", ["file:///etc/passwd", "http://169.254.169.254/latest/meta-data/",
                                       "../../../../etc/hostname"])
def test_strict_fetcher_refuses_anything_outside_theme_and_content(minimal, tmp_path, reference):
    policy = minimal / "content" / "policies" / "cq-2002-110.md"
    policy.write_text(policy.read_text(encoding="utf-8") + f"\n![图]({reference})\n", encoding="utf-8")
    with pytest.raises(BuildError) as info:  # check stops it first, located
        _build(minimal, tmp_path / "x.pdf")
    [found] = [d for d in info.value.result.diagnostics if d.code == "E406"]
    assert found.location.path == "content/policies/cq-2002-110.md" and reference in found.message
    assert not (tmp_path / "x.pdf").exists()
    # and the composer refuses it by itself, should anything reach it unchecked
    with pytest.raises(PdfError, match="不允许读取的资源"):
        print_html(f"![图]({reference})", minimal, "content/policies", set())


TERM = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日至\d{4}年\d{1,2}月\d{1,2}日")


def test_each_page_of_the_roster_names_only_its_own_form_and_markers_are_not_destinations(parallel_pdf):
    """A reader loads a page's resources, and the catalog, for every page it reads: each page of the 名单 names the one
    form it draws (the shared dictionary once named every form on every page), and the placeholders' markers, which
    only served to find the pages, are not in the catalog's destinations; the chapters' are."""
    reader = PdfReader(parallel_pdf)
    drawn = []
    for page in reader.pages:
        forms = [str(name) for name in (page["/Resources"].get("/XObject") or {}) if str(name).startswith("/EGPart")]
        assert len(forms) <= 1, forms
        if forms:  # and the fonts its own text sets (its running header and number), not every font of the guide
            content = page.get_contents().get_data()
            assert f"{forms[0]} Do".encode() in content
            assert {str(name) for name in page["/Resources"]["/Font"]} == \
                {"/" + name.decode() for name in re.findall(rb"/(\S+)\s+[\d.]+\s+Tf", content)}
        drawn += forms
    assert drawn and len(set(drawn)) == len(drawn)
    names = [str(name) for name in reader.trailer["/Root"]["/Names"]["/Dests"]["/Names"][::2]]
    assert "appendix-pairings" in names and "services" in names
    assert not [name for name in names if name.startswith("placeholder-page-")]


def _opentype_fonts(pdf: Path) -> list:
    import io

    from fontTools.ttLib import TTFont

    reader, seen, faces = PdfReader(pdf), set(), []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            for descendant in font.get_object().get("/DescendantFonts") or ():
                stream = descendant.get_object()["/FontDescriptor"].get("/FontFile3")
                if stream is None or stream.idnum in seen or stream.get_object().get("/Subtype") != "/OpenType":
                    continue
                seen.add(stream.idnum)
                faces.append(TTFont(io.BytesIO(stream.get_object().get_data())))
    return faces


def test_the_guides_fonts_carry_no_character_map_and_print_the_same(public_pdf, tmp_path, monkeypatch):
    """WeasyPrint's embedded OpenType fonts are written without their cmap table: a reader draws a CID font by glyph
    id and reads its text through /ToUnicode (poppler built a map from it for every page that names the font). Every
    other table is as it was: the guide written with the maps prints the same pixels on every page, and reads the same."""
    from generator.render.pdf import overlay

    faces = _opentype_fonts(public_pdf)
    assert len(faces) >= 2 and all("cmap" not in f and {"CFF ", "hmtx", "head"} <= set(f.keys()) for f in faces)
    monkeypatch.setattr(overlay, "_drop_cmaps", lambda writer: None)
    with_maps = _build(ROOT, tmp_path / "with-maps.pdf")
    assert all("cmap" in f for f in _opentype_fonts(with_maps))  # the public guide is written in this process
    assert text(with_maps) == text(public_pdf)
    for pdf, name in ((public_pdf, "a"), (with_maps, "b")):
        (tmp_path / name).mkdir()
        subprocess.run(["pdftoppm", "-r", "72", "-png", str(pdf), str(tmp_path / name / "p")], check=True)
    pages = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(pages) == len(PdfReader(public_pdf).pages) > 10
    assert [n for n in pages if (tmp_path / "a" / n).read_bytes() != (tmp_path / "b" / n).read_bytes()] == []


@pytest.mark.parametrize("parts", [False, True], ids=["one document", "parallel parts"])
def test_content_cannot_take_an_anchor_of_the_guide(minimal, tmp_path, monkeypatch, parts):
    """Content ids are namespaced in print: the 名单's id, a placeholder marker or a chapter id in content
    changes neither where the TOC points nor which pages the 名单 is laid over."""
    if parts and (os.cpu_count() or 1) < 2:
        pytest.skip("the 名单 is typeset in parts only on 2+ cores")
    monkeypatch.setattr(write, "PARALLEL_MIN", 1 if parts else 10**9)
    policy = minimal / "content" / "policies" / "cq-2002-110.md"
    policy.write_text(policy.read_text(encoding="utf-8") + "\n第一条 示例。\n{: #appendix-pairings}\n\n"
                      "第二条 示例。\n{: #placeholder-page-1}\n\n[跳到名单](#appendix-pairings)\n", encoding="utf-8")
    (minimal / "content" / "index.md").write_text("# 首页\n\n## 附件 {: #appendix-pairings }\n\n## 服务 {: #services }\n",
                                                  encoding="utf-8")
    pdf = _build(minimal, tmp_path / "g.pdf")
    pages = [text(pdf, i + 1, i + 1) for i in range(len(PdfReader(pdf).pages))]
    assert not TERM.search(next(p for p in pages if "第一条 示例" in p))  # no 名单 drawn over the policy
    listed = [p for p in pages if "王局长" in p or "赵区长" in p]
    assert listed and all("附件一" in p.splitlines()[0] and TERM.search(p) for p in listed)
    first = next(p for p in pages if "附件一" in p.splitlines()[0] and TERM.search(p))
    number = re.fullmatch(r"\s*—\s*(\d+)\s*—\s*", [line for line in first.splitlines() if line.strip()][-1])[1]
    assert re.search(r"附件一\s*领导联系专家名单\s*\.+\s*" + number + r"\b", pages[1]), pages[1]
    html = guide_html(build_view(check(minimal, today=TODAY).project, "public", TODAY), minimal)
    assert html.count('id="appendix-pairings"') == 1 and html.count('id="services"') == 1
    assert 'id="c-policy-cq-2002-110-appendix-pairings"' in html and 'href="#c-policy-cq-2002-110-appendix-pairings"' in html


def _dying_worker(job):
    os._exit(3)


@needs_two_cores
def test_a_worker_that_dies_fails_the_build_instead_of_hanging(minimal, tmp_path, monkeypatch):
    monkeypatch.setattr(write, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "typeset_part", _dying_worker)  # pickled by name: the spawned worker runs it
    with pytest.raises(BuildError, match="名单的排版子进程意外退出（退出码 3）"):
        _build(minimal, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


@needs_two_cores
def test_a_dying_guide_worker_is_named_as_the_guide(minimal, tmp_path, monkeypatch):
    """The guide itself (placeholders, the parts laid over them) is typeset in a worker too: its death says so."""
    monkeypatch.setattr(write, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "guide_with_parts", _dying_worker)
    with pytest.raises(BuildError, match="整本指南的排版子进程意外退出（退出码 3）"):
        _build(minimal, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_pdf_command(minimal, tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    out = tmp_path / "g.pdf"
    result = subprocess.run([sys.executable, "-m", "generator", "pdf", str(minimal), "-o", str(out)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "已生成" in result.stderr and out.is_file()


def test_print_details(public_pdf, sample):
    """No web-only wording in print; hotlines joined with 、; institutions' 网址; every policy in the TOC."""
    body = text(public_pdf)
    assert "本站" not in body and "本指南介绍" in body  # content/index.md carries {: .web-only } / {: .print-only }
    phones = list(dict.fromkeys(h.phone for h in sample.site.hotlines))
    assert "、".join(phones) in _squash(body)
    website = next(i.website for i in sample.institutions if i.website)
    assert website in body
    toc = text(public_pdf, 2, 2)
    for policy in sample.policies:
        assert _squash(policy.meta.title)[:12] in _squash(toc), policy.meta.title


def words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words as pdftotext -bbox sees them: (x0, y0, x1, y1, text), in points from the top left."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.findall(r"<page\b.*?</page>", out, re.S):
        pages.append([(float(a), float(b), float(c), float(d), html_lib.unescape(t)) for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)])
    return pages


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


def test_no_wide_gaps_beside_digits_and_latin_words(public_pdf):
    """A number or Latin word between Chinese on a line ("为 2 年", "15 个工作日") stands one space from its
    neighbours: no justification that widens those spaces only (WeasyPrint has no inter-character justification)."""
    checked = 0
    for number, page in enumerate(words(public_pdf), 1):
        for left, middle, right in zip(page, page[1:], page[2:]):
            if not (re.fullmatch(r"[0-9A-Za-z.%@:/+-]+", middle[4]) and CJK.match(left[4][-1]) and CJK.match(right[4][0])
                    and left[1] == middle[1] == right[1] and left[2] < middle[0] < middle[2] < right[0]):
                continue
            em = (middle[3] - middle[1]) / 1.437  # Noto CJK's line box is 1.437 em high
            gaps = (middle[0] - left[2], right[0] - middle[2])
            if max(gaps) > 3 * em:
                continue  # the next column of a table, not a space
            assert max(gaps) <= 0.35 * em, (number, left[4][-6:], middle[4], right[4][:6], gaps, em)  # a space: 0.26 em
            checked += 1
    assert checked >= 5, "the sample has numbers between Chinese words: 为 2 年, 15 个工作日"


# A line of one Chinese character, perhaps with the punctuation after it: the last line of a block that
# broke one character too late (“见。” under a paragraph, “院” under 重庆医科大学附属第一医).
LONE = re.compile(r"^\s*[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff][\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f"
                  r"\u2018-\u201f\u2026\u2014)）」』】〕》〉]*\s*$", re.M)


def lone_characters(pdf: Path) -> list[tuple[int, str]]:
    """Every (page, line) of the PDF's text (pdftotext -layout) holding one Chinese character alone."""
    found = []
    for number, page in enumerate(text(pdf).split("\f"), 1):
        found += [(number, m.group().strip()) for m in LONE.finditer(page)]
    return found


def test_no_line_holds_one_character_alone(guide):
    """The last line of every paragraph, list item, cell and heading holds two characters at least."""
    assert lone_characters(guide) == []
    assert "eg-keep" not in text(guide)


@pytest.mark.parametrize("which", ["one document", "parallel parts", "intranet"])
def test_the_audit_reads_every_page_as_drawn_the_same_text_as_pypdf(which, request):
    """The audit's own reading of the guide (generator.pdftext, which replaced pypdf's extract_text: 4× faster at
    200,000 experts) reads every page of both typesetters itself, no page left to pypdf, and the same characters
    in the same order as pypdf; only the spaces and line breaks between runs may differ."""
    from generator import pdftext

    pdf = request.getfixturevalue({"one document": "public_pdf", "parallel parts": "parallel_pdf",
                                   "intranet": "intranet_pdf"}[which])
    pages = PdfReader(pdf).pages
    assert pdftext.pages_text(pages, lambda page: pytest.fail("a page of the guide was left to pypdf"))
    fonts: dict = {}
    each = [pdftext.page_text(page, fonts, visual=False) for page in pages]
    drawn = "\n".join(each)
    theirs = "\n".join(page.extract_text() for page in pages)
    assert re.sub(r"\s+", "", drawn) == re.sub(r"\s+", "", theirs)
    assert "联系专家" in drawn and len(drawn) > 5000
    seen = "\n".join(pdftext.page_text(page, fonts).removeprefix(text)
                     for page, text in zip(pages, each))  # the lines as seen: the same characters, line by line
    assert sorted(re.sub(r"\s+", "", seen)) == sorted(re.sub(r"\s+", "", drawn))
    streams = [page.get_contents().get_data() for page in pages] + [
        form.get_object().get_data() for page in pages for form in (page["/Resources"].get("/XObject") or {}).values()
        if form.get_object().get("/Subtype") == "/Form"]
    runs = [m.lastgroup for data in streams for m in pdftext._TOKEN.finditer(data)]
    assert runs.count("r") > 20  # Typst's runs of text (the 名单) are read at once (pdftext._RUN) …
    at_once = [pdftext.page_text(page, {}) for page in pages]
    with pytest.MonkeyPatch.context() as patch:  # … as their tokens one by one read them
        patch.setattr(pdftext, "_TOKEN", pdftext.tokenizer(whole_runs=False))
        assert [pdftext.page_text(page, {}) for page in pages] == at_once
