"""The forbidden values held compactly (exposure.ForbiddenSet) find what the plain list finds.

A set made from a project keeps no Forbidden per value: a value is made one when it is found. These tests
hold it against two references: the same values given as Forbidden objects, and a search by str.find.
"""
from __future__ import annotations

import re
import shutil
from contextlib import contextmanager

import pytest

from conftest import MINIMAL, TODAY
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import check, exposure
from generator.exposure import (IDENTIFIES, LONG, MIN_DIGITS, Forbidden, ForbiddenSet, Matcher, digit_runs, fold,
                                forbidden_values)


def _found(matcher: Matcher, text: str, **kwargs) -> set[tuple]:
    """Each finding; one by digits as its digits (of the values written with them, either may be reported)."""
    return {(f.start, f.end, f.forbidden.digits, True) if f.by_digits else
            (f.start, f.end, f.forbidden.value, f.forbidden.source, f.forbidden.identifies)
            for f in matcher.find(text, **kwargs)}


def _spans(text: str, word: str) -> list[tuple[int, int]]:
    return [(m.start(), m.start() + len(word)) for m in re.finditer(f"(?={re.escape(word)})", text)] if word else []


def _by_find(forbidden: list[Forbidden], text: str) -> set[tuple]:
    """What the substring rule says, by brute force: every occurrence not inside a shown name that contains it."""
    last = {fold(f.value): f for f in forbidden}  # a value twice: the last one counts
    covers = {c for f in last.values() for c in f.covers}
    folded, runs = fold(text), digit_runs(fold(text))
    out = set()
    for where, by_digits, words, cover_words in (
            (folded, False, last, {fold(c) for c in covers}),
            (runs, True, {f.digits: f for f in last.values() if f.numeric},
             {d for c in covers if len(d := re.sub(r"\D", "", c)) >= MIN_DIGITS})):
        shown = [s for c in cover_words for s in _spans(where, c)]
        for word, f in words.items():
            for start, end in _spans(where, word):
                if not any(a <= start and end <= b for a, b in shown):
                    out.add((start, end, f.digits, True) if by_digits else
                            (start, end, f.value, f.source, f.identifies))
    return out


_ALPHABET = "张伟华李1234567890- @a.\n"


@contextmanager
def _searched_by(fast: bool):
    """Every text searched by the trie (pyahocorasick), or every one by ahocorasick_rs (ForbiddenSet.matches)."""
    kept = exposure.FAST_CHARS, exposure.FAST_PER_KEY
    exposure.FAST_CHARS, exposure.FAST_PER_KEY = (0, 0) if fast else (1 << 60, 0)
    try:
        yield
    finally:
        exposure.FAST_CHARS, exposure.FAST_PER_KEY = kept


@pytest.mark.parametrize("fast", [False, True], ids=["trie", "rust"])
@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.tuples(st.text(_ALPHABET, min_size=2, max_size=12), st.booleans(),
                                 st.lists(st.text(_ALPHABET, min_size=3, max_size=14), max_size=2)),
                       min_size=1, max_size=8),
       text=st.text(_ALPHABET, max_size=80))
def test_the_compact_matcher_finds_what_brute_force_finds(fast, values, text):
    with _searched_by(fast):
        _compact_against_brute_force(values, text)


def _compact_against_brute_force(values, text):
    forbidden = [Forbidden(v, f"来源{i}", identifies, covers=tuple(c for c in covers if v in c))
                 for i, (v, identifies, covers) in enumerate(values) if v.strip() == v and "\n" not in v]
    if not forbidden:
        return
    # each value is planted, and its digits bare and spaced out, and the names that contain it
    planted = text + "".join(f"，{f.value}，{f.digits}，{' '.join(f.digits)}，{'，'.join(f.covers)}" for f in forbidden)
    assert _found(Matcher(forbidden), planted) == _by_find(forbidden, planted)


@st.composite
def _numbers(draw) -> str:
    """One of two runs of digits, written with a separator or two here and there: many values share digits."""
    digits = draw(st.sampled_from(["20210928", "2021928", "13912345678"]))
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=2)))
    parts = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)])]
    return draw(st.sampled_from(["-", " ", ".", "", "年"])).join(parts)


@pytest.mark.parametrize("fast", [False, True], ids=["trie", "rust"])
@settings(max_examples=300, deadline=None)
@given(values=st.dictionaries(st.one_of(_numbers(), st.text("1234567890- .张伟", min_size=2, max_size=12)),
                              st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=8),
       text=st.text("1234567890- .张伟\n", max_size=60))
def test_the_values_chosen_by_flags_are_found_as_if_only_they_were_there(fast, values, text):
    """`check` looks for names, numbers and long texts only (keep): a date with the same digits as a phone
    (2021-09-28, 2021-0928) must not hide the phone."""
    with _searched_by(fast):
        _chosen_by_flags(values, text)


def _chosen_by_flags(values, text):
    forbidden = [Forbidden(v, f"来源{i}", identifies, long=long)
                 for i, (v, (identifies, long)) in enumerate(values.items()) if v.strip() == v]
    chosen = [f for f in forbidden if f.identifies or f.long]
    planted = text + "".join(f"，{f.value}，{f.digits}，{' '.join(f.digits)}" for f in forbidden)
    assert _found(Matcher(ForbiddenSet.of(forbidden), keep=IDENTIFIES | LONG), planted) == _by_find(chosen, planted)


def test_a_phone_with_the_digits_of_a_hidden_date_is_reported_as_the_phone():
    phone, day = Forbidden("2021-0928", "电话", True), Forbidden("2021-09-28", "日期", False)
    for order in ([phone, day], [day, phone]):
        [found] = Matcher(ForbiddenSet.of(order), keep=IDENTIFIES | LONG).find("办公室 20210928")
        assert found.forbidden == phone and found.by_digits
        assert [f.forbidden for f in Matcher(ForbiddenSet.of(order)).find("20210928")] == [phone]


def _project(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(MINIMAL, root)
    experts = root / "data" / "experts.yaml"
    # a number written with separators, and one written as bare digits, both hidden
    text = experts.read_text(encoding="utf-8")
    hidden = "  confidential: true\n  public_consent: false\n"
    assert text.count(hidden) == 1
    experts.write_text(text.replace(hidden, hidden + "  contact: {phone: 023-6123 4567, mobile: 13800001111}\n"),
                       encoding="utf-8")
    return check(root, today=TODAY).project


def _everything(forbidden: list[Forbidden]) -> str:
    """Every value, every number's digits (bare and spaced out), every name that contains a value: a line each."""
    return "\n".join([f.value for f in forbidden] + [d for f in forbidden if f.numeric for d in (f.digits, " ".join(f.digits))]
                     + [c for f in forbidden for c in f.covers])


def test_a_set_made_from_a_project_is_the_list_it_reads_as(tmp_path):
    project = _project(tmp_path)
    for profile in ("public", "intranet"):
        held = forbidden_values(project, profile, TODAY)
        listed = list(held)
        assert isinstance(held, ForbiddenSet) and len(held) == len(listed) and listed
        assert len({f.value for f in listed}) == len(listed)  # each value once
        text = _everything(listed)
        assert _found(Matcher(held), text) == _found(Matcher(listed), text)
        assert all(f.forbidden in listed for f in Matcher(held).find(text))  # made again as it was
        assert _found(Matcher(held), text, digits=False) == _found(Matcher(listed), text, digits=False)
        chosen = [f for f in listed if f.identifies or f.long]
        assert _found(Matcher(held, keep=IDENTIFIES | LONG), text) == _found(Matcher(chosen), text)


def test_a_number_found_by_its_digits_is_reported_as_it_was_written(tmp_path):
    project = _project(tmp_path)
    held = forbidden_values(project, "public", TODAY)
    numbers = [f for f in held if f.numeric and re.search(r"\D", f.value)]
    assert numbers, "the sample has a hidden number written with separators"
    listed = list(held)
    for f in numbers:
        [finding] = [x for x in Matcher(held).find(f"电话 {f.digits} 。") if x.forbidden.digits == f.digits]
        # a value with these digits, as it was written: 023-6123 4567, not the 02361234567 searched for
        assert finding.by_digits and finding.forbidden in listed and finding.forbidden.numeric
    assert "023-6123 4567" in {f.value for f in numbers}


def test_a_value_read_again_is_the_same_value():
    held = ForbiddenSet.of([Forbidden("13912345678", "甲", True), Forbidden("张伟", "乙", True, covers=("张伟华",))])
    assert [f.source for f in held] == ["乙", "甲"]  # by source and len(held) == 2 and held
    assert not ForbiddenSet.of([]) and not Matcher([]).find("张伟 13912345678")


def test_a_hidden_name_inside_a_shown_name_is_covered_by_it(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(MINIMAL, root)
    experts = root / "data" / "experts.yaml"
    text = experts.read_text(encoding="utf-8")
    assert text.count("name: 周医生") == 1 and "name: 张院士" in text
    experts.write_text(text.replace("name: 周医生", "name: 张院"), encoding="utf-8")  # hidden, inside the shown 张院士
    held = forbidden_values(check(root, today=TODAY).project, "public", TODAY)
    [hidden] = [f for f in held if f.value == "张院"]
    assert hidden.covers == ("张院士",) and hidden.identifies
    assert Matcher(held).find("张院士出席") == []
    assert [f.forbidden.value for f in Matcher(held).find("张院士与张院出席")] == ["张院"]


# digit_runs takes the numbers out of a text instead of rewriting the text around them (a 40-million-character
# page in 0.5 s, not 2.6 s). The definition it must keep, written the plain way: letters and delimiters end a
# number, anything else between digits is dropped.
def _digit_runs_by_rewriting(text: str) -> list[str]:
    ended = re.sub(r"[^\W\d_]+|[\n\r,;\"'\[\]{}<>=|]+", "\n", text)
    return [line for line in re.sub(r"[^0-9\n]", "", ended).split("\n") if line]


_NUMBERISH = st.text(alphabet=st.sampled_from(list("0123456789 -_./()、~:*×\t\n\r,;\"'[]{}<>=|aZé张三ＡＢ１２٣३𝟑　\u00a0（）＃")),
                     max_size=80)


@given(_NUMBERISH)
@settings(max_examples=1500, deadline=None)
def test_digit_runs_are_the_numbers_of_the_text(text):
    assert [run for run in digit_runs(text).split("\n") if run] == _digit_runs_by_rewriting(text)
    assert [run for run in digit_runs(fold(text)).split("\n") if run] == _digit_runs_by_rewriting(fold(text))


def test_digits_across_millions_of_separators_are_one_number():
    text = "1" + " " * 2_000_000 + "2" + "-" * 2_000_000
    assert digit_runs(text) == "12"


def test_a_long_text_is_searched_by_the_rust_automaton_and_finds_what_the_trie_finds():
    """The audit's pages (FAST_CHARS characters and more) are searched by ahocorasick_rs in their UTF-8 bytes: the same
    occurrences, in the same order, as the trie's, with astral characters (one character in Python, four bytes) and
    lone surrogates (an escape decoded: three bytes) before them; and the text is left as it was, with no UTF-8 copy
    attached to it (given the str, the library leaves one: 300 MB more for a 64 MB page)."""
    import sys

    words = ["张伟", "张伟华", "伟华", "13912345678", "𠀋𠀋", "é", "a\U0001F600b", "12345678"]
    forbidden = ForbiddenSet.of(Forbidden(w, f"来源{i}", True) for i, w in enumerate(words))
    unit = "前𠀋𠀋张伟华，😀a😀b a\U0001F600b 139 1234 5678 é 13912345678 张伟 \ud800张伟"
    text = (unit * (exposure.FAST_CHARS // len(unit) + 2))
    assert len(text) >= exposure.FAST_CHARS
    by_trie = list(forbidden.trie.iter(text))
    assert forbidden._fast is None
    size = sys.getsizeof(text)
    assert list(forbidden.matches(text)) == by_trie and forbidden._fast
    assert sys.getsizeof(text) == size
    assert len(by_trie) > len(words) * 100  # overlapping and nested ones: 张伟 in 张伟华, 12345678 in 13912345678
    ascii_only = "x 13912345678 12345678 " * (exposure.FAST_CHARS // 20)
    assert list(forbidden.matches(ascii_only)) == list(forbidden.trie.iter(ascii_only))
    fast_found = _found(Matcher(forbidden), text)
    with _searched_by(False):
        assert fast_found == _found(Matcher(forbidden), text) and len(fast_found) > 100


def test_the_rust_automaton_is_made_only_once_the_long_texts_read_pay_for_it():
    """Made for many keys, the automaton costs more than it saves on a few long texts (a million keys: 300 MB more while
    it is made, which took the `pdf` command over 1 GB, and a second and a half): the trie reads them until the long
    texts read reach FAST_PER_KEY characters per key. The findings are the same either way."""
    words = [f"{i:07d}号" for i in range(20000)] + ["张伟华"]
    forbidden = ForbiddenSet.of(Forbidden(w, f"来源{i}", True) for i, w in enumerate(words))
    keys = len(forbidden.trie)
    page = "张伟华 0000042号 " * (exposure.FAST_CHARS // 13 + 1)
    assert exposure.FAST_CHARS <= len(page) < exposure.FAST_PER_KEY * keys
    read = 0
    while read + len(page) < exposure.FAST_PER_KEY * keys:
        assert list(forbidden.matches(page)) == list(forbidden.trie.iter(page))
        read += len(page)
        assert forbidden._fast is None  # not made yet: the trie read it
    assert list(forbidden.matches(page)) == list(forbidden.trie.iter(page))
    assert forbidden._fast  # made now, and used from here on
    short = "张伟华" * 10
    assert list(forbidden.matches(short)) == list(forbidden.trie.iter(short))
