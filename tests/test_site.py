"""The built website: what each profile may show, escaping, navigation size, golden pages."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, TODAY
from sitebuild import all_text, article

from generator import check

pytestmark = pytest.mark.slow
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def sample():
    return check(ROOT, today=TODAY).project


@pytest.fixture(scope="module")
def public_site(sample_public):
    return sample_public


@pytest.fixture(scope="module")
def intranet_site(sample_intranet):
    return sample_intranet


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


@pytest.fixture(scope="module")
def hostile_site(hostile_public):
    return hostile_public


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
    assert "&lt;script&gt;alert(3)&lt;/script&gt;获奖" in body  # e5's award, as text
    assert "[成果](javascript:alert(4)) {: onclick=alert(5) }" in body and 'onclick="alert(5)"' not in body
    title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S).group(1)
    assert "<" not in title and "＜／title＞" not in title and "＜/title＞＜script＞" in title


SHARDED = [["search", kind] for kind in "anpr"]  # search_index.search_shards: hundreds of small files


def _golden_tree(site: Path) -> dict[str, str]:
    """What the project renders into a built site: each page's article, and the search and directory JSON."""
    tree: dict[str, str] = {}
    shards: dict[str, dict[str, object]] = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.name == "index.html":
            tree[(rel.removesuffix("index.html").strip("/").replace("/", "__") or "home") + ".html"] = article(path)
        elif path.suffix == ".json" and rel.split("/")[:2] in SHARDED:  # one golden file per kind of search shard
            shards.setdefault("__".join(rel.split("/")[:2]) + ".json", {})[path.name] = json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            tree[rel.replace("/", "__")] = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    for name, files in shards.items():
        tree[name] = json.dumps(files, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return tree


@pytest.mark.parametrize("profile", ["public", "intranet"])
def test_golden_tree(request, profile, update_golden):
    """Every page and JSON file of both profiles against tests/golden/<profile>/: a missing, extra or changed file fails."""
    site = request.getfixturevalue(f"sample_{profile}")
    folder = GOLDEN / profile
    actual = _golden_tree(site)
    if update_golden:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, text in actual.items():
            (folder / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*"))} if folder.is_dir() else {}
    missing = sorted(actual.keys() - expected.keys())
    extra = sorted(expected.keys() - actual.keys())
    changed = sorted(name for name in actual.keys() & expected.keys() if actual[name] != expected[name])
    assert not (missing or extra or changed), (
        f"golden tree {folder} differs — no golden file: {missing}; no longer built: {extra}; changed: {changed}. "
        "Review the output, then run pytest --update-golden")
