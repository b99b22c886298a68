"""Property: random datasets with a unique canary in every non-public field leak none of them.

Requests carry canaries in their summaries, results and channels, activities in their summaries, for
public and hidden experts alike: nothing of a request or an activity may reach any public output.

Every expert has 动态: a transfer and a post change with canaries (intranet only), an award (shown for
a public expert, a canary for a hidden one), and an illness whose summary and date are secret: they
must reach no output of either build, the intranet included.

200 datasets go through the public projection and every renderer (site pages, search data,
print HTML); 2 of them through the full build (site, search index, sitemap, PDF).
"""
from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL, TODAY

from generator import check
from generator.build import build_site
from generator.render.pages import environment, generated_pages
from generator.render.pdf import guide_html
from generator.render.pdf.roster import roster_parts
from generator.render.search_index import experts_index, page_sections, search_shards
from generator.render.view import build_view

IDENTIFYING = re.compile(r"^(隐名|地址|023-9|17|99)\d|@canary\.example\.com$")

DATASETS = 200
FULL_BUILDS = 2


ILLNESS_YEAR = "1999"  # no other date of the datasets is in 1999: an illness's date in any written form is found by it


def _dataset(rng: random.Random, root: Path, secret: set[str] | None = None) -> set[str]:
    """Rewrite experts, leaders and pairings with canaries; returns the canaries that must not appear in public.

    ``secret`` receives the canaries that must not appear in any output (illness summaries).
    """
    canaries: set[str] = set()
    secret = set() if secret is None else secret

    def canary(kind: str = "text") -> str:
        token = f"{rng.randrange(10**9, 10**10)}"
        value = {"text": f"金丝雀{token}", "name": f"隐名{token}", "address": f"地址{token}", "phone": f"023-9{token[:7]}",
                 "mobile": f"17{token}", "email": f"c{token}@canary.example.com", "id": f"99{token}{token[:6]}"}[kind]
        canaries.add(value)
        return value

    experts, pairings, requests, activities = [], [], [], []
    for i in range(rng.randint(2, 9)):
        status = rng.choice(["active", "active", "active", "transferred", "exited"])
        confidential = rng.random() < 0.3
        consent = rng.random() < 0.7
        public = status == "active" and not confidential and consent
        name = f"专家{i}号" if public else canary("name")
        field = rng.choice(["材料科学", "临床医学"]) if public else canary()
        extra = f"  status_date: 2026-01-0{rng.randint(1, 9)}\n" if status != "active" else ""
        extra += f"  exit_reason: {canary()}\n" if status == "exited" else ""
        experts.append(
            f"- id: x{i}\n  name: {name}\n  gender: 男\n  birth: 1960-0{rng.randint(1, 9)}\n  employer: uni\n"
            f"  system: 教育\n  region: 东区\n  title_rank: 正高级\n  degree: 博士\n  field: {field}\n"
            f"  categories: [academician]\n  status: {status}\n{extra}  confidential: {str(confidential).lower()}\n"
            f"  public_consent: {str(consent).lower()}\n"
            f"  contact: {{phone: {canary('phone')}, mobile: {canary('mobile')}, email: {canary('email')}, "
            f"address: {canary('address')}}}\n  id_number: {canary('id')}\n  notes: {canary()}\n"
            + _events(rng, i, public, canary, secret))
        if status == "active" and len(pairings) < 3:  # the bureau leader contacts at most three
            pairings.append(f"- id: q{i}\n  leader: l-bureau\n  expert: x{i}\n  start: 2025-07-01\n  end: 2027-06-30\n"
                            f"  consent: {{leader: 2025-06-01, expert: 2025-06-02}}\n  end_reason: {canary()}\n")
        for n in range(rng.randint(0, 2)):
            answered = f"  answered: 2026-10-2{rng.randint(0, 9)}\n  result: {canary()}\n" \
                if rng.random() < 0.5 else ""
            handler = rng.choice(["{unit: uni}", "{institution: center}"])
            requests.append(f"- id: r{i}-{n}\n  expert: x{i}\n  received: 2026-{rng.randint(1, 9):02d}-1{rng.randint(0, 9)}\n"
                            f"  kind: {rng.choice(['difficulty', 'suggestion'])}\n  channel: {canary()}\n"
                            f"  summary: {canary()}\n  handler: {handler}\n{answered}")
        for n in range(rng.randint(0, 2)):
            who = rng.choice(["  leader: l-bureau\n", "  unit: bureau\n", "  unit: uni\n  leader: l-bureau\n"])
            activities.append(f"- id: a{i}-{n}\n  kind: {rng.choice(['symposium', 'visit', 'condolence', 'festival'])}\n"
                              f"  date: 2026-{rng.randint(1, 10):02d}-1{rng.randint(0, 9)}\n{who}  experts: [x{i}]\n"
                              f"  summary: {canary()}\n")
    (root / "data" / "experts.yaml").write_text("".join(experts), encoding="utf-8")
    (root / "data" / "requests.yaml").write_text("".join(requests) or "[]\n", encoding="utf-8")
    (root / "data" / "activities.yaml").write_text("".join(activities) or "[]\n", encoding="utf-8")
    (root / "data" / "pairings.yaml").write_text("".join(pairings) or "[]\n", encoding="utf-8")
    leaders = (root / "data" / "leaders.yaml").read_text(encoding="utf-8")
    leaders = leaders.replace("contact: {phone: 023-11111111}", f"contact: {{phone: {canary('phone')}, email: {canary('email')}}}")
    (root / "data" / "leaders.yaml").write_text(leaders, encoding="utf-8")
    return canaries


def _events(rng: random.Random, i: int, public: bool, canary, secret: set[str]) -> str:
    illness = f"伤病{rng.randrange(10**9, 10**10)}"
    secret.add(illness)
    award = f"获奖{i}号成果" if public else canary()
    events = [f"{{date: {ILLNESS_YEAR}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}, kind: illness, summary: {illness}}}",
              f"{{date: 2025-0{rng.randint(1, 9)}-0{rng.randint(1, 9)}, kind: transfer, summary: {canary()}, region: 东区}}",
              f"{{date: 2025-1{rng.randint(0, 2)}-1{rng.randint(0, 9)}, kind: post, summary: {canary()}}}",
              f"{{date: 2026-0{rng.randint(1, 9)}-2{rng.randint(0, 8)}, kind: award, summary: {award}}}"]
    rng.shuffle(events)  # written in any order: shown by date
    return "  events:\n" + "".join(f"    - {e}\n" for e in events)


def _render_everything(project, profile: str = "public") -> str:
    view = build_view(project, profile, TODAY)
    env = environment()
    parts = []
    for page in generated_pages(view):
        html = env.get_template(page.template).render(view=view, site=view.site, base="", page_url="", pdf=True,
                                                      **page.context)
        parts.append(html)
        parts.append(json.dumps(page_sections(page.src_uri, page.title, html), ensure_ascii=False))
    parts.append(env.get_template("home.html").render(view=view, site=view.site, base="", page_url="", pdf=True))
    parts.append(json.dumps(view.experts, ensure_ascii=False, default=str))  # the projection itself
    parts.append(json.dumps(experts_index(view), ensure_ascii=False))
    parts.extend(search_shards(experts_index(view)).values())
    parts.append(guide_html(view, project.root))
    parts.extend(roster_parts(view, 3))  # the printed 名单, as Typst is given it
    return "\n".join(parts)


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    return root


def test_canaries_never_reach_public_renderers(workspace):
    rng = random.Random(20021108)
    checked = 0
    for _ in range(DATASETS):
        canaries = _dataset(rng, workspace)
        result = check(workspace, today=TODAY)
        assert not result.errors, [d.text() for d in result.errors]
        output = _render_everything(result.project)
        leaked = sorted(c for c in canaries if c in output)
        assert leaked == [], leaked
        checked += 1
    assert checked == DATASETS


def test_illness_canaries_never_reach_intranet_renderers(workspace):
    """The intranet shows transfers and post changes (the control) and counts illnesses, never their summary or date."""
    rng = random.Random(28)
    for _ in range(40):
        secret: set[str] = set()
        _dataset(rng, workspace, secret)
        result = check(workspace, today=TODAY)
        assert not result.errors, [d.text() for d in result.errors]
        output = _render_everything(result.project, "intranet")
        assert sorted(c for c in secret if c in output) == []
        assert f"{ILLNESS_YEAR}年" not in output and f"{ILLNESS_YEAR}-" not in output
        experts = result.project.experts
        assert all(e.summary in output for x in experts for e in x.events if e.kind in ("transfer", "post"))
        assert output.count("另有 1 条不公开的记录") >= len(experts)  # each card says one is withheld


@pytest.mark.slow
def test_an_illness_is_in_no_file_of_either_build(workspace, tmp_path):
    """Both full builds (pages, search JSON, directory JSON, sitemap, PDF text and metadata), read by an independent decoder."""
    from decode import texts

    secret: set[str] = set()
    canaries = _dataset(random.Random(5), workspace, secret)
    awards = [e.summary for x in check(workspace, today=TODAY).project.experts if x.publishable
              for e in x.events if e.kind == "award"]
    for profile in ("public", "intranet"):
        site = build_site(workspace, profile=profile, out=tmp_path / profile, today=TODAY).out
        found = texts(site)
        assert {"downloads/guide.pdf", "search/pages.json", "directory/experts.json", "sitemap.xml.gz"} <= set(found)
        for name, text in found.items():
            assert sorted(c for c in secret if c in text) == [], (profile, name)
            assert f"{ILLNESS_YEAR}年" not in text and f"{ILLNESS_YEAR}-" not in text, (profile, name)
            if profile == "public":
                assert sorted(c for c in canaries if c in text) == [], name
        shown = "\n".join(found.values())
        assert all(award in shown for award in awards), profile  # the control: the builds do show 动态


@pytest.mark.slow
def test_canaries_never_reach_a_full_public_build(workspace, tmp_path):
    from generator.extract import channels

    rng = random.Random(4)
    for n in range(FULL_BUILDS):
        canaries = _dataset(rng, workspace)
        site = build_site(workspace, out=tmp_path / f"site{n}", today=TODAY).out
        assert (site / "downloads" / "guide.pdf").is_file() and (site / "sitemap.xml.gz").is_file()
        for path in site.rglob("*"):
            if path.is_file():
                for channel, text in channels(path):
                    leaked = sorted(c for c in canaries if c in text)
                    assert leaked == [], (path, channel, leaked)


def _plant(rng: random.Random, root: Path, value: str) -> str:
    """Write ``value`` into content/ in one of several formats and encodings, or quote it in a public field."""
    import gzip
    import io
    import zipfile

    where = rng.choice(["md", "gb18030", "utf-16", "html", "docx", "gzip", "field"])
    content = root / "content"
    if where == "md":
        (content / "index.md").write_text(f"# 首页\n\n请联系 {value}。\n", encoding="utf-8")
    elif where == "gb18030":
        (content / "notes.txt").write_bytes(f"联系：{value}\n".encode("gb18030"))
    elif where == "utf-16":
        (content / "notes.txt").write_bytes(f"联系：{value}\n".encode("utf-16"))
    elif where == "html":
        (content / "index.md").write_text("".join(f"&#{ord(c)};" for c in value), encoding="utf-8")
    elif where == "docx":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            half = len(value) // 2
            archive.writestr("word/document.xml", f"<w:t>{value[:half]}</w:t><w:t>{value[half:]}</w:t>")
        (content / "f.docx").write_bytes(buffer.getvalue())
    elif where == "gzip":
        (content / "n.txt.gz").write_bytes(gzip.compress(value.encode("utf-8"), mtime=0))
    else:
        path = root / "data" / "institutions.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("    - 受理专家服务申请\n",
                                                                 f"    - 受理专家服务申请，联系 {value}\n", 1),
                        encoding="utf-8")
    return where


def test_canaries_planted_in_content_and_public_fields_are_caught(workspace, tmp_path):
    """A hidden name or any non-public number in content/ (any format) or a public field: refused, nothing built."""
    rng = random.Random(110)
    seen = set()
    for n in range(40):
        fresh = tmp_path / f"p{n}"
        shutil.copytree(workspace, fresh)
        canaries = _dataset(rng, fresh)
        value = rng.choice(sorted(c for c in canaries if IDENTIFYING.search(c)))
        where = _plant(rng, fresh, value)
        seen.add(where)
        result = check(fresh, today=TODAY)
        # GB18030 and UTF-16 cannot be read for certain, so such a file is refused (E002) whatever it holds
        expected = "E002" if where in ("gb18030", "utf-16") else "E401"
        assert any(d.code == expected for d in result.errors), (value, [d.text() for d in result.diagnostics])
    assert len(seen) == 7  # every format was tried


@pytest.mark.slow
def test_a_planted_canary_publishes_nothing(workspace, tmp_path):
    from generator.build import BuildError

    rng = random.Random(7)
    canaries = _dataset(rng, workspace)
    _plant(random.Random(3), workspace, sorted(c for c in canaries if c.startswith("隐名"))[0])
    with pytest.raises(BuildError):
        build_site(workspace, out=tmp_path / "site", today=TODAY)
    assert not (tmp_path / "site").exists()


def _checked_dataset(rng: random.Random, workspace, wanted):
    """Up to five random datasets, each checked without errors, until one has what ``wanted`` asks of its project."""
    for _ in range(5):
        _dataset(rng, workspace)
        result = check(workspace, today=TODAY)
        assert not result.errors, [d.text() for d in result.errors]
        if wanted(result.project):
            break
    return result


def _intranet_page(result, src_uri: str) -> str:
    """The HTML of one generated page of the intranet view, rendered from its template."""
    view = build_view(result.project, "intranet", TODAY)
    page = next(p for p in generated_pages(view) if p.src_uri == src_uri)
    return environment().get_template(page.template).render(view=view, site=view.site, base="", page_url="", pdf=True)


def test_request_canaries_are_real_the_intranet_page_shows_them(workspace):
    """The control: the same canaries do reach the intranet's 诉求办理 page, so their absence above means something."""
    result = _checked_dataset(random.Random(11), workspace, lambda p: any(r.answered is None for r in p.requests))
    open_ones = [r for r in result.project.requests if r.answered is None]
    assert open_ones, "no dataset with an open request"
    html = _intranet_page(result, "requests.md")
    assert all(r.summary in html for r in open_ones)  # the page lists what is still open
    assert build_view(result.project, "public", TODAY).requests is None


def test_activity_canaries_are_real_the_intranet_page_shows_them(workspace):
    """The control for activities: this year's summaries do reach the intranet's 联系活动 page."""
    result = _checked_dataset(random.Random(12), workspace, lambda p: bool(p.activities))
    assert result.project.activities, "no dataset with an activity"
    html = _intranet_page(result, "activities.md")
    assert all(a.summary in html for a in result.project.activities)  # every one is of this year
    public = build_view(result.project, "public", TODAY)
    assert public.activities is None and "activities.md" not in {p.src_uri for p in generated_pages(public)}
