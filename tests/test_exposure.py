"""What a profile must not show is derived from the field declarations: every kind, every non-public field."""
from __future__ import annotations

import typing
from datetime import date

from conftest import MINIMAL, TODAY
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import check
from generator.exposure import Matcher, forbidden_values
from generator.fields import Kind, Record
from generator.kinds import AUDIT_FORMS
from generator.models import COLLECTIONS, Site
from generator.render.view import build_view, visible


def _non_public(model, prefix=""):
    """(path, spec) of every field a public reader may not see; inside a non-public record, all of its fields."""
    for name, spec in model._specs.items():
        if spec.vis != "public":
            yield prefix + name, spec
        if spec.kind == "object":
            yield from _non_public(spec.model, f"{prefix}{name}.")


def _present(shown: dict, path: str) -> bool:
    node = shown
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_every_kind_says_how_it_is_audited():
    kinds = set(typing.get_args(Kind)) - {"list", "object"}
    assert kinds == set(AUDIT_FORMS)


def test_no_non_public_field_of_any_kind_reaches_the_public_projection():
    project = check(MINIMAL, today=TODAY).project
    view = build_view(project, "public", TODAY)
    checked = set()
    for collection, model in [*COLLECTIONS.items(), ("site", Site)]:
        records = [project.site] if collection == "site" else getattr(project, collection)
        for rec in records:
            shown = visible(rec, "public")
            for path, spec in _non_public(model):
                checked.add((model.__name__, path, spec.kind))
                assert not _present(shown, path), f"{model.__name__}.{path} ({spec.kind}) is in the public projection"
    kinds = {kind for _m, _p, kind in checked}
    assert {"date", "month", "enum", "bool", "phone", "email", "text", "multiline"} <= kinds
    # nor any key of them in the search data or the expert rows
    for expert in view.experts:
        assert not {"status", "confidential", "public_consent", "birth", "contact", "id_number", "notes"} & set(expert)


def test_dates_and_months_are_looked_for_in_every_written_form(tmp_path):
    import shutil

    root = tmp_path / "p"
    shutil.copytree(MINIMAL, root)
    project = check(root, today=TODAY).project
    values = {f.value for f in forbidden_values(project, "public")}
    hidden = next(e for e in project.experts if not e.publishable)
    year, month = hidden.birth.split("-")
    assert {hidden.birth, f"{year}年{int(month)}月"} <= values  # the internal birth month of a hidden expert
    consent = project.pairings[0].consent.leader
    assert isinstance(consent, date) and f"{consent.year}年{consent.month}月{consent.day}日" in values


def test_a_hidden_name_inside_a_shown_name_is_that_name_elsewhere_a_leak():
    from generator.exposure import Forbidden

    matcher = Matcher([Forbidden("张伟", "x", True, covers=("张伟华",))])
    assert matcher.find("专家张伟华教授") == []
    assert [f.forbidden.value for f in matcher.find("张伟华与张伟")] == ["张伟"]
    assert [f.forbidden.value for f in matcher.find("联系张伟")] == ["张伟"]


def test_records_are_records():
    assert all(issubclass(m, Record) for m in COLLECTIONS.values())


def test_a_records_fields_are_narrowed_only_by_its_ceiling():
    """exposure.fields_of reads a record's ceiling once and narrows each field by it: what Record.visibility
    does. No model may decide a field's visibility another way (it would be bypassed there)."""
    from generator.fields import RECORDS, Record

    assert RECORDS and all(model.visibility is Record.visibility for model in RECORDS)


_FOLD_PIECES = ["a", "Z", " ", "\n", "<td>", "&amp;", "e\u0301", "\u0301", "\u0338", "张", "伟", "董", "（", "）", "：", "，",
                "Ａ", "１", "\u3000", "一", "二", "〇", "零", "九", "٣", "३", "𝟑", "①", "㈠", "ﬁ", "ß", "İ", "ΐ", "ᾷ", "Ω",
                "\u00ad", "\u200b", "\u200d", "\ufeff", "\ufe0f", "\U000e0041", "\U0001bca0", "ｶ", "ﾞ", "ᄀ", "ᅡ", "각",
                "\u2f00", "\uf900", "\x00", "\u1e9e", "Ⅻ", "½", "™", "\U00020000"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_FOLD_PIECES), max_size=40))
def test_long_text_is_folded_exactly_as_short_text(pieces):
    """Long text (a 40-million-character page) is folded by replacing what it holds: the same as the whole
    way (NFKC, invisible characters, casefold, digits), for every class of character that fold changes."""
    from generator import exposure

    text = "".join(pieces)
    assert exposure._fold_known(text) == exposure._fold(text)
    assert exposure.fold(text * (exposure.FOLD_APART // max(len(text), 1) + 1)) == \
        exposure._fold(text * (exposure.FOLD_APART // max(len(text), 1) + 1))  # through fold itself


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_FOLD_PIECES), max_size=30), st.lists(st.sampled_from(_FOLD_PIECES), max_size=30),
       st.lists(st.sampled_from(_FOLD_PIECES), max_size=8), st.lists(st.sampled_from(_FOLD_PIECES), max_size=8),
       st.lists(st.sampled_from(_FOLD_PIECES), max_size=12))
def test_a_text_like_the_one_before_is_folded_as_a_whole(head, tail, old, new, after):
    """fold_again reuses the folding of the text before where the two begin alike (a page and its unescaped self):
    the same as folding it whole, whatever stands at or beside the cut (combining marks after "<" or a line break,
    a full-width form, an invisible character, a digit, a character beyond the BMP), and what it reuses is the
    folding of the text before."""
    from generator.exposure import _fold, fold, fold_again

    before = "".join(head + old + tail)
    text = "".join(head + new + tail + after)
    for a, b in ((before, text), (text, before), (before * 40, before * 40 + "".join(new)),
                 (before * 40 + "".join(old), before * 40 + "".join(new))):
        folded, shared = fold_again(a, fold(a), b)
        assert folded == _fold(b)
        assert folded[:shared] == _fold(a)[:shared]
    page = "<p>张伟</p>\n" * 100
    assert fold_again(page + "&amp;", fold(page + "&amp;"), page + "&")[1] > 0  # reused, not folded whole each time
