"""The 名单 as a reader sees it: one row per pairing, each period beside its expert, the same columns
in every unit, a continued unit headed “（续）”, and one date style (2025年7月1日) on the site and in print."""
from __future__ import annotations

import html
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import TODAY, synthetic_project
from pypdf import PdfReader
from sitebuild import article, build

from generator import check
from generator.build import build_pdf
from generator.render.pages import cn_date
from generator.render.pdf import compose, write
from generator.render.view import build_view

pytestmark = pytest.mark.slow
LONG = "重庆市合成第{}号高新技术产业研究院附属材料工程与转化应用中心"  # wraps in the 工作单位 column


@pytest.fixture(scope="module")
def long_names(tmp_path_factory) -> Path:
    """A synthetic project (bench/synth.py) whose employers' names wrap, with units of several pages."""
    return synthetic_project(tmp_path_factory.mktemp("roster") / "project", 1200, lambda n: LONG.format(n))


@pytest.fixture(scope="module")
def view(long_names):
    result = check(long_names, today=TODAY)
    assert result.ok(), [d.text() for d in result.diagnostics if d.severity == "error"][:5]
    return build_view(result.project, "public", TODAY)


@pytest.fixture(scope="module", params=["one document", "parallel parts", "more parts than cores"])
def roster_pdf(request, long_names, tmp_path_factory) -> Path:
    """The guide on every path, with the 名单 chunked every few rows (compose.ROWS_PER_CHUNK, 60 in use): every
    unit has chunk boundaries inside it, as one of more than 60 pairings has, and parts are cut between them.
    "more parts than cores": parts of at most a few pairings (write.MAX_PART_PAIRINGS, 3,000 in use: a worker's
    memory grows with its rows), typeset a core's worth at a time."""
    old = write.PARALLEL_MIN, compose.ROWS_PER_CHUNK, write.MAX_PART_PAIRINGS
    old_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    write.PARALLEL_MIN = 10**9 if request.param == "one document" else 1
    compose.ROWS_PER_CHUNK = 7
    if request.param == "more parts than cores":
        write.MAX_PART_PAIRINGS = 15
    os.environ["SOURCE_DATE_EPOCH"] = "1795305600"
    said: list[str] = []
    try:
        path = build_pdf(long_names, out=tmp_path_factory.mktemp("roster-pdf") / "guide.pdf", today=TODAY,
                         progress=said.append).path
        if request.param == "more parts than cores":
            [line] = [m for m in said if "份、" in m]
            parts, processes = map(int, re.findall(r"分 (\d+) 份、(\d+) 个进程", line)[0])
            assert parts > processes >= 2, line
        return path
    finally:
        write.PARALLEL_MIN, compose.ROWS_PER_CHUNK, write.MAX_PART_PAIRINGS = old
        if old_epoch is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old_epoch


@pytest.fixture(scope="module")
def pdf_pages(roster_pdf) -> list[str]:
    count = len(PdfReader(roster_pdf).pages)
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(roster_pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


def _roster(pages: list[str]) -> list[list[str]]:
    """The lines of each page of 附件一 (its running header names it)."""
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in pages
            if page.strip() and page.strip().splitlines()[0].strip().replace(" ", "").startswith("附件一领导联系专家名单")]


def _pairings(view):
    for group in view.pairing_groups:
        for unit in group["units"]:
            for leader in unit["leaders"]:
                for p in leader["pairings"]:
                    yield unit["name"], leader, p


def test_every_period_is_printed_on_its_experts_line(view, pdf_pages):
    lines = [line for page in _roster(pdf_pages) for line in page]
    wrapped = [line for line in lines if re.fullmatch(r"(\S+\s+)?[^\s\d]*中心", line)]
    assert wrapped, "employer names must wrap for this test to mean anything"
    missing = []
    for _unit, leader, p in _pairings(view):
        period = f"{cn_date(p['start'])}至{cn_date(p['end'])}"
        pattern = re.compile(rf"\s{re.escape(leader['name'])}\s.*\s{re.escape(p['expert_name'])}\s.*\s{re.escape(period)}$")
        if not any(pattern.search(" " + line) for line in lines):
            missing.append((leader["name"], p["expert_name"], period))
    assert not missing, missing[:5]


def test_a_unit_continued_on_the_next_page_is_headed_continued(view, pdf_pages):
    units = {unit["name"] for group in view.pairing_groups for unit in group["units"]}
    header = re.compile(r"序号\s+联系领导\s+职务\s+联系专家\s+工作单位\s+联系期限")
    current, continued = None, 0
    for lines in _roster(pdf_pages):
        first_table = next(i for i, line in enumerate(lines) if header.search(line))
        above = lines[1:first_table]
        if not any(line in units or line.endswith("（续）") for line in above):
            raise AssertionError(f"a page opens inside {current}'s table without “{current}（续）”: {lines[:4]}")
        if above and above[0] == f"{current}（续）":
            continued += 1
        assert all(not line.endswith("（续）") or line == f"{current}（续）" for line in above), (above, current)
        for line in lines:
            if line in units:
                current = line
    assert continued, "some unit's table must run over a page for this test to mean anything"


def test_each_unit_is_one_table_its_header_repeated_only_at_page_tops(view, pdf_pages):
    """A header row stands only under the unit's heading or its “（续）” line at the top of a page: never after a
    row, as a second table of the same unit would put it (one was started every 60 rows)."""
    units = {unit["name"] for group in view.pairing_groups for unit in group["units"]}
    header = re.compile(r"序号\s+联系领导\s+职务\s+联系专家\s+工作单位\s+联系期限")
    heads = 0
    for lines in _roster(pdf_pages):
        for i, line in enumerate(lines):
            if header.search(line):
                heads += 1
                above = lines[i - 1]
                assert above in units or (above.endswith("（续）") and i == 2), (above, line, lines[:3])
    assert heads > len(units), "some unit's table must run over a page for this test to mean anything"


def test_continued_heading_stands_inside_the_type_area(roster_pdf):
    """“单位（续）” at the top of a page stands where a unit's own heading stands on a page it opens: inside the
    版心 (from 37 mm), below the running header and its rule, right above the column headings."""
    top = 37 * 72 / 25.4
    pages = re.findall(r"<page\b.*?</page>", subprocess.run(["pdftotext", "-bbox", str(roster_pdf), "-"],
                                                           capture_output=True, text=True, check=True).stdout, re.S)
    continued, opened = [], []
    for page in pages:
        words = [(float(y0), float(y1), html.unescape(t)) for y0, y1, t in
                 re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>', page)]
        if len(words) < 4 or not words[0][2].startswith("附件一"):
            continue
        body = [w for w in words if w[0] > words[1][1] + 1]  # below the running header
        first, columns = body[0], next((w for w in body if w[2] == "序号"), None)
        if columns is None:
            continue
        if first[2].endswith("（续）"):
            continued.append(first)
            assert first[0] >= top - 0.5 and first[1] <= columns[0], (first, columns)
        elif columns is body[1] and not first[2].startswith("附件一"):
            opened.append(first)
    assert continued and opened
    assert {round(w[0]) for w in continued} == {round(w[0]) for w in opened}, (continued[:2], opened[:2])


def test_column_headings_are_whole(pdf_pages):
    for lines in _roster(pdf_pages):
        headers = [line for line in lines if line.startswith("序号")]
        assert headers and all(re.fullmatch(r"序号\s+联系领导\s+职务\s+联系专家\s+工作单位\s+联系期限", h) for h in headers), headers


def test_the_site_has_one_row_per_pairing_and_the_same_columns_in_every_unit(tmp_path, view, long_names):
    site = build(long_names, tmp_path / "site")
    page = article(site / "pairings" / "index.html")
    tables = re.findall(r'<table class="eg-table eg-stack eg-pairings">(.*?)</table>', page, re.S)
    assert len(tables) == sum(len(g["units"]) for g in view.pairing_groups)
    heads = {re.search(r"<colgroup>.*?</thead>", t, re.S).group() for t in tables}
    assert len(heads) == 1, "every unit's table has the same columns"
    rows = [row for t in tables for row in re.findall(r"<tr>(.*?)</tr>", t.split("</thead>")[1], re.S)]
    assert len(rows) == sum(1 for _ in _pairings(view))
    for (_unit, leader, p), row in zip(_pairings(view), rows):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert len(cells) == 5
        assert cells[0].startswith(leader["name"]) and cells[1] == leader["post"] and cells[2] == p["expert_name"]
        assert cells[4] == f"{cn_date(p['start'])}至{cn_date(p['end'])}"


def test_one_date_style_on_the_site_and_in_print(sample_intranet):
    """Every date a reader sees is 2025年7月1日: no ISO date in any page's text or in the guide.

    The 校验报告 is exempt: it quotes check's messages, which cite dates as the data file writes them."""
    site = sample_intranet
    iso = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")
    for path in site.rglob("*.html"):
        if path.name == "404.html" or path.parent.name == "report":
            continue
        text = html.unescape(re.sub(r"<[^>]+>", " ", article(path)))
        assert not iso.search(text), (path, iso.search(text).group())
    guide = subprocess.run(["pdftotext", str(site / "downloads" / "guide.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert not iso.search(guide), iso.search(guide).group()
    assert "2025年7月1日至2027年6月30日" in guide


def test_a_long_unit_name_wraps_in_its_band_inside_the_type_area(tmp_path):
    """A unit's name longer than a line wraps in its band, within the 版心 (28 mm to 184 mm on a right-hand page),
    where the table starts and, with “（续）”, on the page it runs onto: whole, nothing past the edge of the table."""
    from types import SimpleNamespace

    from generator.render.pdf.fonts import require_fonts
    from generator.render.pdf.roster import FONTS, font_dirs, roster_data, typeset_roster

    name = "重庆市卫生局直属医疗卫生机构专家联系服务工作领导小组办公室暨市级医疗卫生机构高层次人才服务中心"
    rows = [{"n": i, "expert": f"专家{i}", "employer": "重庆大学", "term": "2025年7月1日至2027年6月30日"} for i in range(1, 80)]
    leader = {"leader": "王局长", "post": "局长", "phone": "023-1", "rows": rows}
    part = [{"name": None, "units": [{"name": name, "cont": name + "（续）", "chunks": [[leader]]}]}]
    pdf, count = typeset_roster(roster_data(SimpleNamespace(intranet=False), part, False, dict(FONTS)),
                                font_dirs(require_fonts()))
    assert count >= 2
    (tmp_path / "part.pdf").write_bytes(pdf)
    box = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "part.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    left, right = 28 * 72 / 25.4, (210 - 26) * 72 / 25.4
    for number, page in enumerate(re.findall(r"<page\b.*?</page>", box, re.S)):
        words = [(float(x0), float(x1), float(y0), html.unescape(t)) for x0, y0, x1, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>', page)]
        heads = next(w for w in words if w[3] == "序号")
        band = [w for w in words if w[2] < heads[2] - 1]
        assert "".join(w[3] for w in band) == (name if number == 0 else name + "（续）"), band
        assert len({round(w[2]) for w in band}) >= 2  # wrapped
        assert all(left - 0.5 <= w[0] and w[1] <= right + 0.5 for w in band), band
