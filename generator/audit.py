"""The leak audit: no value the profile must not show is anywhere in the output (泄露审计).

Collect the forbidden values — every ``internal`` and ``secret`` field, and every
field of an expert the public may not see — minus what the public view shows
anyway (a hidden expert's employer is also a public unit). Then read every
output file through every channel a reader could use: HTML with entities and
comments decoded, JSON and JS with ``\\uXXXX`` escapes decoded, percent-escapes,
gzip members, dotfiles, and the PDF's text, metadata, XMP and attachments.
Numbers are matched by their digits too, whatever separators surround them.
"""
from __future__ import annotations

import gzip
import html
import re
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import unquote

from .fields import Record
from .models import Expert
from .project import Project
from .render.view import ALLOWED, Profile

MIN_LENGTH = 2  # one character (男, 是) says nothing about anybody
MIN_DIGITS = 7  # digits-only matching for phones and ID numbers


@dataclass(frozen=True)
class Forbidden:
    value: str
    source: str  # where it was written and which field, e.g. data/experts.yaml:12:13 contact.mobile

    @property
    def digits(self) -> str:
        return re.sub(r"\D", "", self.value)

    @property
    def masked(self) -> str:
        """Enough to find the value in the data, not enough to publish it again in a log."""
        v = self.value
        return v[0] + "*" * (len(v) - 2) + v[-1] if len(v) > 2 else v[0] + "*"


@dataclass(frozen=True)
class Hit:
    path: str
    channel: str
    forbidden: Forbidden

    def text(self) -> str:
        return (f"{self.path}（{self.channel}）：出现了不应公开的值 {self.forbidden.masked}，"
                f"来自 {self.forbidden.source}")


def _record_values(rec: Record, prefix: str, everything: bool, allowed: frozenset[str]) -> Iterator[tuple[str, str, Any]]:
    for name, spec in rec._specs.items():
        value = getattr(rec, name)
        if value is None:
            continue
        label = f"{prefix}{name}"
        if spec.kind == "object":
            if everything or spec.vis not in allowed:
                yield from _record_values(value, f"{label}.", True, allowed)
            else:
                yield from _record_values(value, f"{label}.", False, allowed)
        elif everything or spec.vis not in allowed:
            if spec.kind in ("text", "multiline", "phone", "email", "url", "ref", "id"):
                for item in (value if isinstance(value, tuple) else (value,)):
                    if isinstance(item, str):
                        yield label, str(rec.where(name)), item
            elif spec.kind == "list" and spec.item is not None and spec.item.kind in ("text", "phone", "email"):
                for item in value:
                    yield label, str(rec.where(name)), item


def _prose(project: Project) -> str:
    """The project's own published prose: content pages and the templates' fixed text."""
    from .render.pages import THEME_DIR

    parts = [p.read_text(encoding="utf-8", errors="replace") for folder in (project.root / "content", THEME_DIR)
             if folder.is_dir() for p in sorted(folder.rglob("*")) if p.suffix in (".md", ".html")]
    return "\n".join(parts)


def _shown_values(rec: Record, allowed: frozenset[str]) -> Iterator[str]:
    for name, spec in rec._specs.items():
        value = getattr(rec, name)
        if value is None or spec.vis not in allowed:
            continue
        if spec.kind == "object":
            yield from _shown_values(value, allowed)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Record):
                    yield from _shown_values(item, allowed)
                elif isinstance(item, str):
                    yield item
        elif isinstance(value, str):
            yield value


def forbidden_values(project: Project, profile: Profile, today: Any = None) -> list[Forbidden]:
    """What ``profile`` must never show, minus what it may legitimately show.

    Derived from the field visibilities and the fail-closed rule for experts alone, never
    from the renderer's projection: a bug there must not also blind the audit.
    """
    allowed = ALLOWED[profile]
    records: list[tuple[Record, bool]] = []
    for collection in ("categories", "units", "leaders", "experts", "pairings", "institutions", "services"):
        for rec in getattr(project, collection):
            hidden = profile == "public" and (
                (isinstance(rec, Expert) and not rec.publishable)
                or (collection == "pairings" and not _pairing_public(project, rec)))
            records.append((rec, hidden))
    if project.site is not None:
        records.append((project.site, False))
    shown = {v for rec, hidden in records if not hidden for v in _shown_values(rec, allowed)}
    shown.update(p.meta.title for p in project.policies if p.meta is not None)
    candidates: dict[str, Forbidden] = {}
    for rec, hidden in records:
        for label, where, value in _record_values(rec, "", hidden, allowed):
            value = value.strip()
            # ids and references are not personal data; a hidden record's id is checked by the site tests
            if len(value) < MIN_LENGTH or value in shown or value in candidates or label in _NOT_PERSONAL:
                continue
            candidates[value] = Forbidden(value, f"{where} 的 {type(rec).__name__}.{label}")
    # A value that is part of what may be shown (a hidden 张伟 inside a public 张伟华, a reason that
    # quotes the policy) cannot be told apart in the output: it is not looked for.
    corpus = _prose(project) + "\n" + "\n".join(shown)
    if candidates:
        for _end, f in _automaton(candidates).iter(corpus):
            candidates.pop(f.value, None)
    return sorted(candidates.values(), key=lambda f: (f.source, f.value))


_NOT_PERSONAL = frozenset({"id", "leader", "expert", "employer", "renews", "institution", "unit", "policy"})


def _pairing_public(project: Project, pairing: Any) -> bool:
    expert = project.get("experts", pairing.expert)
    return expert is not None and expert.publishable


# ---- reading every channel ----

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")
_NOT_IN_NUMBER = re.compile(r"[^0-9 \t\-–—().+/]+")  # what ends a number written with separators
_SEPARATOR = re.compile(r"[ \t\-–—().+/]")


def digit_runs(text: str) -> str:
    """Each number of ``text`` as bare digits, one per line: 139 1234-5678 → 13912345678."""
    return _SEPARATOR.sub("", _NOT_IN_NUMBER.sub("\n", text))


def _unescape_js(text: str) -> str:
    def sub(m: re.Match) -> str:
        return chr(int(m.group(1) or m.group(2), 16))
    return _UNICODE_ESCAPE.sub(sub, _UNICODE_ESCAPE.sub(sub, text))  # twice: escaped surrogate pairs stay as pairs


def text_variants(text: str) -> list[str]:
    """The text as written, as a browser shows it, and fully decoded (percent, JS/JSON, HTML escapes).

    The fully decoded text comes last; each decoding runs only when its escapes occur.
    """
    variants = [text]
    if "&" in text:
        variants.append(html.unescape(text))
    decoded = unquote(text) if "%" in text else text
    if "\\" in decoded:
        decoded = _unescape_js(decoded)
    if "&" in decoded:
        decoded = html.unescape(decoded)
    variants.append(decoded)
    return list(dict.fromkeys(variants))


def _pdf_channels(path: Path) -> Iterator[tuple[str, str]]:
    from pypdf import PdfReader

    try:
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=600)
        if out.returncode == 0:
            yield "PDF 正文", out.stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        pass
    reader = PdfReader(str(path))
    if not reader.pages:
        return
    yield "PDF 正文（pypdf）", "\n".join(page.extract_text() or "" for page in reader.pages)
    meta = reader.metadata or {}
    yield "PDF 元数据", "\n".join(f"{k} {v}" for k, v in meta.items())
    root = reader.trailer["/Root"]
    if "/Metadata" in root:
        yield "PDF XMP", root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    for name, contents in reader.attachments.items():
        yield "PDF 附件", name + "\n" + "\n".join(c.decode("utf-8", "replace") for c in contents)
    for number, page in enumerate(reader.pages, 1):  # link targets and annotations
        for annot in page.get("/Annots") or []:
            yield f"PDF 第 {number} 页注释", str(annot.get_object())
    raw = path.read_bytes()
    for number, stream in enumerate(re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S), 1):
        try:
            yield f"PDF 数据流 {number}", zlib.decompress(stream).decode("latin-1")
        except zlib.error:
            continue


def channels(path: Path) -> Iterator[tuple[str, str]]:
    """(channel, text) for one output file."""
    data = path.read_bytes()
    if path.suffix == ".pdf" or data.startswith(b"%PDF"):
        yield from _pdf_channels(path)
        return
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            pass
        else:
            yield from ((f"gzip 内 {c}", t) for c, t in _text_channels(path.with_suffix(""), data))
            return
    yield from _text_channels(path, data)


def _text_channels(path: Path, data: bytes) -> Iterator[tuple[str, str]]:
    text = data.decode("utf-8", "replace")
    kind = "隐藏文件" if path.name.startswith(".") else (path.suffix.lstrip(".") or "文件")
    for variant in text_variants(text):
        yield kind, variant


def _automaton(words: dict[str, Forbidden]):
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word, forbidden in words.items():
        automaton.add_word(word, forbidden)
    automaton.make_automaton()
    return automaton


def audit(site: Path, forbidden: Iterable[Forbidden]) -> list[Hit]:
    """Every place in ``site`` where a forbidden value can be read (one pass per text, all values at once)."""
    forbidden = list(forbidden)
    if not forbidden:
        return []
    values = _automaton({f.value: f for f in forbidden})
    numbered = {f.digits: f for f in forbidden if len(f.digits) >= MIN_DIGITS and not re.search(r"[A-Za-z@]", f.value)}
    digits = _automaton(numbered) if numbered else None
    hits: list[Hit] = []
    for path in sorted(p for p in site.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(site).as_posix()
        found: set[str] = set()
        last: dict[str, str] = {}  # per channel, its most decoded text (variants come in that order)
        for channel, text in channels(path):
            last[channel] = text
            for _end, f in values.iter(text):
                if f.value not in found:
                    found.add(f.value)
                    hits.append(Hit(rel, channel, f))
        if digits is not None:
            for channel, text in last.items():
                for _end, f in digits.iter(digit_runs(text)):
                    if f.value not in found:
                        found.add(f.value)
                        hits.append(Hit(rel, f"{channel}（按数字）", f))
    return hits
