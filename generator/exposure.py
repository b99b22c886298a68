"""What a profile must never show, and how to find it in any text (不应公开的信息).

One derivation serves both the `check` rule on content/ and public fields (validate/leaks.py) and
the audit of every output (audit.py). It is computed from the field declarations alone — every
non-public field of every kind, every field of every hidden expert — never from the renderer's
projection, so that a bug there cannot also blind the audit.

The substring rule, decided deliberately: a forbidden value found inside a longer value that the
profile does show (a hidden 张伟 inside the public name 张伟华) is not a leak *at that place*,
because the text there is the other value. Anywhere else the same 张伟 is a leak. Only a value
identical to a shown value (two experts both named 张伟, one hidden) cannot be told apart in the
output: the name of another person the profile shows. Every other identical value (a hidden
mobile repeated as an institution's phone) is still looked for, and `check` reports it (E401).
"""
from __future__ import annotations

import dataclasses
import functools
import re
import sys
import unicodedata
from array import array
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Iterator

from .extract import channels
from .fields import ALLOWED, Profile, Record, narrower
from .kinds import AUDIT_FORMS
from .models import Expert
from .paths import THEME_DIR
from .project import Project

HIDDEN_REASON = "涉密、未同意公开或不在册的专家的任何信息都不公开"
SECRET_REASON = "这一信息（如身份证号、专家的伤病记录）不出现在任何输出中"
INTERNAL_REASON = "联系方式等非公开字段只在内网版出现"
REQUEST_REASON = "专家反映的问题（诉求）及其办理情况只在内网版出现"
ACTIVITY_REASON = "联系活动的记录只在内网版出现"
INTRANET_ONLY = {"requests": REQUEST_REASON, "activities": ACTIVITY_REASON}  # nothing of these is public
MIN_LENGTH = 2  # one character (男, 是) says nothing about anybody
MIN_DIGITS = 7  # digits-only matching for phones and ID numbers
COLLECTIONS = ("categories", "units", "leaders", "experts", "pairings", "institutions", "services", "requests",
               "activities")


class Source:
    """Where a forbidden value was written and which field (data/experts.yaml:12:13 的 Expert.contact.mobile),
    made into text only when shown: 200,000 experts have about a million forbidden values, and their sources
    as strings took about 190 MB."""

    __slots__ = ("rec", "label")

    def __init__(self, rec: Record, label: str) -> None:
        self.rec, self.label = rec, sys.intern(label)

    def __str__(self) -> str:
        return f"{_where(self.rec, self.label)} 的 {type(self.rec).__name__}.{self.label}"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


@dataclass(frozen=True, slots=True)
class Forbidden:
    value: str
    origin: str | Source  # where it was written and which field: text when asked for (the source below)
    identifies: bool = False  # a name, number or address of a person: content and prose never excuse it
    covers: tuple[str, ...] = field(default=(), compare=False)  # shown values that contain it
    reason: str = ""  # why it is not shown, in Chinese
    long: bool = False  # a descriptive text long enough to tell a story (a note, an exit reason)

    @property
    def source(self) -> str:
        """Where it was written and which field, e.g. data/experts.yaml:12:13 的 Expert.contact.mobile."""
        return str(self.origin)

    @property
    def digits(self) -> str:
        return _NON_DIGIT.sub("", self.value)

    @property
    def numeric(self) -> bool:
        """A number people write with separators (139 1234-5678): matched by its digits too."""
        return _numeric(self.value)

    @property
    def masked(self) -> str:
        """Enough to find the value in the data, not enough to publish it again in a log."""
        v = self.value
        return v[0] + "*" * (len(v) - 2) + v[-1] if len(v) > 2 else v[0] + "*"


def hidden_record(project: Project, collection: str, rec: Any, profile: Profile) -> bool:
    """A record the profile does not show at all (fail-closed for experts and their pairings)."""
    if profile != "public":
        return False
    if collection in INTRANET_ONLY:  # nothing of a request or an activity is public, whatever its fields say
        return True
    if isinstance(rec, Expert):
        return not rec.publishable
    if collection == "pairings":
        expert = project.get("experts", rec.expert)
        return expert is None or not expert.publishable
    return False


def fields_of(rec: Record, prefix: str, everything: bool, allowed: frozenset[str]
            ) -> Iterator[tuple[str, Any, Any, bool]]:
    """(label, spec, value, shown) for every scalar value of ``rec`` and its nested records.

    Visibility is read through the record (``Record.visibility``): a record may narrow its fields (an
    illness among an expert's 动态 is secret whatever its fields declare); the spec handed out carries
    that visibility. An entry of a list of records is labelled with its place: ``events[2].summary``.
    """
    ceiling = rec.ceiling()  # rec.visibility(name), read once per record: a million values at 200,000 experts
    for name, spec in rec._specs.items():
        value = getattr(rec, name)
        if value is None:
            continue
        label = f"{prefix}{name}"
        vis = spec.vis if ceiling == "public" else narrower(spec.vis, ceiling)
        if vis != spec.vis:
            spec = dataclasses.replace(spec, vis=vis)
        hidden = everything or vis not in allowed
        if spec.kind == "object":
            yield from fields_of(value, f"{label}.", hidden, allowed)
        elif spec.kind == "list":
            assert spec.item is not None
            for index, entry in enumerate(value):
                if isinstance(entry, Record):
                    yield from fields_of(entry, f"{label}[{index}].", hidden, allowed)
                else:
                    yield label, spec.item, entry, not hidden
        else:
            yield label, spec, value, not hidden


_STEP = re.compile(r"(\w+)(?:\[(\d+)\])?")


def record_at(rec: Record, label: str) -> tuple[Record, str]:
    """The (nested) record that holds the value ``label`` names, and the field's name in it.

    ``contact.mobile`` is the contact's mobile, ``events[2].summary`` the third event's summary; where
    the path cannot be followed, the record itself and the label's first name.
    """
    *parents, last = label.split(".")
    current = rec
    for step in parents:
        match = _STEP.fullmatch(step)
        inner = getattr(current, match.group(1), None) if match else None
        if match and match.group(2) is not None and isinstance(inner, tuple) and int(match.group(2)) < len(inner):
            inner = inner[int(match.group(2))]
        if not isinstance(inner, Record):
            return rec, _STEP.match(label).group(1)  # type: ignore[union-attr]
        current = inner
    return current, last


def _where(rec: Record, label: str) -> str:
    """The location of a (nested) field's value: contact.mobile points at the mobile, not the contact."""
    holder, name = record_at(rec, label)
    return str(holder.where(name)) if name in holder._specs else str(holder.location)


def shown_values(project: Project, profile: Profile) -> set[str]:
    """Every written form of every value the profile shows."""
    allowed = ALLOWED[profile]
    shown: set[str] = set()
    for collection in COLLECTIONS:
        for rec in getattr(project, collection):
            if hidden_record(project, collection, rec, profile):
                continue
            for _label, spec, value, visible in fields_of(rec, "", False, allowed):
                if visible:
                    shown.update(_forms(spec.kind, value))
    if project.site is not None:
        for _label, spec, value, visible in fields_of(project.site, "", False, allowed):
            if visible:
                shown.update(_forms(spec.kind, value))
    for policy in project.policies:
        if policy.meta is not None:
            for _label, spec, value, _visible in fields_of(policy.meta, "", False, allowed):
                shown.update(_forms(spec.kind, value))
    return shown


def _forms(kind: str, value: Any) -> tuple[str, ...]:
    forms = AUDIT_FORMS[kind](value) if kind in AUDIT_FORMS else ()
    return tuple(f.strip() for f in forms if isinstance(f, str))


def person_names(project: Project, profile: Profile) -> set[str]:
    """The names of the people the profile shows (experts and leaders), folded."""
    names = set()
    for collection in ("experts", "leaders"):
        for rec in getattr(project, collection):
            if not hidden_record(project, collection, rec, profile) and isinstance(rec.name, str):
                names.add(fold(rec.name.strip()))
    return names


def project_prose(project: Project) -> str:
    """The project's own fixed text: templates, and content/ text in the encoding it was written in."""
    parts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(THEME_DIR.rglob("*"))
             if p.suffix in (".md", ".html") and p.is_file()]
    for content in project.content_files:
        if content.kind == "text":
            parts.extend(text for _channel, text in channels(project.root / content.rel))
    return "\n".join(parts)


# Within a build (``remembering``), the last answer for the very same project: a public build asks once in its
# check (validate/leaks.py) and again for its audit — at 200,000 experts a million values, ~20 s each time.
# Outside one nothing is kept (a check alone, or a printed guide, would carry the million values on).
_memo: ContextVar[dict[str, Any] | None] = ContextVar("forbidden_memo", default=None)


@contextmanager
def remembering() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def forget() -> None:
    """Let go of the values remembered (a build whose audit process has them: this one no longer needs them)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


def forbidden_values(project: Project, profile: Profile, today: Any = None, *, prose: str = "") -> ForbiddenSet:
    """What ``profile`` must never show: each value once (folded), with the shown names that contain it.

    - A value identical to a shown value is not looked for only when it cannot identify anybody
      (材料科学, 正高级) or when it is the name of another person the profile shows (a namesake).
      A hidden name or number repeated in a public field, a policy's issuer or a service's materials
      is looked for like any other.
    - ``prose`` is the fixed text of the templates and content: a short descriptive value found there,
      or inside a value the profile shows (a date, a two-word reason, a request's channel such as 来信
      inside a service's 来信来访), cannot be told apart in the output and is not looked for. A value
      that identifies a person, or a descriptive text of LONG_TEXT characters or more (a note, an exit
      reason, a request's summary), is looked for wherever it is.
    - ``today``, the day the output is built for, is shown on every page (the footer's 更新日期): a hidden
      date equal to it (a request received, an activity held on the build day) is not looked for.
    """
    memo = _memo.get()
    key = (profile, today, prose)
    last = memo.get("last") if memo is not None else None
    if last is not None and last[0] is project and last[1] == key:
        return last[2]  # callers never change the list
    values = _forbidden_values(project, profile, today, prose)
    if memo is not None:
        memo["last"] = (project, key, values)
    return values


def _forbidden_values(project: Project, profile: Profile, today: Any, prose: str) -> ForbiddenSet:
    allowed = ALLOWED[profile]
    shown = {fold(v) for v in shown_values(project, profile)}
    if isinstance(today, date):  # every page's footer prints the build day (更新日期): a request received or an
        shown.update(fold(v) for v in _forms("date", today))  # activity held that day cannot be told from it
    names = person_names(project, profile)
    found = ForbiddenSet()
    excusable: set[str] = set()  # short descriptive values: dropped below if the prose or a shown value uses them
    for collection in COLLECTIONS:
        reason_of = INTRANET_ONLY.get(collection)
        for rec in getattr(project, collection):
            everything = hidden_record(project, collection, rec, profile)
            held = -1  # the record's place in found.records, once it has a value there
            for label, spec, value, visible in fields_of(rec, "", everything, allowed):
                if visible:
                    continue
                for form in _forms(spec.kind, value):
                    form = fold(form)
                    if len(form) < MIN_LENGTH or form in names or (form in shown and not spec.identifies):
                        continue
                    known = found.flags_of(form)
                    if known is None or (spec.identifies and not known & IDENTIFIES):
                        reason = reason_of or (HIDDEN_REASON if everything else
                                               SECRET_REASON if spec.vis == "secret" else INTERNAL_REASON)
                        long = spec.kind in ("text", "multiline") and len(form) >= LONG_TEXT
                        if held < 0:
                            held = found.hold(rec)
                        found.put(form, held, label, spec.identifies, long, reason)
                        if spec.identifies or long:
                            excusable.discard(form)
                        else:
                            excusable.add(form)
    if excusable:  # short descriptive values (a reason, a date) that the prose or a shown value uses
        for _end, value in _automaton({v: v for v in excusable}).iter("\n".join([fold(prose), *sorted(shown)])):
            found.drop(value)
    del shown, excusable
    # Only another person's shown name can contain a hidden name harmlessly, and only a name
    # that looks like one: 张伟华 covers 张伟, “白雅琴（代董振邦13805215799）” covers nothing.
    found.seal((value for value in names if _NAME.fullmatch(value)))
    return found


IDENTIFIES, LONG, NUMERIC, DIGITS_ONLY = 1, 2, 4, 8  # ForbiddenSet's flags of an entry
_NON_DIGIT = re.compile(r"\D")


class ForbiddenSet:
    """forbidden_values' answer, held compactly: one trie of every value (and of the digits of each number
    written with separators), each key's payload a number; what the number stands for in a few flat arrays.

    At 200,000 experts there are about a million values: a Forbidden object per value, a dictionary of them and
    a second automaton for the digits took 700 MB, this takes about 200 MB. A value is made into a Forbidden
    only when it is found, or when the set is read through as a list (in the order forbidden_values promises:
    by source, then value). Made either from a project (``put``: the record and field it was written in) or
    from Forbidden objects (``of``).
    """

    def __init__(self) -> None:
        import ahocorasick

        self.trie = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self.records: list[Any] = []  # the records values were written in, or the Forbidden objects given
        self.labels: list[str] = []  # field labels (contact.mobile, events[2].summary), each once
        self._label_ids: dict[str, int] = {}
        self.reasons: list[str] = []
        # per entry (a trie payload): which record or object, which label, flags, reason, the key's length
        self.owner, self.label, self.flags = array("I"), array("I"), array("B")
        self.reason, self.length = array("B"), array("I")
        self.covers: dict[str, tuple[str, ...]] = {}  # a value → the shown names that contain it
        self.by_digits: dict[int, int] = {}  # an entry → the entry a search by digits reports instead (see above)
        self.count = 0  # values, not counting the digits keys
        self._fast: tuple[Any, array] | bool | None = None  # see matches(); False: the trie reads every text
        self._long = 0  # characters of long texts the trie has read while there was no automaton (matches())

    @classmethod
    def of(cls, forbidden: Iterable[Forbidden]) -> ForbiddenSet:
        """The set of these values (a value twice: the last one counts, as in a dictionary)."""
        made = cls()
        for f in forbidden:
            key = fold(f.value)
            made.records.append(f)
            made._put(key, len(made.records) - 1, 0, f.identifies, f.long, 0, f.numeric)
            if f.covers:
                made.covers[key] = f.covers
            else:  # as the values: the last one's covers
                made.covers.pop(key, None)
        made._index_digits()
        made.trie.make_automaton()
        return made

    # ---- made from a project ----

    def hold(self, rec: Any) -> int:
        self.records.append(rec)
        return len(self.records) - 1

    def flags_of(self, key: str) -> int | None:
        entry = self.trie.get(key, None)
        return None if entry is None else self.flags[entry]

    def put(self, key: str, owner: int, label: str, identifies: bool, long: bool, reason: str) -> None:
        label_id = self._label_ids.get(label)
        if label_id is None:
            label_id = self._label_ids[label] = len(self.labels)
            self.labels.append(sys.intern(label))
        if reason not in self.reasons:
            self.reasons.append(reason)
        self._put(key, owner, label_id, identifies, long, self.reasons.index(reason), _numeric(key))

    def _put(self, key: str, owner: int, label_id: int, identifies: bool, long: bool, reason: int,
             numeric: bool) -> None:
        entry = len(self.flags)
        self.owner.append(owner)
        self.label.append(label_id)
        self.flags.append(IDENTIFIES * identifies | LONG * long | NUMERIC * numeric)
        self.reason.append(reason)
        self.length.append(len(key))
        if self.trie.add_word(key, entry):
            self.count += 1
        self._fast = None

    def drop(self, key: str) -> None:
        if self.trie.remove_word(key):
            self.count -= 1
        self._fast = None

    def seal(self, names: Iterable[str]) -> None:
        """No more values: the digits keys are added, the trie made searchable, and ``names`` (shown names)
        read for the values they contain."""
        self._index_digits()
        self.trie.make_automaton()
        covers: dict[str, set[str]] = {}
        for name in names if len(self.trie) else ():  # an empty trie cannot be searched (nothing to find in a name)
            for end, entry in self.trie.iter(name):
                if not self.flags[entry] & DIGITS_ONLY:
                    covers.setdefault(name[end - self.length[entry] + 1:end + 1], set()).add(name)
        self.covers = {value: tuple(sorted(containing)) for value, containing in covers.items()}

    def _index_digits(self) -> None:
        """A number written with separators (023-6123 4567) is found by its digits too: its digits are a key
        of their own, its entry marked DIGITS_ONLY. Where the key is taken (a value is those very digits, or
        another number has them: a date 2021-09-28 and a phone 2021-0928), a search by digits reports the number
        that says most about a person (``by_digits``): `check` looks for identifying values only."""
        numbers = [(key, entry) for key, entry in self.trie.items()
                   if self.flags[entry] & NUMERIC and _NON_DIGIT.search(key)]  # 13912345678 is its own digits
        for key, entry in numbers:
            digits = _NON_DIGIT.sub("", key)
            held = self.trie.get(digits, None)
            if held is not None and _weight(self.flags[entry]) <= _weight(self.flags[self.by_digits.get(held, held)]):
                continue
            self.owner.append(self.owner[entry])
            self.label.append(self.label[entry])
            self.flags.append(self.flags[entry] | DIGITS_ONLY)
            self.reason.append(self.reason[entry])
            self.length.append(len(digits))
            if held is None:
                self.trie.add_word(digits, len(self.flags) - 1)
            else:
                self.by_digits[held] = len(self.flags) - 1

    # ---- read ----

    def matches(self, text: str) -> Iterable[tuple[int, int]]:
        """(end, entry) of every occurrence of every key in ``text`` (end: its last character), by end, the longest
        first where several end together: as the trie's own iteration gives them.

        A text of FAST_CHARS or more is searched by ahocorasick_rs (Rust), about three times as fast as the trie on
        the audit's megabytes of pages (200,000 experts, a million keys: 18 million characters in 0.3 against 1.2 s).
        Its automaton is made once, when it pays: once the long texts read reach FAST_PER_KEY characters per key. At
        a million keys it takes about a second and a half, and 300 MB more while it is made (100 MB kept): the `pdf`
        command, whose long texts are one guide's (7.5 million characters, which the trie reads in half a second),
        went over 1 GB making it and was no faster. It is given the text's UTF-8 bytes, made for the search and let
        go after it (given the text itself, it would leave a UTF-8 copy attached to it for as long as the text lives:
        300 MB more for a 64 MB page), lone surrogates written as their three bytes, which no key's bytes can match
        inside. The trie holds the keys and reads the short texts."""
        fast = None
        if len(text) >= FAST_CHARS:
            if self._fast is None:
                self._long += len(text)
            if self._fast is not None or self._long >= FAST_PER_KEY * len(self.trie):
                fast = self.fast()
        if fast is None:
            return self.trie.iter(text)
        automaton, entries = fast
        data = text.encode("utf-8", "surrogatepass")
        found = automaton.find_matches_as_indexes(data, overlapping=True)
        if not found:
            return []
        found.sort(key=lambda match: (match[2], match[1]))
        if len(data) == len(text):  # ASCII: a byte is a character
            return [(end - 1, entries[index]) for index, _start, end in found]
        at = _character_ends(data, [end for _index, _start, end in found])
        return [(at[end] - 1, entries[index]) for index, _start, end in found]

    def fast(self) -> tuple[Any, array] | None:
        """The ahocorasick_rs automaton of the keys' UTF-8 bytes, with each key's entry (made once; None with no keys,
        or a key that is not UTF-8). Made before forking the processes that search, so that they share it."""
        if self._fast is None and len(self.trie):
            import ahocorasick_rs

            keys, entries = [], array("I")
            try:
                for key, entry in self.trie.items():
                    if key:
                        keys.append(key.encode("utf-8"))
                        entries.append(entry)
                self._fast = (ahocorasick_rs.BytesAhoCorasick(keys), entries)
            except UnicodeEncodeError:  # remembered: the trie reads every text
                self._fast = False
        return self._fast if isinstance(self._fast, tuple) else None

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self) -> Iterator[Forbidden]:
        """Every value as a Forbidden, by source then value (text: UTF-8 keeps the order of code points)."""
        made = [self.forbidden(entry, key) for key, entry in self.trie.items()
                if not self.flags[entry] & DIGITS_ONLY]
        made.sort(key=lambda f: f"{f.source}\0{f.value}".encode("utf-8", "surrogatepass"))
        return iter(made)

    def forbidden(self, entry: int, key: str) -> Forbidden:
        """Entry ``entry`` as a Forbidden; ``key`` is the text its key matched (its value, or its digits)."""
        owner = self.records[self.owner[entry]]
        if isinstance(owner, Forbidden):
            return owner
        flags = self.flags[entry]
        label = self.labels[self.label[entry]]
        value = key
        if flags & DIGITS_ONLY:  # the value as written, found again in its record
            for at, spec, written, _shown in fields_of(owner, "", True, frozenset()):
                if at == label:
                    value = next((form for form in map(fold, _forms(spec.kind, written))
                                  if _NON_DIGIT.sub("", form) == key and _numeric(form)), key)
                    break
        return Forbidden(value, Source(owner, label), bool(flags & IDENTIFIES), self.covers.get(value, ()),
                         self.reasons[self.reason[entry]], bool(flags & LONG))


FAST_CHARS = 1 << 16  # characters: a text this long is searched by ahocorasick_rs (ForbiddenSet.matches)
FAST_PER_KEY = 16  # ... once the trie has read this many characters of such texts per key (a few keys: at once)


def _character_ends(data: bytes, ends: list[int]) -> dict[int, int]:
    """Each byte offset of ``ends`` (ascending) in the UTF-8 ``data``, counted in characters: each stretch between two
    decoded once."""
    at: dict[int, int] = {}
    byte = char = 0
    for end in ends:
        if end not in at:
            char += len(data[byte:end].decode("utf-8", "surrogatepass"))
            byte, at[end] = end, char
    return at


def _weight(flags: int) -> int:
    """How much a value says about a person: a name or number more than a long text, that more than the rest."""
    return 2 * bool(flags & IDENTIFIES) + bool(flags & LONG)


def _numeric(value: str) -> bool:
    """A number people write with separators (139 1234-5678): matched by its digits too."""
    return len(_NON_DIGIT.sub("", value)) >= MIN_DIGITS and not re.search(r"[A-Za-z@\u3400-\u9fff]", value)


_NAME = re.compile(r"[^\W\d_][^\W\d_·・]{0,7}(·[^\W\d_]{1,8}){0,2}")  # letters only, as a person's name is
LONG_TEXT = 8

# Unicode's Default_Ignorable_Code_Point set (drawn as nothing), and the interlinear annotation marks.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U0001bca0-\U0001bca3"
                        "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")
# 〇一二…九 as digits: found by a character class and replaced where they are (str.translate with a
# table looks up every character of the text: 5× slower on the megabytes the audit folds)
_CHINESE_DIGITS = re.compile("[〇零一二三四五六七八九]")
_CHINESE_DIGIT_VALUES = dict(zip("〇零一二三四五六七八九", "00123456789"))
_OTHER_DIGITS = re.compile(r"[^\D0-9]")  # a decimal digit of any other script (٣, ३, 𝟑 after NFKC is 3)
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\s+(?=[\u3400-\u9fff\uf900-\ufaff])")


def _chinese_digit(match: re.Match) -> str:
    return _CHINESE_DIGIT_VALUES[match.group()]


def _digit(match: re.Match) -> str:
    return str(unicodedata.decimal(match.group()))


def fold(text: str) -> str:
    """Text as a reader sees it: compatibility forms unified (NFKC: full-width and bold digits, Kangxi
    radicals, compatibility ideographs), invisible characters dropped, case folded, every decimal digit
    and 〇一二…九 written as 0–9. Line breaks stay."""
    if text.isascii():
        return text.lower()
    if len(text) >= FOLD_APART:
        return _fold_known(text)
    return _fold(text)


# Text this long is folded by what it holds (see _fold_known): a page of the 名录 is 40 million characters, of
# which NFKC and three passes of regular expressions over all of them took two seconds. From a thousand characters
# on it is the faster way (11 against 27 ms per million characters; 2,530 pages of a guide are read one by one).
FOLD_APART = 1 << 10
_WIDE = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF01, 0xFF5F)}  # Ａ→A （→( ：→: …
_WIDE["\u3000"] = " "
_BMP_INVISIBLE = _INVISIBLE.pattern[1:_INVISIBLE.pattern.index("\U0001bca0")]  # the class without its astral ranges


@functools.cache
def _special() -> re.Pattern:
    """Every BMP character fold may change but by case (full-width forms, invisible ones, 〇一二…九, other digits), and
    every character beyond the BMP: one pass finds both (two took a fifth of the folding of a page)."""
    digits = "".join(chr(c) for c in range(0x80, 0x10000) if unicodedata.category(chr(c)) == "Nd")
    return re.compile("[" + re.escape("".join(_WIDE)) + _BMP_INVISIBLE + "〇零一二三四五六七八九" + re.escape(digits)
                      + "\U00010000-\U0010ffff]")


def _fold_known(text: str) -> str:
    """fold(text), changing only the characters found in it: the same text.

    Full-width forms (NFKC maps each to one ASCII character, its whole decomposition) are replaced first; if
    the text is then NFKC already, NFKC has nothing left to do, and the invisible characters and the digits
    found are replaced one by one after casefold (which makes none of them). Anything else — a character
    beyond the BMP, another compatibility form — is folded the whole way."""
    found = set(_special().findall(text))
    if any(ch > "\uffff" for ch in found):
        return _fold(text)
    out = text
    for ch in found & _WIDE.keys():
        out = out.replace(ch, _WIDE[ch])
    if not unicodedata.is_normalized("NFKC", out):
        return _fold(text)
    invisible = {ch for ch in found if _INVISIBLE.match(ch)}
    for ch in invisible:
        out = out.replace(ch, "")
    out = out.casefold()
    for ch in found - _WIDE.keys() - invisible:
        if ch in _CHINESE_DIGIT_VALUES:
            out = out.replace(ch, _CHINESE_DIGIT_VALUES[ch])
        else:
            digit = unicodedata.decimal(ch, None)
            if digit is None:  # not what _special is for: never guessed at
                return _fold(text)
            out = out.replace(ch, str(digit))
    return out


def _fold(text: str) -> str:
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()
    text = _CHINESE_DIGITS.sub(_chinese_digit, text)
    return _OTHER_DIGITS.sub(_digit, text)


def fold_again(before: str, folded_before: str, text: str) -> tuple[str, int]:
    """fold(text), given fold(before): text is most often another decoding of before (a page unescaped, its escapes
    all in the footer), the two the same up to the first escape. Returns the folded text and how many of its first
    characters are fold(before)'s own (folded from the same characters; 0 when none are reused).

    Folding is cut before a line break or a "<" the two texts share: neither is changed by any step of fold nor joins
    what stands before it (NFKC composes nothing with a starter that is its own normal form; the invisible, the case
    and the digits are folded one character at a time), so fold(a + b) is fold(a) + fold(b) there. A 27 MB page's
    second and third decodings are folded in milliseconds, not a second each."""
    common = _common_prefix(before, text)
    cut = max(text.rfind("\n", 0, common), text.rfind("<", 0, common))
    if cut <= 0 or len(before) - cut >= cut:  # folding before's tail again would cost more than the head saves
        return fold(text), 0
    tail = fold(before[cut:])
    shared = len(folded_before) - len(tail)
    if shared <= 0 or not folded_before.endswith(tail):  # not so, by the above; if it were: folded whole
        return fold(text), 0
    return folded_before[:shared] + fold(text[cut:]), shared


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest beginning a and b share, compared a block at a time (a slice compared is a memcmp)."""
    n, step, at = min(len(a), len(b)), 1 << 16, 0
    while at < n and a[at:at + step] == b[at:at + step]:
        at += step
    if at >= n:
        return n
    low, high = at, min(n, at + step)  # a[at:low] == b[at:low]; they differ before high
    while low < high:
        middle = (low + high + 1) // 2
        if a[at:middle] == b[at:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def joined(folded: str) -> str:
    """Folded text with the spaces and line breaks between two CJK characters removed: 董　振　邦, or a
    name wrapped across two lines of Markdown, read as 董振邦. For `check` on what people wrote."""
    return _CJK_GAP.sub("", folded)


def _automaton(words: dict[str, Any]):
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word, payload in words.items():
        automaton.add_word(word, payload)
    automaton.make_automaton()
    return automaton


# What ends a number: a letter (any script, after fold), a line break, and the characters that
# delimit values in JSON, HTML and CSV (so that neighbouring small numbers never run together).
# Anything else between digits — spaces of any width, - . / ( ) _ 、 ~ : * × — is a separator.
# So a number runs from a digit for as long as neither comes (a letter is \w less the digits and "_").
_NUMBER = re.compile(r"[0-9](?:[^\w\n\r,;\"'\[\]{}<>=|]++|[\d_]++)*+")  # possessive: a number is never given back
_SEPARATOR = re.compile(r"[^0-9\n]+")


def digit_runs(text: str) -> str:
    """Each number of ``text`` as bare digits, one per line: 139 1234-5678 → 13912345678.

    Only the numbers are taken out and joined: a page of 40 million characters is mostly letters and
    markup, which are passed over, not rewritten (five times faster than replacing them). A number
    starts at its first 0–9 digit, so a long run of spaces is never read twice."""
    return _SEPARATOR.sub("", "\n".join(_NUMBER.findall(text)))


@dataclass
class Finding:
    start: int  # in the text searched (for digits: in its digit runs)
    end: int
    forbidden: Forbidden
    by_digits: bool = False


class Matcher:
    """Finds forbidden values in any text, all at once, honouring the substring rule.

    ``keep`` chooses among the values by their flags (IDENTIFIES, LONG): the others are not reported.
    """

    def __init__(self, forbidden: Iterable[Forbidden] | ForbiddenSet, keep: int = 0) -> None:
        self.set = forbidden if isinstance(forbidden, ForbiddenSet) else ForbiddenSet.of(forbidden)
        self.keep = keep
        self._made: dict[int, Forbidden] = {}  # entries found, as Forbidden objects (one object per value)
        covers = {c: c for names in self.set.covers.values() for c in map(fold, names)}
        self.covers = _automaton(covers) if covers else None
        self._cover_keys = tuple(covers)
        digit_covers = {d: d for names in self.set.covers.values() for c in names
                        if len(d := re.sub(r"\D", "", c)) >= MIN_DIGITS}
        self.digit_covers = _automaton(digit_covers) if digit_covers else None

    def __bool__(self) -> bool:
        return bool(self.set)

    def find(self, text: str, *, digits: bool = True) -> list[Finding]:
        """Every uncovered occurrence in ``fold(text)``; by digits too for numbers written with separators."""
        return self.search(fold(text), digits=digits)

    def search(self, folded: str, *, digits: bool = True, values: bool = True) -> list[Finding]:
        """As ``find``, in text that is already folded (fold it once, search it as often as needed)."""
        if not self.set:
            return []
        out = self._find(folded, self.covers, False) if values else []
        if digits:
            out.extend(self._find(digit_runs(folded), self.digit_covers, True))
        return out

    def search_after(self, folded: str, shared: int) -> list[Finding]:
        """search(folded, digits=False) where its first ``shared`` characters are those of a text already searched
        (fold_again): the values found there are found again only where the two differ, or close enough to it that a
        value or a name covering one may reach it (``reach``). The same findings a search of the whole adds.

        Searched from ``shared`` − 2 × reach; kept, what ends after ``shared`` − reach: a value that ends later and
        every name that covers it lie whole in what is searched, and a value that ends sooner, with every name that
        covers it (which end before ``shared``), was found as it is here in the text searched before."""
        if shared <= 0:
            return self.search(folded, digits=False)
        reach = self.reach
        start = max(0, shared - 2 * reach)
        kept = []
        for finding in self.search(folded[start:], digits=False):
            finding.start += start
            finding.end += start
            if finding.end > shared - reach:
                kept.append(finding)
        return kept

    @functools.cached_property
    def reach(self) -> int:
        """The longest key looked for: a value (or its digits), or a shown name that covers one."""
        return max(max(self.set.length, default=0), max(map(len, self._cover_keys), default=0))

    def _find(self, text: str, covers: Any, by_digits: bool) -> list[Finding]:
        flags, length, keep = self.set.flags, self.set.length, self.keep
        hits = []
        instead = self.set.by_digits if by_digits else {}
        for end, entry in self.set.matches(text):
            entry = instead.get(entry, entry)
            f = flags[entry]
            # by digits: numbers only; by value: not the digits keys of numbers written with separators
            if (not (f & NUMERIC) if by_digits else f & DIGITS_ONLY) or (keep and not f & keep):
                continue
            start = end - length[entry] + 1
            made = self._made.get(entry)
            if made is None:
                made = self._made[entry] = self.set.forbidden(entry, text[start:end + 1])
            hits.append(Finding(start, end + 1, made, by_digits))
        if not hits or covers is None:
            return hits
        # Covers are shown values, so never equal to a forbidden one: containing means longer.
        spans = sorted((end - len(value) + 1, end + 1) for end, value in covers.iter(text))
        kept, reach, index = [], -1, 0
        for hit in sorted(hits, key=lambda h: h.start):
            while index < len(spans) and spans[index][0] <= hit.start:
                reach = max(reach, spans[index][1])
                index += 1
            if reach < hit.end:
                kept.append(hit)
        return kept
