"""Characters the print fonts lack: `check` finds them where they are written (E407), the build names the place."""
from __future__ import annotations

import pytest

from generator import glyphs
from generator.render.pdf import missing_glyphs, require_fonts

pytestmark = pytest.mark.skipif(glyphs.print_faces() is None, reason="the Noto CJK fonts are not installed")


def test_the_cmap_read_from_the_file_is_the_one_fonttools_reads():
    for face in glyphs.print_faces().values():
        mine = glyphs.coverage(face)
        theirs = glyphs._by_fonttools(face)
        assert sum(e - s + 1 for s, e in zip(mine.starts, mine.ends)) == sum(e - s + 1 for s, e in theirs)
        assert all(s in mine and e in mine for s, e in theirs)
        assert 0x4E2D in mine and 0x2A6A5 not in mine and 0x1F600 not in mine


def test_check_locates_each_character_the_fonts_lack(project):
    project.replace("data/experts.yaml", "name: 张院士", "name: 𪚥国")
    project.append("content/index.md", "\n笑一笑😀。\n")
    lines = [line for line in project.lines() if " E407 " in line]
    line = next(n for n, text in enumerate(project.read("content/index.md").splitlines(), 1) if "😀" in text)
    assert lines == [
        f"content/index.md:{line}:4: warning E407 印刷的文稿中的字符“😀”（U+1F600）在印刷字体 Noto Serif CJK SC、"
        "Noto Sans CJK SC 中没有字形：印入《专家服务指南》时无法显示，生成 PDF 会停止。"
        "提示：改用字体中有的字或通行写法；网站不受影响（只发布网站：expert-guide build --no-pdf）",
        "data/experts.yaml:2:9: warning E407 字段“name”中的字符“𪚥”（U+2A6A5）在印刷字体 Noto Serif CJK SC、"
        "Noto Sans CJK SC 中没有字形：印入《专家服务指南》时无法显示，生成 PDF 会停止。"
        "提示：改用字体中有的字或通行写法；网站不受影响（只发布网站：expert-guide build --no-pdf）",
    ]
    assert project.check().ok()  # a warning: the website can still be built (without the PDF)


def test_check_says_nothing_of_glyphs_without_the_fonts(project, monkeypatch):
    project.replace("data/experts.yaml", "name: 张院士", "name: 𪚥国")
    monkeypatch.setitem(glyphs.FONTS, "serif", "No Such Font SC")
    assert not [line for line in project.lines() if " E407 " in line]


def test_the_build_names_the_file_and_line(project):
    project.replace("data/experts.yaml", "name: 张院士", "name: 𪚥国")
    html = "<p>专家 𪚥国 的联系领导</p><p>名单：𪚥国</p>"
    assert missing_glyphs(html, require_fonts(), project.root) == [
        "data/experts.yaml:2:9：字符“𪚥”（U+2A6A5）在 Noto Serif CJK SC、Noto Sans CJK SC 中没有字形，"
        "出现在“专家 𪚥国 的联系领导 名单”"]
    assert missing_glyphs("<p>模板里的字：😀</p>", require_fonts(), project.root) == [
        "在 data/、content/ 中没有找到（来自模板）：字符“😀”（U+1F600）在 Noto Serif CJK SC、Noto Sans CJK SC 中没有字形，"
        "出现在“模板里的字：😀”"]
