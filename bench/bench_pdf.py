"""Benchmark the printed guide, side by side in one run, each step in its own process.

    python bench/bench_pdf.py [PAIRINGS]       (default 5000)

1. the sample guide (time, pages, peak memory);
2. the whole guide of a synthetic project with about PAIRINGS pairings, through the real code path
   (write_pdf: its 名单 is typeset in parallel parts and laid over the guide's placeholder pages);
3. the same 名单 rows as one plain HTML table, with the same stylesheet and fonts: the baseline.
Peak memory ≤ 1 GB (the parent and each worker process are reported separately). Time: (2), which
includes every other chapter too, took under half of (3) while the 名单 had one row per leader; with one
row per pairing (each period beside its expert) it has (3)'s rows and takes about as long (README).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

STEP = r"""
import json, resource, sys, time
from datetime import date
from html import escape
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from generator import check
from generator.paths import THEME_DIR
from generator.render.pdf import PRINT_DIR, appendix_tables, write_pdf, StrictFetcher
from generator.render.pdf.compose import pairing_count
from generator.render.view import build_view
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

mode, project, limit = sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
today = date(2026, 11, 22)
view = build_view(check(project, today=today).project, "public", today)
before = resource.getrusage(resource.RUSAGE_CHILDREN)
t, cpu = time.perf_counter(), time.process_time() - before.ru_utime - before.ru_stime
if mode == "guide":
    result = write_pdf(view, project, Path(sys.argv[5]))
    pages = result.pages
    mode = "guide" if limit == 0 else f"guide ({pairing_count(appendix_tables(view))} pairings)"
else:
    leaders = [r for g in appendix_tables(view) for u in g["units"] for chunk in u["chunks"] for r in chunk]
    rows = [{"leader": r["leader"], "post": r["post"], **row} for r in leaders for row in r["rows"]][:limit]
    head = "<tr><th class=n>序号</th><th>联系领导</th><th>职务</th><th>联系专家</th><th>工作单位</th><th class=term>联系期限</th></tr>"
    line = lambda n, r: (f"<tr><td class=n>{n}</td><td>{escape(r['leader'])}</td><td>{escape(r['post'])}</td>"
                         f"<td>{escape(r['expert'])}</td><td>{escape(r['employer'])}</td><td class='term eg-nowrap'>{r['term']}</td></tr>")
    if mode == "single":
        body = "<table class='grid pairings'><thead>" + head + "</thead><tbody>" + "".join(line(i + 1, r) for i, r in enumerate(rows)) + "</tbody></table>"
    html = ("<html lang=zh-CN><head><link rel=stylesheet href=guide.css></head><body><section class=chapter>"
            "<h1>附件一　领导联系专家名单</h1>" + body + "</section></body></html>")
    doc = HTML(string=html, base_url=(PRINT_DIR / "guide.html").as_uri(),
               url_fetcher=StrictFetcher([THEME_DIR]).make()).render(font_config=FontConfiguration())
    doc.write_pdf()
    pages = len(doc.pages)
    mode = f"{mode} ({len(rows)} rows)"
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"step": mode, "seconds": round(time.perf_counter() - t, 1), "pages": pages,
                  "cpu": round(time.process_time() - cpu + children.ru_utime + children.ru_stime, 1),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "worker_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)},
                 ensure_ascii=False))
"""


def step(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", STEP, str(ROOT), *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    row = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def main(pairings: int) -> None:
    sys.path.insert(0, str(HERE))
    from synth import generate

    synth = HERE / "out" / "pdf-synth"
    generate(max(4 * pairings, 1000), synth)
    rows = [step("guide", str(ROOT), "0", str(HERE / "out" / "sample-guide.pdf")),
            step("guide", str(synth), "1", str(HERE / "out" / "synth-guide.pdf")),
            step("single", str(synth), str(pairings))]
    guide, single = rows[1], rows[2]
    print("\n| step | seconds | CPU seconds | pages | peak MB | worker peak MB |\n|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['step']} | {r['seconds']} | {r['cpu']} | {r['pages']} | {r['peak_mb']} | {r['worker_peak_mb']} |")
    print(f"\nwhole guide with its 名单 / single table of the 名单: {guide['seconds'] / single['seconds']:.2f} of the time, "
          f"{guide['cpu'] / single['cpu']:.2f} of the CPU time (all processes: on a busy machine the steadier figure)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
