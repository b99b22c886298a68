"""Script planted in every field that reaches HTML never runs, in Chromium, on any page.

Every data field printed by our templates and every value MkDocs and Material print themselves
(site name, page titles, navigation labels, front matter, the 404 page, headings in the table of
contents) carries a payload that would set window.__xss, add an element marked data-xss, or open
a dialog. Each built page is opened; none of the three may happen.
"""
from __future__ import annotations

import shutil

import pytest
from browser import chromium, serve
from conftest import MINIMAL, TODAY

from generator.build import build_site

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAYLOAD = ("</title><script>window.__xss=1</script><img src=x onerror=\"window.__xss=1;alert(1)\" data-xss>"
           "\"><svg onload=alert(1) data-xss>")
CONTENT_PAYLOAD = PAYLOAD.replace("<img src=x onerror=", "<img onerror=")
QUOTED = PAYLOAD.replace("\\", "\\\\").replace('"', '\\"')


def _plant(root) -> None:
    def edit(rel, old, new):
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    for key in ("org", "title", "edition", "address"):
        text = (root / "data/site.yaml").read_text(encoding="utf-8")
        line = next(l for l in text.splitlines() if l.startswith(f"{key}:"))
        edit("data/site.yaml", line + "\n", f'{key}: "{line.split(": ", 1)[1]}{QUOTED}"\n')
    edit("data/site.yaml", "  - label: ", f'  - label: "{QUOTED}"\n    x_label: ')
    edit("data/site.yaml", "    x_label: ", "    # ")
    policy = "content/policies/cq-2002-110.md"
    for key in ("title", "doc_number", "issuer"):
        text = (root / policy).read_text(encoding="utf-8")
        line = next(l for l in text.splitlines() if l.startswith(f"{key}:"))
        edit(policy, line + "\n", f'{key}: "{line.split(": ", 1)[1].strip(chr(34))}{QUOTED}"\n')
    # In content, a javascript: link or a src that is not a file of content/ is refused by check (E406,
    # tests/test_diagnostics_table.py): what remains is markup that must be neutralised on the page.
    inline = CONTENT_PAYLOAD
    (root / "content" / "index.md").write_text(
        f'---\ntitle: "{QUOTED}"\ndescription: "{QUOTED}"\ntemplate: "../../../../etc/passwd"\nhide: [navigation]\n---\n\n# 标题{inline}\n\n## 小节{inline}\n\n'
        f"正文{inline}<script>window.__xss=1</script>\n\n[链接](#top) "
        "{: onclick=\"window.__xss=1\" data-xss }\n\n<iframe srcdoc=\"<script>parent.__xss=1</script>\" data-xss></iframe>\n",
        encoding="utf-8")
    # every 动态 of e5 (the award and achievement reach the public card, the others the intranet's or nothing),
    # and a transfer's written system (the intranet's card, and E308 in its report since the record differs)
    experts = (root / "data/experts.yaml").read_text(encoding="utf-8")
    for line in [l for l in experts.splitlines() if l.startswith("      summary: ")]:
        edit("data/experts.yaml", line + "\n", f'      summary: "{line[len("      summary: "):]}{QUOTED}"\n')
    edit("data/experts.yaml", "      employer: uni\n", f'      employer: uni\n      system: "教育{QUOTED}"\n')
    for rel, field in (("data/categories.yaml", "  name: "), ("data/institutions.yaml", "  name: "),
                       ("data/services.yaml", "  name: "), ("data/experts.yaml", "  field: "),
                       ("data/units.yaml", "  name: "), ("data/leaders.yaml", "  post: ")):
        text = (root / rel).read_text(encoding="utf-8")
        line = next(l for l in text.splitlines() if l.startswith(field))
        edit(rel, line + "\n", f'{field}"{line[len(field):]}{QUOTED}"\n')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("xss") / "project"
    shutil.copytree(MINIMAL, root)
    _plant(root)
    out = build_site(root, out=root.parent / "site", today=TODAY, pdf=False).out
    for profile in ("intranet",):
        build_site(root, profile=profile, out=root.parent / f"site-{profile}", today=TODAY, pdf=False)
    return out


def test_no_payload_runs_on_any_page(site):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    intranet = site.parent / "site-intranet"
    assert "404.html" in pages and "index.html" in pages and len(pages) >= 10
    dialogs: list[str] = []
    with chromium() as browser:
        for folder in (site, intranet):
            with serve(folder) as base:
                page = browser.new_page()
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                for rel in sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")):
                    page.goto(base + rel)
                    page.wait_for_load_state("load")
                    state = page.evaluate("[window.__xss === undefined, document.querySelectorAll('[data-xss]').length,"
                                          " document.title]")
                    assert state[0] and state[1] == 0, f"{folder.name}/{rel}: {state}"
                    assert "<" not in state[2] or "＜" in state[2]
                page.close()
    assert dialogs == []
    # the payload is shown as text where it belongs
    assert "window.__xss" in (site / "policies" / "cq-2002-110" / "index.html").read_text(encoding="utf-8")
