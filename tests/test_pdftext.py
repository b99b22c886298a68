"""The audit's reading of a PDF as drawn (generator.pdftext): every class of content stream it claims, and the
classes it leaves to pypdf. PDFs are made here object by object, so that each operator and string form is
the one under test."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,
                           NumberObject)

from generator import pdftext
from generator.exposure import fold

ALPHABET = "董振邦张伟华()\\ 0123456789-Lin𝟑"  # code i + 1 is ALPHABET[i]; 0x28 and 0x29 are codes 40, 41 below
CODES = {ch: index + 1 for index, ch in enumerate(ALPHABET)}
CODES.update({"（": 0x28, "）": 0x29, "、": 0x5C})  # codes whose bytes are "(", ")" and "\" in a literal string


def _cmap(pairs: dict[int, str], ranges: str = "") -> bytes:
    chars = "\n".join(f"<{code:04X}> <{text.encode('utf-16-be').hex().upper()}>" for code, text in pairs.items())
    return (f"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            f"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{len(pairs)} beginbfchar\n{chars}\nendbfchar\n{ranges}endcmap end end").encode()


def _stream(writer: PdfWriter, data: bytes, entries: dict | None = None):
    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in (entries or {}).items():
        stream[NameObject(key)] = value
    return writer._add_object(stream)


def _type0(writer: PdfWriter, *, to_unicode: bytes | None = None, encoding: str = "/Identity-H"):
    descendant = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                   NameObject("/Subtype"): NameObject("/CIDFontType2"),
                                   NameObject("/BaseFont"): NameObject("/Test"),
                                   NameObject("/DW"): NumberObject(1000),
                                   NameObject("/W"): ArrayObject([NumberObject(CODES[" "]),
                                                                  ArrayObject([NumberObject(250)])])})
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type0"),
                             NameObject("/BaseFont"): NameObject("/Test"), NameObject("/Encoding"): NameObject(encoding),
                             NameObject("/DescendantFonts"): ArrayObject([writer._add_object(descendant)])})
    if to_unicode is not False:
        pairs = {code: ch for ch, code in CODES.items()}
        font[NameObject("/ToUnicode")] = _stream(writer, to_unicode or _cmap(pairs))
    return writer._add_object(font)


def enc(text: str) -> str:
    """``text`` as a hex string of the test font's two-byte codes."""
    return "<" + "".join(f"{CODES[ch]:04X}" for ch in text) + ">"


def lit(text: str) -> bytes:
    """``text`` as a literal string of the test font's codes, escaped as a PDF writer may (Typst's way)."""
    raw = b"".join(CODES[ch].to_bytes(2, "big") for ch in text)
    out = bytearray(b"(")
    for byte in raw:
        if byte == 0x5C:
            out += b"\\\\"
        elif byte < 0x20 or byte > 0x7E:
            out += b"\\%03o" % byte
        else:
            out.append(byte)  # parentheses left as they are: balanced, as PDF allows
    return bytes(out + b")")


def _page(content: bytes | str, *, fonts: dict | None = None, xobjects=None, extra=None) -> object:
    """A one-page PDF with ``content``, read back by pypdf: its page."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = _type0(writer)
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): font, **{NameObject(k): v(writer) for k, v in (fonts or {}).items()}})})
    if xobjects:
        resources[NameObject("/XObject")] = DictionaryObject({NameObject(k): v(writer) for k, v in xobjects.items()})
    page[NameObject("/Resources")] = resources
    page[NameObject("/Contents")] = _stream(writer, content.encode("latin-1") if isinstance(content, str) else content)
    if extra:
        extra(writer, page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0]


def read(content: bytes | str, **kwargs) -> str:
    return pdftext.page_text(_page(content, **kwargs))


def test_runs_that_touch_are_one_word_a_gap_is_a_space_a_new_baseline_a_new_line():
    """董 and 振邦 drawn side by side (WeasyPrint keeps a name's last two characters together so) read 董振邦."""
    content = (f"BT /F1 10 Tf 1 0 0 1 100 700 Tm [{enc('董')}] TJ 1 0 0 1 110 700 Tm [{enc('振邦')}] TJ "
               f"1 0 0 1 200 700 Tm {enc('张伟')} Tj 1 0 0 1 100 680 Tm {enc('华')} Tj "
               f"1 0 0 1 50 680 Tm {enc('L')} Tj ET")
    assert read(content) == "董振邦 张伟\n华\nL"


def test_positions_follow_the_text_line_matrix_the_ctm_and_q_Q():
    """Td, TD, T*, ' and \" move from the line's start; cm and q … Q place the text as Typst does."""
    content = (f"BT /F1 10 Tf 100 700 Td {enc('董')} Tj 10 0 Td {enc('振')} Tj 0 -12 TD {enc('邦')} Tj "
               f"T* {enc('张')} Tj {enc('伟')} ' 1 2 {enc('华')} \" ET "
               f"q 1 0 0 -1 300 500 cm BT 1 0 0 -1 0 0 Tm {enc('0')} Tj ET Q "
               f"q 1 0 0 -1 310 500 cm BT 1 0 0 -1 0 0 Tm {enc('1')} Tj ET Q")
    assert read(content) == "董振\n邦\n张\n伟\n华\n01"


@pytest.mark.parametrize("kern, joined", [(0, "张伟"), (-100, "张伟"), (-400, "张 伟"), (200, "张伟")])
def test_a_kern_in_TJ_wider_than_a_quarter_of_the_size_is_a_space(kern, joined):
    assert read(f"BT /F1 10 Tf 100 700 Td [{enc('张')} {kern} {enc('伟')}] TJ ET") == joined


def test_a_space_glyph_and_word_and_character_spacing_move_the_end_of_a_run():
    """The advance counts the font's widths (a space is 250), Tc and Tz: the next run joins or is spaced by where
    it really starts."""
    content = f"BT /F1 10 Tf 2 Tc 100 700 Td {enc('Li n')} Tj 1 0 0 1 140.5 700 Tm {enc('0')} Tj ET"
    assert read(content) == "Li n0"  # 4 glyphs: 10 + 10 + 2.5 + 10, and 4 × 2 of Tc: 40.5
    assert read(content.replace("140.5", "150")) == "Li n 0"
    assert read(content.replace("2 Tc", "2 Tc 50 Tz")) == "Li n 0"  # half as wide: the run ends at 120.25


@pytest.mark.parametrize("writer", [enc, lambda text: lit(text).decode("latin-1")], ids=["hex", "literal"])
def test_every_code_reads_as_its_character_whatever_its_bytes(writer):
    """Codes whose bytes are "(", ")", "\\" or control bytes: Typst writes them in literal strings, balanced
    parentheses unescaped. Each decodes to its character, the rest of the run too."""
    text = "张（伟）、董()\\0𝟑"
    assert read(f"BT /F1 10 Tf 100 700 Td [{writer(text)}] TJ ET") == text


@pytest.mark.parametrize("raw, expected", [
    (rb"(\000\002\000\003)", "振邦"),
    (b"(\\000\\002\\\n\\000\\003)", "振邦"),  # a line continuation
    (rb"(\0\2\0\3)", "振邦"),  # octal of one digit
    (rb"(\000\050\000\051)", "（）"),
    (b"(\x00\\(\x00\\))", "（）"),  # escaped parentheses
    (b"(\x00(\x00))", "（）"),  # balanced, unescaped
    (rb"(\000\\)", "、"),
    (rb"(\000\x)", "\ufffd"),  # \x is not an escape in PDF: the byte x (code 0x0078, not in the font)
])
def test_literal_string_escapes_are_read_as_PDF_means_them(raw, expected):
    assert read(b"BT /F1 10 Tf 100 700 Td " + raw + b" Tj ET") == expected


def test_hex_strings_with_spaces_and_an_odd_digit_count():
    assert read("BT /F1 10 Tf 100 700 Td <00 0 1\n0002> Tj ET") == "董振"
    assert read("BT /F1 10 Tf 100 700 Td <0001000> Tj ET") == "董\ufffd"  # 00 01 00 00: the last code is 0


def test_q_and_Q_restore_the_font_and_the_matrix():
    other = {code: ch for ch, code in CODES.items()}
    other[CODES["董"]] = "X"

    def second(writer):
        return _type0(writer, to_unicode=_cmap(other))
    content = (f"BT /F1 10 Tf 100 700 Td ET q BT /F2 10 Tf 100 680 Td {enc('董')} Tj ET Q "
               f"BT 100 660 Td {enc('董')} Tj ET")
    assert read(content, fonts={"/F2": second}) == "X\n董"


def _form(content: str, *, matrix=None, own_font=False):
    def make(writer):
        entries = {"/Type": NameObject("/XObject"), "/Subtype": NameObject("/Form"),
                   "/BBox": ArrayObject([NumberObject(0), NumberObject(0), NumberObject(595), NumberObject(842)])}
        if matrix:
            entries["/Matrix"] = ArrayObject([FloatObject(x) for x in matrix])
        if own_font:
            entries["/Resources"] = DictionaryObject({NameObject("/Font"): DictionaryObject(
                {NameObject("/G"): _type0(writer)})})
        return _stream(writer, content.encode("latin-1"), entries)
    return make


def test_forms_are_read_where_they_are_drawn_with_their_resources():
    """The guide draws each page of the 名单 as a form over its placeholder page: its text is the page's."""
    content = f"BT /F1 10 Tf 100 700 Td {enc('董')} Tj ET q 1 0 0 1 10 0 cm /P Do Q /I Do /Q Do"
    xobjects = {"/P": _form(f"BT /G 10 Tf 1 0 0 1 100 700 Tm {enc('振邦')} Tj ET", own_font=True),
                "/Q": _form(f"BT /F1 10 Tf 0 0 Td {enc('张伟')} Tj ET", matrix=(1, 0, 0, 1, 100, 500)),
                "/I": lambda writer: _stream(writer, b"\x00" * 4, {
                    "/Type": NameObject("/XObject"), "/Subtype": NameObject("/Image"),
                    "/Width": NumberObject(1), "/Height": NumberObject(1),
                    "/ColorSpace": NameObject("/DeviceRGB"), "/BitsPerComponent": NumberObject(8)})}
    assert read(content, xobjects=xobjects) == "董振邦\n张伟"  # the form at x + 10 starts where 董 ends


@pytest.mark.parametrize("case", ["no ToUnicode", "predefined CMap", "inline image", "unknown byte", "self-drawing form",
                                  "missing font", "missing form", "vertical"])
def test_what_it_cannot_read_for_certain_is_read_by_the_fallback(case):
    """Each is read by pypdf instead, page by page, never guessed at (nor silently skipped)."""
    fonts, xobjects, content = None, None, f"BT /F1 10 Tf 100 700 Td {enc('董')} Tj ET"
    if case == "no ToUnicode":
        fonts, content = {"/F2": lambda w: _type0(w, to_unicode=False)}, content.replace("/F1", "/F2")
    elif case == "predefined CMap":
        fonts, content = {"/F2": lambda w: _type0(w, encoding="/UniGB-UCS2-H")}, content.replace("/F1", "/F2")
    elif case == "vertical":
        fonts, content = {"/F2": lambda w: _type0(w, encoding="/Identity-V")}, content.replace("/F1", "/F2")
    elif case == "inline image":
        content += " q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q"
    elif case == "unknown byte":
        content += " { }"
    elif case == "self-drawing form":
        xobjects, content = {"/S": lambda w: None}, content + " /S Do"
    elif case == "missing font":
        content = content.replace("/F1", "/F9")
    elif case == "missing form":
        content += " /Nothing Do"
    if case == "self-drawing form":
        def extra(writer, page):
            form = _form("/S Do")(writer)
            page["/Resources"][NameObject("/XObject")] = DictionaryObject({NameObject("/S"): form})
            form.get_object()[NameObject("/Resources")] = page["/Resources"]
        page = _page(content, extra=extra)
    else:
        page = _page(content, fonts=fonts, xobjects=xobjects)
    with pytest.raises(pdftext.Unsupported):
        pdftext.page_text(page)
    called = []
    assert pdftext.pages_text([page], lambda p: called.append(p) or "by pypdf") == "by pypdf" and called == [page]


def test_bfrange_entries_by_increment_and_by_array_and_beyond_the_BMP():
    ranges = ("2 beginbfrange\n<0100> <0102> <5F20>\n<0200> <0201> [<4F1F> <D835DFD1>]\nendbfrange\n"
              "1 beginbfrange\n<0300> <0301> <D835DFD0>\nendbfrange\n")
    table = pdftext._cmap(_cmap({1: "董"}, ranges))
    assert [table[c] for c in (1, 0x100, 0x101, 0x102, 0x200, 0x201, 0x300, 0x301)] == \
        ["董", "张", "弡", "弢", "伟", "𝟑", "𝟐", "𝟑"]
    assert fold(table[0x201]) == "3"


def test_the_fallback_is_not_used_for_a_page_it_reads_and_fonts_are_read_once():
    page = _page(f"BT /F1 10 Tf 100 700 Td {enc('董')} Tj ET")
    assert pdftext.pages_text([page, page], lambda p: pytest.fail("fallback")) == "董\n董"
