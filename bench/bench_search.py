"""Benchmark the header search at national scale: sharded (this branch) against the whole-directory download, same run.

    python bench/bench_search.py [N ...]      (default: 5000 20000 200000)
    python bench/bench_search.py --reuse N …  (the sites already built in bench/out/site-N/site, their search
                                               shards and script rewritten by this checkout: see `refresh`)

For each N a synthetic project (synth.py) is built (--no-pdf) and served from 127.0.0.1 by a threaded server that
gzips what the browser accepts gzipped. Debian's Chromium (Playwright) loads the home page with the network
throttled through CDP (1.6 Mbit/s each way, 150 ms latency), focuses the search box and types each probe query at
once; the clock runs from that keystroke to the first results (“找到 …”). Measured per probe: the bytes on the wire
(gzip, from CDP) of the search data (search/, directory/experts.json) fetched before the first result, and the time.
The unsharded baseline is the same site with expert-guide.js as it was before the shards (BASELINE) served in its place (it downloads
directory/experts.json and search/pages.json on focus). Every probe's count must equal the ground truth computed
from directory/experts.json, and both variants must show the same first twenty hits in the same order.
"""
from __future__ import annotations

import functools
import gzip
import http.server
import json
import shutil
import statistics
from collections import Counter
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
from bench_site import size, timed  # noqa: E402
from synth import generate  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from browser import spells  # noqa: E402  (the ground truth the browser tests use)

from generator.render.search_index import row_readings, search_shards  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
THROTTLE = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 1.6e6 / 8}
PROBES = ["合成单位12", "特殊津贴", "材料", "院士", "镁合金", "zhangwei", "wangf", "王 博士"]
JS = "generator/theme/overrides/assets/javascripts/expert-guide.js"

TYPE = """q => new Promise(done => {
  const input = document.querySelector('.eg-search__input'), meta = document.querySelector('.eg-search__meta');
  const t0 = performance.now();
  input.focus();
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  const look = () => {
    if (!meta.textContent.startsWith('找到')) return false;
    done([performance.now() - t0, meta.textContent,
          Array.from(document.querySelectorAll('.eg-hit--expert a')).map(a => a.getAttribute('href').split('#')[1])]);
    return true;
  };
  if (!look()) new MutationObserver((_m, o) => { if (look()) o.disconnect(); })
    .observe(meta, {childList: true, characterData: true, subtree: true});
})"""


class _Gzip(http.server.SimpleHTTPRequestHandler):
    """Static files over HTTP/1.1 keep-alive, gzipped (level 6, cached) when the browser accepts it."""

    protocol_version = "HTTP/1.1"
    packed: dict[str, bytes] = {}

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().do_GET()
        key = str(path)
        if key not in self.packed:
            self.packed[key] = gzip.compress(path.read_bytes(), 6)
        body = self.packed[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def truth(index: dict, query: str) -> set[str]:
    """The experts (ids) of directory/experts.json whose fields contain every term, or whose name spells a Latin one."""
    readings = row_readings(index)
    out = set()
    for row, said in zip(index["rows"], readings):
        hay = _norm(" | ".join([row[1], index["emp"][row[2]], index["reg"][row[3]], index["fld"][row[4]],
                                " ".join(index["cat"][c][0] for c in row[5]), index["rank"][row[7]], index["deg"][row[8]]]))
        if all(t in hay or (t.isascii() and t.isalpha() and any(spells(said, i, t) for i in range(len(said))))
               for t in _norm(query).split()):
            out.add(row[0])
    return out


def common_name(index: dict) -> list[str]:
    """The directory's most frequent name, and its pinyin: probes that find someone at any N."""
    names = Counter(row[1] for row in index["rows"])
    name = max(names, key=lambda k: (names[k], k))
    said = dict(zip((row[1] for row in index["rows"]), row_readings(index)))[name]
    return [name, "".join(said), "".join(s[0] for s in said)]


def serve(site: Path):
    handler = functools.partial(_Gzip, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def probe(browser, base: str, query: str, old_js: str | None) -> dict:
    """One cold visit: load the home page throttled, type the query, wait for the first results."""
    context = browser.new_context()
    page = context.new_page()
    if old_js is not None:
        page.route("**/expert-guide.js*", lambda route: route.fulfill(body=old_js, content_type="application/javascript"))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", THROTTLE)
    urls: dict[str, str] = {}
    done: list[tuple[float, str, int]] = []
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished",
           lambda e: done.append((time.perf_counter(), urls.get(e["requestId"], ""), e["encodedDataLength"])))
    page.goto(base, wait_until="networkidle", timeout=180_000)
    start = time.perf_counter()
    seconds, meta, hits = page.evaluate(TYPE, query)
    page.wait_for_timeout(1000)  # CDP's events reach Python late; nothing is fetched after the results are shown
    data = [(u, n) for _t, u, n in done if "/search/" in u or "/directory/experts.json" in u]
    page_bytes = sum(n for t, u, n in done if t <= start and (u, n) not in data)
    context.close()
    return {"seconds": seconds / 1000, "count": int(meta.split()[1]), "hits": hits,
            "search_bytes": sum(n for _u, n in data), "page_bytes": page_bytes, "files": len(data),
            "pages_json": sum(n for u, n in data if u.endswith("/search/pages.json"))}


def shard_seconds(site: Path) -> float:
    """What writing the shards adds to a build: search_shards over the built experts.json, and the writing."""
    index = json.loads((site / "directory" / "experts.json").read_text(encoding="utf-8"))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in search_shards(index).items():
            path = Path(tmp) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        return time.perf_counter() - start


# The header search as main had it before the shards came (the main side of merge 0654724): it downloads the whole
# directory/experts.json and search/pages.json on focus. A fixed commit, not `git merge-base HEAD main`: on main that
# is HEAD itself, and the baseline was this very code.
BASELINE = "928cb020d01b982771f26a10762bf76214bca3b1"


def refresh(site: Path) -> None:
    """--reuse: the search shards and expert-guide.js of a built site as this checkout writes them (both derive
    from directory/experts.json and the theme alone, as in render/tree.py)."""
    index = json.loads((site / "directory" / "experts.json").read_text(encoding="utf-8"))
    for kind in "anpr":
        shutil.rmtree(site / "search" / kind, ignore_errors=True)
    for name, text in search_shards(index).items():
        path = site / "search" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    shutil.copy(ROOT / JS, site / "assets" / "javascripts" / "expert-guide.js")


def search_sizes(site: Path) -> tuple[int, int, int]:
    """The sharded search data (files, raw bytes, gzip bytes) and directory/experts.json gzipped."""
    files = [p for p in (site / "search").rglob("*.json")]
    packed = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    whole = len(gzip.compress((site / "directory" / "experts.json").read_bytes(), 6))
    return len(files), packed, whole


def main(sizes: list[int], reuse: bool) -> None:
    from playwright.sync_api import sync_playwright

    py = str(ROOT / ".venv" / "bin" / "python")
    old_js = subprocess.run(["git", "show", f"{BASELINE}:{JS}"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        for n in sizes:
            project = HERE / "out" / f"site-{n}"
            site = project / "site"
            build = None
            if not reuse:
                generate(n, project)
                build, _mb = timed([py, "-m", "generator", "build", str(project), "--out", str(site), "-q",
                                    "--today", "2026-11-22", "--no-pdf"], ROOT)
            else:
                refresh(site)
            index = json.loads((site / "directory" / "experts.json").read_text(encoding="utf-8"))
            files, packed, whole = search_sizes(site)
            delta = shard_seconds(site)
            server, base = serve(site)
            try:
                for query in PROBES + common_name(index):
                    expected = truth(index, query)
                    new = probe(browser, base, query, None)
                    old = probe(browser, base, query, old_js)
                    for variant, r in (("sharded", new), ("whole", old)):
                        assert r["count"] == len(expected), (n, query, variant, r["count"], len(expected))
                        assert set(r["hits"]) <= expected and len(r["hits"]) == min(20, len(expected)), (n, query, variant)
                    assert new["hits"] == old["hits"], (n, query, "the two variants order the hits differently")
                    row = {"experts": n, "query": query, "hits": len(expected),
                           "sharded_kb": round(new["search_bytes"] / 1e3, 1), "sharded_s": round(new["seconds"], 2),
                           "sharded_files": new["files"], "of_which_pages_json_kb": round(new["pages_json"] / 1e3, 1), "whole_kb": round(old["search_bytes"] / 1e3, 1),
                           "whole_s": round(old["seconds"], 2), "page_kb": round(new["page_bytes"] / 1e3, 1)}
                    rows.append(row)
                    print(json.dumps(row, ensure_ascii=False), flush=True)
            finally:
                server.shutdown()
                server.server_close()
            summary = {"experts": n, "build_s": None if build is None else round(build, 1), "shards_s": round(delta, 1),
                       "search_files": files, "search_mb_gz": round(packed / 1e6, 1), "experts_json_kb_gz": round(whole / 1e3),
                       "output_mb": round(size(site) / 1e6)}
            rows.append(summary)
            print(json.dumps(summary, ensure_ascii=False), flush=True)
        browser.close()
    print("\n| experts | query | hits | sharded: search data KB gz | of which pages.json | files | first result s "
          "| whole: KB gz | first result s |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if "query" in r:
            print(f"| {r['experts']:,} | {r['query']} | {r['hits']:,} | {r['sharded_kb']} | {r['of_which_pages_json_kb']} | "
                  f"{r['sharded_files']} | "
                  f"{r['sharded_s']} | {r['whole_kb']} | {r['whole_s']} |")
    print("\n| experts | max sharded KB gz | max sharded s | median whole KB gz | median whole s | search data MB gz (files) "
          "| build s | shards s |")
    print("|---:|---:|---:|---:|---:|---|---:|---:|")
    for s in (r for r in rows if "query" not in r):
        mine = [r for r in rows if r.get("query") and r["experts"] == s["experts"]]
        print(f"| {s['experts']:,} | {max(r['sharded_kb'] for r in mine)} | {max(r['sharded_s'] for r in mine)} | "
              f"{statistics.median(r['whole_kb'] for r in mine)} | {statistics.median(r['whole_s'] for r in mine)} | "
              f"{s['search_mb_gz']} ({s['search_files']:,}) | {s['build_s']} | {s['shards_s']} |")


if __name__ == "__main__":
    args = sys.argv[1:]
    reuse = "--reuse" in args
    main([int(a) for a in args if a != "--reuse"] or [5000, 20000, 200000], reuse)
