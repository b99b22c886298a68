"""The guide as HTML: chapters, content Markdown for print; the 名单 as tables of rows, cut into parts (排版稿)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
import markdown

from ...cjk import join_html
from ...clock import epoch_moment
from ...load.config import markdown_extensions, read_settings
from ...paths import THEME_DIR
from ..pages import cn_period, environment, split_front_matter
from ..sanitize import clean_html
from ..view import SiteView
from .fetcher import local_sources, print_links, refuse_schemes
from .furniture import ROSTER_TITLE
from .overlay import laid_out

PRINT_DIR = THEME_DIR / "print"
FORM_COLUMNS = ("序号", "专家姓名", "性别", "出生年月", "工作单位", "职务/职称", "专业领域", "专家类别", "联系领导及职务",
                "联系起止日期", "备注")
Extensions = tuple[list[str], dict[str, dict[str, Any]]]  # load.config.markdown_extensions
ROWS_PER_CHUNK = 60  # pairings between the places where the 名单 may be cut into parts (never inside a leader's)


def _print_env() -> jinja2.Environment:
    return environment(str(PRINT_DIR))


def _typeset(template: str, **context: Any) -> str:
    """A print template rendered (fetcher.render binds each block's last two characters when laying it out)."""
    return _print_env().get_template(template).render(**context)


def guide_html(view: SiteView, root: Path, placeholder_pages: int = 1) -> str:
    """The print document as HTML: chapters in the order the notice lists them; the 名单 left as
    ``placeholder_pages`` pages, for its parts typeset apart (roster.py) to be laid over. Of those it lays out the
    first and the last one or two (overlay.laid_out); the pages between are drawn apart (furniture.py)."""
    policy_ids = {p["id"] for p in view.policies}
    extensions = markdown_extensions(read_settings(root))
    letter = _markdown_file(root, "content/_print/letter.md", policy_ids, extensions, scope="letter")
    intro = _markdown_file(root, "content/index.md", policy_ids, extensions, drop_title=True, scope="intro")
    policies = [{**p, "html": print_html(p["body"], root, "content/policies", policy_ids, scope=f"policy-{p['id']}",
                                         extensions=extensions)}
                for p in view.policies]
    placeholders = laid_out(placeholder_pages)
    return _typeset(
        "guide.html", view=view, site=view.site, letter=letter, intro=intro, policies=policies,
        form_columns=FORM_COLUMNS, form_rows=range(1, 13), created=_created(view),
        roster_title=ROSTER_TITLE, placeholders=placeholders, furnished=placeholder_pages - len(placeholders))


def appendix_tables(view: SiteView) -> list[dict]:
    """The 名单: tier → unit → chunks → leaders → one row per pairing; each unit is one table in print.

    One row per pairing, so each contact period stands on the line of its expert however the
    employer wraps; a leader's rows are one ``tbody``. The chunks (about ROWS_PER_CHUNK rows, whole
    leaders) are where split_appendix may cut the 名单 into parts typeset side by side; within a
    part a unit's chunks are one table, its header repeated at the top of each page.
    """
    groups = []
    for group in view.pairing_groups:
        units = []
        for unit in group["units"]:
            chunks: list[list[dict]] = [[]]
            size = n = 0
            for leader in unit["leaders"]:
                rows = []
                for p in leader["pairings"]:
                    n += 1
                    rows.append({"n": n, "expert": p["expert_name"], "employer": p["expert_employer"],
                                 "term": cn_period(p["start"], p["end"])})
                if chunks[-1] and size + len(rows) > ROWS_PER_CHUNK:
                    chunks.append([])
                    size = 0
                chunks[-1].append({"leader": leader["name"], "post": leader["post"],
                                   "phone": (leader.get("contact") or {}).get("phone") or "—", "rows": rows})
                size += len(rows)
            units.append({"name": unit["name"], "cont": f"{unit['name']}（续）", "chunks": chunks})
        groups.append({"name": group["name"], "units": units})
    return groups


def pairing_count(appendix: list[dict]) -> int:
    return sum(_rows(chunk) for g in appendix for u in g["units"] for chunk in u["chunks"])


def _rows(chunk: list[dict]) -> int:
    return sum(len(leader["rows"]) for leader in chunk)


def split_appendix(appendix: list[dict], parts: int) -> list[list[dict]]:
    """Cut the 名单 between its chunks into ``parts`` runs of about equal numbers of pairings.

    A part starts on a new page: a tier continued in the next part keeps its heading only where it
    starts; a unit continued there is headed “（续）” above the rest of its table.
    """
    chunks = [(group["name"], unit, chunk) for group in appendix for unit in group["units"] for chunk in unit["chunks"]]
    weights = [_rows(chunk) for _tier, _unit, chunk in chunks]
    total, done = sum(weights), 0
    out: list[list[dict]] = [[]]
    seen_tiers: set[str] = set()
    seen_units: set[tuple[str, str]] = set()
    for (tier, unit, chunk), weight in zip(chunks, weights):
        if out[-1] and len(out) < parts and done >= total * len(out) / parts:
            out.append([])
        part = out[-1]
        if not part or part[-1]["tier"] != tier:
            part.append({"tier": tier, "name": "" if tier in seen_tiers else tier, "units": []})
            seen_tiers.add(tier)
        units = part[-1]["units"]
        key = (tier, unit["name"])
        if not units or units[-1]["key"] != key:
            units.append({"key": key, "name": unit["name"] if key not in seen_units else unit["cont"],
                          "cont": unit["cont"], "chunks": []})
            seen_units.add(key)
        units[-1]["chunks"].append(chunk)
        done += weight
    return [part for part in out if part]


def _markdown_file(root: Path, rel: str, policy_ids: set[str], extensions: Extensions, drop_title: bool = False, *,
                   scope: str) -> str:
    path = root / rel
    if not path.is_file():
        return ""
    text = split_front_matter(path.read_text(encoding="utf-8-sig"))[1]
    if drop_title:
        text = re.sub(r"\A#\s[^\n]*\n", "", text.lstrip())
    return print_html(text, root, str(Path(rel).parent), policy_ids, scope=scope, extensions=extensions)


def print_html(text: str, root: Path, folder: str, policy_ids: set[str], *, scope: str = "content",
               extensions: Extensions | None = None) -> str:
    """Content Markdown as print HTML: references checked first, then sanitized, then links rewritten.

    Rendered with the site's Markdown extensions (``markdown_extensions`` of the project's mkdocs.yml,
    read from ``root`` unless given), so a table or a ``{: .print-only }`` reads in print as on the site.

    The check comes before the sanitizer, which would silently drop a `file:` image: here it stops
    the build instead. Every id content writes is put under ``c-<scope>-``, and its own same-page
    links with it: no content can take an anchor of the guide (a chapter, the 名单, a placeholder page).
    """
    names, configs = extensions if extensions is not None else markdown_extensions(read_settings(root))
    raw = markdown.markdown(text, extensions=names, extension_configs=configs)
    refuse_schemes(raw, folder)
    print_links(raw, root, folder, policy_ids)  # raises for a forbidden link before the sanitizer hides it
    html = _BACKREF.sub("", clean_html(raw))
    return join_html(local_sources(print_links(_namespaced(html, scope), root, folder, policy_ids), root, folder))


# A footnote's "↩" back to its reference: a link to click on the site, a glyph the print fonts lack.
_BACKREF = re.compile(r'(?:&nbsp;|\xa0)?<a class="footnote-backref"[^>]*>.*?</a>', re.S)


_ANCHOR = re.compile(r'(\s(?:id|name)=")([^"]*)(")')
_SAME_PAGE = re.compile(r'(\shref="#)([^"]*)(")')


def _namespaced(html: str, scope: str) -> str:
    prefix = f"c-{scope}-"
    html = _ANCHOR.sub(lambda m: f"{m[1]}{prefix}{m[2]}{m[3]}", html)
    return _SAME_PAGE.sub(lambda m: f"{m[1]}{prefix}{m[2]}{m[3]}", html)


def _created(view: SiteView) -> str:
    moment = epoch_moment()
    if moment is not None:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    published = view.site.get("published")
    return f"{published.isoformat()}T00:00:00Z" if published else "2000-01-01T00:00:00Z"
