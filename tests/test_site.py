"""The built website: what each profile may show, escaping, navigation size, golden pages."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, TODAY
from sitebuild import all_text, article, build

from generator import check

pytestmark = pytest.mark.slow
GOLDEN = Path(__file__).parent / "golden" / "site"


@pytest.fixture(scope="module")
def sample():
    return check(ROOT, today=TODAY).project


@pytest.fixture(scope="module")
def public_site(tmp_path_factory):
    return build(ROOT, tmp_path_factory.mktemp("public") / "site", "public")


@pytest.fixture(scope="module")
def intranet_site(tmp_path_factory):
    return build(ROOT, tmp_path_factory.mktemp("intranet") / "site", "intranet")


def _personal_values(project):
    for e in project.experts:
        if e.id_number:
            yield "id_number", e.id_number
        if e.contact:
            for f in ("phone", "mobile", "email", "address"):
                if getattr(e.contact, f):
                    yield f"contact.{f}", getattr(e.contact, f)


def test_public_site_has_no_expert_contact_or_id_number(public_site, sample):
    text = all_text(public_site)
    digits = re.sub(r"\D", "", text)
    for field, value in _personal_values(sample):
        assert value not in text, (field, value)
        if field in ("id_number", "contact.mobile"):
            assert re.sub(r"\D", "", value) not in digits, (field, value)


def test_public_site_shows_no_confidential_or_unconsented_expert(public_site, sample):
    text = all_text(public_site)
    hidden = [e for e in sample.experts if not e.publishable]
    assert hidden, "the sample must contain experts the public may not see"
    for e in hidden:
        assert e.name not in text, e.name
        assert f'"{e.id}"' not in text and f"#{e.id}" not in text, e.id


def test_public_counts_only_what_it_shows(public_site, sample):
    shown = sum(1 for e in sample.experts if e.publishable)
    assert f"{shown} 位专家" in article(public_site / "index.html")


def test_intranet_adds_contacts_consent_and_report_but_never_id_numbers(intranet_site, sample):
    text = all_text(intranet_site)
    expert = next(e for e in sample.experts if e.contact and e.contact.mobile)
    assert expert.contact.mobile in text
    assert "双方同意" in article(intranet_site / "pairings" / "index.html")
    report = article(intranet_site / "report" / "index.html")
    assert "R209" in report and "北碚区" in report
    for e in sample.experts:
        if e.id_number:
            assert e.id_number not in text


def test_nothing_is_fetched_from_outside(public_site):
    for path in public_site.rglob("*"):
        if path.suffix not in (".html", ".css"):
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'<(?:link|script|img|iframe)[^>]+(?:href|src)="(?:https?:)?//', text), path
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text), path
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path


def test_navigation_does_not_list_experts(public_site, sample):
    home = (public_site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="md-nav md-nav--primary"'):home.index("</nav>", home.index('md-nav--primary'))]
    for e in sample.experts:
        assert e.name not in nav
    assert len(home) < 60_000


def test_the_search_form_of_every_page_leads_to_the_directory(public_site):
    """Without site_url the 404 page (served at any URL) links from the root: `/directory/`, not `//directory/`."""
    assert 'action="/directory/"' in (public_site / "404.html").read_text(encoding="utf-8")
    for page in public_site.rglob("index.html"):
        action = re.search(r'<form class="eg-search__form"[^>]* action="([^"]*)"', page.read_text(encoding="utf-8"))
        assert action, page
        assert (page.parent / action.group(1) / "index.html").resolve() == (public_site / "directory" / "index.html").resolve()


def test_material_search_index_is_not_published(public_site):
    assert not (public_site / "search" / "search_index.json").exists()
    assert (public_site / "search" / "pages.json").is_file() and (public_site / "directory" / "experts.json").is_file()


HOSTILE = ["[x](javascript:alert(1))", "<img src=x onerror=alert(1)><!-- x -->", "张三 {: onmouseover=alert(1) }", "甲 | 乙"]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(MINIMAL, root)
    experts = (root / "data" / "experts.yaml").read_text(encoding="utf-8")
    for old, new in zip(("张院士", "刘院士", "陈医生", "吴工"), HOSTILE):
        experts = experts.replace(f"name: {old}", f"name: '{new}'")  # none of them contains a quote
    experts = experts.replace("field: 材料科学", "field: '<script>alert(1)</script>'")
    (root / "data" / "experts.yaml").write_text(experts, encoding="utf-8")
    units = (root / "data" / "units.yaml").read_text(encoding="utf-8").replace("name: 测试大学", "name: '</title><script>alert(2)</script>'")
    (root / "data" / "units.yaml").write_text(units, encoding="utf-8")
    return build(root, tmp_path_factory.mktemp("hostile-site") / "site", "public")


def test_data_never_becomes_markup(hostile_site):
    for path in hostile_site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<img src=x" not in text, path
        assert "<script>alert" not in text, path
        assert 'href="javascript:' not in text, path
        assert "onmouseover=alert(1)\"" not in text and " onmouseover=" not in text.replace("{: onmouseover", ""), path
    page = next(p for p in (hostile_site / "experts").rglob("index.html") if "uni" in p.parent.name)
    body = article(page)
    assert "[x](javascript:alert(1))" in body
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;!-- x --&gt;" in body
    title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S).group(1)
    assert "<" not in title and "＜／title＞" not in title and "＜/title＞＜script＞" in title


GENERATED = ["index.html", "policies/index.html", "policies/cq-2002-110/index.html", "categories/index.html",
             "services/index.html", "institutions/index.html", "directory/index.html", "pairings/index.html",
             "downloads/index.html", "experts/cqu/index.html"]


@pytest.mark.parametrize("page", GENERATED)
def test_golden_pages(public_site, page, update_golden):
    name = page.removesuffix("index.html").strip("/").replace("/", "__") or "home"
    golden = GOLDEN / f"{name}.html"
    actual = article(public_site / page)
    if update_golden or not golden.exists() and os.environ.get("CI") != "true":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"missing golden file {golden}: run pytest --update-golden"
    assert actual == golden.read_text(encoding="utf-8"), f"{page} differs from {golden}: review, then pytest --update-golden"
