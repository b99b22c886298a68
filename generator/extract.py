"""Every way a reader can get text out of a file, in its real encoding and container (读取文件中的文字).

Used by the leak audit on the output and by `check` on content/: HTML with entities, comments and
split markup, JSON and JS escapes, percent-escapes, UTF-8, GB18030/GBK and UTF-16 text, gzip and zip
containers (.docx, .xlsx …) with a bounded inflate size, PDF text, metadata, XMP, attachments and
annotations, and the text runs and chunks of images. What cannot be read through raises Unreadable.
"""
from __future__ import annotations

import html
import re
import subprocess
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote

from .pdftext import Unverifiable, pages_text

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")
MAX_INFLATE = 64 * 1024 * 1024  # bytes read out of one compressed member or file (content/: untrusted)
# What the audit reads out of the build's own output, which `check` has vouched for: the 名单 workbook and the
# guide of 200,000 experts are far larger than any attachment, and what cannot be read is not published.
OUTPUT_INFLATE = 1024 * 1024 * 1024
_LIMIT: ContextVar[int] = ContextVar("inflate_limit", default=MAX_INFLATE)


def _limit() -> int:
    return _LIMIT.get()


@contextmanager
def reading_output() -> Iterator[None]:
    """While the audit reads a build's own output: the larger limit (the files are ours, made from checked data)."""
    token = _LIMIT.set(OUTPUT_INFLATE)
    try:
        yield
    finally:
        _LIMIT.reset(token)
MAX_MEMBERS = 10_000
# A large XML part of a zip (a 200,000-row sheet is 330 MB) is read in pieces of about PIECE bytes, cut just
# before a tag ("<" never stands inside a UTF-8 character, nor in XML text). Each piece starts early enough to
# repeat at least PIECE_OVERLAP bytes of the text (outside tags) of the one before: a field's value is at most
# 32,767 characters (E116), about 300 KB even as entities, so a value split at a cut — over tags of any
# length — is whole in one piece; the text read at once stays bounded (the whole sheet and its variants: 2.8 GB).
# A sheet is mostly tags (the 名单's: 90 %), so 512 KB of text is about 5 MB of XML: 32 MB pieces read 15 % again
# where 8 MB pieces read 60 % (the 名单 of 200,000 experts: 39 CPU s against 49, about 200 MB more at once).
PIECE = 32 * 1024 * 1024
PIECE_OVERLAP = 512 * 1024
_TAG_BYTES = re.compile(rb"<[^<>]*>")
MAX_NESTING = 4  # an archive in an archive in …


class Unreadable(Exception):
    """A file the audit cannot read through (a zip bomb, an encrypted archive): it is not published."""


def _unescape_js(text: str) -> str:
    def sub(m: re.Match) -> str:
        return chr(int(m.group(1) or m.group(2), 16))
    return _UNICODE_ESCAPE.sub(sub, _UNICODE_ESCAPE.sub(sub, text))  # twice: escaped surrogate pairs stay as pairs


def text_variants(text: str) -> Iterator[str]:
    """The text as written, as a browser shows it, and fully decoded (percent, JS/JSON, HTML escapes).

    The fully decoded text comes last; each decoding runs only when its escapes occur. Made one at a
    time, a variant equal to the one before left out: a 60 MB page is not held four times over.
    """
    yield text
    previous = text
    if "&" in text:
        shown = html.unescape(text)
        if shown != previous:
            yield shown
            previous = shown
        del shown
    decoded = _PERCENT_RUN.sub(_unquote_run, text) if "%" in text else text
    if "\\" in decoded:
        css = _CSS_ESCAPE.sub(lambda m: _char(int(m.group(1), 16)), decoded)  # CSS: \8463 is 董
        if css != previous:
            yield css
            previous = css
        del css
        decoded = _unescape_js(decoded)
    if "&" in decoded:
        decoded = html.unescape(decoded)
    if "_x" in decoded:  # Office's escapes in XML text: _x8463_ is 董, _x005F_ an underscore
        decoded = _OFFICE_ESCAPE.sub(lambda m: _char(int(m.group(1), 16)), decoded)
    if "<" in decoded:  # markup split inside a word (<w:t>张</w:t><w:t>伟</w:t> in a .docx)
        if decoded != previous:
            yield decoded
            previous = decoded
        decoded = _TAGS.sub("", decoded)
    if decoded != previous:
        yield decoded


_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")
# What urllib's unquote decodes, and only that: a run of %XX escapes, as UTF-8 (a page's "width: 50%" is left as it
# is, without unquote's pass over every character of a 50 MB page). Written to begin with "%" itself, which the
# regular expression engine looks for as a string (a 27 MB page: 0.1 s, where a group first took 0.7 s).
_PERCENT_RUN = re.compile(r"%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")


def _unquote_run(match: re.Match) -> str:
    return unquote(match.group())


_OFFICE_ESCAPE = re.compile(r"_x([0-9a-fA-F]{4})_")


def _char(code: int) -> str:
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


_TAGS = re.compile(r"<!--.*?-->|<[^<>]*>", re.S)  # a comment whole (it may hold < and >), a tag of any length


def decodings(data: bytes) -> list[tuple[str, str]]:
    """(encoding, text) for every encoding the bytes may have been written in.

    UTF-8 (with or without BOM) is the common case and the only one tried when it decodes cleanly;
    otherwise GB18030 (which covers GBK and GB2312) and UTF-16 in both byte orders are read too. A UTF-16 BOM
    is read as its mark says, and the bytes after it as if it were not there: two bytes in front must not hide
    UTF-8 text from the audit (an outside review: an attachment FF FE + UTF-8 was read as UTF-16 alone).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _unmarked(data[3:])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # one mark taken off (a file of marks is not read mark by mark)
        return [("UTF-16", data.decode("utf-16", "replace"))] + _unmarked(data[2:])
    return _unmarked(data)


def _unmarked(data: bytes) -> list[tuple[str, str]]:
    """decodings() of bytes whose byte-order mark, if any, is taken off."""
    try:
        text = data.decode("utf-8")
        if "\x00" not in text:
            return [("UTF-8", text)]
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
    out = [("UTF-8", text), ("GB18030", data.decode("gb18030", "replace"))]
    if data.count(b"\x00") * 8 > len(data):  # many NULs: two-byte text
        out += [("UTF-16LE", data.decode("utf-16-le", "replace")), ("UTF-16BE", data.decode("utf-16-be", "replace"))]
    return out


def _strings(data: bytes) -> str:
    """The text runs in a binary file (`strings` for UTF-8 and UTF-16): image metadata and the like."""
    utf8 = re.findall(rb"(?:[\x20-\x7e]|[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}){2,}",
                      data)
    utf16 = re.findall(rb"(?:[\x20-\x7e]\x00|[\x00-\xff][\x4e-\x9f]){2,}", data)
    return "\n".join([b.decode("utf-8", "replace") for b in utf8] + [b.decode("utf-16-le", "replace") for b in utf16])


def _inflate(data: bytes, what: str, budget: list[int] | None = None) -> bytes:
    """zlib or gzip data inflated, every gzip member of it; at most the limit in all (MAX_INFLATE; OUTPUT_INFLATE
    while the audit reads a build's output).

    ``budget`` (one number in a list) is shared by the calls for one file, so that many small
    bombs in one file are bounded together.
    """
    budget = budget if budget is not None else [_limit()]
    parts = []
    rest = data
    try:
        while rest:
            stream = zlib.decompressobj(wbits=47)  # zlib or gzip header
            out = stream.decompress(rest, budget[0] + 1)
            budget[0] -= len(out)
            if budget[0] < 0 or stream.unconsumed_tail:
                raise Unreadable(f"{what}解压后超过 {_limit() // 1024 // 1024} MB")
            parts.append(out)
            rest = stream.unused_data if stream.eof and rest[:2] == b"\x1f\x8b" else b""
            if rest and rest[:2] != b"\x1f\x8b":
                rest = b""  # trailing bytes after the last gzip member
    except zlib.error:
        raise Unreadable(f"{what}已损坏，无法解压") from None
    return b"".join(parts)


def _png_text(data: bytes) -> str:
    """The tEXt, zTXt and iTXt chunks of a PNG, compressed ones inflated (within one budget)."""
    parts, at, budget = [], 8, [_limit()]
    while at + 8 <= len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + size]
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            key, _, rest = body.partition(b"\x00")
            if kind == b"zTXt":
                rest = _inflate(rest[1:], "PNG 文字块", budget)
            elif kind == b"iTXt":
                flag, rest = rest[:1], rest[2:]
                _lang, _, rest = rest.partition(b"\x00")
                _tkey, _, rest = rest.partition(b"\x00")
                if flag == b"\x01":
                    rest = _inflate(rest, "PNG 文字块", budget)
            parts.append(key.decode("latin-1") + " " + rest.decode("utf-8", "replace"))
        at += 12 + size
    return "\n".join(parts)


def _pdf_channels(path: Path) -> Iterator[tuple[str, str]]:
    # A large PDF (the guide of 50,000 pairings: 2,333 pages) is read by pypdf in a process of its own while
    # pdftotext reads it: pypdf's objects of every page (about 200 MB) never sit beside the audit's values.
    # Only in the build's own output (reading_output): a worker costs a fresh interpreter, about a second.
    apart = _reading_apart(path) if _limit() == OUTPUT_INFLATE and path.stat().st_size >= PYPDF_APART else None
    try:
        try:
            out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=300)
        except subprocess.TimeoutExpired:
            raise Unreadable("PDF 的文字在 5 分钟内读不完") from None
        except OSError:
            raise Unreadable("缺少 pdftotext（Debian 软件包 poppler-utils），无法核查 PDF") from None
        if out.returncode != 0:
            raise Unreadable("PDF 无法读取（pdftotext 报错）")
        yield "PDF 正文", out.stdout.decode("utf-8", "replace")
        del out
        if apart is None:
            yield from _pypdf_channels(path)
        else:
            try:
                yield from apart[1].result(timeout=PYPDF_TIMEOUT)
            except Unreadable:
                raise
            except TimeoutError:
                raise Unreadable("PDF 的文字在 5 分钟内读不完（pypdf）") from None
            except Exception as exc:  # the process died (killed, out of memory): not read is not vouched for
                raise Unreadable(f"PDF 无法读取（{type(exc).__name__}）") from None
    finally:
        if apart is not None:
            pool, future = apart
            if not future.done():  # stopped early (an error, Ctrl-C): the worker is not waited for
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
    yield from _pdf_streams(path)


# bytes: a PDF this large in the output is read by pypdf in a worker process. pypdf's objects take about 25 times the
# file: the public guide of 47,889 pairings (1,855 pages) is 7.98 MB, just under the 8 MB this was, and read in the
# audit's own process it took 190 MB more there.
PYPDF_APART = 2 * 1024 * 1024
PYPDF_TIMEOUT = 300  # seconds, as pdftotext's


def _reading_apart(path: Path) -> tuple[Any, Any]:
    """pypdf reading ``path`` in a worker process: (the pool, the future of its channels)."""
    import os
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from .workers import worker_start

    pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=worker_start, initargs=(os.getpid(),))
    return pool, pool.submit(_pypdf_list, str(path))


def _pypdf_list(path: str) -> list[tuple[str, str]]:
    return list(_pypdf_channels(Path(path)))


PDF_DRAWN = "PDF 正文（绘制顺序）"


def _pypdf_channels(path: Path) -> Iterator[tuple[str, str]]:
    from pypdf import PdfReader


    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise Unreadable("PDF 已加密，无法核查其内容")
        pages = reader.pages
        # the text as drawn (generator.pdftext); a page it cannot read for certain is read by pypdf's extract_text
        yield PDF_DRAWN, pages_text(pages, lambda page: page.extract_text() or "")
        meta: dict[Any, Any] = reader.metadata or {}
        yield "PDF 元数据", "\n".join(f"{k} {v}" for k, v in meta.items())
        root: Any = reader.trailer["/Root"]  # the catalog dictionary, read by key as the file has it
        if "/Metadata" in root:
            yield "PDF XMP", root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
        yield "PDF 书签", "\n".join(_outline_titles(reader.outline))
        fields = reader.get_fields() or {}
        yield "PDF 表单", "\n".join(f"{name} {field.get(key)}" for name, field in fields.items()
                                    for key in ("/V", "/DV", "/Opt", "/TU") if field.get(key) is not None)
        for name, contents in reader.attachments.items():  # in every encoding a reader may take, as a file's
            yield "PDF 附件", name + "\n" + "\n".join(text for c in contents for _encoding, text in decodings(c))
        for number, page in enumerate(pages, 1):  # link targets and annotations
            for annot in page.get("/Annots") or []:
                yield f"PDF 第 {number} 页注释", str(annot.get_object())
    except Unreadable:
        raise
    except Unverifiable as exc:
        raise Unreadable(f"PDF 无法核查：{exc}") from None
    except Exception as exc:  # a damaged PDF: what could not be read cannot be vouched for
        raise Unreadable(f"PDF 无法读取（{type(exc).__name__}）") from None


def _pdf_streams(path: Path) -> Iterator[tuple[str, str]]:
    """Every deflated stream of the file as its bytes are (latin-1), and as UTF-16.

    ASCII bytes without NULs are read as UTF-16 too: a font whose encoding is a Unicode CMap (/UniGB-UTF16-H,
    /UniGB-UCS2-H …) draws "ThS;u\\x1f" as 周医生, whatever its ToUnicode says (an outside review: pdftotext and the
    drawn reading copy what the ToUnicode map says). Leaving such streams out (the pages of the guide: 11 CPU s of its
    audit at 200,000 experts) let that page through; it was tried and reverted.
    """
    raw = path.read_bytes()
    budget = [_limit()]
    for number, stream in enumerate(re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S), 1):
        try:
            inner = _inflate(stream, "PDF 数据流", budget)
        except Unreadable:
            if budget[0] < 0:
                raise
            continue  # not deflated (an image): nothing to read as text
        yield f"PDF 数据流 {number}", inner.decode("latin-1")
        yield f"PDF 数据流 {number}（UTF-16）", inner.decode("utf-16-be", "replace")


def _outline_titles(items) -> Iterator[str]:
    for item in items:
        if isinstance(item, list):
            yield from _outline_titles(item)
        else:
            yield str(getattr(item, "title", ""))


def channels(path: Path) -> Iterator[tuple[str, str]]:
    """(channel, text) for one file: every way a reader could get text out of it."""
    data = path.read_bytes()
    if b"%PDF-" in data[:1024]:  # readers accept a PDF with junk before its header
        yield from _pdf_channels(path)
        return
    yield from _byte_channels(path.name, data, 0, [_limit()])


def _byte_channels(name: str, data: bytes, depth: int, budget: list[int]) -> Iterator[tuple[str, str]]:
    """The channels of bytes named ``name``, opening gzip and zip containers (bounded).

    ``budget`` (one number in a list) is what may still be inflated for the whole file, shared by every
    container in it: twenty zips of 64 MB each inside one small zip are 64 MB in all, not 64 MB each.
    """
    if depth > MAX_NESTING:
        raise Unreadable("压缩包嵌套过深")
    if data[:2] == b"\x1f\x8b":
        try:
            inner = _inflate(data, "gzip 文件", budget)
        except zlib.error:
            raise Unreadable("gzip 文件已损坏") from None
        yield from ((f"gzip 内 {c}", t) for c, t in _byte_channels(name.removesuffix(".gz"), inner, depth + 1, budget))
        return
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06") or _is_zip(data):
        yield from _zip_channels(data, depth, budget)
        return
    if data[:4] in (b"\xd0\xcf\x11\xe0",):  # OLE: legacy Office, or an encrypted .xlsx/.docx
        raise Unreadable("这是旧版 Office 或已加密的文件，无法核查其内容")
    if b"%PDF-" in data[:1024]:
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(data)
            handle.flush()
            yield from ((f"内含 PDF {c}", t) for c, t in _pdf_channels(Path(handle.name)))
        return
    kind = "隐藏文件" if name.startswith(".") else (Path(name).suffix.lstrip(".") or "文件")
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        yield "PNG 文字块", _png_text(data)
        yield "图片中的文字", _strings(data)
        return
    if data[:3] == b"\xff\xd8\xff" or data[:4] in (b"GIF8", b"RIFF", b"\x00\x00\x01\x00"):
        yield "图片中的文字", _strings(data)
        return
    if depth and name.lower().endswith(_TEXT_MEMBERS):
        try:  # inside an archive as in content/: text is UTF-8, or it cannot be read for certain
            data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        except UnicodeDecodeError:
            raise Unreadable(f"压缩包中的“{name}”不是 UTF-8 文字，无法确定其编码") from None
    for encoding, text in decodings(data):
        channel = kind if encoding == "UTF-8" else f"{kind}（{encoding}）"
        if depth and kind == "xml" and "<c " in text:  # a worksheet (in a .xlsx): its cells' markup read as marks
            text = _CELL_MARKUP.sub("<>", text)
        for variant in text_variants(text):
            yield channel, variant
        if encoding == "UTF-8" and "\ufffd" in text:  # binary: its text runs too
            yield f"{kind}中的文字", _strings(data)


# The markup of a worksheet's cells and rows as XlsxWriter writes it for the build (constant-memory mode):
# <c r="B7" s="9" t="inlineStr"><is><t> … </t></is></c>, <c r="B7" s="10"><v> … </v></c>, an empty <c r="B7" s="9"/>,
# <row r="7" ht="30" customHeight="1"> … </row>. It is nine tenths of a sheet (the 登记表 of 200,000 experts: 270 of
# 300 million characters, whose folding and search took about 30 CPU s), and it holds no value: the grammar admits a
# cell reference and a row number of at most six digits, a style number of at most four, a type, and a whole row height
# of at most three — never a number the audit looks for by its digits (MIN_DIGITS, seven), nor anything but digits and
# those fixed words. Each run of it is read as "<>", which ends a number or a value as the tags did; the text between
# is as written. Anything else (a longer number, any other attribute or value, <t xml:space="preserve">, comments) is
# read as it is: a phone number put in a row's height by hand is found.
_CELL_MARKUP = re.compile(r'<c r="[A-Z]{1,3}[0-9]{1,6}"(?: s="[0-9]{1,4}")?(?: t="(?:inlineStr|s|n|b|str|e)")?'
                          r'(?:/>|>(?:<is><t>|<v>)?)|</t></is></c>|</v></c>'
                          r'|<row r="[0-9]{1,6}"(?: ht="[0-9]{1,3}")?(?: hidden="1")?(?: customHeight="1")?>|</row>')


def _is_zip(data: bytes) -> bool:
    """A zip archive wherever it starts (unzip accepts junk before it): its end record is there."""
    import io
    import zipfile

    return b"PK\x05\x06" in data[-66000:] and zipfile.is_zipfile(io.BytesIO(data))


# What may be inside a zip: the attachment types, and the parts of Office and OpenDocument files.
ZIP_MEMBERS = (".md", ".txt", ".csv", ".css", ".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".zip", ".gz",
               ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".xml", ".rels", ".vml", ".emf", ".wmf", ".rdf")
ZIP_NAMES = ("mimetype", "manifest.xml")
_TEXT_MEMBERS = (".md", ".txt", ".csv", ".css", ".xml", ".rels", ".vml", ".rdf")


def _zip_channels(data: bytes, depth: int, budget: list[int]) -> Iterator[tuple[str, str]]:
    import io
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Unreadable("zip 文件已损坏") from None
    if len(members) > MAX_MEMBERS:
        raise Unreadable(f"zip 文件有 {len(members)} 个成员，超过上限 {MAX_MEMBERS}")
    total = 0
    for member in members:
        if member.is_dir():
            continue
        if member.flag_bits & 1:
            raise Unreadable(f"zip 成员“{member.filename}”已加密，无法核查其内容")
        base = member.filename.rsplit("/", 1)[-1]
        if not base.lower().endswith(ZIP_MEMBERS) and base not in ZIP_NAMES:
            raise Unreadable(f"压缩包中的“{member.filename}”不是可以核查的文件类型（如宏、嵌入对象、其他压缩格式）")
        total += member.file_size
        if member.file_size > budget[0] or total > _limit():
            raise Unreadable(f"zip 文件（连同其中的压缩包）解压后超过 {_limit() // 1024 // 1024} MB")
        try:
            with archive.open(member) as handle:
                inner = handle.read(budget[0] + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError, zlib.error):
            raise Unreadable(f"zip 成员“{member.filename}”无法读取") from None
        budget[0] -= len(inner)
        if budget[0] < 0:
            raise Unreadable(f"zip 文件（连同其中的压缩包）解压后超过 {_limit() // 1024 // 1024} MB")
        yield f"压缩包内 {member.filename}", member.filename
        if len(inner) > PIECE and base.lower().endswith(".xml"):
            for number, piece in enumerate(xml_pieces(inner), 1):
                for channel, text in _byte_channels(member.filename, piece, depth + 1, budget):
                    yield f"压缩包内 {member.filename}（第 {number} 段）{channel}", text
            continue
        for channel, text in _byte_channels(member.filename, inner, depth + 1, budget):
            yield f"压缩包内 {member.filename} {channel}", text
    if any(m.filename == "xl/workbook.xml" for m in members):  # every member passed the limits above
        yield from _workbook_cells(data)


def xml_pieces(data: bytes) -> Iterator[bytes]:
    """``data`` (XML) in pieces of about PIECE bytes, each cut before a "<" and repeating PIECE_OVERLAP bytes of text."""
    start = 0
    while start < len(data):
        end = data.find(b"<", start + PIECE)
        end = len(data) if end == -1 else end
        yield data[_overlap_start(data, start):end]
        start = end


def _overlap_start(data: bytes, start: int) -> int:
    """Where the piece that follows a cut at ``start`` begins: at a tag, PIECE_OVERLAP bytes of text back."""
    width = PIECE_OVERLAP
    while start:
        low = max(0, start - width)
        if low == 0 or len(_TAG_BYTES.sub(b"", data[low:start])) >= PIECE_OVERLAP:
            return max(data.rfind(b"<", 0, low + 1), 0)  # the tag that holds or follows ``low`` starts here
        width *= 2  # mostly tags: look further back
    return 0


def _workbook_cells(data: bytes) -> Iterator[tuple[str, str]]:
    """The cells of an Excel workbook as a reader sees them: a date stored as a serial number is read as the date.

    The XML alone holds 45839 for 2025-07-01 and 13800138000 for a phone kept as a number; here each
    cell is written out as Excel shows it (dates as 2025-07-01, whole numbers without “.0”), every
    sheet, hidden ones too. Read with python-calamine: a 200,000-row 名单 in seconds (openpyxl's
    read-only mode took minutes).
    """
    import io

    import python_calamine as calamine

    out: list[tuple[str, str]] = []
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            for name in book.sheet_names:
                lines = [name]
                for row in book.get_sheet_by_name(name).iter_rows():
                    lines.append("\t".join([v if type(v) is str else _cell_text(v)  # text, most cells: as it is
                                             for v in row if v is not None and v != ""]))
                out.append((f"工作表“{name}”", "\n".join(lines)))
        finally:
            book.close()
    except Exception as exc:  # a damaged workbook: what cannot be read cannot be vouched for
        raise Unreadable(f"Excel 工作簿无法读取（{type(exc).__name__}）") from None
    yield from out


def _cell_text(value: Any) -> str:
    import datetime

    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e30:
        return str(int(value))
    return str(value)
