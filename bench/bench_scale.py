"""The whole publication at scale, stage by stage, against the bare YAML parse of the same files (issue 14).

    python bench/bench_scale.py [N ...] [--no-pdf]     (default: 5000 20000; 200000 by hand)

For each N a synthetic project (synth.py: about one pairing per four experts) is generated, then each stage
runs in a fresh process, one after the other, with SOURCE_DATE_EPOCH fixed:

  parse     yaml.CSafeLoader over every data file, nothing else: the floor any YAML-based design pays
  check     expert-guide check
  public    expert-guide build --profile public   (site and PDF, audited; --no-pdf: site only)
  intranet  expert-guide build --profile intranet
  both      expert-guide build --profile all      (both builds from one load and check: the check stage included)

Per stage: wall seconds, CPU seconds (user + system of the process and its children: the PDF workers
too), peak memory of the largest process, the peak of all its processes together (the sum of their PSS,
sampled each second: forked audit and load processes share pages with the build), and the CPU ratio to the
parse of the same N. The budget is judged on all processes together. Wall-clock figures
on a shared 2-core machine move with the load; the CPU ratios, measured side by side in one run, are the
figures to compare. The table ends with the budget of issue 14 part 1: check + both builds ≤ 300 s wall,
≤ 4 GB peak, met either by the three commands or by `build --profile all` alone.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from synth import generate  # noqa: E402

EPOCH = "1795305600"  # 2026-11-22
BUDGET_S, BUDGET_MB = 300, 4096

# Runs a command (or, for "parse", the bare parse in this very process) and prints wall, CPU and peak memory.
RUN = r"""
import os, resource, subprocess, sys, time
wall = time.perf_counter()
if sys.argv[1] == "parse":
    import yaml
    from pathlib import Path
    for path in sorted(Path("data").rglob("*.yaml")):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    me = resource.getrusage(resource.RUSAGE_SELF)
    cpu, peak = me.ru_utime + me.ru_stime, me.ru_maxrss
    tree = peak
else:
    def tree_kb(root):  # the memory of the command and every process it started: the sum of their PSS
        kids = {}
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    kids.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(pid))
            except (OSError, ValueError):
                pass
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            todo.extend(kids.get(pid, []))
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    total += sum(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            except OSError:
                pass
        return total
    err = open("stderr.log", "w+")
    done = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=err, text=True)
    tree = 0
    while done.poll() is None:
        tree = max(tree, tree_kb(done.pid))
        time.sleep(1)
    if done.returncode:
        err.seek(0)
        sys.exit(err.read()[-3000:])
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, peak = kids.ru_utime + kids.ru_stime, kids.ru_maxrss
print(time.perf_counter() - wall, cpu, peak, tree)
"""


def measure(stage: list[str], cwd: Path) -> tuple[float, float, float, float]:
    env = {"SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", RUN, *stage], cwd=cwd, capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(f"{' '.join(stage)}: {done.stderr}")
    wall, cpu, kb, tree = done.stdout.split()
    return float(wall), float(cpu), float(kb) / 1024, float(tree) / 1024


def stages(pdf: bool) -> dict[str, list[str]]:
    tool = [sys.executable, "-m", "generator"]
    extra = [] if pdf else ["--no-pdf"]
    return {
        "parse": ["parse"],
        "check": [*tool, "check", ".", "-q"],
        "public": [*tool, "build", ".", "--profile", "public", "--out", "out-public", "-q", *extra],
        "intranet": [*tool, "build", ".", "--profile", "intranet", "--out", "out-intranet", "-q", *extra],
        "both": [*tool, "build", ".", "--profile", "all", "--out", "out-both", "-q", *extra],
    }


def main(sizes: list[int], pdf: bool) -> None:
    rows = []
    for n in sizes:
        project = HERE / "out" / f"scale-{n}"
        generate(n, project)
        data_mb = sum(f.stat().st_size for f in (project / "data").rglob("*.yaml")) / 1e6
        measured = {name: measure(cmd, project) for name, cmd in stages(pdf).items()}
        parse_cpu = measured["parse"][1]
        for name, (wall, cpu, mb, tree) in measured.items():
            rows.append({"experts": n, "data_mb": round(data_mb, 1), "stage": name, "wall_s": round(wall, 1),
                         "cpu_s": round(cpu, 1), "peak_mb": round(mb), "tree_mb": round(tree),
                         "cpu_ratio": round(cpu / parse_cpu, 2)})
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        total = sum(measured[s][0] for s in ("check", "public", "intranet"))
        peak = max(measured[s][2] for s in ("check", "public", "intranet"))
        tree = max(measured[s][3] for s in ("check", "public", "intranet"))
        rows.append({"experts": n, "data_mb": round(data_mb, 1), "stage": "total (check + public + intranet)",
                     "wall_s": round(total, 1), "cpu_s": round(sum(measured[s][1] for s in ("check", "public", "intranet")), 1),
                     "peak_mb": round(peak), "tree_mb": round(tree), "cpu_ratio": None,
                     **({"budget": "met" if total <= BUDGET_S and tree <= BUDGET_MB else "not met"} if n >= 200_000 else {})})
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        wall, cpu, peak, tree = measured["both"]
        rows.append({"experts": n, "data_mb": round(data_mb, 1), "stage": "total (build --profile all)",
                     "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_mb": round(peak), "tree_mb": round(tree),
                     "cpu_ratio": None,
                     **({"budget": "met" if wall <= BUDGET_S and tree <= BUDGET_MB else "not met"} if n >= 200_000 else {})})
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    print(f"\nPDFs {'included' if pdf else 'left out (--no-pdf)'}; budget for 200,000 experts: "
          f"≤ {BUDGET_S} s wall and ≤ {BUDGET_MB} MB peak for check + both builds.\n")
    print("| experts | data MB | stage | wall s | CPU s | peak MB | all processes MB | CPU ÷ parse |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        ratio = "" if r["cpu_ratio"] is None else r["cpu_ratio"]
        stage = r["stage"] + (f" — budget {r['budget']}" if "budget" in r else "")
        print(f"| {r['experts']:,} | {r['data_mb']} | {stage} | {r['wall_s']} | {r['cpu_s']} | {r['peak_mb']} | "
              f"{r['tree_mb']} | {ratio} |")


if __name__ == "__main__":
    args = sys.argv[1:]
    with_pdf = "--no-pdf" not in args
    main([int(a) for a in args if a != "--no-pdf"] or [5000, 20000], with_pdf)
