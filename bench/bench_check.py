"""Benchmark `check` against a bare yaml.load(CSafeLoader) of the same files, side by side.

    python bench/bench_check.py [N ...]        (default: 1000 5000 20000)

Each measurement runs in a fresh process, so peak memory (ru_maxrss) is that step's alone.
Targets at N = 20,000: check time ≤ 1.5× the bare parse, peak memory ≤ 2×.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import generate  # noqa: E402

BARE = """
import resource, sys, time, yaml
from pathlib import Path
files = sorted(Path(sys.argv[1], "data").rglob("*.yaml"))
t = time.perf_counter()
docs = [yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for f in files]
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
CHECK = """
import resource, sys, time
from datetime import date
from generator import check
t = time.perf_counter()
result = check(sys.argv[1], today=date(2026, 11, 22))
elapsed = time.perf_counter() - t
assert not result.errors, [d.text() for d in result.errors[:5]]
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(result.warnings))
"""


def measure(code: str, project: Path) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True,
                         cwd=HERE.parent, check=True).stdout.split()
    return [float(x) for x in out]


def main(sizes: list[int]) -> None:
    rows = []
    for n in sizes:
        project = HERE / "out" / f"check-{n}"
        generate(n, project)
        size = sum(f.stat().st_size for f in (project / "data").rglob("*.yaml"))
        bare_t, bare_kb = measure(BARE, project)
        check_t, check_kb, warnings = measure(CHECK, project)
        rows.append({"experts": n, "data_mb": round(size / 1e6, 1), "bare_s": round(bare_t, 2),
                     "check_s": round(check_t, 2), "time_ratio": round(check_t / bare_t, 2),
                     "bare_mb": round(bare_kb / 1024), "check_mb": round(check_kb / 1024),
                     "memory_ratio": round(check_kb / bare_kb, 2), "warnings": int(warnings)})
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    print("\n| experts | data MB | bare parse s | check s | time × | bare MB | check MB | memory × |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['experts']:,} | {r['data_mb']} | {r['bare_s']} | {r['check_s']} | {r['time_ratio']} | "
              f"{r['bare_mb']} | {r['check_mb']} | {r['memory_ratio']} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 20000])
