"""What the browser searches: a compact directory of experts and the sections of content pages (检索数据).

Material's own index (one document per page, whole text, tokenised without
word segmentation) is 20 MB at 5,000 experts and finds nothing for 特殊津贴.
Instead the browser downloads two small JSON files and matches substrings:
experts as rows of interned values, content as section texts.
"""
from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from collections import Counter, defaultdict
from html.parser import HTMLParser
from typing import Any, Iterable

from ..models import STATUSES, STATUS_NAMES
from .collation import order_of, syllables, text_key
from .view import SiteView

_HEADING = re.compile(r'<h([1-3])[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_CJK = ((0x3400, 0x4DC0), (0x4E00, 0xA000))  # where traditional characters are looked for (BMP ideographs)


def experts_index(view: SiteView, texts: Iterable[str] = ()) -> dict[str, Any]:
    """Rows of [id, name, employer#, region#, field#, [category#…], page#, rank#, degree#] in name order.

    The employer, region and field tables are in the site's order (the directory's filter options);
    the intranet adds [status#, 涉密 0/1, 同意公开 0/1] to each row. ``ld``: the leaders the 名单 shows
    (the only other names on the site), [key, name, url of their unit's table, unit and post], key
    ``l:`` + id. Besides, for search: ``py``, the characters of all these names by reading
    (``{"zhang": "张 章"}``), and ``pyx``, the names read otherwise by key (曾 as zēng), so that pinyin
    finds a leader as it finds an expert; ``t2s``, pairs of a traditional character and its simplified
    one (``"張张 偉伟"``), for every character in the data or ``texts`` (the content pages) either side stands for.

    Characters are kept apart by spaces: no two of them that merely neighbour each other in a table
    can spell a name the audit looks for.
    """
    by_text = text_key(order_of(view.site))
    experts = view.experts

    def table(values: Iterable[Any]) -> dict[str, int]:
        return {v: i for i, v in enumerate(sorted({"" if v is None else str(v) for v in values}, key=by_text))}

    tables = {"emp": table(e["employer_name"] for e in experts), "reg": table(e.get("region") for e in experts),
              "fld": table(e.get("field") for e in experts), "pg": {p["slug"]: i for i, p in enumerate(view.expert_pages)},
              "rank": {}, "deg": {}}

    def intern(name: str, value: Any) -> int:
        value = "" if value is None else str(value)
        return tables[name].setdefault(value, len(tables[name]))

    cat_index = {c["id"]: i for i, c in enumerate(view.categories)}
    rows = []
    for e in experts:
        row = [e["id"], e["name"], intern("emp", e["employer_name"]), intern("reg", e.get("region")),
               intern("fld", e.get("field")), [cat_index[c["id"]] for c in e["category_list"] if c["id"] in cat_index],
               intern("pg", e["page"]), intern("rank", e.get("title_rank")), intern("deg", e.get("degree"))]
        if view.intranet:
            row += [STATUSES.index(e["status"]), int(e["confidential"] is True), int(e["public_consent"] is True)]
        rows.append(row)
    out: dict[str, Any] = {"v": 1, "cat": [[c["name"], c["scope"]] for c in view.categories]}
    out.update({k: list(t) for k, t in tables.items()})
    if view.intranet:
        out["st"] = [STATUS_NAMES[s] for s in STATUSES]
    out["rows"] = rows
    out["ld"] = leader_rows(view)
    out["py"], out["pyx"] = _readings([(e["id"], e["name"]) for e in experts] + [(row[0], row[1]) for row in out["ld"]])
    with_texts(out, texts)
    return out


def with_texts(index: dict[str, Any], texts: Iterable[str]) -> None:
    """Set the index's ``t2s``: the pairs of the characters of its searched strings and of ``texts``.

    The shards fold only the searched strings, whose characters are in the pairs whatever ``texts`` are: a build
    makes the shards from an index without texts, in a process of its own, and sets the whole pairs afterwards."""
    searched = [row[1] for row in index["rows"]] + [row[1] for row in index["ld"]]
    searched += [v for k in ("emp", "reg", "fld", "rank", "deg") for v in index[k]]
    searched += [c[0] for c in index["cat"]] + index.get("st", []) + [row[3] for row in index["ld"]]
    index["t2s"] = simplified_pairs("".join(searched) + "".join(texts))


# How many directory rows one file of records (search/r/K.json) holds: the header search fetches only
# the files of the twenty hits it shows. Small, because the hits of a rare employer lie far apart.
CHUNK = 128
_TABLES = ("emp", "reg", "fld", "rank", "deg", "st")  # the columns of a row that are searched, with "cat"


def _fold(text: str, t2s: dict[str, str]) -> str:
    """What expert-guide.js `fold` compares: NFKC, lower case, one space, each traditional character simplified."""
    text = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    return "".join(t2s.get(c, c) for c in text)


def _gaps(ids: list[int]) -> list[int]:
    """Sorted row numbers as the first and then the differences: small numbers, which compress well."""
    return [b - a for a, b in zip([0] + ids, ids)]


def search_shards(index: dict[str, Any]) -> dict[str, str]:
    """The header search's data, loaded on demand (检索数据分片), from the directory index ``experts_index``.

    ``search/index.json`` (the manifest, loaded when the search box gets focus): the tables, the character
    pairs, and for every key how many rows its shard lists. A term such as 重庆大学 matches a row when a
    name or a table value contains it; the browser loads the shard of its rarest character:
    ``n/<hex>.json``, the names containing that character (``[name, row gaps]``), and ``a/<hex>.json``, the
    table values containing it (``{"emp": [[value#, row gaps]…]…}``), or the pair of neighbouring characters
    (``a/<hex>-<hex>.json``) that fewest rows have; the browser checks the whole term
    against each name and value itself, so the results are exactly those of the whole directory.
    A Latin term (zhangwei, zw) also loads ``p/<key>.json``, the readings of the names one of whose
    syllables starts with its first letter and whose next letter could follow (``zh``: zhang, or z then h…).
    The rows of the hits shown come from ``r/<K>.json``, CHUNK rows each, in the directory's order.
    The leaders of the 名单 (``ld``, few) are in the manifest whole, each with its syllables (``ldpy``), and are
    matched in the browser as the whole-download search matches them.
    """
    files, keys = shard_files(index)
    files["index.json"] = search_manifest(index, keys)
    return files


def shard_files(index: dict[str, Any]) -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    """The shards of search_shards, without the manifest, and the manifest's ``keys``."""
    t2s = dict(pair for pair in (tuple(p) for p in index["t2s"].split(" ")) if len(pair) == 2)
    rows = index["rows"]
    names: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, row in enumerate(rows):
        for char in set(_fold(row[1], t2s)) - {" "}:
            names[char][row[1]].append(i)
    values: dict[str, dict[str, dict[int, list[int]]]] = defaultdict(lambda: defaultdict(dict))
    columns = {"emp": 2, "reg": 3, "fld": 4, "rank": 7, "deg": 8, "st": 9}
    posting: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        for table in _TABLES:
            if table in index:
                posting[table, row[columns[table]]].append(i)
        for c in row[5]:
            posting["cat", c].append(i)
    for (table, v), ids in posting.items():
        text = _fold(index["cat"][v][0] if table == "cat" else index[table][v], t2s)
        for key in _grams(text):
            values[key][table][v] = ids
    readings = row_readings(index)
    said: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, syllables in enumerate(readings):
        for key in _reading_keys(syllables):
            said[key][" ".join(syllables)].append(i)

    files: dict[str, str] = {}
    keys: dict[str, dict[str, int]] = {"n": {}, "a": {}, "p": {}}
    for char, by_name in sorted(names.items()):
        files[f"n/{_hex(char)}.json"] = dumps([[name, _gaps(ids)] for name, ids in by_name.items()])
        keys["n"][char] = sum(len(ids) for ids in by_name.values())
    for char, by_table in sorted(values.items()):
        files[f"a/{_hex(char)}.json"] = dumps({t: [[v, _gaps(ids)] for v, ids in sorted(by_value.items())]
                                                for t, by_value in sorted(by_table.items())})
        keys["a"][char] = sum(len(ids) for by_value in by_table.values() for ids in by_value.values())
    for key, by_reading in sorted(said.items()):
        files[f"p/{key}.json"] = dumps([[r, _gaps(ids)] for r, ids in by_reading.items()])
        keys["p"][key] = sum(len(ids) for ids in by_reading.values())
    for k in range(0, len(rows), CHUNK):
        files[f"r/{k // CHUNK}.json"] = dumps(rows[k:k + CHUNK])
    return files, keys


def search_manifest(index: dict[str, Any], keys: dict[str, dict[str, int]]) -> str:
    """``search/index.json``: see search_shards."""
    manifest = {"v": 2, "rows": len(index["rows"]), "chunk": CHUNK, "keys": keys}
    # The leaders of the 名单 are few (hundreds even nationally): whole, with their syllables, searched as main did.
    manifest["ld"] = index.get("ld", [])
    manifest["ldpy"] = [" ".join(said) for said in row_readings(index, "ld")] if "ld" in index else []
    manifest.update({k: index[k] for k in ("cat", "emp", "reg", "fld", "pg", "rank", "deg", "st", "t2s") if k in index})
    return dumps(manifest)


def _grams(text: str) -> set[str]:
    """The characters of a table value and the pairs of neighbouring ones: a long value shares its rarest pair
    (单位12) with far fewer values than its rarest character (2)."""
    pairs = {a + b for a, b in zip(text, text[1:])}
    return {g for g in set(text) | pairs if " " not in g}


def _hex(key: str) -> str:
    """A shard's file name: the code points of its one or two characters (no character of data in a path)."""
    return "-".join(f"{ord(c):x}" for c in key)


def row_readings(index: dict[str, Any], key: str = "rows") -> list[list[str]]:
    """Each row's syllables as expert-guide.js `readings` finds them: the name read otherwise, or each character's usual
    reading; of the experts (``rows``) or of the leaders (``ld``)."""
    usual = {c: s for s, chars in index["py"].items() for c in chars.split(" ")}
    return [index["pyx"][row[0]].split(" ") if row[0] in index["pyx"]
            else [usual[c] for c in unicodedata.normalize("NFKC", str(row[1])) if usual.get(c)] for row in index[key]]


def _reading_keys(syllables: list[str]) -> set[str]:
    """The keys under which a Latin term can find these syllables (expert-guide.js `spells` starts a syllable with the
    term's first letter): that letter, and the two letters a term of two or more starts with — both from one syllable
    (zh of zhang, lu of lv) or an initial and the next syllable's first letter."""
    keys = set()
    for i, said in enumerate(syllables):
        if not said:
            continue
        keys.add(said[0])
        for way in {said, said.replace("v", "u")}:
            if len(way) > 1:
                keys.add(way[:2])
        if i + 1 < len(syllables) and syllables[i + 1]:
            keys.add(said[0] + syllables[i + 1][0])
    return keys


def leader_rows(view: SiteView) -> list[list[str]]:
    """Each leader of the 名单 once, in its order: [l:id, name, pairings/#unit-…, unit and post]."""
    rows, seen = [], set()
    for group in view.pairing_groups:
        for unit in group["units"]:
            for leader in unit["leaders"]:
                if leader["id"] not in seen:
                    seen.add(leader["id"])
                    rows.append([f"l:{leader['id']}", leader["name"], f"pairings/#unit-{unit['id']}",
                                 f"{unit['name']} {leader['post']}"])
    return rows


def _readings(named: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """Each name character under the reading it has most often; the names read otherwise, whole, by key."""
    said = {key: syllables(name) for key, name in named}
    heard: dict[str, Counter[str]] = defaultdict(Counter)
    for pairs in said.values():
        for char, syllable in pairs:
            heard[char][syllable] += 1
    usual = {char: counts.most_common(1)[0][0] for char, counts in sorted(heard.items())}
    by_syllable: dict[str, list[str]] = defaultdict(list)
    for char, syllable in usual.items():
        by_syllable[syllable].append(char)
    others = {key: " ".join(s for _c, s in pairs) for key, pairs in said.items()
              if any(usual[c] != s for c, s in pairs)}
    return {s: " ".join(chars) for s, chars in sorted(by_syllable.items())}, others


@functools.cache
def _t2s() -> dict[str, str]:
    """Every BMP ideograph that OpenCC (t2s) turns, by itself, into another single character."""
    from opencc_purepy import OpenCC

    chars = [chr(c) for start, end in _CJK for c in range(start, end)]
    converter = OpenCC("t2s")
    simplified = converter.convert("\n".join(chars)).split("\n")
    if len(simplified) != len(chars):  # a conversion spanned a line break: do it one by one
        simplified = [converter.convert(c) for c in chars]
    return {t: s for t, s in zip(chars, simplified) if len(s) == 1 and s != t}


def simplified_pairs(text: str) -> str:
    """Traditional-simplified pairs ("張张 偉伟") for the characters of ``text`` on either side."""
    present = set(unicodedata.normalize("NFKC", text))
    return " ".join(t + s for t, s in _t2s().items() if t in present or s in present)


# What a reader of the web page reads, and only that: not what is printed only ({: .print-only }), not the
# interface (controls, live status lines, hidden elements, widgets a script fills, marked data-search-exclude
# as Material's search marks them), and never two cells or blocks run together.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_CHROME = frozenset({"script", "style", "template", "noscript", "form", "button", "select", "option", "textarea",
                     "label", "input", "svg", "nav"})
_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr",
                     "caption", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article",
                     "aside", "header", "footer", "figure", "figcaption", "details", "summary", "br", "hr"})
CELL_SEPARATOR = " · "  # between the cells of a table row; blocks are kept apart by a space


def _skipped(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    given = dict(attrs)
    classes = (given.get("class") or "").split()
    return (tag in _CHROME or "print-only" in classes or "hidden" in given or "data-search-exclude" in given
            or given.get("aria-hidden") == "true" or given.get("role") == "status" or "aria-live" in given)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, skipped) of the elements around the text
        self.skip = 0
        self.cells = 0  # cells begun in the current table row

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            if self.cells and not self.skip:
                self.parts.append(CELL_SEPARATOR)
            self.cells += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")
            if tag == "tr":
                self.cells = 0
        if tag in _VOID:
            return
        skipped = _skipped(tag, attrs)
        self.open.append((tag, skipped))
        self.skip += skipped

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")
        if not any(t == tag for t, _s in self.open):
            return  # a stray end tag
        while self.open:
            open_tag, skipped = self.open.pop()
            self.skip -= skipped
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _text(fragment: str) -> str:
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())


def page_sections(url: str, title: str, content_html: str, *, body: bool = True) -> list[dict[str, str]]:
    """Split a rendered page at its h1–h3 headings: one searchable section per heading (``body=False``: the
    headings alone, for pages whose every row is found through the expert and leader search)."""
    sections = []
    matches = list(_HEADING.finditer(content_html))
    head = content_html[:matches[0].start()] if matches else content_html
    if not body:
        sections.append({"t": title, "u": url, "x": ""})
    elif _text(head):
        sections.append({"t": title, "u": url, "x": _text(head)})
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(content_html)
        heading = _text(m.group(3)).rstrip("¶").strip()
        sections.append({"t": f"{title} › {heading}" if heading != title else title,
                         "u": f"{url}#{html.unescape(m.group(2))}", "x": _text(content_html[m.end():end]) if body else ""})
    return sections


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
