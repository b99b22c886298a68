"""Order of names, units and regions: 姓氏笔画 or 汉语拼音, never code points (排序).

`strokes` is the order of official lists: by each character's stroke count (mainland forms),
then its strokes 横竖撇点折 one by one (起笔 first), character after character; `strokes.txt`
(written by bench/make_strokes.py, which says where the data comes from) holds the order of every
character. `pinyin` compares the characters' readings (syllable, then tone), then their strokes; a character
pypinyin has no reading for (𠮷, a variant of 吉, and other rare characters of CJK Ext. B–H) comes after
every character that has one, and such characters among themselves in 姓氏笔画 order (count, strokes,
code point): a name is never dropped to a random place, and one without a reading is found at the end.
Digits and Latin letters come before Chinese characters; punctuation and spaces are not compared.
〇 (IDEOGRAPHIC NUMBER ZERO, outside the ideograph blocks) is a Chinese character: líng, 1 stroke 折, after 乙.
"""
from __future__ import annotations

import functools
import importlib.resources
import unicodedata
from typing import Any, Callable, Iterable, Literal, TypeVar

from ..models import ORDERS

Order = Literal["strokes", "pinyin"]
DEFAULT_ORDER: Order = "strokes"
COUNT_BASE = 0x20  # strokes.txt's R lines write a count n as chr(0x20 + n)
UNKNOWN = 999  # the stroke count of a character newer than the table: after all others
NO_READING = "{"  # the syllable of a character without a reading: after every syllable ("z" < "{")
ZERO = "〇"  # a Chinese character that is not a CJK ideograph in Unicode: strokes.txt (from Unihan) lacks it
_ZERO_STROKES = (1, 5, 1 << 30)  # 1 stroke, 折, after the table's 1-stroke 折 characters (乙)
_HAN = ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")

# Surnames whose reading differs from the character's usual one (多音字姓氏); a name's first
# characters are read so. Only pinyin order and pinyin search use readings.
SURNAMES = {
    "单于": "chan2 yu2", "尉迟": "yu4 chi2", "万俟": "mo4 qi2", "长孙": "zhang3 sun1", "澹台": "tan2 tai2",
    "单": "shan4", "曾": "zeng1", "解": "xie4", "仇": "qiu2", "朴": "piao2", "查": "zha1", "区": "ou1",
    "盖": "ge3", "乐": "yue4", "覃": "qin2", "秘": "bi4", "繁": "po2", "种": "chong2", "员": "yun4",
    "缪": "miao4", "翟": "zhai2", "召": "shao4", "尉": "wei4", "任": "ren2", "柏": "bai3", "沈": "shen3",
    "贾": "jia3", "宁": "ning4", "葛": "ge3", "纪": "ji3", "华": "hua4", "句": "gou1", "隗": "wei3",
}
_LONGEST_SURNAME = max(map(len, SURNAMES))

T = TypeVar("T")


@functools.cache
def _table() -> dict[str, tuple[int, int, int]]:
    """Each character's (stroke count, first stroke 1–5 or 6 when unknown, place) from strokes.txt."""
    text = importlib.resources.files(__package__).joinpath("strokes.txt").read_text(encoding="utf-8")
    table: dict[str, tuple[int, int, int]] = {}
    for line in text.splitlines():
        if line.startswith("S\t"):
            _s, count, first, chars = line.split("\t")
            for place, char in enumerate(chars):
                table[char] = (int(count), int(first), place)
        elif line.startswith("R\t"):
            _r, start, counts = line.split("\t")
            base = int(start, 16)
            for offset, mark in enumerate(counts):
                table[chr(base + offset)] = (ord(mark) - COUNT_BASE, 6, base + offset)
    table.setdefault(ZERO, _ZERO_STROKES)
    return table


def stroke_count(char: str) -> int | None:
    """The mainland stroke count of a Chinese character (Unihan kTotalStrokes), None for other characters."""
    entry = _table().get(unicodedata.normalize("NFKC", char))
    return entry[0] if entry else None


def _is_han(char: str) -> bool:
    return char in _table() or unicodedata.name(char, "").startswith(_HAN)


def readings(text: str, person: bool = False) -> list[str]:
    """One reading per character of NFKC ``text`` (``zhang1``; "" where there is none).

    Words are read in context (重庆 chóngqìng); a person's name starts with its surname's reading.
    """
    return list(_readings(text, person))


@functools.lru_cache(maxsize=1 << 18)
def _readings(text: str, person: bool) -> tuple[str, ...]:
    """readings(), remembered: a name is read for its sort key in each site's view and for pinyin search in each
    site's index (200,000 experts: 105,000 names, about 9 s of pypinyin each time they are read)."""
    return tuple(_read(text, person))


def _read(text: str, person: bool) -> list[str]:
    from pypinyin import Style, lazy_pinyin  # imported when first read (0.4 s): a worker that typesets never reads

    text = unicodedata.normalize("NFKC", text)
    head: list[str] = []
    if person:
        for size in range(min(_LONGEST_SURNAME, len(text)), 0, -1):
            if text[:size] in SURNAMES:
                head = SURNAMES[text[:size]].split()
                text = text[size:]
                break
    rest = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=_unread)
    if len(rest) != len(text):  # a run without readings came back as one item: read one by one
        rest = [(lazy_pinyin(c, style=Style.TONE3, neutral_tone_with_five=True, errors=_unread) or [""])[0]
                for c in text]
    return head + [r if r and r[-1].isdigit() else "" for r in rest]


def _unread(chars: str) -> Any:
    """pypinyin's `errors` callback: no reading for each character it cannot read (a list: one item each)."""
    return [""] * len(chars)


Syllables = tuple[tuple[str, str], ...]
_SYLLABLES: dict[str, Syllables] = {}  # syllables(), remembered (see known_syllables)
_SYLLABLES_KEPT = 1 << 18  # names: every one of 200,000 experts (105,000); more, and it starts again


def syllables(name: str) -> Syllables:
    """A person's name as (character, toneless syllable) for each Chinese character (ü as v): what pinyin search matches.

    Remembered: both sites of a build read the same 200,000 names (pypinyin: about 8 s each time)."""
    said = _SYLLABLES.get(name)
    if said is None:
        normal = unicodedata.normalize("NFKC", name)
        said = tuple((char, r[:-1]) for char, r in zip(normal, readings(normal, person=True)) if r and _is_han(char))
        if len(_SYLLABLES) >= _SYLLABLES_KEPT:
            _SYLLABLES.clear()
        _SYLLABLES[name] = said
    return said


def known_syllables() -> dict[str, Syllables]:
    """The names this process has read (syllables), for another to remember: the public site's directory is made by
    a forked process, and the intranet's, made after it by the build, reads the same names."""
    return dict(_SYLLABLES)


def read_names(names: Iterable[str]) -> dict[str, Syllables]:
    """Every name read (syllables) and what this process knows: for another process to remember (the build reads the
    names of a large project in the process that checks all but the leaks, which finishes first)."""
    for name in names:
        syllables(name)
    return known_syllables()


def remember_syllables(known: dict[str, Syllables]) -> None:
    """Take the syllables ``known`` (known_syllables of a process that read them with this same code; a forked one
    sends back what it inherited too). Past the bound, the memo starts again, as syllables() does."""
    _SYLLABLES.update(known)
    if len(_SYLLABLES) > _SYLLABLES_KEPT:
        _SYLLABLES.clear()


def _char_keys(text: str, order: Order, person: bool) -> tuple:
    text = unicodedata.normalize("NFKC", text)
    table = _table()
    said = readings(text, person) if order == "pinyin" else [""] * len(text)
    keys: list[tuple] = []
    for char, reading in zip(text, said):
        if _is_han(char):
            strokes = table.get(char) or (UNKNOWN, 6, ord(char))
            if order == "pinyin":
                keys.append((1, reading[:-1] or NO_READING, int(reading[-1]) if reading else 9, *strokes))
            else:
                keys.append((1, *strokes))
        elif char.isalnum():
            keys.append((0, char.casefold()))
    return tuple(keys)


def sort_key(text: str, order: Order = DEFAULT_ORDER, person: bool = False) -> tuple:
    """A key that orders texts by ``order``; the text itself breaks the last ties."""
    return (_cached_keys(text or "", order, person), text or "")


@functools.lru_cache(maxsize=1 << 18)  # every name of 200,000 experts (a smaller cache was read through: 355,000 misses)
def _cached_keys(text: str, order: Order, person: bool) -> tuple:
    return _char_keys(text, order, person)


def name_key(order: Order = DEFAULT_ORDER) -> Callable[[str], tuple]:
    """The key of a person's name (surnames read as surnames)."""
    return lambda name: sort_key(name, order, person=True)


def text_key(order: Order = DEFAULT_ORDER) -> Callable[[str], tuple]:
    """The key of a unit's, a region's or a field's name."""
    return lambda text: sort_key(text, order)


def ordered(values: Iterable[T], order: Order = DEFAULT_ORDER, key: Callable[[T], str] = str,
            person: bool = False) -> list[T]:
    """``values`` sorted by the text ``key`` gives (person names with ``person``)."""
    return sorted(values, key=lambda v: sort_key(key(v), order, person))


def order_of(site: dict) -> Order:
    """The order a site asks for (``order:`` in data/site.yaml), 姓氏笔画 by default."""
    value = site.get("order") or DEFAULT_ORDER
    if value not in ORDERS:
        raise ValueError(f"unknown order {value!r}")
    return value
