"""An independent reader of a built output, written apart from generator/extract.py on purpose.

It knows nothing of the audit's channels: it opens gzip files, asks poppler's pdftotext for a PDF's
text and pdfinfo for its metadata, and otherwise decodes UTF-8, resolving HTML character references,
percent-escapes and JSON/JS \\u escapes. Tests use it to prove an output clean.
"""
from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote


def texts(site: Path) -> dict[str, str]:
    out = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if data[:5] == b"%PDF-":
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True).stdout
            info = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], capture_output=True).stdout
            out[str(path.relative_to(site))] = (text + info).decode("utf-8", "replace")
            continue
        text = data.decode("utf-8", "replace")
        text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
        out[str(path.relative_to(site))] = html.unescape(unquote(text))
    return out


def occurrences(site: Path, value: str, inside: tuple[str, ...] = ()) -> list[str]:
    """Files where ``value`` appears other than as part of one of the ``inside`` strings."""
    found = []
    for name, text in texts(site).items():
        for longer in inside:
            text = text.replace(longer, "")
        if value in text:
            found.append(name)
    return found


def load_json(site: Path, rel: str):
    return json.loads((site / rel).read_text(encoding="utf-8"))
