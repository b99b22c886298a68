"""A government site's furniture: the footer on every page (主办、承办、标识码、备案号、热线、更新日期、纠错),
Chinese interface text including the 404 page, escaping of the new site.yaml fields, and a site that works
under a sub-path (a 专栏 inside the bureau's own site)."""
from __future__ import annotations

import contextlib
import functools
import html
import http.server
import posixpath
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import LONGEST_EMAIL, MINIMAL, ROOT, TODAY
from sitebuild import build

from generator import check
from generator.render.pages import cn_date, mailto

SITE = "data/site.yaml"


def _footer(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    match = re.search(r'<div class="eg-footer">(.*?)</div>', text, re.S)
    assert match, f"{page} has no footer"
    return match.group(1)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    return (build(ROOT, tmp_path_factory.mktemp("f-public") / "site", "public"),
            build(ROOT, tmp_path_factory.mktemp("f-intranet") / "site", "intranet"))


@pytest.mark.slow
def test_every_page_has_the_footer(sites):
    public, intranet = sites
    site = check(ROOT, today=TODAY).project.site
    pages = sorted(public.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        footer = _footer(page)
        text = html.unescape(re.sub(r"<[^>]+>", "", footer))
        for part in (f"主办单位：{site.sponsor}", f"承办单位：{site.operator}", f"网站标识码：{site.site_code}", site.icp,
                     site.police_record, f"服务热线：{'、'.join(h.phone for h in site.hotlines)}",
                     f"更新日期：{cn_date(TODAY)}", "纠错与意见", site.email):
            assert part in text, (page, part)
        assert '<a href="https://beian.miit.gov.cn/"' in footer
        digits = re.sub(r"\D", "", site.police_record)
        assert f'href="https://beian.mps.gov.cn/#/query/webSearch?code={digits}"' in footer
        assert re.findall(r'href="([a-z]+):', footer) and set(re.findall(r'href="([a-z]+):', footer)) <= {"https", "mailto", "tel"}
        assert f'href="{html.escape(mailto(site.email, "网站纠错与意见"))}"' in footer
    for page in sorted(intranet.rglob("*.html")):  # an intranet site has no ICP or 公安 filing
        footer = _footer(page)
        assert f"主办单位：{site.sponsor}" in footer and "纠错与意见" in footer
        assert site.icp not in footer and site.police_record not in footer and "网站标识码" not in footer


@pytest.mark.slow
def test_interface_text_is_chinese_404_included(sites):
    public = sites[0]
    missing = (public / "404.html").read_text(encoding="utf-8")
    assert "Not found" not in missing and "404 - 页面不存在" in missing
    words = re.compile(r"\b(?!PDF\b|ICP\b)[A-Za-z]{3,}(?: [A-Za-z]{2,})*\b")
    for page in public.rglob("*.html"):  # the interface: everything but the content (the 404 page's is ours)
        text = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S)
        if page.name != "404.html" or page.parent != public:
            text = re.sub(r'<article class="md-content__inner md-typeset">.*?</article>', " ", text, flags=re.S)
        text = re.sub(r'<wbr>|<span class="eg-nowrap">|</span>', "", text)  # a token's pieces are one word on screen
        shown = re.sub(r"<[^>]+>", " ", text) + " ".join(re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', text))
        shown = re.sub(r"\S+@\S+|https?://\S+|\b[\w-]+\.(?:cn|com|org)\b", " ", html.unescape(shown))
        assert not words.search(shown), (page, words.search(shown).group())


def test_mailto_is_always_mailto_and_never_markup():
    for hostile in ('javascript:alert(1)', '"><script>alert(1)</script>', "x@y.cn?cc=a@b.cn&body=<b>", "a b@c.cn"):
        link = mailto(hostile, "纠错")
        assert link.startswith("mailto:") and not re.search(r"[\s\"'<>]", link), link
        assert link.count("?") == 1 and link.endswith("?subject=%E7%BA%A0%E9%94%99")


@pytest.mark.parametrize("field,value", [("site_code", "javascript:alert(1)"), ("icp", "<script>alert(1)</script>"),
                                         ("police_record", "渝公网安备 5000号\"onmouseover=x"),
                                         ("email", "javascript:alert(1)"), ("email", "a" * 65 + "@rsj.cq.gov.cn"),
                                         ("email", "a@" + "b" * 64 + ".cn"),
                                         ("email", "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".cn"),  # 256 in all
                                         ])
def test_formatted_fields_refuse_anything_else(project, field, value):
    text = re.sub(rf"^{field}: .*$", f"{field}: '{value}'", project.read(SITE), flags=re.M)
    project.write(SITE, text)
    lines = project.lines()
    assert any("E107" in line and f"“{field}”" in line for line in lines), lines


# The filings start with one of the 31 province-level abbreviations (kinds.PROVINCES); any other character is E107.
NOT_A_PROVINCE = ["龘", "中", "港", "澳", "台", "国", "A", "ａ"]


@pytest.mark.parametrize("province", list("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"))
def test_filings_accept_every_province_abbreviation(project, province):
    text = re.sub(r"^icp: .*$", f"icp: {province}ICP备05001520号-1", project.read(SITE), flags=re.M)
    project.write(SITE, re.sub(r"^police_record: .*$", f"police_record: {province}公网安备 50010502000001号", text, flags=re.M))
    assert project.lines() == []


@pytest.mark.parametrize("prefix", NOT_A_PROVINCE)
@pytest.mark.parametrize("field,value", [("icp", "{}ICP备05001520号"), ("police_record", "{}公网安备 50010502000001号")])
def test_filings_refuse_a_prefix_that_is_no_province(project, prefix, field, value):
    project.write(SITE, re.sub(rf"^{field}: .*$", f"{field}: {value.format(prefix)}", project.read(SITE), flags=re.M))
    lines = project.lines()
    assert any("E107" in line and f"“{field}”" in line and "省级行政区的简称" in line for line in lines), lines


def test_the_longest_deliverable_email_is_valid(project):
    project.write(SITE, re.sub(r"^email: .*$", f"email: {LONGEST_EMAIL}", project.read(SITE), flags=re.M))
    assert project.lines() == []


def test_sponsor_is_required_and_unknown_keys_are_errors(project):
    project.write(SITE, re.sub(r"^sponsor: .*\n", "", project.read(SITE), flags=re.M) + "sponser: 测试人事局\n")
    lines = project.lines()
    assert any("E102" in line and "sponsor" in line for line in lines), lines
    assert any("E101" in line and "sponser" in line for line in lines), lines


HOSTILE = {"sponsor": "<script>alert(1)</script>", "operator": "\"><img src=x onerror=alert(2)>'"}


@pytest.mark.slow
def test_hostile_site_fields_are_text(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    path = root / SITE
    text = path.read_text(encoding="utf-8")
    for field, value in HOSTILE.items():
        text = re.sub(rf"^{field}: .*$", f"{field}: '{value.replace(chr(39), chr(39) * 2)}'", text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    site = build(root, tmp_path / "site")
    for page in site.rglob("*.html"):
        footer = _footer(page)
        assert "<script>" not in footer and "<img" not in footer and "onerror=alert(2)>" not in footer
        shown = html.unescape(re.sub(r"<[^>]+>", "", footer))
        assert f"主办单位：{HOSTILE['sponsor']}" in shown and f"承办单位：{HOSTILE['operator']}" in shown


# ---- a 专栏 under a sub-path ----

SUB = "/zhuanlan/zjfw/"
SITE_URL = "https://rsj.example.gov.cn" + SUB


@pytest.fixture(scope="module")
def sub_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("sub") / "project"
    shutil.copytree(MINIMAL, root)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("site_name: 专家服务指南\n", f"site_name: 专家服务指南\nsite_url: {SITE_URL}\n", 1),
                                     encoding="utf-8")
    return build(root, tmp_path_factory.mktemp("sub-site") / "site")


def _target(site: Path, url: str) -> Path | None:
    """The file a server with the site at SUB sends for ``url`` (a path on the site's host), or None."""
    path = unquote(urlsplit(url).path)
    if not path.startswith(SUB):
        return None
    rel = posixpath.normpath(path[len(SUB):]) if path != SUB else "."
    if rel.startswith(".."):
        return None
    file = site / rel
    if path.endswith("/") or file.is_dir():
        file = file / "index.html"
    return file if file.is_file() else None


def _references(text: str, css: bool) -> list[str]:
    if css:
        return [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) if not u.startswith("data:")]
    found = re.findall(r'\s(?:href|src|action|data-eg-base)="([^"]*)"', text)
    return [html.unescape(u) for u in found]


@pytest.mark.slow
def test_every_internal_link_and_asset_resolves_under_a_sub_path(sub_site):
    host = urlsplit(SITE_URL).netloc
    broken, checked = [], 0
    for file in sorted(sub_site.rglob("*")):
        if file.suffix not in (".html", ".css"):
            continue
        rel = file.relative_to(sub_site).as_posix()
        # 404.html is sent for any missing URL, at any depth; the others at their own address.
        where = [SITE_URL + "no/such/page/", SITE_URL + "a/b/c/d"] if rel == "404.html" else [SITE_URL + rel]
        text = file.read_text(encoding="utf-8")
        for page_url in where:
            for ref in _references(text, file.suffix == ".css"):
                if ref.startswith(("mailto:", "tel:", "#")):
                    continue
                url = urljoin(page_url, ref)
                if urlsplit(url).netloc != host:
                    continue
                checked += 1
                is_base = 'data-eg-base="' + html.escape(ref) + '"' in text
                targets = [url.rstrip("/") + f for f in ("/directory/experts.json", "/search/pages.json", "/search/index.json")] \
                    if is_base else [url]
                broken += [(rel, page_url, ref) for t in targets if _target(sub_site, t) is None]
    assert checked > 100
    assert not broken, broken[:10]


class _Prefixed(http.server.SimpleHTTPRequestHandler):
    """The site at SUB on the host, as in a bureau's own site; anything missing gets 404.html."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = urlsplit(self.path).path
        if not path.startswith(SUB):
            self.send_error(404)
            return None
        self.path = "/" + self.path[len(SUB):]
        local = Path(self.translate_path(self.path))
        if not (local.is_file() or (local / "index.html").is_file()):
            body = (Path(self.directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return __import__("io").BytesIO(body)
        return super().send_head()


@contextlib.contextmanager
def _serve(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Prefixed, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SUB}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
@pytest.mark.browser
def test_the_site_works_in_a_browser_under_a_sub_path(sub_site):
    from browser import Watched, chromium

    with _serve(sub_site) as base, chromium() as browser:
        w = Watched(browser.new_page())
        failed: list[str] = []
        w.page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        w.page.goto(base)
        w.page.fill(".eg-search__input", "院士")
        w.page.wait_for_function("document.querySelector('.eg-search__meta').textContent.startsWith('找到')")
        w.page.goto(base + "directory/")
        w.page.wait_for_selector(".eg-directory__row")
        w.page.goto(base + "pairings/")
        w.page.click("a[href*='experts/']>>nth=0")
        w.page.wait_for_load_state()
        assert "/zhuanlan/zjfw/experts/" in w.page.url
        assert failed == [] and w.errors == [], (failed, w.errors)
        w.page.goto(base + "no/such/page/")  # the 404 page, deep below the sub-path, with its styles and scripts
        assert "页面不存在" in w.page.text_content("h1")
        assert [f for f in failed if not f.endswith("/no/such/page/")] == [], failed
        w.page.click("text=返回首页")
        w.page.wait_for_load_state()
        assert w.page.url == base
