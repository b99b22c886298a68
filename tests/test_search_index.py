"""search/pages.json holds what a reader of the web pages reads: no print-only text, no interface, no cells run together."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, TODAY
from sitebuild import article

from generator.build import build_site

from generator.render.search_index import CELL_SEPARATOR, page_sections


def _x(fragment: str) -> str:
    sections = page_sections("p/", "页", fragment)
    return " ".join(s["x"] for s in sections)


# The class of what is not read on the web page, each around a word that must not be indexed ("甲乙").
LEFT_OUT = [
    '<p class="print-only">甲乙</p>', '<p class="x print-only y">甲乙</p>', '<div class="print-only"><p><b>甲乙</b></p></div>',
    "<form><p>甲乙</p></form>", "<button>甲乙</button>", "<label>甲乙 <input></label>", "<select><option>甲乙</option></select>",
    "<textarea>甲乙</textarea>", '<p role="status">甲乙</p>', '<div aria-live="polite">甲乙</div>', "<p hidden>甲乙</p>",
    '<span aria-hidden="true">甲乙</span>', '<div data-search-exclude><table><tr><th>甲乙</th></tr></table></div>',
    "<script>var a = '甲乙';</script>", "<style>/* 甲乙 */</style>", "<template>甲乙</template>",
    '<p class="print-only">甲<br>乙<img src="x"></p>',  # void elements inside do not end it
]


@pytest.mark.parametrize("chrome", LEFT_OUT)
def test_print_only_text_and_interface_are_left_out(chrome):
    text = _x(f"<p>前文</p>{chrome}<p>后文</p>")
    assert "甲" not in text and "乙" not in text
    assert text == "前文 后文"


def test_web_only_text_is_the_web_pages_own():
    assert _x('<p class="web-only">本站介绍</p>') == "本站介绍"


def test_cells_and_blocks_are_kept_apart_inline_text_is_not():
    table = ("<table><thead><tr><th>联系领导</th><th>职务</th></tr></thead>"
             "<tbody><tr><td>欧阳明</td><td>副区长</td></tr><tr><td>钟启航</td><td><span>西南</span>大学</td></tr></tbody></table>")
    assert _x(table) == f"联系领导{CELL_SEPARATOR}职务 欧阳明{CELL_SEPARATOR}副区长 钟启航{CELL_SEPARATOR}西南大学"
    assert _x("<p>第一段</p><p>第二段</p><ul><li>一</li><li>二</li></ul>") == "第一段 第二段 一 二"
    assert _x("<p>本指南<em>介绍</em>制度</p>") == "本指南介绍制度"
    assert _x("<p>领导 2025年6月1日<br>专家 2025年6月2日</p>") == "领导 2025年6月1日 专家 2025年6月2日"


class _Chrome(HTMLParser):
    """The texts of a built page's print-only elements and of its interface (buttons, labels, status lines)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.found: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "wbr", "col", "hr", "meta", "link"):
            return
        given = dict(attrs)
        kind = ("print" if "print-only" in (given.get("class") or "").split() else
                "chrome" if tag in ("button", "label", "option") or given.get("role") == "status" else None)
        self.stack.append(kind)

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        kinds = {k for k in self.stack if k}
        for kind in kinds:
            if data.strip():
                self.found.setdefault(kind, []).append(data.strip())


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["public", "intranet"])
def test_built_index_reads_as_the_web_page_does(sample_public, sample_intranet, profile):
    site: Path = sample_public if profile == "public" else sample_intranet
    index = json.loads((site / "search" / "pages.json").read_text(encoding="utf-8"))
    texts = "\n".join(s["t"] + " " + s["x"] for s in index)
    home, directory = _Chrome(), _Chrome()
    home.feed(article(site / "index.html"))
    directory.feed(article(site / "directory" / "index.html"))
    printed = home.found.get("print", [])
    assert printed, "the sample's home page has a {: .print-only } paragraph"
    for text in printed:
        assert text not in texts, text
    chrome = directory.found.get("chrome", [])
    assert "清除" in chrome and any("正在载入名录" in c for c in chrome)
    for text in ("显示更多", "正在载入名录", "清除", "关键词", "位专家（"):
        assert text not in texts, text
    # the 名单 and the 名录 by their headings only: each name in them is found through the expert and leader search
    for prefix in ("pairings/", "directory/"):
        sections = [s for s in index if s["u"].startswith(prefix)]
        assert sections and all(s["x"] == "" for s in sections), prefix
    assert any(s["t"].startswith("领导联系专家名单 › ") for s in index)  # each unit's table is still a result
    assert "欧阳明" not in texts and "钟启航" not in texts


@pytest.mark.slow
@pytest.mark.parametrize("sample", ["chongqing-2002", "beijing-2014"])
def test_a_new_projects_print_only_paragraph_is_not_on_the_web(tmp_path, sample):
    """The samples `expert-guide new` writes: the attribute list ends its paragraph, nothing shows it as text."""
    site = tmp_path / "site"
    build_site(ROOT / "generator" / "samples" / sample, out=site, today=TODAY, pdf=False)
    home = article(site / "index.html")
    assert "{:" not in home
    printed = _Chrome()
    printed.feed(home)
    assert printed.found.get("print"), "the sample has a print-only paragraph"
    shown = re.sub(r'<p class="print-only">.*?</p>', "", home, flags=re.S)
    assert all(text not in shown for text in printed.found["print"])
