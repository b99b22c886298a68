"""A real Chromium against the built sites on 127.0.0.1: search, follow, filter; nothing from outside."""
from __future__ import annotations

import re
import unicodedata

import pytest
from browser import Watched, chromium, serve
from conftest import ROOT, TODAY

from generator import check

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def sample():
    return check(ROOT, today=TODAY).project


@pytest.fixture(scope="module")
def sites(sample_public, sample_intranet):
    return sample_public, sample_intranet


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def truth(project, query: str) -> set[str]:
    """Public experts whose name, employer, region, field, categories, rank or degree contain the query."""
    units = {u.id: u.name for u in project.units}
    cats = {c.id: c.name for c in project.categories}
    out = set()
    for e in project.experts:
        if not e.publishable:
            continue
        hay = _norm(" | ".join([e.name, units[e.employer], e.region, e.field, " ".join(cats[c] for c in e.categories),
                                e.title_rank, e.degree]))
        if all(term in hay for term in _norm(query).split()):
            out.add(e.id)
    return out


def _search(w: Watched, base: str, query: str) -> tuple[int, int]:
    page = w.page
    page.goto(base)
    page.fill(".eg-search__input", query)
    page.wait_for_function("document.querySelector('.eg-search__meta').textContent.startsWith('找到')")
    meta = page.text_content(".eg-search__meta")
    experts, pages = map(int, re.findall(r"\d+", meta))
    return experts, pages


@pytest.mark.parametrize("query", ["张伟", "重庆大学", "院士", "特殊津贴", "材料", "镕"])
def test_search_finds_exactly_the_true_experts(sites, browser, sample, query):
    expected = truth(sample, query)
    assert expected, f"the sample has no public expert for {query}"
    with serve(sites[0]) as base:
        w = Watched(browser.new_page())
        found, _pages = _search(w, base, query)
        assert found == len(expected)
        hrefs = w.page.eval_on_selector_all(".eg-hit--expert a", "els => els.map(a => a.getAttribute('href'))")
        shown = {h.rsplit("#", 1)[1] for h in hrefs}
        assert shown <= expected and len(shown) == min(20, len(expected))
        assert w.errors == [] and w.hosts == {"127.0.0.1"}


def test_search_result_leads_to_the_right_entry(sites, browser, sample):
    zhang = next(e for e in sample.experts if e.name == "张伟" and e.publishable)
    with serve(sites[0]) as base:
        w = Watched(browser.new_page())
        _search(w, base, "张伟")
        w.page.click(f".eg-hit--expert a[href$='#{zhang.id}']")
        w.page.wait_for_url(re.compile(f".*#{zhang.id}$"))
        assert w.page.url.endswith(f"#{zhang.id}")
        assert w.page.text_content(f"[id='{zhang.id}'] h2").strip() == "张伟"
        assert w.errors == [] and w.hosts == {"127.0.0.1"}


def test_policy_phrase_finds_the_policy_section(sites, browser):
    with serve(sites[0]) as base:
        w = Watched(browser.new_page())
        experts, pages = _search(w, base, "跟踪服务")
        assert experts == 0 and pages >= 1
        w.page.click(".eg-hit--page a >> nth=0")
        w.page.wait_for_url(re.compile(".*/policies/.*#.+"))
        assert "/policies/cq-2002-110/#" in w.page.url
        anchor = w.page.url.rsplit("#", 1)[1]
        heading = w.page.evaluate("id => document.getElementById(decodeURIComponent(id)).textContent", anchor)
        assert "跟踪服务" in heading
        assert w.errors == [] and w.hosts == {"127.0.0.1"}


def test_directory_filters(sites, browser, sample):
    allowance = next(i for i, c in enumerate(sample.categories) if c.id == "special-allowance")
    expected = {e.id for e in sample.experts if e.publishable and "special-allowance" in e.categories}
    cqu = {e.id for e in sample.experts if e.publishable and e.employer == "cqu"}
    with serve(sites[0]) as base:
        w = Watched(browser.new_page())
        w.page.goto(base + "directory/")
        w.page.wait_for_selector(".eg-directory__row")
        total = {e.id for e in sample.experts if e.publishable}
        assert w.page.text_content(".eg-directory__status") == f"共 {len(total)} 位专家"
        w.page.select_option("select[name=cat]", str(allowance))
        rows = w.page.eval_on_selector_all(".eg-directory__row", "rs => rs.map(r => r.dataset.id)")
        assert set(rows) == expected
        w.page.select_option("select[name=cat]", "")
        w.page.select_option("select[name=emp]", "重庆大学")
        rows = w.page.eval_on_selector_all(".eg-directory__row", "rs => rs.map(r => r.dataset.id)")
        assert set(rows) == cqu
        w.page.fill("#eg-directory input[name=q]", "材料")
        rows = w.page.eval_on_selector_all(".eg-directory__row", "rs => rs.map(r => r.dataset.id)")
        assert set(rows) == cqu & truth(sample, "材料") and rows
        assert w.errors == [] and w.hosts == {"127.0.0.1"}


def test_intranet_shows_a_contact_the_public_site_does_not(sites, browser, sample):
    expert = next(e for e in sample.experts if e.publishable and e.contact and e.contact.mobile)
    texts = []
    for site in sites:
        with serve(site) as base:
            w = Watched(browser.new_page())
            w.page.goto(base + "directory/")
            w.page.fill("#eg-directory input[name=q]", expert.name)
            w.page.click(f".eg-directory__row[data-id='{expert.id}'] a")
            w.page.wait_for_url(re.compile(f".*/experts/.*#{expert.id}$"))
            texts.append(w.page.text_content(f"[id='{expert.id}']"))
            assert w.errors == [] and w.hosts == {"127.0.0.1"}
    public, intranet = texts
    assert expert.contact.mobile not in public and "手机" not in public
    assert expert.contact.mobile in intranet


def test_hostile_values_show_as_text_in_the_browser(browser, hostile_public):
    hostile = "<img src=x onerror=alert(1)><!-- x -->"
    with serve(hostile_public) as base:
        w = Watched(browser.new_page())
        dialogs = []
        w.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        w.page.goto(base)
        w.page.fill(".eg-search__input", "x")
        w.page.wait_for_selector(".eg-hit--expert")
        names = w.page.eval_on_selector_all(".eg-hit--expert h2", "hs => hs.map(h => h.textContent)")
        assert hostile in names and "[x](javascript:alert(1))" in names
        w.page.goto(base + "experts/uni/")
        assert hostile in w.page.text_content("article")
        assert dialogs == [] and w.page.locator("article img").count() == 0
        assert w.errors == [] and w.hosts == {"127.0.0.1"}
