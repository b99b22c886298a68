"""Benchmark the printed guide, side by side in one run, each step in its own process.

    python bench/bench_pdf.py [PAIRINGS] [--no-baseline]      (default 5000)

1. the sample guide (time, pages, peak memory);
2. the whole guide of a synthetic project with about PAIRINGS pairings, through the real code path
   (write_pdf: its 名单 is typeset by Typst in parallel parts and laid over the guide's placeholder pages);
3. the whole `expert-guide pdf` command (check, view, typeset, audit) as a user runs it: its process, and the largest
   of its workers (the audit's process, typesetting, pypdf);
4. the same 名单 rows as one plain WeasyPrint table, with the guide's stylesheet and fonts and the 名单's
   column widths as WeasyPrint set them before Typst did: the baseline.
Peak memory ≤ 1 GB (the parent, and the largest of its worker processes, sampled from /proc). Time: with
WeasyPrint, (2), which includes every other chapter too, took about as long as (4); with Typst setting the
名单, about a tenth of it (README).
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

import os, threading
peaks = {}  # each descendant process (workers, pdftotext): its own high-water mark, sampled (RUSAGE_CHILDREN would
            # report the parent's peak at the moment a worker was spawned)
def _descendants(pid):
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                for child in map(int, fh.read().split()):
                    found += [child, *_descendants(child)]
    except OSError:
        pass
    return found
def _hwm(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            return next((int(l.split()[1]) // 1024 for l in fh if l.startswith("VmHWM")), 0)
    except OSError:
        return 0
def _sample():
    while True:
        for pid in _descendants(os.getpid()):
            peaks[pid] = max(peaks.get(pid, 0), _hwm(pid))
        time.sleep(0.1)
threading.Thread(target=_sample, daemon=True).start()

mode, project, limit = sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
today = date(2026, 11, 22)
t0, cpu0 = time.perf_counter(), time.process_time()
command_pid = None
if mode == "command":  # expert-guide pdf: check, view, typeset, audit, publish — the command as a user runs it, in a
    import re, subprocess  # process of its own (in this one, the sampling thread would keep it from forking its audit)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t, cpu = t0, cpu0 - before.ru_utime - before.ru_stime
    env = dict(os.environ, PYTHONPATH=sys.argv[1])
    run = subprocess.Popen([sys.executable, "-m", "generator", "pdf", str(project), "-o", sys.argv[5], "--today",
                            today.isoformat()], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    command_pid = run.pid
    said = run.communicate()[1]
    if run.returncode:
        sys.exit(said[-3000:])
    pages = int(re.findall(r"（(\d+) 页）", said)[-1])
    mode = "expert-guide pdf (check, typeset, audit)"
else:
    view = build_view(check(project, today=today).project, "public", today)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t, cpu = time.perf_counter(), time.process_time() - before.ru_utime - before.ru_stime
if mode == "guide":
    result = write_pdf(view, project, Path(sys.argv[5]))
    pages = result.pages
    mode = "guide" if limit == 0 else f"guide ({pairing_count(appendix_tables(view))} pairings)"
elif mode.startswith("single"):
    leaders = [r for g in appendix_tables(view) for u in g["units"] for chunk in u["chunks"] for r in chunk]
    rows = [{"leader": r["leader"], "post": r["post"], **row} for r in leaders for row in r["rows"]][:limit]
    head = "<tr><th class=n>序号</th><th>联系领导</th><th>职务</th><th>联系专家</th><th>工作单位</th><th class=term>联系期限</th></tr>"
    line = lambda n, r: (f"<tr><td class=n>{n}</td><td>{escape(r['leader'])}</td><td>{escape(r['post'])}</td>"
                         f"<td>{escape(r['expert'])}</td><td>{escape(r['employer'])}</td><td class='term eg-nowrap'>{r['term']}</td></tr>")
    if mode == "single":
        body = ("<table class='grid pairings'><colgroup><col class=n><col class=leader><col class=post><col class=expert>"
                "<col class=employer><col class=term></colgroup><thead>") + head + "</thead><tbody>" + "".join(line(i + 1, r) for i, r in enumerate(rows)) + "</tbody></table>"
    # the 名单's styles of guide.css while WeasyPrint set it (before roster.typ)
    style = ("<style>.pairings{font-size:9.5pt;table-layout:fixed}.pairings th,.pairings td{padding-left:1.2mm;"
             "padding-right:1.2mm}.pairings col.n{width:9.5mm}.pairings col.leader{width:17mm}.pairings col.post"
             "{width:17mm}.pairings col.expert{width:16mm}.pairings col.term{width:55mm}.pairings .n{text-align:center}"
             "</style>")
    html = ("<html lang=zh-CN><head><link rel=stylesheet href=guide.css>" + style + "</head><body><section class=chapter>"
            "<h1>附件一　领导联系专家名单</h1>" + body + "</section></body></html>")
    doc = HTML(string=html, base_url=(PRINT_DIR / "guide.html").as_uri(),
               url_fetcher=StrictFetcher([THEME_DIR]).make()).render(font_config=FontConfiguration())
    doc.write_pdf()
    pages = len(doc.pages)
    mode = f"{mode} ({len(rows)} rows)"
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"step": mode, "seconds": round(time.perf_counter() - t, 1), "pages": pages,
                  "cpu": round(time.process_time() - cpu + children.ru_utime + children.ru_stime, 1),
                  "peak_mb": peaks.get(command_pid, 0) if command_pid else round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "worker_peak_mb": max((v for k, v in peaks.items() if k != command_pid), default=0)},
                 ensure_ascii=False))
"""


def step(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", STEP, str(ROOT), *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    row = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def main(pairings: int, baseline: bool = True) -> None:
    sys.path.insert(0, str(HERE))
    from synth import generate

    synth = HERE / "out" / "pdf-synth"
    generate(max(4 * pairings, 1000), synth)
    rows = [step("guide", str(ROOT), "0", str(HERE / "out" / "sample-guide.pdf")),
            step("guide", str(synth), "1", str(HERE / "out" / "synth-guide.pdf")),
            step("command", str(synth), "0", str(HERE / "out" / "synth-command.pdf"))]
    if baseline:  # at most 20,000 rows (one table of 50,000 rows would take WeasyPrint 7 GB, and 15 minutes)
        rows.append(step("single", str(synth), str(min(pairings, 20000))))
    print("\n| step | seconds | CPU seconds | pages | peak MB | worker peak MB |\n|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['step']} | {r['seconds']} | {r['cpu']} | {r['pages']} | {r['peak_mb']} | {r['worker_peak_mb']} |")
    guide = rows[1]
    rows_guide = int(guide["step"].split("(")[1].split()[0])
    line = f"\nCPU seconds per 1,000 rows: whole guide {1000 * guide['cpu'] / rows_guide:.2f}"
    if baseline:
        single = rows[3]
        rows_single = int(single["step"].split("(")[1].split()[0])
        line += f", single WeasyPrint table {1000 * single['cpu'] / rows_single:.2f}"
    print(line + " (all processes: on a busy machine the steadier figure)")


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(numbers[0]) if numbers else 5000, baseline="--no-baseline" not in sys.argv)
