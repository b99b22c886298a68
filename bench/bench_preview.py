"""Live preview at province scale (issue 14 part 3): how long after an edit the changed page is served.

    python bench/bench_preview.py [N] [--profile public|intranet]   (default 20000, intranet)

A synthetic project of N experts (bench/synth.py) is served by `expert-guide serve` (the library's
`preview.serve`, in this process, on a free port). Each edit is written to a file, and the changed
page is fetched over HTTP every 20 ms until it shows the edit: "served" is the time from the write
to that answer (the watcher's polling, re-reading, rendering, MkDocs, HTTP). The check that follows
(the bar on every page) is timed too, and, in the same run, the whole build the preview spares
(`check` + `build --no-pdf` of the same project), for the ratio. Figures go in the notes, not in tests.
"""
from __future__ import annotations

import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synth import generate  # noqa: E402

from generator.preview import serve  # noqa: E402


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read().decode("utf-8")


def served(url: str, path: Path, text: str, expect: str, timeout: float = 60.0) -> float:
    began = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    while time.perf_counter() - began < timeout:
        if expect in fetch(url):
            return time.perf_counter() - began
        time.sleep(0.02)
    raise SystemExit(f"{url} did not show {expect!r} within {timeout} s")


def checked(url: str, timeout: float = 120.0) -> float:
    """Seconds until the bar of ``url`` no longer says 校验中 (counted from now)."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        if "正在校验" not in fetch(url):
            return time.perf_counter() - began
        time.sleep(0.05)
    raise SystemExit("the check did not finish")


def main(n: int, profile: str) -> None:
    project = ROOT / "bench" / "out" / f"preview-{n}"
    if not (project / "data").is_dir():
        generate(n, project)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "build", str(project), "--profile", profile, "--no-pdf", "-q",
                    "--out", str(project / f"out-{profile}"), "--today", "2026-12-05"], check=True,
                   env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, stdout=subprocess.DEVNULL)
    whole = time.perf_counter() - began

    ready: list[str] = []
    stop = threading.Event()
    lines: list[str] = []
    thread = threading.Thread(target=serve, args=(project, profile), daemon=True,
                              kwargs={"port": 0, "pdf": False, "progress": lines.append, "announce": lines.append,
                                      "ready": ready.append, "stop": stop})
    began = time.perf_counter()
    thread.start()
    while not ready:
        time.sleep(0.05)
    start = time.perf_counter() - began
    base = ready[0]

    files = sorted((project / "data" / "experts").glob("*.yaml"))
    experts = files[len(files) // 2]
    original = experts.read_text(encoding="utf-8")
    employer = experts.stem
    page = f"{base}experts/{employer}/"
    field = re.search(r"^  field: (\S+)$", original, re.M)
    assert field is not None
    policy = next((project / "content" / "policies").glob("*.md"))
    policy_text = policy.read_text(encoding="utf-8")
    policy_url = f"{base}policies/{policy.stem}/"

    rows: list[tuple[str, list[float], list[float]]] = []
    times, checks = [], []
    for i in range(5):
        mark = f"基准编辑{i}"
        changed = original.replace(field.group(0), f"  field: {field.group(1)}{mark}", 1)
        times.append(served(page, experts, changed, mark))
        checks.append(checked(page))
    experts.write_text(original, encoding="utf-8")
    rows.append(("one expert's field (data/experts/%s.yaml)" % employer, times, checks))
    times, checks = [], []
    for i in range(5):
        mark = f"基准段落{i}"
        times.append(served(policy_url, policy, policy_text + f"\n\n{mark}\n", mark))
        checks.append(checked(policy_url))
    policy.write_text(policy_text, encoding="utf-8")
    rows.append((f"a policy's text (content/policies/{policy.name})", times, checks))
    stop.set()
    thread.join(timeout=30)

    print(f"\n{n} experts, {profile}: whole check+build --no-pdf {whole:.1f} s; preview's first build {start:.1f} s")
    print(f"{'edit':<48} {'served median':>14} {'max':>6} {'ratio to whole':>15} {'check after':>12}")
    for name, times, checks in rows:
        median = statistics.median(times)
        print(f"{name:<48} {median:>13.2f}s {max(times):>5.2f}s {whole / median:>14.0f}× {statistics.median(checks):>11.2f}s")


if __name__ == "__main__":
    args = sys.argv[1:]
    profile = "intranet"
    if "--profile" in args:
        at = args.index("--profile")
        profile = args[at + 1]
        del args[at:at + 2]
    main(int(args[0]) if args else 20000, profile)
