"""A source line break between two CJK characters is no space: in content, data texts and templates,
on the site and in the printed guide; next to Latin letters or digits it stays a space."""
from __future__ import annotations

import html
import itertools
import re
import shutil
import subprocess

import pytest
from conftest import MINIMAL, TODAY
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import cjk
from generator.build import build_site
from generator.cjk import MIN_WRAPPING, fold_break, join_html, join_text, keep_last_pair
from generator.diagnostics import Diagnostics
from generator.load.yamlio import parse_yaml
from generator.render import pages
from generator.render.pdf import compose

# What stands on either side of the break, and whether it is CJK.
LEFT = {"汉": True, "。": True, "”": True, "A": False, "7": False}
RIGHT = {"字": True, "，": True, "“": True, "B": False, "9": False}
CASES = [(i, left, right, LEFT[left] and RIGHT[right])
         for i, (left, right) in enumerate(itertools.product(LEFT, RIGHT), 1)]


def _source(tag: str) -> list[str]:
    """One line pair per case, each marked so it can be found again: 【标1】甲汉⏎字乙."""
    return [f"【{tag}{i}】甲{left}\n{right}乙" for i, left, right, _joined in CASES]


def _expected(tag: str) -> list[str]:
    return [f"【{tag}{i}】甲{left}{'' if joined else ' '}{right}乙" for i, left, right, joined in CASES]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("number,left,right,joined", CASES)
def test_the_rule(number, left, right, joined):
    assert fold_break(f"甲{left}", f"{right}乙") == ("" if joined else " ")
    assert join_text(f"甲{left}\n  {right}乙") == f"甲{left}{'' if joined else chr(10) + '  '}{right}乙"
    assert join_text(f"甲{left} {right}乙") == f"甲{left} {right}乙"  # a space as written stays


def test_html_text_across_inline_tags_but_not_in_code_or_blocks():
    assert join_html("<p>专家<a href=\"x\">院士\n</a>\n名单</p>") == "<p>专家<a href=\"x\">院士</a>名单</p>"
    assert join_html("<p>甲<code>乙\n丙</code>丁\n戊</p>") == "<p>甲<code>乙\n丙</code>丁戊</p>"
    assert join_html("<pre><code>甲\n乙</code></pre>\n<p>丙\n丁</p>") == "<pre><code>甲\n乙</code></pre>\n<p>丙丁</p>"
    assert join_html("<td>甲</td>\n<td>乙</td>") == "<td>甲</td>\n<td>乙</td>"  # between cells: not text
    assert join_html('<p title="甲\n乙">丙\n丁</p>') == '<p title="甲\n乙">丙丁</p>'  # attributes as written


# Pieces of HTML that matter to joining: wide and narrow characters, blanks and breaks, inline, block and
# verbatim tags in any case, attributes holding ">" and breaks, comments, a doctype, and a "<" that is text.
_PIECES = ["汉", "。", "“", "A", "7", " ", "\t", "\n", "\r", "\f", "<a href='x>y'>", "</a>", "<SPAN class=\"k\n\">",
           "</span>", "<b/>", "<abbr>", "<p>", "</p>", "<br>", "<td>", "<pre>", "</pre>", "<code>", "</CODE>",
           "<!-- 注\n释 -->", "<!DOCTYPE html>", "<?x?>", "<", ">", "&amp;", "<ſpan>", "<a:b>", "<em\n>"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_text_join_html_leaves_as_it_is_has_no_place_a_break_may_go(pieces):
    """join_html returns a page at once when it has no wide character, blanks, inline tags, break, … wide
    character in a row; the full reading must then find nothing to join, for every text."""
    text = "".join(pieces)
    full = cjk._join_runs(text) if "\n" in text else text
    assert join_html(text) == full
    if cjk._MAY_JOIN.search(text) is None:
        assert full == text


@pytest.mark.parametrize("style", ["plain", "literal", "folded", "single", "double"])
def test_yaml_texts(style):
    body = "\n\n".join(_source("数")).replace("\n", "\n  ")
    written = {"plain": f"x: {body}\n", "literal": f"x: |\n  {body}\n", "folded": f"x: >\n  {body}\n",
               "single": f"x: '{body}'\n", "double": f'x: "{body}"\n'}[style]
    value = parse_yaml(written, "t.yaml", Diagnostics())["x"]
    shown = join_text(value) if style == "literal" else value  # a literal block keeps its breaks until rendered
    for expected in _expected("数"):
        assert expected in _flat(shown), (style, expected, value)


def test_an_escaped_double_quoted_value_keeps_yaml_folding():
    assert parse_yaml('x: "甲\\t乙\n  丙"\n', "t.yaml", Diagnostics())["x"] == "甲\t乙 丙"


def test_templates_join_their_own_text_and_the_data_they_show_and_still_escape():
    template = pages.environment().from_string("<p>" + "</p>\n<p>".join(_source("模")) + "</p>\n<p>{{ value }}</p>")
    out = template.render(value="\n\n".join(_source("数")) + "<script>")
    text = _flat(html.unescape(re.sub(r"<[^>]+>", " ", out)))
    for expected in _expected("模") + _expected("数"):
        assert expected in text, expected
    assert "&lt;script&gt;" in out and "<script>" not in out


@pytest.fixture(scope="module")
def joined_site(tmp_path_factory):
    """The sample with every case in content/, in a data text (literal and folded) and in both themes' templates."""
    tmp = tmp_path_factory.mktemp("cjk")
    root = tmp / "project"
    shutil.copytree(MINIMAL, root)
    content = "# 专家联系服务制度\n\n" + "\n\n".join(_source("文")) + "\n\n```\n代码甲\n代码乙\n```\n"
    (root / "content" / "index.md").write_text(content, encoding="utf-8")
    categories = (root / "data" / "categories.yaml").read_text(encoding="utf-8")
    literal = "\n\n".join(_source("字")).replace("\n", "\n    ")
    folded = "\n\n".join(_source("折")).replace("\n", "\n    ")
    categories = categories.replace("  name: 两院院士\n", f"  name: 两院院士\n  description: |\n    {literal}\n", 1)
    categories = categories.replace("  name: 优秀博士后研究人员\n", f"  name: 优秀博士后研究人员\n  description: {folded}\n", 1)
    (root / "data" / "categories.yaml").write_text(categories, encoding="utf-8")
    site_templates, print_templates = tmp / "site-templates", tmp / "print-templates"
    shutil.copytree(pages.TEMPLATES, site_templates)
    shutil.copytree(compose.PRINT_DIR, print_templates)
    cases = "<p>" + "</p>\n<p>".join(_source("模")) + "</p>\n"
    with open(site_templates / "downloads.html", "a", encoding="utf-8") as handle:
        handle.write(cases)
    guide = (print_templates / "guide.html").read_text(encoding="utf-8")
    assert guide.count("{{ letter | safe }}") == 1  # the cases go into the letter's chapter: fail, not skip, if it moves
    (print_templates / "guide.html").write_text(guide.replace("{{ letter | safe }}", "{{ letter | safe }}\n" + cases),
                                                encoding="utf-8")
    patch = pytest.MonkeyPatch()
    patch.setattr(pages, "TEMPLATES", site_templates)
    patch.setattr(compose, "PRINT_DIR", print_templates)
    try:
        build_site(root, out=tmp / "site", today=TODAY)
    finally:
        patch.undo()
    return tmp / "site"


def _page_text(path) -> str:
    page = path.read_text(encoding="utf-8")
    article = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', page, re.S).group(1)
    return _flat(html.unescape(re.sub(r"<[^>]+>", "", article)))


@pytest.mark.slow
@pytest.mark.parametrize("tag,page", [("文", "index.html"), ("字", "categories/index.html"),
                                      ("折", "categories/index.html"), ("模", "downloads/index.html")],
                         ids=["content", "data-literal", "data-folded", "template"])
def test_on_the_site(joined_site, tag, page):
    text = _page_text(joined_site / page)
    for expected in _expected(tag):
        assert expected in text, expected


@pytest.mark.slow
def test_code_keeps_its_line_breaks(joined_site):
    page = (joined_site / "index.html").read_text(encoding="utf-8")
    assert "代码甲\n代码乙" in page


@pytest.mark.slow
@pytest.mark.parametrize("tag", ["文", "字", "折", "模"], ids=["content", "data-literal", "data-folded", "template"])
def test_in_the_pdf(joined_site, tag):
    """Lines may wrap anywhere (a data text is one paragraph): a wrap is allowed between any two characters,
    and where a space belongs it may be the wrap; where none belongs there is no space."""
    text = subprocess.run(["pdftotext", "-raw", str(joined_site / "downloads" / "guide.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    for number, left, right, joined in CASES:
        head, tail = f"【{tag}{number}】甲{left}", f"{right}乙"
        wrapped = "\n*".join(map(re.escape, head)) + ("\n*" if joined else "[ \n]+") + "\n*".join(map(re.escape, tail))
        assert re.search(wrapped, text), (head + tail, [line for line in text.splitlines() if f"{tag}{number}】" in line])


# ---- print: no block ends on a line of one Chinese character (keep_last_pair) ----

K = '<span class="eg-keep">'
KEEP_CASES = [
    # (the HTML, what keep_last_pair makes of it)
    ("<p>联系和服务意见。</p>", f"<p>联系和服务{K}意见。</span></p>"),
    ("<td>重庆医科大学附属第一医院</td>", f"<td>重庆医科大学附属第一{K}医院</span></td>"),
    ("<p>请各单位研究，见。</p>", f"<p>请各单位研{K}究，见。</span></p>"),  # punctuation between the two is passed over
    ("<p>甲乙丙丁见”。</p>\n", f"<p>甲乙丙{K}丁见”。</span></p>\n"),
    ("<p>联系时间一般为 2 年</p>", f"<p>联系时间一般为 {K}2 年</span></p>"),  # a digit goes down with the last character
    ("<p>联系电话 023-69077236</p>", "<p>联系电话 023-69077236</p>"),  # ends in digits: nothing to bind
    ("<p>请发送至 expert@cqpa.gov.cn。</p>", "<p>请发送至 expert@cqpa.gov.cn。</p>"),  # ends in Latin
    ("<td>欧阳修远</td>", "<td>欧阳修远</td>"),  # four characters fit the narrowest column: no span
    ("<td>阿依古丽买提</td>", f"<td>阿依古丽{K}买提</span></td>"),
    ('<td class="term eg-nowrap">2026年3月1日至2028年2月29日</td>', '<td class="term eg-nowrap">2026年3月1日至2028年2月29日</td>'),
    ("<p>甲乙丙<strong>丁戊己。</strong></p>", f"<p>甲乙丙<strong>丁{K}戊己。</span></strong></p>"),
    ("<p>甲乙丙丁<strong>戊</strong>己。</p>", f"<p>甲乙丙丁{K}<strong>戊</strong>己。</span></p>"),
    ("<p>甲乙丙<strong>丁戊</strong>己。</p>", f"<p>甲乙丙<strong>丁</strong>{K}<strong>戊</strong>己。</span></p>"),
    # a link closed between the two: closed before the span, opened again inside it, without its id
    ('<p>请见<a href="https://x.cn" id="r">通知全文</a>。</p>',
     f'<p>请见<a href="https://x.cn" id="r">通知</a>{K}<a href="https://x.cn">全文</a>。</span></p>'),
    ("<p>甲乙丙<em>丁<strong>戊</strong></em>己</p>", f"<p>甲乙丙<em>丁</em>{K}<em><strong>戊</strong></em>己</span></p>"),
    ("<li>甲乙丙丁&amp;戊</li>", f"<li>甲乙丙{K}丁&amp;戊</span></li>"),
    ("<p>&#x4e2d;&#25991;中文字</p>", f"<p>&#x4e2d;&#25991;中{K}文字</span></p>"),
    ("<td>1. 提交申请材料<br>2. 审核</td>", f"<td>1. 提交申请{K}材料</span><br>2. 审核</td>"),
    # before the br the span would have to hold the opening of <strong> but not its end: left alone
    ("<p>甲乙丙丁<strong>戊<br>己庚辛壬癸</strong>子丑</p>", f"<p>甲乙丙丁<strong>戊<br>己庚辛壬癸</strong>{K}子丑</span></p>"),
    ("<p>请修改文件<code>index.md</code>。</p>", "<p>请修改文件<code>index.md</code>。</p>"),  # ends in code
    ("<p>甲乙丙丁<code>x</code>乙</p>", "<p>甲乙丙丁<code>x</code>乙</p>"),  # the one before is code: nothing short to bind
    ('<p>甲乙丙丁戊<img src="a.png" alt="图"></p>', '<p>甲乙丙丁戊<img src="a.png" alt="图"></p>'),
    ("<p>见通知注<sup><a href=\"#fn\">1</a></sup>。</p>", "<p>见通知注<sup><a href=\"#fn\">1</a></sup>。</p>"),
    ("<pre>甲乙丙丁戊</pre><p>丁戊己庚辛</p>", f"<pre>甲乙丙丁戊</pre><p>丁戊己{K}庚辛</span></p>"),
    ("<head><title>专家服务指南</title><style>p{}</style></head>", "<head><title>专家服务指南</title><style>p{}</style></head>"),
    ('<p title="甲乙">丙丁戊己庚</p>', f'<p title="甲乙">丙丁戊{K}己庚</span></p>'),
    ("<p>甲乙丙丁戊<!-- 注释 --></p>", f"<p>甲乙丙{K}丁戊</span><!-- 注释 --></p>"),
    ("<td>填报日期：　　年　　月　　日</td>", f"<td>填报日期：　　年　　{K}月　　日</span></td>"),
]


@pytest.mark.parametrize("source,expected", KEEP_CASES)
def test_keep_last_pair(source, expected):
    assert keep_last_pair(source) == expected


def _balanced(markup: str) -> bool:
    from html.parser import HTMLParser

    stack: list[str] = []
    ok = [True]

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in ("br", "img", "meta", "link", "col", "hr", "wbr"):
                stack.append(tag)

        def handle_endtag(self, tag):
            if not stack or stack.pop() != tag:
                ok[0] = False

    Parser().feed(markup)
    return ok[0] and not stack


INLINE_PIECES = ["甲", "乙", "甲乙甲", "乙甲乙甲", "甲乙", "。", " ", "A", "7", "<strong>", "</strong>", "<a href=\"#x\" id=\"x\">", "</a>", "<br>",
                 "&amp;", "”", "<code>c</code>"]


@pytest.mark.parametrize("seed", range(300))
def test_keep_last_pair_adds_nothing_but_balanced_spans(seed):
    """Random runs of text and inline tags: the text is unchanged, the markup stays balanced, no id is doubled,
    and a block that ends in a Chinese character has it in a span with one more character."""
    import random

    rng = random.Random(seed)
    body, open_tags = [], []
    for _ in range(rng.randint(1, 16)):
        piece = rng.choice(INLINE_PIECES)
        if piece in ("</strong>", "</a>"):
            if not open_tags or open_tags[-1] != piece[2:-1]:
                continue
            open_tags.pop()
        elif piece.startswith(("<strong", "<a ")):
            if "a" in open_tags and piece.startswith("<a "):
                continue
            open_tags.append("strong" if piece == "<strong>" else "a")
        body.append(piece)
    body += [f"</{t}>" for t in reversed(open_tags)]
    source = "<p>" + "".join(body) + "</p>"
    out = keep_last_pair(source)
    strip = lambda h: re.sub(r"<[^>]+>", "", h)  # noqa: E731
    assert strip(out) == strip(source)
    assert _balanced(out), out
    assert out.count('id="x"') == source.count('id="x"')
    last = source.split("<br>")[-1].replace("<code>c</code>", "\x00")
    content = re.sub(r"[ 。”&;]|amp;", "", strip(last))  # what counts: characters, not spaces or punctuation
    if len(content) >= MIN_WRAPPING and content[-1] in "甲乙" and content[-2] != "\x00" and not _opens_before_br(source):
        assert K in out.split("<br>")[-1], (source, out)


def _opens_before_br(source: str) -> bool:
    """An element open across the last br: the span cannot hold its start without its end (left alone)."""
    if "<br>" not in source:
        return False
    before = source.rsplit("<br>", 1)[0]
    return any(before.count(f"<{t}") > before.count(f"</{t}>") for t in ("strong", "a "))


@settings(max_examples=4000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["\"", "'", "<a title=\"甲<b>\">", "<b ", "<i>", "<I\tclass=x>", "b<", "/",
                                           "<!--", "-->", "<a x=<b>", "<code x='>'>", "<span/>", "<!x>", "a>"]),
                max_size=16))
def test_the_quick_search_for_a_place_a_break_may_go_is_the_regular_expression(pieces):
    """join_html looks for a place to join from each break backwards (cjk._may_join): the same answer as _MAY_JOIN,
    which tries every wide character, for every text."""
    text = "".join(pieces)
    assert cjk._may_join(text) == (cjk._MAY_JOIN.search(text) is not None)


_GAP_PIECES = [" ", "\t", "\n", "\r", "<a href='x>y'>", "</a>", "<ax>", "<a:b>", "<bd>", "<bdo dir=rtl>", "</BDO>",
               "<abbr\n>", "<span title=\"甲\n>\">", "<div>", "<br/>", "<!-- 注>释 -->", "<!-- x -- y -->", "<!x>",
               "<?p?>", "<code>", "<b/>", "<b", ">", "x", "汉", "\"", "'", "<i title='\"'>", "<q\f>", "<u/x>"]


@settings(max_examples=4000, deadline=None)
@given(st.lists(st.sampled_from(_GAP_PIECES), max_size=5), st.lists(st.sampled_from(_GAP_PIECES), max_size=5),
       st.sampled_from(["", "\n", "汉", "<p>"]), st.sampled_from(["汉", "A", "。"]), st.sampled_from(["汉", "7", "“"]))
def test_the_quick_search_decides_like_the_regular_expression_at_a_break(before, after, outside, left, right):
    """As above, for texts made to be on the edge: a wide character or not, the break's neighbours of every kind
    (inline tags and names that only begin like one, comments holding ">", quotes, blanks, breaks), either side."""
    text = outside + left + "".join(before) + "\n" + "".join(after) + right + outside
    assert cjk._may_join(text) == (cjk._MAY_JOIN.search(text) is not None)
