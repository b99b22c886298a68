"""The docs tree is engine-independent: MkDocs and ProperDocs build it to the same site, with no plugin of ours."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from conftest import MINIMAL, ROOT, TODAY

from generator.build import build_site, write_docs_tree
from generator.paths import docs_path, site_path
from generator.render.content import as_markdown, relative_url, page_url

GENERATOR_META = re.compile(rb'<meta name="generator" content="[^"]*">')


def files(site: Path) -> dict[str, bytes]:
    """Every file of a site; the engine's name in <meta name="generator"> is the one expected difference."""
    return {p.relative_to(site).as_posix(): GENERATOR_META.sub(b"", p.read_bytes())
            for p in sorted(site.rglob("*")) if p.is_file() and p.name != ".expert-guide"}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("engines") / "project"
    root.mkdir()
    for name in ("data", "content"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root)
    return root


@pytest.fixture(scope="module")
def mkdocs_site(project, tmp_path_factory) -> Path:
    return build_site(project, out=tmp_path_factory.mktemp("engines") / "mkdocs", today=TODAY, pdf=False,
                      engine="mkdocs").out


@pytest.mark.slow
def test_mkdocs_and_properdocs_build_the_same_site(project, mkdocs_site, tmp_path):
    one = mkdocs_site
    two = build_site(project, out=tmp_path / "properdocs", today=TODAY, pdf=False, engine="properdocs").out
    a, b = files(one), files(two)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    assert b'content="mkdocs-ProperDocs' in (two / "index.html").read_bytes()  # really built by ProperDocs


@pytest.mark.slow
def test_the_tree_builds_with_plain_mkdocs_and_no_plugin(project, mkdocs_site, tmp_path):
    """`expert-guide tree` writes a folder that `mkdocs build` turns into the site `expert-guide build` publishes."""
    tree = write_docs_tree(project, out=tmp_path / "tree", today=TODAY, pdf=False).out
    config = (tree / "mkdocs.yml").read_text(encoding="utf-8")
    assert "expert-guide" not in config.split("plugins:")[1].split("\n\n")[0]
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tree / "mkdocs.yml"),
                           "-d", str(tmp_path / "plain")], capture_output=True, text=True,
                          env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    pages = [p.relative_to(tree / "docs").as_posix() for p in (tree / "docs").rglob("*.md")]
    assert pages and all(p == "index.md" or p.endswith("/index.md") for p in pages), pages  # source folder = URL
    plain, published = files(tmp_path / "plain"), files(mkdocs_site)
    plain.pop("search/search_index.json")  # the engine's own index, which `build` removes
    assert sorted(plain) == sorted(published)
    assert [name for name in plain if plain[name] != published[name]] == []


# ---- content HTML survives the engine's Markdown unchanged ----

HOSTILE_HEADINGS = [
    "标题 {: onclick=alert(1) }", "# 不是一级", "[链接](javascript:alert(1))", "`代码` *强调* _下划线_",
    "a | b | c", "<script>alert(1)</script>", "&lt;img src=x onerror=1&gt;", "1. 不是列表", "- 不是列表",
    "\\ 反斜杠 \\\\", "标题 {#evil}", "!!! note", "~~删除~~ ==标记== ^^上标^^", "≥ 5 · 100%",
]


ENGINE_EXTENSIONS = ["toc", "attr_list"]  # all the engine runs (render/tree.py engine_config, the plugin door too)


def test_the_engine_runs_only_toc_and_attr_list():
    from generator.render.tree import engine_config
    from generator.render.view import build_view
    from generator import check

    result = check(ROOT, today=TODAY)
    config = engine_config(result.project.settings, build_view(result.project, "public", TODAY))
    assert [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]] == ENGINE_EXTENSIONS


@pytest.mark.parametrize("text", HOSTILE_HEADINGS)
def test_a_heading_written_as_markdown_renders_to_its_own_text(text):
    import html as html_lib

    fragment = f'<h2 id="x1">{html_lib.escape(text)}</h2>\n<p>{html_lib.escape(text)}</p>\n'
    md = markdown.Markdown(extensions=ENGINE_EXTENSIONS)
    out = md.convert(as_markdown(fragment))
    heading = re.search(r'<h2 id="([^"]*)">(.*?)</h2>', out)
    assert heading is not None, out
    assert heading.group(1) == "x1"
    assert html_lib.unescape(heading.group(2)) == " ".join(text.split())
    assert f"<p>{html_lib.escape(text, quote=False)}</p>" in out.replace("&quot;", '"')
    assert not re.search(r"<(script|img)\b|<[^>]*\son[a-z]+=", out), out  # text stays text: no element, no handler


def test_raw_blocks_are_not_markdown():
    fragment = "<p>*不是强调* [x](y) {: .c }</p>\n\n<pre><code>\n\n# 代码中的标题\n\n</code></pre>\n"
    out = markdown.Markdown(extensions=ENGINE_EXTENSIONS).convert(as_markdown(fragment))
    assert "<p>*不是强调* [x](y) {: .c }</p>" in out
    assert "<h1" not in out and "# 代码中的标题" in out


@pytest.mark.parametrize("target,current,expected", [
    ("", "", "./"), ("", "a/", "../"), ("a/b/", "a/c/", "../b/"), ("x.png", "a/", "../x.png"),
    ("a/x.png", "a/b/", "../x.png"), ("a/", "", "a/"),
])
def test_relative_urls(target, current, expected):
    assert relative_url(target, current) == expected


@pytest.mark.parametrize("src,url", [("index.md", ""), ("a.md", "a/"), ("a/index.md", "a/"), ("a/b.md", "a/b/")])
def test_page_urls(src, url):
    assert page_url(src) == url


@pytest.mark.parametrize("src,path", [("index.md", "index.md"), ("a.md", "a/index.md"), ("a/index.md", "a/index.md"),
                                      ("a/b.md", "a/b/index.md"), ("a/x.pdf", "a/x.pdf")])
def test_every_page_lies_in_the_folder_of_its_url(src, path):
    """Engines that do not rewrite links in raw HTML (Zensical) or do (MkDocs) then agree on every relative link."""
    assert docs_path(src) == path
    if src.endswith(".md"):
        assert site_path(src) == page_url(src) + "index.html"


def test_the_navigation_names_tree_paths():
    from generator import check
    from generator.render.tree import engine_config
    from generator.render.view import build_view

    result = check(ROOT, today=TODAY)
    config = engine_config(result.project.settings, build_view(result.project, "public", TODAY))

    def leaves(item):
        if isinstance(item, str):
            yield item
        else:
            for value in (item.values() if isinstance(item, dict) else item):
                yield from leaves(value)

    paths = list(leaves(config["nav"]))
    assert "categories/index.md" in paths and all(p == "index.md" or p.endswith("/index.md") for p in paths), paths


def test_two_content_pages_with_one_url_are_reported(tmp_path):
    from generator import check
    from generator.render.tree import build_tree
    from generator.render.view import build_view

    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    (root / "content" / "guide").mkdir()
    (root / "content" / "guide.md").write_text("# 一\n", encoding="utf-8")
    (root / "content" / "guide" / "index.md").write_text("# 二\n", encoding="utf-8")
    result = check(root, today=TODAY)
    tree = build_tree(result.project, build_view(result.project, "public", TODAY), pdf=False)
    assert "guide/index.md" in tree.pages
    assert any("content/guide/index.md" in p and "content/guide.md" in p for p in tree.problems), tree.problems


@pytest.mark.slow
def test_the_search_form_stays_in_the_site_under_a_sub_path(tmp_path):
    """The 404 page is served at any URL: its links are absolute, from site_url; never `//directory/` (another host)."""
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    (root / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8")
                                     + "\nsite_url: https://example.org/zhuanlan/\n", encoding="utf-8")
    site = build_site(root, out=tmp_path / "site", today=TODAY, pdf=False).out
    missing = (site / "404.html").read_text(encoding="utf-8")
    assert 'action="/zhuanlan/directory/"' in missing and 'data-eg-base="/zhuanlan/"' in missing
    policy = (site / "policies" / "cq-2002-110" / "index.html").read_text(encoding="utf-8")
    assert 'action="../../directory/"' in policy
    for page in site.rglob("*.html"):
        assert 'action="//' not in page.read_text(encoding="utf-8"), page


def test_the_theme_indexes_no_page_for_the_index_that_is_thrown_away(project, tmp_path):
    """Material's search index is removed after the build (ours is used): it is not made from the pages either."""
    import json

    from generator.engine import run_engine

    tree = write_docs_tree(project, out=tmp_path / "tree", today=TODAY, pdf=False).out
    run_engine("mkdocs", tree, tmp_path / "site")
    assert json.loads((tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"] == []
    assert (tmp_path / "site" / "search" / "pages.json").is_file()  # ours
