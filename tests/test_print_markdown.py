"""Content Markdown reads the same in print as on the site: one list of extensions (load.config.markdown_extensions)."""
from __future__ import annotations

import re

import pytest
from conftest import TODAY

from generator.load.config import MARKDOWN_EXTENSIONS, markdown_extensions, read_settings
from generator.paths import THEME_DIR
from generator.render.content import ContentRenderer
from generator.render.pdf import guide_html, print_html
from generator.render.view import build_view

SAMPLES = THEME_DIR.parent / "samples"
# One piece of Markdown per extension mkdocs.yml may enable, written so that the extension changes the HTML.
SNIPPETS = {
    "toc": "## 第一节\n\n正文。\n",
    "attr_list": "只在印刷版。\n{: .print-only }\n",
    "md_in_html": '<div class="box" markdown="1">\n**粗体**的说明。\n</div>\n',
    "tables": "| 列一 | 列二 |\n|---|---|\n| 单元 | 格子 |\n",
    "def_list": "联系领导\n:   负责联系专家的领导。\n",
    "footnotes": "见文件[^1]。\n\n[^1]: 渝人发〔2002〕110号。\n",
    "abbr": "由 HR 办理。\n\n*[HR]: 人事部门\n",
    "admonition": '!!! note "提示"\n    请携带身份证。\n',
    "sane_lists": "3. 第三项\n4. 第四项\n\n* 另一列表\n",
    "smarty": '他说"可以"，--然后...\n',
    "pymdownx.details": '??? note "详细说明"\n    折叠的内容。\n',
    "pymdownx.superfences": "- 列表项\n\n    ```\n    代码\n    ```\n",
    "pymdownx.tilde": "~~删除~~与H~2~O\n",
    "pymdownx.caret": "^^插入^^与X^2^\n",
    "pymdownx.mark": "==标记==\n",
}


def _site(settings: dict, text: str) -> str:
    return ContentRenderer(settings, frozenset({"index.md"}), frozenset()).render("index.md", text)


def _normal(html: str) -> str:
    """HTML without ids and links (print namespaces both) and without the footnotes' ↩ (the site's only)."""
    html = re.sub(r'(?:&nbsp;|\xa0)?<a class="footnote-backref"[^>]*>.*?</a>', "", html, flags=re.S)
    html = re.sub(r'\s(?:id|href|title)="[^"]*"', "", html)
    return " ".join(html.split())


def test_every_allowed_extension_has_a_snippet():
    assert set(SNIPPETS) == set(MARKDOWN_EXTENSIONS)


@pytest.mark.parametrize("extension", MARKDOWN_EXTENSIONS)
def test_print_renders_content_with_every_extension_the_site_enables(extension, tmp_path):
    (tmp_path / "content").mkdir()
    settings = {"markdown_extensions": [extension]}
    text = SNIPPETS[extension]
    site = _site(settings, text)
    assert _normal(site) != _normal(_site({"markdown_extensions": []}, text)) or extension == "toc", \
        "the snippet must show the extension"
    printed = print_html(text, tmp_path, "content", set(), extensions=markdown_extensions(settings))
    assert _normal(printed) == _normal(site)


def test_the_guide_reads_the_projects_extensions(project):
    """guide_html takes the list from the project's mkdocs.yml, as the site does: a table is a table, a
    definition list a list, and {: .web-only } keeps a paragraph off the page."""
    project.append("content/index.md", "\n| 列一 | 列二 |\n|---|---|\n| 单元 | 格子 |\n\n"
                                       "联系领导\n:   负责联系专家的领导。\n\n网页上的说明。\n{: .web-only }\n")
    project.write("mkdocs.yml", _mkdocs_with("def_list"))
    result = project.check()
    assert result.ok(), [d.text() for d in result.diagnostics]
    html = guide_html(build_view(result.project, "public", TODAY), project.root)
    intro = html.split('id="intro"')[1].split("</section>")[0]
    assert "|---|" not in intro and "| 列一" not in intro
    assert re.search(r"<th>列一</th>\s*<th>列二</th>", intro) and "<td>单元</td>" in intro
    assert "<dt>联系领导</dt>" in intro
    assert re.search(r'<p class="web-only">网页上的说明。</p>', intro)


def _mkdocs_with(extension: str) -> str:
    from generator.load.config import DEFAULT_CONFIG

    return DEFAULT_CONFIG.read_text(encoding="utf-8").replace("  - tables\n", f"  - tables\n  - {extension}\n") \
        + "docs_dir: content\n"


def test_check_reads_printed_content_with_the_same_extensions(project):
    """An image inside a Markdown block in HTML (md_in_html) is an image in print: check locates it too."""
    project.append("content/index.md", '\n<div markdown="1">\n![图](file:///etc/passwd)\n</div>\n')
    [found] = [d for d in project.check().diagnostics if d.code == "E406"]
    assert found.location.path == "content/index.md" and "file:///etc/passwd" in found.message


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.iterdir()))
def test_no_sample_prints_an_attribute_list_as_text(sample):
    """`{: .print-only }` right above the next paragraph's first line is text, on the site and in print: the
    samples `expert-guide new` writes must not show readers such a line."""
    root = SAMPLES / sample
    extensions = markdown_extensions(read_settings(root))  # a sample has no mkdocs.yml: the built-in one
    for path in sorted((root / "content").rglob("*.md")):
        printed = print_html(path.read_text(encoding="utf-8"), root, "content", set(), extensions=extensions)
        assert "{:" not in re.sub(r"<[^>]+>", "", printed), path
