"""The printed 《专家服务指南》: the same view as the site, typeset by WeasyPrint (印刷版指南).

Steps: render the print template → find the CJK fonts → check every character
has a glyph → lay out with a fetcher that reads only theme/ and content/ →
write the PDF beside its target and rename it into place.
"""
from __future__ import annotations

import html as html_lib
import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

import markdown

from ..clock import epoch_moment
from .pages import THEME_DIR, cn_date, environment, split_front_matter
from .sanitize import clean_html
from .view import SiteView

PRINT_DIR = THEME_DIR / "print"
FONTS = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"}
FORM_COLUMNS = ("序号", "专家姓名", "性别", "出生年月", "工作单位", "职务/职称", "专业领域", "专家类别", "联系领导及职务",
                "联系起止日期", "备注")
ROWS_PER_TABLE = 25  # leaders per table: a unit with thousands of pairings still makes small tables
PARALLEL_MIN = 600  # pairings: below this one document is faster than starting worker processes
MM = 72 / 25.4


class PdfError(Exception):
    """The guide could not be typeset; nothing was written."""


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int
    bytes: int


def _print_env():
    env = environment()
    env.loader.searchpath.append(str(PRINT_DIR))
    return env


def guide_html(view: SiteView, root: Path, placeholder_pages: int | None = None) -> str:
    """The print document as HTML: chapters in the order the notice lists them.

    With ``placeholder_pages`` the 名单 is left as that many pages for parts typeset apart.
    """
    env = _print_env()
    policy_ids = {p["id"] for p in view.policies}
    letter = _markdown_file(root, "content/_print/letter.md", policy_ids)
    intro = _markdown_file(root, "content/index.md", policy_ids, drop_title=True)
    policies = [{**p, "html": print_html(p["body"], root, "content/policies", policy_ids)} for p in view.policies]
    return env.get_template("guide.html").render(
        view=view, site=view.site, letter=letter, intro=intro, policies=policies, appendix=appendix_tables(view),
        form_columns=FORM_COLUMNS, form_rows=range(1, 13), created=_created(view), cn_date=cn_date,
        **({"placeholder_pages": placeholder_pages} if placeholder_pages else {}))


def split_appendix(appendix: list[dict], parts: int) -> list[list[dict]]:
    """Cut the 名单 between its small tables into ``parts`` runs of about equal numbers of pairings.

    A tier continued in the next part keeps its heading only where it starts; a unit continued
    there is headed “（续）”.
    """
    tables = [(group["name"], unit["name"], table) for group in appendix for unit in group["units"]
              for table in unit["tables"]]
    weights = [sum(len(row["pairings"]) for row in table) for _tier, _unit, table in tables]
    total, done = sum(weights), 0
    out: list[list[dict]] = [[]]
    seen_tiers: set[str] = set()
    seen_units: set[tuple[str, str]] = set()
    for (tier, unit, table), weight in zip(tables, weights):
        if out[-1] and len(out) < parts and done >= total * len(out) / parts:
            out.append([])
        part = out[-1]
        if not part or part[-1]["tier"] != tier:
            part.append({"tier": tier, "name": "" if tier in seen_tiers else tier, "units": []})
            seen_tiers.add(tier)
        units = part[-1]["units"]
        if not units or units[-1]["key"] != (tier, unit):
            units.append({"key": (tier, unit), "name": unit if (tier, unit) not in seen_units else f"{unit}（续）",
                          "tables": []})
            seen_units.add((tier, unit))
        units[-1]["tables"].append(table)
        done += weight
    return [part for part in out if part]


def _typeset_part(args: tuple) -> tuple[bytes, int]:
    """Worker: one part of the 名单 as its own PDF (pages without header or number)."""
    html, base_url, allowed = args
    document = _render(html, base_url, [Path(p) for p in allowed])
    return document.write_pdf(pdf_identifier=b"expert-guide-part"), len(document.pages)


def appendix_tables(view: SiteView) -> list[dict]:
    """The 名单 as small tables per unit: tier → unit → tables of at most ROWS_PER_TABLE leaders.

    One row per leader with that leader's experts and terms line by line: a third of the rows
    of one row per pairing, which is what WeasyPrint's layout time follows.
    """
    groups = []
    for group in view.pairing_groups:
        units = []
        for unit in group["units"]:
            rows: list[dict[str, Any]] = []
            for leader in unit["leaders"]:
                rows.append({"n": len(rows) + 1, "leader": leader["name"], "post": leader["post"],
                             "phone": (leader.get("contact") or {}).get("phone") or "—",
                             "pairings": [{"expert": p["expert_name"], "employer": p["expert_employer"],
                                           "term": f"{p['start'].isoformat()} 至 {p['end'].isoformat()}"}
                                          for p in leader["pairings"]]})
            tables = [rows[i:i + ROWS_PER_TABLE] for i in range(0, len(rows), ROWS_PER_TABLE)]
            units.append({"name": unit["name"], "tables": tables})
        groups.append({"name": group["name"], "units": units})
    return groups


def _markdown_file(root: Path, rel: str, policy_ids: set[str], drop_title: bool = False) -> str:
    path = root / rel
    if not path.is_file():
        return ""
    text = split_front_matter(path.read_text(encoding="utf-8-sig"))[1]
    if drop_title:
        text = re.sub(r"\A#\s[^\n]*\n", "", text.lstrip())
    return print_html(text, root, str(Path(rel).parent), policy_ids)


_SRC = re.compile(r'\ssrc\s*=\s*["\']?([^"\'\s>]*)', re.I)


def print_html(text: str, root: Path, folder: str, policy_ids: set[str]) -> str:
    """Content Markdown as print HTML: references checked first, then sanitized, then links rewritten.

    The check comes before the sanitizer, which would silently drop a `file:` image: here it stops
    the build instead.
    """
    raw = markdown.markdown(text, extensions=["attr_list"])
    for src in _SRC.findall(raw):
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", html_lib.unescape(src)):
            raise PdfError(f"{folder} 中引用了不允许读取的资源：{html_lib.unescape(src)}（只允许 theme/ 与 content/ 下的文件）")
    print_links(raw, root, folder, policy_ids)  # raises for a forbidden link before the sanitizer hides it
    return _local_sources(print_links(clean_html(raw), root, folder, policy_ids), root, folder)


def _local_sources(html: str, root: Path, folder: str) -> str:
    """Relative images are the content file's neighbours, not the print template's: made absolute."""
    content = (root / "content").resolve()

    def absolute(match: re.Match) -> str:
        src = html_lib.unescape(match.group(2))
        path = (root / folder / unquote(src)).resolve()
        if not path.is_relative_to(content):
            raise PdfError(f"{folder} 中引用了不允许读取的资源：{src}（在 content/ 之外）")
        return f'{match.group(1)}"{html_lib.escape(path.as_uri())}"'

    return re.sub(r'(<img\b[^>]*?\ssrc=)"([^":]*)"', absolute, html)


_HREF = re.compile(r'<a\b([^>]*?)\shref="([^"]*)"([^>]*)>')
PRINT_SCHEMES = ("https:", "mailto:", "tel:")


def print_links(html: str, root: Path, folder: str, policy_ids: set[str]) -> str:
    """Links of content for print: a policy page becomes its chapter, another page plain text.

    Anything else relative must stay inside content/; `file:` and plain `http:` links fail the
    build, like the images (StrictFetcher), and so does any link found in the laid-out document
    (check_links).
    """
    def rewrite(match: re.Match) -> str:
        before, href, after = match.groups()
        target = html_lib.unescape(href)
        if target.startswith("#") or target.lower().startswith(PRINT_SCHEMES):
            return match.group(0)
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target):
            raise PdfError(f"{folder} 中的链接“{target}”：印刷版只允许 https:、mailto: 和 tel: 链接")
        path = (root / folder / unquote(target.split("#")[0])).resolve()
        content = (root / "content").resolve()
        if not path.is_relative_to(content):
            raise PdfError(f"{folder} 中的链接“{target}”指向 content/ 之外")
        rel = path.relative_to(content).as_posix()
        if rel.startswith("policies/") and rel.endswith(".md") and rel[9:-3] in policy_ids:
            return f'<a{before} href="#policy-{rel[9:-3]}"{after}>'
        return f"<a{before}{after}>"  # another page of the site: kept as text in print

    return _HREF.sub(rewrite, html)


def check_links(document) -> None:
    """Every link of the laid-out guide is internal or https:, mailto:, tel: (no file:, http:, attachment)."""
    for number, page in enumerate(document.pages, 1):
        for kind, target, _rect, _box in page.links:
            if kind == "internal":
                continue
            if kind != "external" or not str(target).lower().startswith(PRINT_SCHEMES):
                raise PdfError(f"第 {number} 页的链接“{target}”不允许：印刷版只允许 https:、mailto:、tel: 和指南内部的链接")


def _created(view: SiteView) -> str:
    moment = epoch_moment()
    if moment is not None:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    published = view.site.get("published")
    return f"{published.isoformat()}T00:00:00Z" if published else "2000-01-01T00:00:00Z"


@lru_cache(maxsize=None)
def font_file(family: str) -> Path | None:
    """The file fontconfig picks for ``family``, if it really is that family."""
    import subprocess

    try:
        out = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", family], capture_output=True, text=True,
                             timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, file = out.partition("\n")
    if family not in families.split(","):
        return None
    return Path(file) if file else None


@lru_cache(maxsize=None)
def _cmap(path: Path, family: str) -> frozenset[int]:
    """The code points ``family`` draws (the face of that name in a .ttc collection)."""
    from fontTools.ttLib import TTCollection, TTFont

    collection = TTCollection(str(path), lazy=True) if path.suffix.lower() == ".ttc" else None
    fonts = collection.fonts if collection is not None else [TTFont(str(path), lazy=True)]
    try:
        chosen = fonts[0]
        for font in fonts:
            if family in {n.toUnicode() for n in font["name"].names if n.nameID in (1, 16)}:
                chosen = font
                break
        return frozenset(chosen.getBestCmap())
    finally:
        (collection or fonts[0]).close()


def require_fonts() -> dict[str, Path]:
    found = {role: font_file(family) for role, family in FONTS.items()}
    missing = [FONTS[role] for role, path in found.items() if path is None]
    if missing:
        raise PdfError(f"未找到中文字体：{'、'.join(missing)}。请安装 Debian 软件包 fonts-noto-cjk（make build 会自动安装）")
    return found  # type: ignore[return-value]


_TAG = re.compile(r"<[^>]+>")


def missing_glyphs(html: str, fonts: dict[str, Path]) -> list[str]:
    """Every character of the document that a chosen font cannot draw, with some context."""
    import html as html_lib

    text = html_lib.unescape(_TAG.sub(" ", re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)))
    maps = {role: _cmap(path, FONTS[role]) for role, path in fonts.items()}
    problems = []
    seen = set()
    for index, char in enumerate(text):
        if char in seen or char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        seen.add(char)
        lacking = [FONTS[role] for role, cmap in maps.items() if ord(char) not in cmap]
        if lacking:
            context = " ".join(text[max(0, index - 12):index + 12].split())
            problems.append(f"字符“{char}”（U+{ord(char):04X}）在 {'、'.join(lacking)} 中没有字形，出现在“{context}”")
    return problems


class StrictFetcher:
    """Reads only files under the allowed folders; any other reference stops the build."""

    def __init__(self, allowed: list[Path]) -> None:
        self.allowed = [p.resolve() for p in allowed]
        self.refused: list[str] = []

    def make(self):
        from weasyprint.urls import FatalURLFetchingError, URLFetcher

        outer = self

        class _Fetcher(URLFetcher):
            def fetch(self, url: str, headers=None):
                parts = urlsplit(url)
                if parts.scheme == "file":
                    path = Path(unquote(parts.path)).resolve()
                    if any(path.is_relative_to(root) for root in outer.allowed) and path.is_file():
                        return super().fetch(url, headers)
                outer.refused.append(url)
                raise FatalURLFetchingError(f"不允许读取的资源：{url}")

        return _Fetcher(allowed_protocols=("file",), fail_on_errors=True)


def write_pdf(view: SiteView, root: Path, target: Path, progress: Callable[[str], None] | None = None) -> PdfResult:
    """Typeset the guide for ``view`` and put it at ``target`` (atomically)."""
    say = progress or (lambda message: None)
    say("排版《专家服务指南》：准备 HTML")
    html = guide_html(view, root)
    fonts = require_fonts()
    problems = missing_glyphs(html, fonts)  # the full document: every character of every part
    if problems:
        raise PdfError("以下字符无法显示，PDF 未生成：\n  " + "\n  ".join(problems))
    allowed = [THEME_DIR, root / "content"]
    base_url = (PRINT_DIR / "guide.html").as_uri()
    appendix = appendix_tables(view)
    pairings = sum(len(row["pairings"]) for g in appendix for u in g["units"] for t in u["tables"] for row in t)
    workers = min(os.cpu_count() or 1, 4)
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)  # WeasyPrint warns about CSS it ignores; failures are raised below
    try:
        if pairings >= PARALLEL_MIN and workers > 1:
            say(f"排版《专家服务指南》：名单 {pairings} 对联系分 {workers} 个进程并行排版")
            data, pages = _typeset_in_parts(view, root, appendix, workers, base_url, allowed)
        else:
            say("排版《专家服务指南》：版面计算（页数多时需要几十秒）")
            data, pages = _typeset(html, base_url, allowed)
        say(f"排版《专家服务指南》：已写出 {pages} 页")
    finally:
        logger.setLevel(level)
    if b"/EmbeddedFile" in data:
        raise PdfError("PDF 中出现了附件（/EmbeddedFile），已拒绝写出")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return PdfResult(target, pages, len(data))


def _render(html: str, base_url: str, allowed: list[Path]):
    """Lay out one document; only allowed files may be read."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    fetcher = StrictFetcher(allowed)
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher.make()) \
            .render(font_config=FontConfiguration())
    except FatalURLFetchingError:
        raise PdfError("模板或文稿引用了不允许读取的资源（只允许 theme/ 与 content/ 下的文件）："
                       + "、".join(fetcher.refused)) from None
    if fetcher.refused:
        raise PdfError("模板或文稿引用了不允许读取的资源：" + "、".join(fetcher.refused))
    check_links(document)
    return document


def _typeset(html: str, base_url: str, allowed: list[Path]) -> tuple[bytes, int]:
    """One document, laid out and written by WeasyPrint."""
    document = _render(html, base_url, allowed)
    return document.write_pdf(pdf_identifier=b"expert-guide", uncompressed_pdf=False), len(document.pages)


def _worker_start(parent: int) -> None:
    """In each typesetting process: die with the parent, and leave Ctrl-C to the parent."""
    import ctypes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: killed with the parent
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _typeset_in_parts(view: SiteView, root: Path, appendix: list[dict], workers: int, base_url: str,
                      allowed: list[Path]) -> tuple[bytes, int]:
    """The 名单 in parts on every core, then the guide with placeholder pages, the parts laid over them.

    Parts are typeset as right-hand pages; on a left-hand page they move 2 mm to the outer side, so
    the inner margin stays 28 mm. Page breaks inside a part do not depend on its page numbers, so the
    parts need not wait for each other.
    """
    import io
    from multiprocessing import get_context

    from pypdf import PdfReader, PdfWriter

    env = _print_env()
    template = env.get_template("part.html")
    parts = split_appendix(appendix, workers)
    jobs = [(template.render(appendix=part, view=view, first=i == 0), base_url, [str(p) for p in allowed])
            for i, part in enumerate(parts)]
    pool = get_context("fork").Pool(len(jobs), initializer=_worker_start, initargs=(os.getpid(),))
    try:
        typeset = pool.map(_typeset_part, jobs)
    finally:
        pool.terminate()  # on success, failure or Ctrl-C alike: no worker outlives the build
        pool.join()
    count = sum(pages for _data, pages in typeset)
    document = _render(guide_html(view, root, placeholder_pages=count), base_url, allowed)
    start = _placeholder_start(document)
    data, total = document.write_pdf(pdf_identifier=b"expert-guide", uncompressed_pdf=False), len(document.pages)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    index = start
    for part_data, _pages in typeset:
        for page in PdfReader(io.BytesIO(part_data)).pages:
            shift = 0 if index % 2 == 0 else -2 * MM  # even index = odd page number = right-hand page
            _lay_over(writer, writer.pages[index], page, shift, f"/EGPart{index}")
            index += 1
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), total


def _lay_over(writer, target, page, shift: float, name: str) -> None:
    """Draw ``page`` on ``target`` as a form XObject: its compressed content is reused, never parsed."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, StreamObject

    contents = page["/Contents"].get_object()
    if isinstance(contents, ArrayObject):  # WeasyPrint writes one stream per page; anything else is merged slowly
        from pypdf import Transformation

        target.merge_transformed_page(page, Transformation().translate(shift, 0))
        return
    form = StreamObject()
    form._data = contents._data
    if "/Filter" in contents:
        form[NameObject("/Filter")] = contents["/Filter"]
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(page.mediabox)
    form[NameObject("/Resources")] = page["/Resources"]
    form_ref = writer._add_object(form.clone(writer))
    resources = target["/Resources"].get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        xobjects = DictionaryObject()
        resources[NameObject("/XObject")] = xobjects
    xobjects.get_object()[NameObject(name)] = form_ref
    # WeasyPrint's content begins with a y-flip it never restores: wrap it in q … Q before drawing.
    def stream(operators: str):
        obj = DecodedStreamObject()
        obj.set_data(operators.encode())
        return writer._add_object(obj)

    existing = target["/Contents"]
    streams = list(existing.get_object()) if isinstance(existing.get_object(), ArrayObject) else [existing]
    target[NameObject("/Contents")] = ArrayObject(
        [stream("q"), *streams, stream(f"Q q 1 0 0 1 {shift:.4f} 0 cm {name} Do Q")])


APPENDIX_ANCHOR = "appendix-pairings"  # the id of the 名单's section in guide.html


def _placeholder_start(document) -> int:
    """The index of the page the 名单's section starts on, found by its anchor, not by its text."""
    for number, page in enumerate(document.pages):
        if APPENDIX_ANCHOR in page.anchors:
            return number
    raise PdfError("找不到附件一的位置，无法合并名单")
