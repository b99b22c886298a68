"""Experts' 动态: which profile shows which kind, on whose card, and that an illness is nowhere (专家动态).

The sample's e5 (吴工: active, not confidential, consenting) has one event of each kind; the rules
about transfers are in test_rules.py, the exact diagnostics in test_diagnostics_table.py, hostile
text in test_hostile*.py, and canaries across both full builds in test_canaries.py.
"""
from __future__ import annotations

import json

import pytest
from conftest import TODAY

from generator.audit import audit, forbidden_values
from generator.exposure import HIDDEN_REASON, SECRET_REASON, fold
from generator.models import EVENT_KINDS, Event
from generator.render.pages import environment, generated_pages
from generator.render.view import build_view
from generator.schema import schemas

E = "data/experts.yaml"
SUMMARIES = {
    "transfer": "由测试医院设备处调入测试大学机械工程学院",
    "award": "获测试市科学技术进步奖二等奖（第一完成人）",
    "post": "任测试大学机械工程学院副院长",
    "achievement": "主持研制的高精度数控机床主轴通过技术鉴定",
    "illness": "因病住院治疗，已出院休养",
}
ILLNESS_DAY = ("2026-05-10", "2026年5月10日", "2026.05.10", "2026/5/10")
WITHHELD = "另有 1 条不公开的记录"


def card(project, profile: str, ident: str = "e5") -> str:
    """The expert's card on its employer's page, as the template renders it ('' when the profile does not show the expert)."""
    view = build_view(project, profile, TODAY)
    for page in generated_pages(view):
        if page.src_uri.startswith("experts/"):
            html = environment().get_template(page.template).render(view=view, site=view.site, base="", page_url="",
                                                                    pdf=True, **page.context)
            start = html.find(f'id="{ident}"')
            if start >= 0:
                return html[start:html.find("</div>", start)]
    return ""


# (kind, shown on the public card, shown on the intranet card)
WHERE = [
    ("award", True, True),
    ("achievement", True, True),
    ("transfer", False, True),
    ("post", False, True),
    ("illness", False, False),
]


def test_the_table_is_the_declaration():
    assert {k: (v.ceiling == "public", v.ceiling != "secret") for k, v in EVENT_KINDS.items()} == \
        {kind: (public, intranet) for kind, public, intranet in WHERE}


@pytest.mark.parametrize("kind,public,intranet", WHERE)
def test_each_kind_reaches_the_profiles_its_kind_allows(project, kind, public, intranet):
    result = project.check()
    assert not result.diagnostics
    assert (SUMMARIES[kind] in card(result.project, "public")) is public
    assert (SUMMARIES[kind] in card(result.project, "intranet")) is intranet


def test_the_intranet_says_an_illness_exists_and_nothing_more(project):
    result = project.check()
    intranet, public = card(result.project, "intranet"), card(result.project, "public")
    assert WITHHELD in intranet and "伤病" not in intranet and "illness" not in intranet
    assert not any(day in intranet for day in ILLNESS_DAY)
    assert "不公开" not in public and "动态" not in public and "成果与奖励" in public


def test_the_intranet_lists_by_date_with_the_destination_of_a_transfer(project):
    project.replace(E, "    - date: 2019-09-01\n", "    - date: 2025-09-01\n")  # now between the award and the post
    result = project.check()
    assert not result.diagnostics  # within the pairing's term, but to the district leader's own region
    shown = card(result.project, "intranet")
    order = [shown.index(SUMMARIES[k]) for k in ("award", "post", "transfer", "achievement")]
    assert order == sorted(order)
    assert f"{SUMMARIES['transfer']}（调入：测试大学）" in shown


def test_a_transfer_without_an_employer_shows_where_it_went(project):
    project.replace(E, "      employer: uni\n", "      system: 教育\n      region: 东区\n")
    assert f"{SUMMARIES['transfer']}（调入：教育，东区）" in card(project.check().project, "intranet")


# Misuse: the expert must not be on the public pages at all, and then neither is the award.
# (case, edit of e5's flags, whose award is then a value the public build must not show)
HIDDEN = [
    ("award without consent", "  confidential: false\n  public_consent: true\n  # 动态",
     "  confidential: false\n  public_consent: false\n  # 动态"),
    ("award of a confidential expert", "  confidential: false\n  public_consent: true\n  # 动态",
     "  confidential: true\n  public_consent: true\n  # 动态"),
    ("award of an expert who has left", "  status: active\n  confidential: false\n  public_consent: true\n  # 动态",
     "  status: exited\n  status_date: 2026-07-01\n  exit_reason: 本人申请\n  confidential: false\n  public_consent: true\n  # 动态"),
]


@pytest.mark.parametrize("case", HIDDEN, ids=[c[0] for c in HIDDEN])
def test_an_award_of_an_expert_the_public_does_not_see_is_not_shown_and_is_audited(project, case):
    _name, old, new = case
    project.replace(E, old, new)
    if "exited" in new:  # the pairing with the district leader ends with the expert's exit
        project.replace("data/pairings.yaml", "  expert: e5\n  start: 2025-07-01\n",
                        "  expert: e5\n  start: 2025-07-01\n  ended: 2026-07-01\n  end_reason: 专家退出\n")
    result = project.check()
    assert not result.errors, [d.text() for d in result.errors]
    view = build_view(result.project, "public", TODAY)
    assert "e5" not in {e["id"] for e in view.experts} and card(result.project, "public") == ""
    assert SUMMARIES["award"] not in json.dumps(view.experts, ensure_ascii=False, default=str)
    forbidden = {f.value: f for f in forbidden_values(result.project, "public")}
    award = forbidden[fold(SUMMARIES["award"])]  # values are kept as a reader sees them (full-width folded)
    line = project.read(E).splitlines().index(f"      summary: {SUMMARIES['award']}") + 1
    assert award.reason == HIDDEN_REASON and award.source == f"data/experts.yaml:{line}:16 的 Expert.events[1].summary"
    assert SUMMARIES["award"] in card(result.project, "intranet")  # the intranet still keeps the record


def test_an_illness_is_forbidden_in_both_builds_with_its_place(project):
    result = project.check()
    for profile in ("public", "intranet"):
        forbidden = {f.value: f for f in forbidden_values(result.project, profile)}
        illness = forbidden[fold(SUMMARIES["illness"])]
        assert illness.reason == SECRET_REASON and illness.long
        assert illness.source == "data/experts.yaml:92:16 的 Expert.events[4].summary"
        assert {"2026-05-10", "2026年5月10日"} <= set(forbidden), profile  # its date, in every written form
    intranet = {f.value for f in forbidden_values(result.project, "intranet")}
    assert fold(SUMMARIES["transfer"]) not in intranet and fold(SUMMARIES["post"]) not in intranet  # the intranet shows these


def test_the_audit_stops_an_intranet_page_that_shows_an_illness(project, tmp_path):
    """Whatever a template override prints: the intranet's audit finds the illness in any file."""
    result = project.check()
    site = tmp_path / "site"
    (site / "experts" / "uni").mkdir(parents=True)
    (site / "experts" / "uni" / "index.html").write_text(
        f"<li>2026年5月10日 严重伤病：{''.join(f'&#{ord(c)};' for c in SUMMARIES['illness'])}</li>", encoding="utf-8")
    hits = audit(site, forbidden_values(result.project, "intranet"))
    found = {h.forbidden.value for h in hits}
    assert fold(SUMMARIES["illness"]) in found and "2026年5月10日" in found
    assert all(h.path == "experts/uni/index.html" for h in hits)


def test_no_projection_holds_an_illness(project):
    result = project.check()
    for profile in ("public", "intranet"):
        view = build_view(result.project, profile, TODAY)
        text = json.dumps([view.experts, view.expert_pages], ensure_ascii=False, default=str)
        assert SUMMARIES["illness"] not in text and "illness" not in text, profile
        assert "2026-05-10" not in text, profile


def test_an_event_without_a_kind_is_shown_nowhere():
    """Fail-closed: the ceiling of an event whose kind is missing or unknown is secret."""
    from generator.fields import At

    at = At("x", 1, 1, None)
    for kind in (None, "rumour"):
        event = Event(date=TODAY, kind=kind, summary="x", employer=None, system=None, region=None, at=at)  # type: ignore[arg-type]
        assert event.ceiling() == "secret" and event.visibility("summary") == "secret"
    award = Event(date=TODAY, kind="award", summary="x", employer=None, system=None, region=None, at=at)
    assert award.visibility("summary") == "public" and award.visibility("employer") == "internal"


def test_the_schema_rejects_unknown_keys_in_an_event_and_lists_the_kinds():
    item = schemas()["experts.json"]["items"]["properties"]["events"]["items"]
    assert item["additionalProperties"] is False and item["required"] == ["date", "kind", "summary"]
    assert item["properties"]["kind"]["enum"] == list(EVENT_KINDS)
    assert "按类型可能更窄" in item["properties"]["summary"]["description"]


@pytest.mark.slow
def test_an_illness_copied_into_notes_stops_the_intranet_build(project, tmp_path):
    """`notes` are shown on the intranet; the illness is not: the intranet's audit refuses the build, nothing is written."""
    from generator.build import BuildError, build_site

    project.replace(E, "  status: active\n  confidential: false\n  public_consent: true\n  # 动态",
                    f"  status: active\n  notes: 2026年5月{SUMMARIES['illness']}\n  confidential: false\n  public_consent: true\n  # 动态")
    assert not project.check().errors  # check reads content/ and public fields; the audit reads every output
    with pytest.raises(BuildError, match="不应公开的值"):
        build_site(project.root, profile="intranet", out=tmp_path / "site", today=TODAY, pdf=False)
    assert not (tmp_path / "site").exists()


def test_no_comparison_of_editions_names_an_illness(project, tmp_path):
    """`expert-guide diff` and 本版变化 compare projections: an illness recorded between two editions is in neither."""
    import shutil

    from generator import check
    from generator.changes import compare

    old_root = tmp_path / "old"
    shutil.copytree(project.root, old_root)
    project.replace(E, "    - date: 2026-05-10\n      kind: illness\n      summary: 因病住院治疗，已出院休养\n",
                    "    - date: 2026-05-10\n      kind: illness\n      summary: 因病住院治疗，已出院休养\n"
                    "    - date: 2026-10-09\n      kind: illness\n      summary: 再次住院检查，病情稳定\n")
    old, new = check(old_root, today=TODAY).project, project.check().project
    for profile in ("public", "intranet"):
        text = repr(compare(old, new, profile))
        assert "再次住院" not in text and "2026, 10, 9" not in text and "illness" not in text, profile


def test_an_xlsx_import_that_edits_an_expert_keeps_the_events(project, tmp_path):
    """The 登记表 has no column for 动态; an import inserting keys into a record that ends with events: keeps them."""
    from test_xlsx import form

    from generator import check
    from generator.xlsx import import_workbook

    before = project.check().project.get("experts", "e5").events
    workbook = form(tmp_path / "r.xlsx", [{"专家编号": "e5", "专家姓名": "吴工", "手机": "013700001111", "核对日期": "2026-11-01"}])
    result = import_workbook(workbook, project.root, today=TODAY)
    assert result.ok and result.written == ["data/experts.yaml"], [d.text() for d in result.diagnostics]
    after = check(project.root, today=TODAY)
    assert not after.errors, [d.text() for d in after.errors]
    e5 = after.project.get("experts", "e5")
    assert e5.events == before and e5.contact.mobile == "013700001111"
