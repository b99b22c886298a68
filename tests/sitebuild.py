"""Helpers shared by the site tests: build a project once, read its pages."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import TODAY

from generator.build import build_site

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


def build(root: Path, out: Path, profile: str = "public") -> Path:
    build_site(root, profile=profile, out=out, today=TODAY)
    return out


def article(page: Path) -> str:
    """The part of a page that the project renders (Material's frame around it is not ours)."""
    match = ARTICLE.search(page.read_text(encoding="utf-8"))
    assert match, page
    return match.group(1).strip() + "\n"


def all_text(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(site.rglob("*")) if p.is_file()
                     and p.suffix in (".html", ".json", ".xml", ".js", ".css", ".txt", ""))
