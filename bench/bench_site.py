"""Benchmark the public site build, side by side with plain MkDocs pages in the same run.

    python bench/bench_site.py [N ...]      (default: 1000 5000 20000; baseline always at 5000)

Reports build seconds, peak memory, output bytes, and what a browser fetches before the first
search result (the home page, its CSS and JS, and the search data), raw and gzip-compressed.
The baseline is the same 5,000 experts as one Markdown page each with Material's search plugin
(not listed in the navigation, which would make it quadratic). The PDF is left out (--no-pdf):
bench_pdf.py measures it.
"""
from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from synth import generate  # noqa: E402

RUN = """
import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
elapsed = time.perf_counter() - t
if r.returncode:
    sys.exit(r.stderr[-3000:])
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", RUN, *cmd], cwd=cwd, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    seconds, kb = out.stdout.split()
    return float(seconds), float(kb) / 1024


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def first_search_payload(site: Path, data_files: list[str]) -> tuple[int, int]:
    """Home page + the stylesheets and scripts it loads + the search data, raw and gzip -6."""
    home = (site / "index.html").read_text(encoding="utf-8")
    refs = re.findall(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', home)
    files = [site / "index.html"] + [site / r.split("?")[0] for r in refs if not r.startswith("http")]
    files += [site / f for f in data_files]
    raw = sum(f.stat().st_size for f in files if f.is_file())
    packed = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files if f.is_file())
    return raw, packed


def baseline_project(n: int, synth: Path, out: Path) -> None:
    """The same public experts as one plain MkDocs page each."""
    sys.path.insert(0, str(ROOT))
    from datetime import date

    from generator import check
    from generator.render.view import build_view

    view = build_view(check(synth, today=date(2026, 11, 22)).project, "public", date(2026, 11, 22))
    if out.exists():
        shutil.rmtree(out)
    docs = out / "docs" / "experts"
    docs.mkdir(parents=True)
    (out / "docs" / "index.md").write_text("# 专家名录\n", encoding="utf-8")
    for e in view.experts:
        cats = "、".join(c["name"] for c in e["category_list"])
        (docs / f"{e['id']}.md").write_text(
            f"# {e['name']}\n\n| 项目 | 内容 |\n|---|---|\n| 工作单位 | {e['employer_name']} |\n| 职称 | {e['title_rank']} |\n"
            f"| 学位 | {e['degree']} |\n| 专业领域 | {e['field']} |\n| 专家类别 | {cats} |\n| 地区 | {e['region']} |\n",
            encoding="utf-8")
    (out / "mkdocs.yml").write_text("site_name: 基线\ntheme:\n  name: material\n  language: zh\n  font: false\n"
                                    "plugins:\n  - search\nnav:\n  - index.md\nnot_in_nav: |\n  /experts/\n", encoding="utf-8")


def main(sizes: list[int]) -> None:
    py = str(ROOT / ".venv" / "bin" / "python")
    mkdocs = str(ROOT / ".venv" / "bin" / "mkdocs")
    rows = []
    for n in sorted(set(sizes) | {5000}):
        project = HERE / "out" / f"site-{n}"
        generate(n, project)
        seconds, mb = timed([py, "-m", "generator", "build", str(project), "--out", str(project / "site"), "-q",
                             "--today", "2026-11-22", "--no-pdf"], ROOT)
        raw, packed = first_search_payload(project / "site", ["directory/experts.json", "search/pages.json"])
        rows.append({"build": "expert-guide", "experts": n, "seconds": round(seconds, 1), "peak_mb": round(mb),
                     "output_mb": round(size(project / "site") / 1e6, 1), "search_kb": round(raw / 1e3),
                     "search_kb_gz": round(packed / 1e3)})
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        if n == 5000:
            base = HERE / "out" / "baseline-5000"
            baseline_project(n, project, base)
            seconds, mb = timed([mkdocs, "build", "-q", "-f", str(base / "mkdocs.yml")], base)
            raw, packed = first_search_payload(base / "site", ["search/search_index.json"])
            rows.append({"build": "plain MkDocs", "experts": n, "seconds": round(seconds, 1), "peak_mb": round(mb),
                         "output_mb": round(size(base / "site") / 1e6, 1), "search_kb": round(raw / 1e3),
                         "search_kb_gz": round(packed / 1e3)})
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    print("\n| build | experts | seconds | peak MB | output MB | before first result KB | gzip KB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['build']} | {r['experts']:,} | {r['seconds']} | {r['peak_mb']} | {r['output_mb']} | "
              f"{r['search_kb']} | {r['search_kb_gz']} |")
    ours = {r["experts"]: r for r in rows if r["build"] == "expert-guide"}
    base = next(r for r in rows if r["build"] == "plain MkDocs")
    print(f"\nat 5,000: plain MkDocs / expert-guide = {base['seconds'] / ours[5000]['seconds']:.1f}× time")
    if 20000 in ours:
        for key in ("seconds", "output_mb", "search_kb_gz"):
            print(f"20,000 / 5,000 {key}: {ours[20000][key] / ours[5000][key]:.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 20000])
