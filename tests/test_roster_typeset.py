"""The 名单 typeset by Typst (render/pdf/roster.py): values from data are text, never Typst markup or code;
every cell keeps to its column and to the 版心; the last two characters of a text stay together, as in the
rest of the guide; a font Typst cannot find stops the build."""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cjk import KEEP_CLASS, keep_last_pair, last_pair_at
from generator.glyphs import FONTS
from generator.render.pdf import fonts, roster
from generator.render.pdf.errors import PdfError
from generator.render.pdf.fonts import require_fonts
from generator.render.pdf.roster import font_dirs, printed_strings, roster_data, typeset_roster

MM = 72 / 25.4
# Each is a value the data may hold and Typst markup or code would act on: a call, a file read, a label, a
# reference, maths, emphasis, raw text, a comment, an escape, a URL (auto-linked in markup), a heading.
HOSTILE = [
    '#read("/etc/passwd")', "#sys.inputs", "#panic(1)", "[#text(red)[x]]", "*粗体*", "_斜体_", "$x^2$", "<标签>",
    "@引用", "`代码`", "// 注释", "/* 注释 */", "\\u{41}反斜杠", "https://example.org/路径", "= 标题", "- 列表",
    "#let x = 1", "}{)(", '"引号"', "~ 不换行 ~", "#[#]", "单位#1", "A&B<i>C</i>",
]


def _part(rows: list[tuple[str, str, str]], *, leader: str = "王领导", post: str = "局长", unit: str = "某单位",
          tier: str = "局领导") -> list[dict]:
    """A part as compose.split_appendix makes it: one tier, one unit, one leader with ``rows`` (expert, employer, term)."""
    return [{"tier": tier, "name": tier, "units": [{"key": (tier, unit), "name": unit, "cont": f"{unit}（续）", "chunks": [[{
        "leader": leader, "post": post, "phone": "023-12345678",
        "rows": [{"n": n, "expert": e, "employer": m, "term": t} for n, (e, m, t) in enumerate(rows, 1)]}]]}]}]


def _typeset(tmp_path: Path, part: list[dict], intranet: bool = False, first: bool = True,
             fonts: dict | None = None) -> Path:
    view = SimpleNamespace(intranet=intranet)
    data = roster_data(view, part, first, fonts or dict(FONTS))  # type: ignore[arg-type]
    pdf, pages = typeset_roster(data, font_dirs(require_fonts()))
    path = tmp_path / "part.pdf"
    path.write_bytes(pdf)
    assert pages >= 1
    return path


def _words(path: Path) -> list[tuple[float, float, float, float, str]]:
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out)]


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_values_from_data_are_printed_as_text_never_run(tmp_path):
    """Each value is a unit's name (a heading across the page: it never wraps, so it reads back whole) and, in
    the same unit, the leader, post, expert and employer of its row."""
    part = [{"tier": "$层级$", "name": "$层级$", "units": [
        {"key": ("t", value), "name": value, "cont": f"{value}（续）", "chunks": [[{
            "leader": value, "post": value, "phone": value,
            "rows": [{"n": 1, "expert": value, "employer": value, "term": "2025年7月1日至2027年6月30日"}]}]]}
        for value in HOSTILE]}]
    path = _typeset(tmp_path, part, intranet=True)
    lines = [line.strip() for line in _text(path).splitlines()]
    for value in HOSTILE + ["$层级$"]:
        assert value in lines, value
    assert "root:" not in "".join(lines)


def test_every_word_keeps_to_its_column_and_the_type_area(tmp_path):
    """Runs a line cannot break inside, wider than their column: Latin names, digits, a row of dashes, kana that
    may not begin a line (ー ・ ゝ), punctuation after the last two characters; headings of digits and of middle
    dots. Each word stands inside its column, and every word inside the 版心 of a right-hand page (28 mm from the
    left, 26 mm from the right, 37 mm from the top, 35 mm from the bottom)."""
    long_latin = "InternationalBusinessMachinesResearchLaboratoryOfChinaLimited"
    rows = [("阿卜杜热合曼·买买提依明", long_latin, "2025年12月31日至2027年12月31日"),
            ("Aleksandrovich-Konstantinopolsky", "重庆市合成第一号高新技术产业研究院附属材料工程与转化应用中心（筹）", "2025年7月1日至2027年6月30日"),
            ("1234567890123456789", "——————————————————————", "2025年7月1日至2027年6月30日"),
            ("詹国华" + "ー" * 32, "・" * 80, "2025年7月1日至2027年6月30日"),
            ("ゝ" * 40, "甲乙" + "," * 30, "2025年7月1日至2027年6月30日")] * 20
    tier, unit = "1" * 120, "·" * 130
    path = _typeset(tmp_path, _part(rows, leader="欧阳诸葛司马慕容皇甫", post="主任" + "!" * 20, unit=unit, tier=tier),
                    intranet=True)
    left, right, top, bottom = 28 * MM, (210 - 26) * MM, 37 * MM, (297 - 35) * MM
    widths = [9.5, 17, 23, 16, 156 - 9.5 - 17 - 23 - 16 - 55, 55]
    edges = [left + sum(widths[:i]) * MM for i in range(len(widths) + 1)]
    words = _words(path)
    assert words
    for x0, y0, x1, y1, word in words:
        assert left - 0.5 <= x0 and x1 <= right + 0.5 and top - 0.5 <= y0 and y1 <= bottom + 0.5, word
        if set(word) <= set(tier + unit + "（续）"):  # the headings run across the columns
            continue
        column = max(i for i, edge in enumerate(edges[:-1]) if x0 >= edge - 0.5)
        assert x1 <= edges[column + 1] + 0.5, (word, column)


def test_a_number_or_a_name_too_wide_for_its_column_stays_whole_on_one_line(tmp_path):
    """Set smaller, never cut: the audit reads a number (or a name) only when it stands whole on one line, and a
    five-digit 序号 cut in two reads as another number. Nor may the kept last pair begin inside a word or a
    number (“Müller（德）” printed as Mülle / r（德）)."""
    rows = [("Konstantinopolsky", "单位", "2025年7月1日至2027年6月30日"), ("Hans Müller（德）", "重庆大学", "2025年7月1日至2027年6月30日"),
            ("John Smith（美）", "单位13805132447号", "2025年7月1日至2027年6月30日")]
    part = _part(rows, post="主任13912345678号")
    part[0]["units"][0]["chunks"][0][0]["rows"][1]["n"] = 10000
    part[0]["units"][0]["chunks"][0][0]["rows"][2]["n"] = 1002
    words = [w[4] for w in _words(_typeset(tmp_path, part))]
    for whole in ("10000", "1002", "Konstantinopolsky", "13912345678", "13805132447"):
        assert any(whole in word for word in words), (whole, words[:40])
    for word in ("Müller（德）", "Smith（美）"):
        assert any(w.startswith(word.split("（")[0]) for w in words), (word, words)


def test_glue_characters_hold_their_neighbours_in_the_run_that_is_fitted(tmp_path):
    """U+2011 (the non-breaking hyphen) lets no line break on either side: 副‑副‑…‑长 is one run, set to fit."""
    path = _typeset(tmp_path, _part([("张三", "中\u2011" * 30 + "心", "2025年7月1日至2027年6月30日")], post="副\u2011" * 14 + "长"),
                    intranet=True)
    right = (210 - 26) * MM
    assert all(x1 <= right + 0.5 for _x0, _y0, x1, _y1, _w in _words(path))
    edges = [28 * MM + sum([9.5, 17, 23, 16][:i]) * MM for i in range(5)]
    post = [w for w in _words(path) if w[4].startswith("副")]
    assert post and all(edges[2] - 0.5 <= w[0] and w[2] <= edges[3] + 0.5 for w in post), post


def test_a_unit_name_too_long_for_the_header_is_an_error_not_lost_rows(tmp_path):
    with pytest.raises(PdfError, match="单位名称.*太长"):
        _typeset(tmp_path, _part([("张三", "重庆大学", "2025年7月1日至2027年6月30日")], unit="重庆" * 1200))
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "units.yaml").write_text("- id: a\n  name: 重庆市卫生局（又称" + "甲乙" * 90 + "）\n", encoding="utf-8")
    assert fonts.written_in(root, "重庆市卫生局（又称" + "甲乙" * 90 + "）") == "data/units.yaml:2:9"


def test_a_phone_never_wraps_and_no_break_spaces_hold(tmp_path):
    """A phone stands whole on its line (with 转 and an extension, or written with spaces); a no-break space holds
    the words beside it together, as in HTML; U+3000 is kept as written (HTML does not fold it)."""
    part = _part([("Li\u00a0Xiaoming", "重庆大学", "2025年7月1日至2027年6月30日")], leader="王\u3000伟")
    unit = part[0]["units"][0]
    unit["chunks"][0].append({**unit["chunks"][0][0], "leader": "赵六", "phone": "+86 23 6773 0102"})
    unit["chunks"][0][0]["phone"] = "023-67730101转8001"
    path = _typeset(tmp_path, part, intranet=True)
    lines = ["".join(line.split()) for line in subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                                                             text=True, check=True).stdout.splitlines()]
    for whole in ("023-67730101转8001", "+862367730102", "LiXiaoming"):
        assert any(whole in line for line in lines), (whole, lines)
    data = roster_data(SimpleNamespace(intranet=False), part, True, dict(FONTS))  # type: ignore[arg-type]
    assert "王\u3000伟" in json.loads(data)["groups"][0]["units"][0]["leaders"][0]["name"][0][0][0]


@pytest.mark.parametrize("employer", [
    "".join(f"第{i:03d}研究室" for i in range(300)),  # about 2,400 characters: several pages of the column
    " ".join("Abcdefghij" for _ in range(48)),  # words just over half the column: half of each line is left empty
], ids=["long", "half-empty lines"])
def test_a_row_taller_than_a_page_is_printed_whole_and_inside_the_type_area(tmp_path, employer):
    """A row may break across pages only when one page cannot hold it: none of its text is lost, none of it
    below the 版心."""
    path = _typeset(tmp_path, _part([("张三", employer, "2025年7月1日至2027年6月30日"), ("李四", "重庆大学", "2025年7月1日至2027年6月30日")]))
    text = "".join(_text(path).split())
    pieces = re.findall(r"第\d{3}研究室|Abcdefghij", employer)
    missing = [p for p in dict.fromkeys(pieces) if text.count(p) < pieces.count(p)]
    assert not missing, missing[:5]
    assert "李四" in text
    assert all(y1 <= (297 - 35) * MM + 0.5 for _x0, _y0, _x1, y1, _w in _words(path))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("中文字a1 ，。）·—…" + "\u3000\u00a0"), max_size=12))
def test_the_pair_kept_is_the_one_the_guide_keeps(text):
    """last_pair_at binds where keep_last_pair binds the same text as an HTML block."""
    bound = keep_last_pair(f"<p>{html.escape(text, quote=False)}</p>")
    at = last_pair_at(text)
    if KEEP_CLASS not in bound:
        assert at == len(text)
    else:  # the blanks after the last character are outside the span (and a cell's text has none: it is stripped)
        tail = html.unescape(re.search(rf'<span class="{KEEP_CLASS}">(.*?)</span>', bound).group(1))
        assert text[at:].rstrip() == tail


def test_a_font_typst_cannot_find_stops_the_build(tmp_path):
    with pytest.raises(PdfError, match="名单排版有警告"):
        _typeset(tmp_path, _part([("张三", "重庆大学", "2025年7月1日至2027年6月30日")]),
                 fonts={"serif": "No Such Font", "sans": FONTS["sans"]})


def test_the_printed_strings_are_every_value_of_the_part_and_no_phone_in_public():
    part = _part([("专家甲", "单位乙", "期限丙")])
    public = printed_strings(roster_data(SimpleNamespace(intranet=False), part, True, dict(FONTS)))  # type: ignore[arg-type]
    intranet = printed_strings(roster_data(SimpleNamespace(intranet=True), part, True, dict(FONTS)))  # type: ignore[arg-type]
    for value in ("专家甲", "单位乙", "期限丙", "王领导", "某单位", "某单位（续）", "局领导", "序号"):
        assert value in "".join(public) and value in "".join(intranet), value
    assert "023-12345678" in intranet and "023-12345678" not in "".join(public)
    assert not any("Noto" in s for s in public)


def test_without_typst_the_build_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "typst", None)  # import typst raises ImportError
    with pytest.raises(PdfError, match="缺少排版软件包 typst"):
        _typeset(tmp_path, _part([("张三", "重庆大学", "2025年7月1日至2027年6月30日")]))


def test_an_error_in_the_template_is_a_located_pdf_error(tmp_path, monkeypatch):
    broken = tmp_path / "roster.typ"
    broken.write_text("#let data = json(bytes(sys.inputs.data))\n#table(columns: (1fr,) [\n", encoding="utf-8")
    monkeypatch.setattr(roster, "TEMPLATE", broken)
    with pytest.raises(PdfError, match="名单排版失败（Typst）") as raised:
        _typeset(tmp_path, _part([("张三", "重庆大学", "2025年7月1日至2027年6月30日")]))
    assert "roster.typ:2:" in str(raised.value)


def test_check_warns_of_a_unit_name_too_long_for_the_roster_where_it_is_written(tmp_path):
    """E408, before anything is built: the PDF would stop at about 150 characters; check warns from 120 on."""
    import shutil

    from conftest import MINIMAL, TODAY

    from generator import check

    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    units = root / "data" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("name: 测试市卫生局", "name: 测试市卫生局" + "甲" * 115, 1),
                     encoding="utf-8")
    found = [d for d in check(root, today=TODAY).diagnostics if d.code == "E408"]
    assert len(found) == 1 and found[0].severity == "warning", [d.text() for d in found]
    assert found[0].text().startswith("data/units.yaml:7:9:"), found[0].text()
    units.write_text(units.read_text(encoding="utf-8").replace("甲" * 115, "甲" * 114), encoding="utf-8")
    assert not [d for d in check(root, today=TODAY).diagnostics if d.code == "E408"]
