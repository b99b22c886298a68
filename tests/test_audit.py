"""The leak audit: a planted leak in every channel is caught; a leaking renderer cannot publish."""
from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from conftest import MINIMAL, TODAY

from generator import check
from generator.audit import audit, forbidden_values
from generator.build import BuildError, build_site

pytestmark = pytest.mark.slow

MOBILE = "013912345678"  # e1's contact.mobile (internal)
ID_NUMBER = "010101195001010011"  # e1's id_number (secret)
EMAIL = "zhang@example.com"  # e1's contact.email (internal)
HIDDEN = "周医生"  # e4 is confidential


def _escape(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


def _pdf(path: Path, body: str = "", author: str = "") -> None:
    from weasyprint import HTML

    HTML(string=f"<html><head><meta name=author content='{author}'><title>t</title></head>"
                f"<body><p>{body}</p></body></html>").write_pdf(path)


def _zip(members: dict[str, str | bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


PLANTS = {
    "HTML 正文": lambda s: (s / "leak.html").write_text("<p>联系电话：0139-1234-5678</p>", encoding="utf-8"),
    "HTML 属性": lambda s: (s / "leak.html").write_text(f'<a title="{EMAIL}">x</a>', encoding="utf-8"),
    "HTML 实体": lambda s: (s / "leak.html").write_text("<p>" + "".join(f"&#{ord(c)};" for c in HIDDEN) + "</p>",
                                                      encoding="utf-8"),
    "HTML 注释": lambda s: (s / "leak.html").write_text(f"<!-- {ID_NUMBER} -->", encoding="utf-8"),
    "JSON 转义": lambda s: (s / "leak.json").write_text(json.dumps({"n": HIDDEN}), encoding="utf-8"),
    "sitemap": lambda s: (s / "sitemap.xml.gz").write_bytes(gzip.compress(
        "<urlset><url><loc>https://x/%E5%91%A8%E5%8C%BB%E7%94%9F/</loc></url></urlset>".encode(), mtime=0)),
    "JS": lambda s: (s / "assets" / "leak.js").write_text(f'var a = "{_escape(HIDDEN)}";', encoding="utf-8"),
    "source map": lambda s: (s / "assets" / "leak.js.map").write_text(json.dumps({"sources": [MOBILE]}), encoding="utf-8"),
    "隐藏文件": lambda s: (s / ".env").write_text(f"ID={ID_NUMBER}\n", encoding="utf-8"),
    "PDF 正文": lambda s: _pdf(s / "downloads" / "guide.pdf", body=f"手机 139 1234 5678 {HIDDEN}"),
    "PDF 元数据": lambda s: _pdf(s / "downloads" / "guide.pdf", author=HIDDEN),
    "Office 转义": lambda s: (s / "downloads" / "x.xlsx").write_bytes(_zip({"xl/comments1.xml": "<t>" + "".join(
        f"_x{ord(c):04X}_" for c in HIDDEN) + "</t>"})),  # how Excel may store 周医生
}


@pytest.fixture(scope="module")
def built(minimal_public):
    return MINIMAL, minimal_public


@pytest.fixture(scope="module")
def forbidden(built):
    return forbidden_values(check(built[0], today=TODAY).project, "public", TODAY)


def test_clean_build_passes_and_knows_what_to_look_for(built, forbidden):
    values = {f.value for f in forbidden}
    assert {MOBILE, ID_NUMBER, EMAIL, HIDDEN} <= values
    assert "测试大学" not in values  # a hidden expert's employer is public unit data
    assert audit(built[1], forbidden) == []


@pytest.mark.parametrize("channel", PLANTS)
def test_self_test_a_planted_leak_in_every_channel_is_caught(forbidden, tmp_path, channel):
    """Each channel alone (the whole clean site is audited above): the leak is found and not repeated."""
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "downloads").mkdir()
    PLANTS[channel](site)
    hits = audit(site, forbidden)
    assert hits, f"leak through {channel} was not caught"
    assert all(h.forbidden.value in {MOBILE, ID_NUMBER, EMAIL, HIDDEN} for h in hits)
    assert MOBILE not in hits[0].text() and ID_NUMBER not in hits[0].text()  # the report does not leak again


def _planted_site(built, tmp_path) -> Path:
    """A copy of the clean site with every channel's plant in a folder of its own."""
    site = shutil.copytree(built[1], tmp_path / "site")
    for number, plant in enumerate(PLANTS.values()):
        folder = site / f"plant-{number:02d}"
        (folder / "assets").mkdir(parents=True)
        (folder / "downloads").mkdir()
        plant(folder)
    return site


def _shown(hits) -> list[tuple]:
    return [(h.path, h.channel, h.text()) for h in hits]


def test_several_processes_find_the_same_as_one_in_the_same_order(built, forbidden, tmp_path):
    """A large output is audited by forked workers (audit.PARALLEL_BYTES): every channel's plant, each in its own
    folder of one copy of the site, plus a file that cannot be read, give the same findings in the same order."""
    site = _planted_site(built, tmp_path)
    (site / "plant-99.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    one = audit(site, forbidden, workers=1)
    assert len({h.path.split("/")[0] for h in one}) == len(PLANTS) + 1
    for workers in (2, 3):
        assert _shown(audit(site, forbidden, workers=workers)) == _shown(one)


@pytest.mark.parametrize("holding_the_counter", [False, True])
def test_a_shared_out_audit_whose_worker_dies_is_a_finding_and_leaves_no_worker(built, forbidden, tmp_path, monkeypatch,
                                                                               holding_the_counter):
    import importlib
    import os
    import time

    audit_module = importlib.import_module("generator.audit")
    site = shutil.copytree(built[1], tmp_path / "site")
    (site / "zz-dies.html").write_text("<p>x</p>", encoding="utf-8")
    pids = tmp_path / "pids"
    pids.mkdir()
    real = audit_module._audit_file

    def audit_file(matcher, root, path):
        (pids / str(os.getpid())).touch()
        if path.name == "zz-dies.html":
            if holding_the_counter:  # the others then wait for the counter for ever: they are stopped
                audit_module._SHARED["next"].get_lock().acquire()
            os._exit(5)  # killed, out of memory …
        time.sleep(0.01)
        return real(matcher, root, path)

    monkeypatch.setattr(audit_module, "_audit_file", audit_file)
    hits = audit(site, forbidden, workers=3)
    assert [h.text() for h in hits] == [".：审计子进程意外退出（退出码 5）：无法核查输出中是否有个人信息，不能发布"]
    for pid in pids.iterdir():
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid.name), 0)  # every worker stopped and reaped


def test_the_audit_of_a_large_output_is_shared_out_and_of_a_small_one_not(built, forbidden, tmp_path, monkeypatch):
    import importlib
    import multiprocessing

    audit_module = importlib.import_module("generator.audit")
    pools = []
    real = multiprocessing.get_context

    def spy(method=None):
        if method == "fork":
            pools.append(method)
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", spy)
    assert audit(built[1], forbidden) == [] and pools == []  # the minimal site: one process
    monkeypatch.setattr(audit_module, "PARALLEL_BYTES", 1)
    monkeypatch.setattr(audit_module.os, "sched_getaffinity", lambda pid: {0, 1})
    assert audit(built[1], forbidden) == [] and pools


def test_a_large_pdf_is_read_by_pypdf_in_a_worker_process_and_reads_the_same(forbidden, tmp_path, monkeypatch):
    """The guide of 50,000 pairings is read by pypdf apart (its objects of every page are not the audit's memory):
    the same channels come back, a leak in them is found, and an encrypted PDF is refused from there too."""
    from pypdf import PdfReader, PdfWriter

    import generator.extract as extract

    path = tmp_path / "site" / "guide.pdf"
    path.parent.mkdir()
    _pdf(path, body=f"手机 139 1234 5678 {HIDDEN}", author=HIDDEN)
    here = list(extract.channels(path))
    assert any(channel == extract.PDF_DRAWN and HIDDEN in text for channel, text in here)
    monkeypatch.setattr(extract, "PYPDF_APART", 0)
    real, spawned = extract._reading_apart, []
    monkeypatch.setattr(extract, "_reading_apart", lambda p: spawned.append(p) or real(p))
    assert list(extract.channels(path)) == here and spawned == []  # content/ (check): read here, no worker
    with extract.reading_output():  # the build's own output
        assert list(extract.channels(path)) == here and spawned == [path]
    assert HIDDEN in {h.forbidden.value for h in audit(path.parent, forbidden)}
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt(user_password="", owner_password="owner")
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(extract.Unreadable, match="已加密"), extract.reading_output():
        list(extract.channels(path))
    assert len(spawned) == 3
    monkeypatch.setattr(extract, "PYPDF_TIMEOUT", 0.01)  # a worker that does not answer in time is not waited for
    with pytest.raises(extract.Unreadable, match="读不完"), extract.reading_output():
        list(extract.channels(path))
    assert len(spawned) == 4


def _unicode_cmap_pdf(text: str) -> bytes:
    """A page drawing ``text`` in a non-embedded STSong-Light through /UniGB-UTF16-H (its codes are UTF-16BE, so a
    viewer shows ``text``) whose ToUnicode map says every code is "x" (what pdftotext and a copy give)."""
    import zlib

    codes = text.encode("utf-16-be")
    lie = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> "
           b"endcodespacerange\n%d beginbfchar\n" % len(text)
           + b"".join(b"<%s> <0078>\n" % codes[i:i + 2].hex().upper().encode() for i in range(0, len(codes), 2))
           + b"endbfchar\nendcmap end end")
    content = b"BT /C 24 Tf 20 100 Td (" + codes + b") Tj ET"
    content = (b" " if content.index(codes) % 2 else b"") + content

    def stream(data: bytes) -> bytes:
        packed = zlib.compress(data)
        return b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed) + packed + b"\nendstream"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /Font << /C 5 0 R >> >> "
               b"/Contents 4 0 R >>", stream(content),
               b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H "
               b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
               b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
               b"/Ordering (GB1) /Supplement 4 >> /FontDescriptor 8 0 R /DW 1000 >>", stream(lie),
               b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
               b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"]
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_page_drawn_through_a_unicode_cmap_is_read_as_utf16_whatever_its_tounicode_says(forbidden, tmp_path):
    """An outside review: 周医生 is "ThS;u\\x1f" in UTF-16BE (ASCII, no NUL). Drawn through /UniGB-UTF16-H a viewer
    shows 周医生, while pdftotext and the drawn reading copy the ToUnicode map's "xxx": the content stream read as
    UTF-16 finds it, so every stream is read so, ASCII or not (leaving ASCII streams out was tried and reverted)."""
    import generator.extract as extract

    codes = HIDDEN.encode("utf-16-be")
    assert codes.isascii() and b"\x00" not in codes
    path = tmp_path / "site" / "notice.pdf"
    path.parent.mkdir()
    path.write_bytes(_unicode_cmap_pdf(HIDDEN))
    read = list(extract.channels(path))
    assert not any(HIDDEN in text for channel, text in read if not channel.startswith("PDF 数据流"))  # copied: xxx
    assert any(HIDDEN in text for channel, text in read if channel.endswith("（UTF-16）"))
    assert (HIDDEN, True) in {(h.forbidden.value, h.channel.endswith("（UTF-16）")) for h in audit(path.parent, forbidden)}


@pytest.mark.parametrize("encoded", [
    lambda text: text.encode("utf-8"), lambda text: b"\xff\xfe" + text.encode("utf-16-le"),  # Notepad's "Unicode"
    lambda text: b"\xfe\xff" + text.encode("utf-16-be"), lambda text: text.encode("gb18030"),
    lambda text: text.encode("utf-16-le"), lambda text: b"\xff\xfe" + text.encode("utf-8"),
    lambda text: b"\xfe\xff\x00\x01" + bytes(range(256)) + text.encode("utf-8") + bytes(range(255, -1, -1))],
    ids=["UTF-8", "UTF-16LE BOM", "UTF-16BE BOM", "GB18030", "UTF-16LE", "BOM then UTF-8", "BOM then binary"])
def test_a_pdfs_attachment_is_read_in_every_encoding_a_file_is(forbidden, tmp_path, encoded):
    """An outside review: an attachment saved as UTF-16 with a byte-order mark (or as GB18030) was read as UTF-8
    only. It is read as a file is (extract.decodings): by its mark, as GB18030 too where it is not UTF-8, and as
    UTF-16 where NULs say it is two-byte text; the second review: a mark in front of UTF-8 (or binary) hides nothing."""
    from pypdf import PdfReader, PdfWriter

    path = tmp_path / "site" / "notice.pdf"
    path.parent.mkdir()
    _pdf(path, body="通知")
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.add_attachment("names.txt", encoded(f"联系人：{HIDDEN}，电话 {MOBILE}\r\n"))
    with path.open("wb") as handle:
        writer.write(handle)
    found = {h.forbidden.value for h in audit(path.parent, forbidden) if h.channel.startswith("PDF 附件")}
    assert found == {HIDDEN, MOBILE}


def test_a_large_pdf_in_a_shared_out_or_separate_audit_is_read_by_pypdf_apart_too(forbidden, tmp_path, monkeypatch):
    """An audit worker (shared out, or the public site's audit beside the intranet build) may itself start the
    process that reads a large PDF with pypdf: the guide of 200,000 experts is audited from there."""
    import generator.extract as extract
    from generator.audit import audit_apart

    site = tmp_path / "site"
    site.mkdir()
    _pdf(site / "guide.pdf", body=f"手机 139 1234 5678 {HIDDEN}", author=HIDDEN)
    (site / "other.html").write_text("<p>x</p>", encoding="utf-8")
    one = [(h.path, h.channel, h.text()) for h in audit(site, forbidden, workers=1)]
    assert one and all(path == "guide.pdf" for path, _channel, _text in one)
    monkeypatch.setattr(extract, "PYPDF_APART", 0)  # every PDF of the output is read by pypdf in its own process
    assert [(h.path, h.channel, h.text()) for h in audit(site, forbidden, workers=2)] == one
    assert [(h.path, h.channel, h.text()) for h in audit_apart(site, forbidden)()] == one


def test_a_large_xml_part_is_read_in_pieces_and_a_value_across_a_cut_is_found(forbidden, tmp_path, monkeypatch):
    """A 200,000-row sheet is read a piece at a time (memory), cut before a tag, each piece repeating the end of
    the one before: the hidden name split over two text runs is found wherever the cut falls, after a long text
    with no tag in it, or with many tags between its halves."""
    import io
    import itertools
    import zipfile

    import generator.extract as extract

    monkeypatch.setattr(extract, "PIECE", 600)
    monkeypatch.setattr(extract, "PIECE_OVERLAP", 120)
    cells = lambda numbers: "".join(f"<c><t>材料科学{n}</t></c>" for n in numbers)  # noqa: E731 — each text once
    site = tmp_path / "site"
    site.mkdir()
    pieces = set()
    name = f"<c><t>{HIDDEN[0]}</t></c><c><t>{HIDDEN[1:]}</t></c>"
    split_long = f"<c><t>{'字' * 300}{HIDDEN[0]}</t></c><c><t>{HIDDEN[1:]}</t></c>"  # no tag in the 900 bytes before
    split_far = f"<c><t>{HIDDEN[0]}</t></c>{'<proofErr/>' * 60}<c><t>{HIDDEN[1:]}</t></c>"  # 660 bytes of tags between
    # the planted name moves across the first cuts, one cell at a time
    for before, planted in itertools.product(range(15, 55), (name, split_long, split_far)):
        xml = f"<sheetData>{cells(range(before))}{planted}{cells(range(100, 180))}</sheetData>"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", xml)
        (site / "roster.xlsx").write_bytes(buffer.getvalue())
        hits = audit(site, forbidden)
        assert [h.forbidden.value for h in hits] == [HIDDEN], (before, planted[:30])
        pieces.add(hits[0].channel)
        data = xml.encode()
        parts = list(extract.xml_pieces(data))
        assert all(p.startswith(b"<") for p in parts) and parts[0] == data[:len(parts[0])] and parts[-1].endswith(b"</sheetData>")
        covered = 0
        for part in parts:  # each piece starts inside or at the end of the one before: no byte is skipped
            start = data.index(part)
            assert start <= covered
            covered = start + len(part)
        assert covered == len(data)
    assert len(pieces) > 1  # found in different pieces as it moved


def test_a_workbook_is_read_as_excel_shows_it(tmp_path):
    """Cells as a reader sees them, on every sheet (a hidden one too): a date kept as a serial number is the
    date, a phone kept as a number is its digits (not 13912345678.0), text written inline is read."""
    import datetime

    import openpyxl
    import xlsxwriter

    from generator.extract import channels

    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = 13912345678
    book.active["B1"] = datetime.date(2025, 7, 1)
    book.active["B1"].number_format = "yyyy-mm-dd"
    hidden = book.create_sheet("草稿")
    hidden["C3"] = HIDDEN
    hidden.sheet_state = "hidden"
    book.save(path)
    cells = "\n".join(text for channel, text in channels(path) if channel.startswith("工作表"))
    assert "13912345678\t2025-07-01" in cells and HIDDEN in cells and "13912345678.0" not in cells
    inline = tmp_path / "inline.xlsx"
    writer = xlsxwriter.Workbook(inline, {"constant_memory": True})  # as the build writes its own
    writer.add_worksheet("名单").write_string(0, 0, HIDDEN)
    writer.close()
    assert HIDDEN in "\n".join(text for channel, text in channels(inline) if channel.startswith("工作表"))


def _findings(site: Path, forbidden) -> list[tuple[str, str, str]]:
    return [(h.path, h.channel, h.forbidden.value) for h in audit(site, forbidden)]


def test_a_worksheets_cell_markup_is_read_as_marks_and_finds_the_same(forbidden, tmp_path, monkeypatch):
    """XlsxWriter's cell and row markup (references, styles, types: nine tenths of a sheet) is read as "<>": every
    value is found as when the markup is read whole, in the same channels and order, in cells of every kind, across
    two cells, and in markup outside the grammar (an extra attribute, an 11-digit row or reference)."""
    import re

    import xlsxwriter

    import generator.extract as extract

    site = tmp_path / "site"
    site.mkdir()
    book = xlsxwriter.Workbook(site / "book.xlsx", {"constant_memory": True})
    sheet = book.add_worksheet("名单")
    sheet.set_header(f"&C{EMAIL}")
    sheet.data_validation(0, 5, 10, 5, {"validate": "list", "source": ["甲", ID_NUMBER]})
    style = book.add_format({"bold": True})
    for row in range(40):
        sheet.write_string(row, 0, f"第{row}行", style)
        sheet.write_number(row, 1, row * 7)
    sheet.write_string(41, 1, "0139 1234-5678")  # a phone with separators (found by its digits)
    sheet.write_string(42, 2, HIDDEN[0])  # a name across two cells
    sheet.write_string(42, 3, HIDDEN[1:])
    sheet.write_string(43, 0, f" {EMAIL} ")  # xml:space="preserve"
    book.close()
    handmade = tmp_path / "hand"
    handmade.mkdir()
    (handmade / "hand.xlsx").write_bytes(_zip({"xl/worksheets/sheet1.xml": (
        f'<sheetData><row r="1"><c r="A1" s="1" t="inlineStr" x="{HIDDEN}"><is><t>甲</t></is></c></row>'
        f'<row r="{ID_NUMBER}"><c r="B{MOBILE}" s="1"><v>1</v></c></row></sheetData>')}))
    # a number put by hand where the grammar takes digits (a row's height, spans, a seven-digit reference)
    for n, row in enumerate([f'<row r="1" ht="{MOBILE}">', f'<row r="1" spans="{MOBILE[:4]}:{MOBILE[4:]}">',
                             '<row r="1" ht="0139.1234.5678">', f'<row r="1" ht="{MOBILE}" customHeight="1">',
                             f'<row r="1"><c r="A{MOBILE[:7]}"/><c r="B1" s="{MOBILE[7:]}"/>']):
        (handmade / f"row{n}.xlsx").write_bytes(_zip({"xl/worksheets/sheet1.xml": (
            f'<sheetData>{row}<c r="A1" s="1" t="inlineStr"><is><t>甲</t></is></c></row></sheetData>')}))
    as_marks = [_findings(site, forbidden), _findings(handmade, forbidden)]
    xml = __import__("zipfile").ZipFile(site / "book.xlsx").read("xl/worksheets/sheet1.xml").decode()
    assert len(extract._CELL_MARKUP.sub("<>", xml)) < len(xml) / 2  # the markup XlsxWriter writes is the grammar's
    monkeypatch.setattr(extract, "_CELL_MARKUP", re.compile("(?!)"))  # the markup read whole
    assert as_marks == [_findings(site, forbidden), _findings(handmade, forbidden)]
    assert {value for _path, _channel, value in as_marks[0]} == {EMAIL, ID_NUMBER, MOBILE, HIDDEN}
    assert {(path, value) for path, _channel, value in as_marks[1]} == {
        ("hand.xlsx", HIDDEN), ("hand.xlsx", ID_NUMBER), ("hand.xlsx", MOBILE), ("row0.xlsx", MOBILE),
        ("row1.xlsx", MOBILE), ("row2.xlsx", MOBILE), ("row3.xlsx", MOBILE)}  # row4: 7 + 5 digits apart, neither a number
    assert not extract._CELL_MARKUP.search('<c r="A1234567" s="1"/><c r="A1" s="12345"/><row r="1" ht="1234">')


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_leaking_renderer_cannot_publish(tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    out = tmp_path / "published"
    build_site(root, out=out, today=TODAY, pdf=False)
    before = _tree(out)
    import generator.render.view as view

    monkeypatch.setattr(view, "shows_expert", lambda expert, profile: True)  # a renderer bug
    with pytest.raises(BuildError, match="输出中发现不应公开的信息，未发布") as info:
        build_site(root, out=out, today=TODAY, pdf=False)
    assert "周*生" in str(info.value) and HIDDEN not in str(info.value)
    assert _tree(out) == before
    assert not list(tmp_path.glob(".published.new-*"))


def test_audit_command(built):
    import subprocess
    import sys

    from conftest import ROOT

    ok = subprocess.run([sys.executable, "-m", "generator", "audit", str(built[1]), "--data", str(built[0]),
                         "--today", "2026-11-22"], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and ok.stdout.startswith("审计通过：0 处泄露"), ok.stdout + ok.stderr


def test_the_build_output_is_read_beyond_the_attachment_limit(forbidden, tmp_path):
    """A 200,000-expert 名单 workbook is over 64 MB unzipped: the audit reads the build's own files to 1 GB (a leak at
    the end is still found); content/ attachments keep the 64 MB bound (test_hostile_projects: a zip bomb is E403)."""
    import io
    import zipfile

    from generator.extract import MAX_INFLATE, Unreadable, channels

    site = tmp_path / "site"
    site.mkdir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            row = "<si><t>专家服务 材料科学 正高级</t></si>".encode() * 2048
            for _ in range((MAX_INFLATE + len(row)) // len(row) + 1):
                member.write(row)
            member.write(f"<si><t>{HIDDEN}</t></si>".encode())
    (site / "roster.xlsx").write_bytes(buffer.getvalue())
    hits = audit(site, forbidden)
    assert [h.forbidden.value for h in hits] == [HIDDEN]
    with pytest.raises(Unreadable, match="解压后超过 64 MB"):  # read as an attachment would be
        list(channels(site / "roster.xlsx"))


@pytest.mark.parametrize("profile,times", [("public", 1), ("intranet", 1)])
def test_a_public_build_works_out_what_is_forbidden_once(tmp_path, monkeypatch, profile, times):
    """The check's leak search (public) and a public build's audit ask the same question: it is answered once.
    An intranet build's own values are worked out by its Auditor process, not here."""
    import generator.exposure as exposure

    asked = []
    real = exposure._forbidden_values
    monkeypatch.setattr(exposure, "_forbidden_values", lambda *args: asked.append(args[1]) or real(*args))
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    build_site(root, profile=profile, out=tmp_path / "site", today=TODAY, pdf=False)
    assert len(asked) == times and asked[0] == "public"
    assert exposure._memo.get() is None  # nothing is kept after the build (a check alone keeps nothing either)
    project = check(root, today=TODAY).project
    forbidden_values(project, "public", TODAY)
    assert len(asked) == times + 2


@pytest.mark.parametrize("between", ["<!--" + "x" * 3000 + "-->", '<w:r w:rsid="' + "0" * 3000 + '">', "<!-- a > b < c -->",
                                     "<?x " + "y" * 3000 + "?>"])
def test_a_name_split_by_a_long_comment_or_tag_is_read_whole(between):
    """A .docx paragraph 董</w:t>…<w:t>振邦: whatever stands between the runs, the decoded text has the name."""
    from generator.extract import text_variants

    assert "董振邦" in list(text_variants(f"<w:t>值班：董</w:t>{between}<w:t>振邦</w:t>"))[-1]


def test_a_number_in_angle_brackets_is_still_a_number(forbidden, tmp_path):
    """The decoded text takes <0139 1234 5678> for a tag; the text as written is searched for numbers too."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.txt").write_text("联系电话 <0139 1234 5678>\n", encoding="utf-8")
    (site / "b.html").write_text("<p>联系电话 &lt;0139 1234 5678&gt;</p>", encoding="utf-8")
    assert sorted((h.path, h.forbidden.value) for h in audit(site, forbidden)) == [("a.txt", MOBILE), ("b.html", MOBILE)]


def test_zips_inside_a_zip_share_one_limit(tmp_path):
    """Twenty zips of 64 MB inside one small zip are 64 MB in all, not 64 MB each (a check that ran for hours)."""
    import generator.extract as extract

    inner = _zip({"a.txt": "a" * 600})
    token = extract._LIMIT.set(1000)
    try:
        (tmp_path / "one.zip").write_bytes(_zip({"x.zip": inner}))
        assert any("a" * 600 in text for _c, text in extract.channels(tmp_path / "one.zip"))
        (tmp_path / "two.zip").write_bytes(_zip({"x.zip": inner, "y.zip": inner}))
        with pytest.raises(extract.Unreadable, match="连同其中的压缩包"):
            list(extract.channels(tmp_path / "two.zip"))
        (tmp_path / "nested.zip").write_bytes(_zip({"x.zip": _zip({"y.zip": inner, "z.zip": inner})}))
        with pytest.raises(extract.Unreadable, match="连同其中的压缩包"):
            list(extract.channels(tmp_path / "nested.zip"))
    finally:
        extract._LIMIT.reset(token)



def test_the_sites_are_audited_by_one_process_started_when_the_project_is_checked(tmp_path, monkeypatch):
    """build --profile intranet/all: one Auditor is forked once the project is checked, works out there what each
    profile must not show (the public values inherited from the check), and audits what it is sent; a check that
    fails starts none, and no audit process outlives a build either way."""
    import multiprocessing

    import generator.build as build_module
    from generator.build import BuildError, build_sites

    started = []
    real = build_module.Auditor

    def spy(project, profiles, today):
        started.append((profiles, multiprocessing.current_process().name))
        return real(project, profiles, today)
    monkeypatch.setattr(build_module, "Auditor", spy)
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    build_site(root, profile="intranet", out=tmp_path / "site", today=TODAY, pdf=False)
    build_sites(root, out=tmp_path / "both", today=TODAY, pdf=False)
    build_site(root, profile="public", out=tmp_path / "public", today=TODAY, pdf=False)  # audited here
    assert started == [(("intranet",), "MainProcess"), (("public", "intranet"), "MainProcess")]
    assert multiprocessing.active_children() == []
    (root / "data" / "site.yaml").write_text((root / "data" / "site.yaml").read_text(encoding="utf-8")
                                             + "unknown_key: 1\n", encoding="utf-8")
    with pytest.raises(BuildError):
        build_sites(root, out=tmp_path / "both", today=TODAY, pdf=False)
    assert len(started) == 2 and multiprocessing.active_children() == []


def test_the_public_values_are_worked_out_once_for_the_check_and_the_public_audit(tmp_path, monkeypatch):
    """The Auditor inherits the check's public values (forked after the check); only the intranet's are worked out
    there. Counted across processes, in a file."""
    import os

    from generator import exposure
    from generator.build import build_sites

    counted = tmp_path / "counted"
    real = exposure._forbidden_values

    def counting(project, profile, today, prose):
        with counted.open("a", encoding="utf-8") as out:
            out.write(f"{profile} {os.getpid()}\n")
        return real(project, profile, today, prose)
    monkeypatch.setattr(exposure, "_forbidden_values", counting)
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    build_sites(root, out=tmp_path / "both", today=TODAY, pdf=False)
    lines = [line.split() for line in counted.read_text(encoding="utf-8").splitlines()]
    assert [profile for profile, _pid in lines] == ["public", "intranet"]
    assert lines[0][1] == str(os.getpid()) != lines[1][1]  # the check's here, the intranet's in the Auditor


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["%", "E5", "BC", "a0", "%2", "%%", "A", "张", "%e4%b8%ad", "%C3", "%28", "x", " ",
                                 "%ZZ", "%F0%9F%98", "%80", "%0A", "\n"]), max_size=14))
def test_percent_escapes_are_decoded_as_unquote_decodes_them(pieces):
    """The audit decodes only the runs of %XX (a page's "50%" is not rewritten): the same text as urllib's unquote."""
    from urllib.parse import unquote

    from generator.extract import _PERCENT_RUN, _unquote_run

    text = "".join(pieces)
    assert _PERCENT_RUN.sub(_unquote_run, text) == unquote(text)


def test_files_read_while_the_output_is_finished_are_not_read_again_unless_changed(built, forbidden, tmp_path,
                                                                                    monkeypatch):
    """audit.read_meanwhile reads the site while the guide is laid out; the audit of the whole then reads only what
    is new or changed since, and its findings are those of an audit of the whole: a leak removed is gone, a leak
    written into a file read clean is found, a file added is read."""
    import importlib

    from generator.exposure import Matcher

    audit_module = importlib.import_module("generator.audit")  # the package's "audit" is the function

    site = _planted_site(built, tmp_path)
    big = site / "big.html"
    big.write_text("<p>" + "x" * audit_module.MEANWHILE_BYTES + "</p>", encoding="utf-8")  # left for the whole
    read = audit_module.read_meanwhile(site, Matcher(forbidden), lambda: False)
    assert big not in read and len(read) == len(audit_module._files(site)) - 1
    assert any(hits for _digest, hits in read.values())
    cleaned = next(path for path, (_digest, hits) in read.items() if hits and path.suffix == ".html")
    cleaned.write_text("<p>无</p>", encoding="utf-8")
    leaking = next(path for path, (_digest, hits) in read.items() if not hits and path.suffix == ".html")
    leaking.write_text(leaking.read_text(encoding="utf-8") + f"<p>{HIDDEN}</p>", encoding="utf-8")
    (site / "added.json").write_text(json.dumps({"m": MOBILE}), encoding="utf-8")

    opened = []
    real = audit_module._audit_file
    monkeypatch.setattr(audit_module, "_audit_file", lambda m, s, path: opened.append(path) or real(m, s, path))
    again = audit(site, forbidden, workers=1, read=read)
    assert sorted(opened) == sorted([big, cleaned, leaking, site / "added.json"])
    monkeypatch.setattr(audit_module, "_audit_file", real)
    whole = audit(site, forbidden, workers=1)
    assert _shown(again) == _shown(whole)
    found = {(h.path, h.forbidden.value) for h in whole}
    assert (leaking.relative_to(site).as_posix(), HIDDEN) in found and ("added.json", MOBILE) in found
    assert not any(h.path == cleaned.relative_to(site).as_posix() for h in whole)


def test_reading_meanwhile_stops_when_asked_and_takes_the_smallest_first(built, forbidden, tmp_path):
    import importlib

    from generator.exposure import Matcher

    audit_module = importlib.import_module("generator.audit")  # the package's "audit" is the function

    site = _planted_site(built, tmp_path)
    answers = iter([False, False, False, True])
    read = audit_module.read_meanwhile(site, Matcher(forbidden), lambda: next(answers))
    smallest = sorted(audit_module._files(site), key=lambda path: (path.stat().st_size, path))[:3]
    assert sorted(read) == sorted(smallest)


def test_the_auditor_reading_meanwhile_finds_what_an_audit_of_the_whole_finds(built, forbidden, tmp_path):
    """The audit process (build --profile all) reads the site while the guide is laid out, then audits it whole when
    asked: the same findings, in the same order, whatever it had read by then; a file changed meanwhile is read again."""
    from generator.audit import Auditor

    project = check(built[0], today=TODAY).project
    site = _planted_site(built, tmp_path)
    auditor = Auditor(project, ("public",), TODAY)
    try:
        auditor.meanwhile("public", site)
        (site / "index.html").write_text(f"<p>{HIDDEN}</p>", encoding="utf-8")  # while it may be reading
        (site / "downloads").mkdir(exist_ok=True)
        _pdf(site / "downloads" / "guide.pdf", body=f"手机 {MOBILE}")  # the guide, put in last
        found = auditor.audit("public", site, workers=1)()
    finally:
        auditor.stop()
    assert _shown(found) == _shown(audit(site, forbidden, workers=1))
    assert {("index.html", HIDDEN), ("downloads/guide.pdf", MOBILE)} <= {(h.path, h.forbidden.value) for h in found}


_COVERS = ("华南大学教授委员会董振邦", "董振邦<x>&amp;华", "董振邦&华")  # the longest key, and names a decoding changes
_PAGE_PIECES = ["<p>", "</p>", "<td>", "\n", " ", "&amp;", "&#x632F;", "&lt;", "&#19977;", "\\u632f", "%E6%8C%AF", "董", "振",
                "邦", "董振邦", "董振邦华", "13912345678", "139 1234 5678", "1", "3", "e\u0301", "\u0338", "Ｚ", "\u200b",
                "<script>", "</script>", "x", *_COVERS, "华南大学教授委员会"]


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_PAGE_PIECES), max_size=60), st.integers(0, 4), st.lists(st.sampled_from(_PAGE_PIECES),
                                                                                      max_size=12))  # 4: 80,000 characters,
# searched whole by ahocorasick_rs (FAST_CHARS), from the cut by pyahocorasick
@example(["华南大学教授委员会董振邦", "x", "<p>", "&amp;"], 1, [])  # a name covering it begins before reach × 1
@example(["<p>", "董振邦<x>&amp;华"], 1, [])  # covered as written, not once unescaped: before the cut, found after it
def test_an_unescaped_page_is_searched_only_where_it_differs_and_finds_the_same(tmp_path_factory, pieces, repeat, end):
    """A page's decodings differ from the text as written only near their escapes (Material's footer): each is folded
    and searched from there (fold_again, Matcher.search_after). The findings are those of folding and searching every
    decoding whole, in the same order, whatever stands near the escapes: a value split by an entity, a hidden name
    inside a shown name that covers it on either side of the cut (the shown name the longest key), a name covered
    in one decoding only, numbers across the cut, combining marks."""
    import importlib

    from generator.exposure import Forbidden, Matcher, fold

    audit_module = importlib.import_module("generator.audit")  # the module (generator.audit is also the function)
    matcher = Matcher([Forbidden("董振邦", "e9", identifies=True, covers=_COVERS),
                       Forbidden(MOBILE[1:], "e1", identifies=True), Forbidden("振邦\u0338", "e8", identifies=True)])
    assert matcher.reach == len(_COVERS[0])
    body = "".join(pieces)
    page = ("<html>" + "<p>填充</p>" * 2000) * repeat + body + "".join(end)
    site = tmp_path_factory.mktemp("page")
    (site / "index.html").write_text(page, encoding="utf-8")
    reused = audit_module._audit_file(matcher, site, site / "index.html")
    real = audit_module.fold_again
    audit_module.fold_again = lambda before, folded, text: (fold(text), 0)  # every decoding folded and searched whole
    try:
        whole = audit_module._audit_file(matcher, site, site / "index.html")
    finally:
        audit_module.fold_again = real
    assert [(h.channel, h.forbidden.value) for h in reused] == [(h.channel, h.forbidden.value) for h in whole]


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".json", ".html"])
def test_a_byte_order_mark_in_front_of_utf8_hides_nothing_in_a_file(forbidden, tmp_path, suffix):
    """The outside review's older gap: FF FE in front of UTF-8 text made a file read as UTF-16 alone."""
    site = tmp_path / "site"
    site.mkdir()
    (site / f"notes{suffix}").write_bytes(b"\xff\xfe" + f"联系人：{HIDDEN}，电话 {MOBILE}".encode("utf-8"))
    assert {HIDDEN, MOBILE} <= {h.forbidden.value for h in audit(site, forbidden)}


def test_a_file_of_byte_order_marks_is_read_without_running_out_of_stack(forbidden, tmp_path):
    """A mark is taken off once: 400,000 marks in a row (then a name) are read as UTF-16 and as the bytes after it."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "marks.txt").write_bytes(b"\xff\xfe" * 400_000 + HIDDEN.encode("utf-8"))
    assert HIDDEN in {h.forbidden.value for h in audit(site, forbidden)}


@pytest.mark.slow
def test_the_pdf_command_is_audited_by_a_process_started_when_the_project_is_checked(tmp_path, monkeypatch):
    """expert-guide pdf: the Auditor is forked once the project is checked (it works out the values while the guide is
    laid out, and never holds the view); a hidden name in the guide is its finding, the build fails and the guide
    published before stays as it was; no audit process outlives the command."""
    import multiprocessing

    import generator.build as build_module
    from generator.build import build_pdf
    from weasyprint import HTML

    started = []
    real_auditor, real_write = build_module.Auditor, build_module.write_pdf

    def spy(project, profiles, today):
        started.append((profiles, multiprocessing.current_process().name))
        return real_auditor(project, profiles, today)

    def leaking(view, root, path, *args, **kwargs):  # the guide as made, then a page with a confidential name
        written = real_write(view, root, path, *args, **kwargs)
        HTML(string=f"<p>值班：{HIDDEN}</p>").write_pdf(path)
        return written
    monkeypatch.setattr(build_module, "Auditor", spy)
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    out = tmp_path / "guide.pdf"
    build_pdf(root, out=out, today=TODAY)
    before = out.read_bytes()
    assert started == [(("public",), "MainProcess")] and multiprocessing.active_children() == []
    monkeypatch.setattr(build_module, "write_pdf", leaking)
    with pytest.raises(BuildError, match=HIDDEN[0] + r"\*"):
        build_pdf(root, out=out, today=TODAY)
    assert len(started) == 2 and multiprocessing.active_children() == []
    assert out.read_bytes() == before
