"""Every page type at a phone's width (390 × 844) and a desktop's (1280 × 800), public and intranet, in Chromium:
no sideways overflow (also with the large-text switch on), no phone number, email or date broken across
lines, lang="zh-CN", and axe-core (bundled by axe-playwright-python) finds nothing serious or critical.
Also the keyboard: search results reached with ↓ or Tab and followed with Enter, a visible focus outline,
result counts announced (aria-live), the large-text switch remembered; Tab through whole pages at 390, 768 and
1280 px stops only on what is shown and opens nothing; the phone's search dialog and drawer by keyboard.
And lengths: a project of the longest valid values (conftest.lengths_project) never scrolls sideways at 320 and
390 px with large text, and a 名单 of long names (conftest.long_names_project) never breaks a name on a desktop.

One browser for the module and one page per profile, reused for every page type and width."""
from __future__ import annotations

import collections
import re

import pytest
from browser import Watched, chromium, serve

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
# The layouts are also measured on a tablet: with large text its column is as narrow (in rem) as a phone's.
LAYOUT_WIDTHS = {**WIDTHS, "tablet": {"width": 768, "height": 1024}}

# page type → path, for both profiles; the intranet has three more.
PAGES = {
    "home": "", "policies": "policies/", "policy": "policies/cq-2002-110/", "categories": "categories/",
    "services": "services/", "institutions": "institutions/", "directory": "directory/", "experts": "experts/cqu/",
    "pairings": "pairings/", "downloads": "downloads/", "404": "404.html",
}
INTRANET_ONLY = {"report": "report/", "requests": "requests/", "activities": "activities/"}
CASES = [(profile, kind) for profile in ("public", "intranet")
         for kind in [*PAGES, *(INTRANET_ONLY if profile == "intranet" else {})]]

# Every phone number, email and date in the page's visible text, each measured as a DOM Range: a token
# whose pieces lie on more than one line is broken. Markup-independent, so an unwrapped token is found too:
# the text nodes of one block (inline and inline-block elements are not blocks) are read as one text, so an
# email written in pieces (pages.nowrap) is found whole.
TOKENS_JS = r"""
() => {
  const re = /(?<![\d])(?:0\d{2,3}-\d{7,8}|1[3-9]\d{9})(?![\d])|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d{4}年\d{1,2}月(?:\d{1,2}日)?/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const runs = [];  // [block, [[node, start in text], …], text]
  for (let node; (node = walker.nextNode());) {
    if (node.parentElement.closest("script, style, .eg-search")) continue;
    let block = node.parentElement;
    while (block && /^inline(-block)?$/.test(getComputedStyle(block).display)) block = block.parentElement;
    const last = runs[runs.length - 1];
    if (last && last[0] === block) { last[1].push([node, last[2].length]); last[2] += node.data; }
    else runs.push([block, [[node, 0]], node.data]);
  }
  const at = (run, i) => { let k = run[1].length - 1; while (run[1][k][1] > i) k--; return [run[1][k][0], i - run[1][k][1]]; };
  const out = [];
  for (const run of runs) {
    for (const m of run[2].matchAll(re)) {
      const range = document.createRange();
      range.setStart(...at(run, m.index));
      range.setEnd(...at(run, m.index + m[0].length - 1));
      range.setEnd(range.endContainer, range.endOffset + 1);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0)
        .sort((a, b) => a.top - b.top);
      if (!rects.length) continue;  // not displayed (a phone's hidden cell, a closed menu)
      let lines = 1, bottom = rects[0].bottom;
      for (const r of rects.slice(1)) {
        if (r.top >= bottom - 2) { lines += 1; }
        bottom = Math.max(bottom, r.bottom);
      }
      out.push([m[0], lines]);
    }
  }
  return out;
}
"""

OVERFLOW_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# Table cells whose content is wider than the cell (a fixed-layout table squeezed by large text overlaps its neighbours).
CELLS_JS = """() => Array.from(document.querySelectorAll('.md-content td, .md-content th'))
  .filter(c => c.getClientRects().length && c.scrollWidth > c.clientWidth + 1)
  .map(c => c.textContent.trim().slice(0, 20))"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def tabs(browser, sample_public, sample_intranet):
    """profile → (Watched page, base URL); one page per profile for the whole module."""
    with serve(sample_public) as public, serve(sample_intranet) as intranet:
        out = {}
        for profile, base in (("public", public), ("intranet", intranet)):
            context = browser.new_context(viewport=DESKTOP)
            out[profile] = (Watched(context.new_page()), base)
        yield out
        for w, _base in out.values():
            w.page.context.close()


def _open(tabs, profile: str, kind: str, viewport: dict, large: bool = False):
    w, base = tabs[profile]
    page = w.page
    page.set_viewport_size(viewport)
    path = {**PAGES, **INTRANET_ONLY}[kind]
    if page.url.startswith(base):  # the switch is remembered per origin: set or clear it before the page loads
        page.evaluate("large => localStorage.setItem('eg-large-text', large ? '1' : '0')", large)
    else:
        page.goto(base)
        page.evaluate("large => localStorage.setItem('eg-large-text', large ? '1' : '0')", large)
    page.goto(base + path)
    if kind == "directory":
        page.wait_for_selector(".eg-directory__row")
    page.wait_for_load_state("load")
    return w


@pytest.mark.parametrize("size", ["normal", "large"])
@pytest.mark.parametrize("width", list(LAYOUT_WIDTHS))
@pytest.mark.parametrize("profile,kind", CASES)
def test_no_overflow_and_no_broken_token(tabs, profile, kind, width, size):
    w = _open(tabs, profile, kind, LAYOUT_WIDTHS[width], large=size == "large")
    page = w.page
    assert page.evaluate("() => document.documentElement.classList.contains('eg-large')") == (size == "large")
    scroll, inner = page.evaluate(OVERFLOW_JS)
    assert scroll <= inner, f"{kind} ({profile}, {width}, {size}) is {scroll} px wide in a {inner} px window"
    assert page.evaluate(CELLS_JS) == [], f"{kind} ({profile}, {width}, {size}): cells overflow"
    tokens = page.evaluate(TOKENS_JS)
    assert tokens, f"{kind} shows no phone, email or date at all: the measurement found nothing"
    if kind == "home":  # the address in the contact card and the footer, each written in pieces
        assert sum("@" in text for text, _lines in tokens) >= 2, tokens
    broken = [text for text, lines in tokens if lines > 1]
    assert broken == [], f"{kind} ({profile}, {width}, {size}) breaks {broken}"
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert w.errors == []


# ---- hostile lengths (conftest.lengths_project): the longest email, a long URL, the longest phone, 120-letter Latin
# runs in every free-text field of site.yaml, long unit, institution and post names ----

LENGTH_PAGES = {**{k: v for k, v in PAGES.items() if k != "experts"}, "experts": "experts/uni/", "experts2": "experts/hospital/"}
LENGTH_CASES = [(profile, kind) for profile in ("public", "intranet")
                for kind in [*LENGTH_PAGES, *(INTRANET_ONLY if profile == "intranet" else {})]]
LENGTH_SIZES = {"320-large": ({"width": 320, "height": 640}, True), "390-large": (PHONE, True),
                "390": (PHONE, False), "1280": (DESKTOP, False)}

# Every token piece (pages.nowrap: eg-nowrap) on more than one line must be as wide as its whole line: a piece breaks
# only when it cannot fit at all (the last resort), never because the line was already partly full.
PIECES_JS = r"""
() => Array.from(document.querySelectorAll('.eg-nowrap')).filter(e => e.getClientRects().length).map(e => {
  const range = document.createRange();
  range.selectNodeContents(e);
  const rects = Array.from(range.getClientRects()).filter(r => r.width > 0).sort((a, b) => a.top - b.top);
  let lines = rects.length ? 1 : 0, bottom = rects.length ? rects[0].bottom : 0;
  for (const r of rects.slice(1)) { if (r.top >= bottom - 2) lines += 1; bottom = Math.max(bottom, r.bottom); }
  let box = e.parentElement;
  while (box && getComputedStyle(box).display === 'inline') box = box.parentElement;
  const s = getComputedStyle(box);
  const room = box.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  return [e.textContent.slice(0, 30), lines, Math.round(e.getBoundingClientRect().width), Math.round(room)];
})"""


@pytest.fixture(scope="module")
def length_tabs(browser, lengths_sites):
    with serve(lengths_sites["public"]) as public, serve(lengths_sites["intranet"]) as intranet:
        out = {}
        for profile, base in (("public", public), ("intranet", intranet)):
            out[profile] = (Watched(browser.new_context(viewport=PHONE).new_page()), base)
        yield out
        for w, _base in out.values():
            w.page.context.close()


@pytest.mark.parametrize("size", list(LENGTH_SIZES))
@pytest.mark.parametrize("profile,kind", LENGTH_CASES)
def test_hostile_lengths_never_scroll_sideways(length_tabs, profile, kind, size):
    viewport, large = LENGTH_SIZES[size]
    w, base = length_tabs[profile]
    page = w.page
    page.set_viewport_size(viewport)
    if not page.url.startswith(base):
        page.goto(base)
    page.evaluate("large => localStorage.setItem('eg-large-text', large ? '1' : '0')", large)
    page.goto(base + {**LENGTH_PAGES, **INTRANET_ONLY}[kind])
    if kind == "directory":
        page.wait_for_selector(".eg-directory__row")
    page.wait_for_load_state("load")
    scroll, inner = page.evaluate(OVERFLOW_JS)
    assert scroll <= inner, f"{kind} ({profile}, {size}) is {scroll} px wide in a {inner} px window"
    assert page.evaluate(CELLS_JS) == [], f"{kind} ({profile}, {size}): cells overflow"
    pieces = page.evaluate(PIECES_JS)
    assert pieces, f"{kind} shows no token at all"
    broken = [(text, width, room) for text, lines, width, room in pieces if lines > 1 and width < room - 1]
    assert broken == [], f"{kind} ({profile}, {size}) breaks pieces that fit their line: {broken}"
    assert w.errors == []


def test_the_longest_email_breaks_only_after_the_at_and_before_dots_on_a_phone(length_tabs):
    """The footer's address at 390 px: its pieces are the address cut after "@" and before each "."."""
    from conftest import LONGEST_EMAIL
    w, base = length_tabs["public"]
    page = w.page
    page.set_viewport_size(PHONE)
    page.goto(base)
    page.evaluate("() => localStorage.setItem('eg-large-text', '0')")
    page.goto(base)
    pieces = page.eval_on_selector_all(".eg-footer p:last-child span:last-child .eg-nowrap", "es => es.map(e => e.textContent)")
    assert "".join(pieces) == LONGEST_EMAIL
    assert pieces == [LONGEST_EMAIL[:65]] + ["." + p if i else p for i, p in enumerate(LONGEST_EMAIL[65:].split("."))]


# ---- the 名单 of long names (conftest.long_names_project) on a desktop and a tablet ----

# The lines a text takes: its DOM range's rectangles, grouped by line.
LINES_JS = r"""
(e) => {
  const range = document.createRange();
  range.selectNodeContents(e);
  const rects = Array.from(range.getClientRects()).filter(r => r.width > 0).sort((a, b) => a.top - b.top);
  let lines = rects.length ? 1 : 0, bottom = rects.length ? rects[0].bottom : 0;
  for (const r of rects.slice(1)) { if (r.top >= bottom - 2) lines += 1; bottom = Math.max(bottom, r.bottom); }
  return lines;
}"""


@pytest.mark.parametrize("profile", ["public", "intranet"])
@pytest.mark.parametrize("width", ["desktop", "tablet"])
def test_names_in_the_list_are_never_broken_and_a_long_post_wraps_in_three_lines(browser, long_names_sites, profile, width):
    from conftest import LONG_NAMES, LONG_POST
    with serve(long_names_sites[profile]) as base:
        page = browser.new_context(viewport=LAYOUT_WIDTHS[width]).new_page()
        page.goto(base + "pairings/")
        names = page.eval_on_selector_all(".eg-pairings td.eg-name > .eg-nowrap:first-child, .eg-pairings td.eg-name > a > .eg-nowrap",
                                          f"es => es.map(e => [e.textContent, ({LINES_JS})(e)])")
        shown = {name for name, lines in names if lines}  # a card shows a leader once: the other rows' cells are hidden
        hidden = {"周医生"} if profile == "public" else set()  # not public (涉密): the intranet lists her
        assert shown == {*LONG_NAMES["leaders"].values(), *LONG_NAMES["experts"].values(), "周医生"} - hidden
        assert [(name, lines) for name, lines in names if lines > 1] == [], f"{profile} at {width}"
        posts = page.eval_on_selector_all(".eg-pairings td[data-label=职务]", f"es => es.map(e => [e.textContent, ({LINES_JS})(e)])")
        assert (LONG_POST, 1) not in posts and any(text == LONG_POST and lines <= 3 for text, lines in posts), posts
        assert page.evaluate(OVERFLOW_JS)[0] <= LAYOUT_WIDTHS[width]["width"] and page.evaluate(CELLS_JS) == []
        table = page.evaluate("() => getComputedStyle(document.querySelector('.eg-pairings')).display")
        if width == "desktop" or profile == "public":
            assert table == "table"  # the intranet's six columns are cards on a tablet
            widths = page.eval_on_selector_all(".eg-pairings", "ts => ts.map(t => Array.from(t.querySelectorAll('col'))"
                                                               ".map(c => Math.round(c.getBoundingClientRect().width)))")
            assert all(w == widths[0] for w in widths), widths  # every unit's table has the same columns
        page.context.close()


def test_the_home_contact_card_reads_one_token_per_line_on_a_phone(tabs):
    """The case the issue saw: the hotline wrapped "02/3-/69/07…"; now each label sits above its value."""
    page = _open(tabs, "public", "home", PHONE).page
    cells = page.eval_on_selector_all(".eg-contact .eg-facts tr", """rows => rows.map(r => {
        const th = r.querySelector('th').getBoundingClientRect(), td = r.querySelector('td').getBoundingClientRect();
        return [th.bottom <= td.top + 1, td.width]; })""")
    assert cells and all(stacked for stacked, _w in cells)
    assert all(width > 300 for _s, width in cells)  # the value gets the card's width, not a sliver


def test_the_pairings_are_cards_on_a_phone_and_a_table_on_a_desktop(tabs, sample_public):
    page = _open(tabs, "intranet", "pairings", PHONE).page
    first = page.locator(".eg-pairings tbody").first
    assert page.evaluate("() => getComputedStyle(document.querySelector('.eg-pairings thead')).display") == "none"
    assert first.evaluate("b => getComputedStyle(b).display") == "block"
    labels = first.evaluate("""b => Array.from(b.querySelectorAll('tr:first-child td'))
        .map(td => getComputedStyle(td, '::before').content)""")
    assert labels[:5] == ['"联系领导："', '"职务："', '"联系专家："', '"工作单位："', '"联系期限："']
    page.set_viewport_size(DESKTOP)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.eg-pairings thead')).display") != "none"


def test_the_activities_are_cards_on_a_phone_and_tables_on_a_desktop(tabs):
    page = _open(tabs, "intranet", "activities", PHONE).page
    for table in (".eg-contacts", ".eg-activities"):
        assert page.evaluate(f"() => getComputedStyle(document.querySelector('{table} thead')).display") == "none"
    labels = page.evaluate("""() => Array.from(document.querySelector('.eg-activities tbody tr').querySelectorAll('td'))
        .map(td => getComputedStyle(td, '::before').content)""")
    assert labels == ['"日期："', '"类型："', '"组织单位："', '"参加领导："', '"专家："', '"内容摘要："']
    stale = page.locator("tr.eg-stale").first
    assert "已超过" in stale.inner_text()  # the marked row says so in words, not by colour alone
    page.set_viewport_size(DESKTOP)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.eg-activities thead')).display") != "none"


SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe
    return Axe()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("profile,kind", CASES)
def test_axe_finds_nothing_serious(tabs, axe, profile, kind, width):
    page = _open(tabs, profile, kind, WIDTHS[width]).page
    violations = axe.run(page).response["violations"]
    by_impact = collections.Counter(v["impact"] for v in violations)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in SERIOUS]
    print(f"axe {profile} {kind} {width}: {dict(by_impact) or 'none'}")
    assert serious == []


@pytest.mark.parametrize("width", list(WIDTHS))
def test_axe_finds_nothing_serious_in_the_open_search(tabs, axe, width):
    page = _open(tabs, "public", "home", WIDTHS[width]).page
    page.click("label.md-header__button[for=__search]") if width == "phone" else page.keyboard.press("/")
    page.locator(".eg-search__input").fill("张")
    page.wait_for_function("document.querySelector('.eg-search__meta').textContent.startsWith('找到')")
    page.wait_for_timeout(400)  # the dialog's transitions end
    violations = axe.run(page).response["violations"]
    print(f"axe public search-open {width}: {dict(collections.Counter(v['impact'] for v in violations)) or 'none'}")
    assert [(v["id"], v["impact"]) for v in violations if v["impact"] in SERIOUS] == []


def test_search_results_by_keyboard(tabs):
    w, base = tabs["public"]
    page = _open(tabs, "public", "home", DESKTOP).page
    page.keyboard.press("/")  # the site's shortcut opens the search box
    page.keyboard.type("重庆大学")
    page.wait_for_function("document.querySelector('.eg-search__meta').textContent.startsWith('找到')")
    meta = page.locator(".eg-search__meta")
    assert meta.get_attribute("aria-live") == "polite" and meta.get_attribute("role") == "status"
    hrefs = page.eval_on_selector_all(".eg-search__link", "as => as.map(a => a.href)")
    assert len(hrefs) >= 2
    active = "() => document.activeElement.href || (document.activeElement.classList.contains('eg-search__input') ? 'input' : '')"
    page.keyboard.press("ArrowDown")
    assert page.evaluate(active) == hrefs[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate(active) == hrefs[1]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(active) == "input"  # back in the box
    for _ in range(3):  # Tab reaches the results too
        page.keyboard.press("Tab")
        if page.evaluate(active) == hrefs[0]:
            break
    assert page.evaluate(active) == hrefs[0]
    outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }")
    assert outline[0] != "none" and float(outline[1].rstrip("px")) >= 1.5
    page.keyboard.press("Enter")
    page.wait_for_url(hrefs[0])
    assert w.errors == []


def test_focus_is_visible_on_every_control_reached_by_tab(tabs):
    page = _open(tabs, "public", "directory", DESKTOP).page
    page.locator("body").click(position={"x": 5, "y": 300})
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        style = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return [e.tagName + '.' + e.className, s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
        seen.append(style)
    assert all(s != "none" and wdt >= 1.5 for _tag, s, wdt in seen if not _tag.startswith("BODY")), seen


# ---- the keyboard on a phone and a desktop: nothing invisible takes focus, nothing opens by itself ----

# Where focus is, after the page has scrolled it into view and transitions have ended: is it shown (size, in the
# window, not hidden or faded out) and not covered (the topmost element at its first box's centre is it, inside it, or holds it)?
FOCUS_JS = r"""
async () => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  e.scrollIntoView({block: 'center', inline: 'nearest'});
  // The theme reacts to the scroll (sidebar heights) and fades focused links in: let it, then end every transition.
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  document.getAnimations().forEach(a => { try { a.finish(); } catch (_) { /* an infinite one */ } });
  const boxes = Array.from(e.getClientRects()).filter(r => r.width > 0 && r.height > 0);
  const r = boxes[0] || e.getBoundingClientRect();
  let opacity = 1;
  for (let a = e; a; a = a.parentElement) opacity *= parseFloat(getComputedStyle(a).opacity);
  const inWindow = r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
  const hit = inWindow ? document.elementFromPoint(Math.min(r.left + r.width / 2, innerWidth - 1),
                                                   Math.min(r.top + r.height / 2, innerHeight - 1)) : null;
  const covered = !(hit && (hit === e || e.contains(hit) || hit.contains(e)));
  const name = e.tagName + (e.className && e.className.baseVal === undefined ? '.' + e.className.split(' ')[0] : '') +
    ' ' + (e.getAttribute('aria-label') || e.textContent || e.value || '').trim().slice(0, 16);
  return {name, shown: inWindow && getComputedStyle(e).visibility === 'visible' && opacity > 0.1, covered,
          hit: hit ? hit.tagName + '.' + String(hit.className).split(' ')[0] : null,
          search: document.getElementById('__search').checked, drawer: document.getElementById('__drawer').checked};
}"""


def _tab_through(page, limit: int = 400) -> list[dict]:
    """Press Tab until focus comes round again; where it was each time."""
    page.locator("body").focus()
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    seen, first = [], None
    for _ in range(limit):
        page.keyboard.press("Tab")
        at = page.evaluate(FOCUS_JS)
        if at is None:
            if seen:
                break
            continue
        if first is None:
            first = at["name"]
        elif at["name"] == first and len(seen) > 1:
            break
        seen.append(at)
    return seen


KEYBOARD_PAGES = ["home", "policy", "directory", "pairings", "institutions", "experts"]


@pytest.mark.parametrize("width", list(LAYOUT_WIDTHS))
@pytest.mark.parametrize("profile,kind", [(p, k) for p in ("public", "intranet") for k in KEYBOARD_PAGES])
def test_tab_reaches_only_what_is_shown_and_opens_nothing(tabs, profile, kind, width):
    page = _open(tabs, profile, kind, LAYOUT_WIDTHS[width]).page
    stops = _tab_through(page)
    assert len(stops) >= 5, stops
    hidden = [s["name"] for s in stops if not s["shown"] or s["covered"]]
    assert hidden == [], f"{kind} ({profile}, {width}): focus on what is not shown: {hidden} {[s['hit'] for s in stops if s['covered']][:3]}"
    assert not any(s["search"] or s["drawer"] for s in stops), "Tab alone opened the search dialog or the drawer"
    names = [s["name"] for s in stops]
    if width != "desktop":  # the header's toggles are buttons a keyboard reaches
        assert any(n.startswith("LABEL") and "导航菜单" in n for n in names) and any("检索" in n for n in names), names


def test_the_search_dialog_on_a_phone_opens_from_its_button_and_closes_when_focus_leaves(tabs):
    page = _open(tabs, "public", "home", PHONE).page
    button = page.locator("label.md-header__button[for=__search]")
    button.focus()
    assert button.get_attribute("role") == "button" and button.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.classList.contains('eg-search__input')")
    assert button.get_attribute("aria-expanded") == "true"
    page.keyboard.type("张")
    page.wait_for_function("document.querySelector('.eg-search__meta').textContent.startsWith('找到')")
    page.wait_for_timeout(400)
    results = page.locator(".eg-search__link").count()
    for _ in range(results + 1):  # the results scroll box, then each result: all inside the dialog, all shown
        page.keyboard.press("Tab")
        at = page.evaluate(FOCUS_JS)
        assert at["search"] and at["shown"] and not at["covered"], at
    page.keyboard.press("Tab")  # out of the dialog: it closes, focus is on the page and shown
    page.wait_for_timeout(400)
    at = page.evaluate(FOCUS_JS)
    assert not at["search"] and at["shown"] and not at["covered"], at
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.classList.contains('eg-search__input')")
    page.keyboard.press("Escape")  # closes, and focus is back on the button
    assert page.evaluate("() => document.activeElement.getAttribute('for')") == "__search"
    assert not page.evaluate("() => document.getElementById('__search').checked")


def test_the_drawer_on_a_phone_opens_from_its_button_and_escape_closes_it(tabs):
    page = _open(tabs, "public", "policy", PHONE).page
    menu = page.locator("label.md-header__button[for=__drawer]")
    menu.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('.md-sidebar--primary')")
    page.wait_for_timeout(300)
    assert menu.get_attribute("aria-expanded") == "true"
    inside = 0
    for _ in range(40):  # the drawer's links and section buttons: shown, not covered; leaving it closes it
        in_drawer = page.evaluate("() => !!document.activeElement.closest('.md-sidebar--primary')")
        at = page.evaluate(FOCUS_JS)
        assert at["shown"] and not at["covered"] and at["drawer"] == in_drawer, at
        if not in_drawer:
            break
        inside += 1
        page.keyboard.press("Tab")
        page.wait_for_timeout(300)  # the drawer closes, a panel slides
    assert inside >= 3 and not page.evaluate("() => document.getElementById('__drawer').checked")
    menu.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('.md-sidebar--primary')")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.activeElement.getAttribute('for')") == "__drawer"
    assert not page.evaluate("() => document.getElementById('__drawer').checked")
    assert page.evaluate("() => getComputedStyle(document.querySelector('.md-sidebar--primary')).visibility") == "hidden"


def test_a_section_of_the_drawer_opens_and_closes_by_keyboard(tabs):
    page = _open(tabs, "public", "home", PHONE).page
    page.locator("label.md-header__button[for=__drawer]").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    section = page.locator(".md-nav--primary label.md-nav__link", has_text="政策文件")
    section.focus()
    assert section.get_attribute("role") == "button" and section.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")  # into the section's panel: focus on its back button, shown
    page.wait_for_timeout(300)
    at = page.evaluate(FOCUS_JS)
    assert at["name"].startswith("LABEL.md-nav__title") and at["shown"] and not at["covered"], at
    assert section.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Enter")  # back: focus on the section's button again
    page.wait_for_timeout(300)
    assert page.evaluate(FOCUS_JS)["name"] == page.evaluate("() => 'LABEL.md-nav__link ' + document.activeElement.textContent.trim().slice(0, 16)")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "政策文件"
    page.keyboard.press("Escape")


def test_show_more_moves_focus_to_the_first_new_row(browser, names_public):
    with serve(names_public) as base:
        for viewport in (PHONE, DESKTOP):
            page = browser.new_context(viewport=viewport).new_page()
            page.goto(base + "directory/")
            page.wait_for_selector(".eg-directory__row")
            rows = page.locator(".eg-directory__row").count()
            more = page.locator(".eg-directory__more")
            more.focus()
            page.keyboard.press("Enter")  # the last page: the button hides itself
            page.wait_for_function(f"document.querySelectorAll('.eg-directory__row').length > {rows}")
            assert more.is_hidden()
            focused = page.evaluate("() => document.activeElement.closest('.eg-directory__row')?.dataset.id")
            assert focused == page.locator(".eg-directory__row").nth(rows).get_attribute("data-id")
            at = page.evaluate(FOCUS_JS)
            assert at["shown"] and not at["covered"], at
            page.context.close()


def test_directory_count_is_announced(tabs):
    page = _open(tabs, "intranet", "directory", PHONE).page
    status = page.locator(".eg-directory__status")
    assert status.get_attribute("aria-live") == "polite" and status.get_attribute("role") == "status"
    page.fill("#eg-directory input[name=q]", "重庆大学")
    page.wait_for_function("!/共 \\d+ 位专家$/.test('') && document.querySelector('.eg-directory__status').textContent.startsWith('共 ')")
    assert re.fullmatch(r"共 \d+ 位专家", status.text_content())
    # On a phone each directory row is a card whose values carry their column's name.
    label = page.evaluate("() => getComputedStyle(document.querySelector('.eg-directory__row td:nth-child(2)'), '::before').content")
    assert label == '"工作单位："'


def test_large_text_switch_is_a_remembered_header_button(tabs):
    page = _open(tabs, "public", "home", PHONE).page
    root_size = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    normal = page.evaluate(root_size)
    button = page.locator(".md-header button.eg-textsize")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert page.evaluate(root_size) >= normal * 1.2
    page.goto(page.url.split("#")[0] + "pairings/")
    assert page.evaluate(root_size) >= normal * 1.2  # remembered on the next page
    assert page.locator(".md-header button.eg-textsize").get_attribute("aria-pressed") == "true"
    scroll, inner = page.evaluate(OVERFLOW_JS)
    assert scroll <= inner
    page.locator(".md-header button.eg-textsize").click()
    assert page.evaluate(root_size) == normal
    page.reload()
    assert page.evaluate(root_size) == normal
