"""Shared fixtures: a minimal valid project to copy and break, and a golden-file switch."""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator import check
from generator.build import build_site

from shared import once

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MINIMAL = ROOT / "generator" / "samples" / "chongqing-2002"  # the sample `expert-guide new` writes
TODAY = date(2026, 11, 22)
EPOCH = "1795305600"  # 2026-11-22, for builds that must be byte-reproducible


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output instead of comparing")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


class ProjectCopy:
    """A throw-away copy of the minimal project that tests edit in place."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert text.count(old) == 1, f"{old!r} must occur exactly once in {rel}"
        self.write(rel, text.replace(old, new))

    def append(self, rel: str, text: str) -> None:
        self.write(rel, self.read(rel) + text)

    def check(self, today: date = TODAY):
        return check(self.root, today=today)

    def lines(self, today: date = TODAY) -> list[str]:
        return [d.text() for d in self.check(today).diagnostics]


@pytest.fixture
def project(tmp_path: Path) -> ProjectCopy:
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    return ProjectCopy(root)


# ---- builds shared by the whole session (read-only; copy before changing) ----

def _build(source: Path, profile: str, pdf: bool = True):
    def make(folder: Path) -> None:
        old = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = EPOCH
        try:
            build_site(source, profile=profile, out=folder / "site", today=TODAY, pdf=pdf)  # type: ignore[arg-type]
        finally:
            if old is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = old
    return make


@pytest.fixture(scope="session")
def sample_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's sample data built as the public site, PDF included."""
    return once(tmp_path_factory, "sample-public", _build(ROOT, "public")) / "site"


@pytest.fixture(scope="session")
def sample_intranet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return once(tmp_path_factory, "sample-intranet", _build(ROOT, "intranet")) / "site"


@pytest.fixture(scope="session")
def minimal_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal project (MINIMAL) built as the public site, PDF included."""
    return once(tmp_path_factory, "minimal-public", _build(MINIMAL, "public")) / "site"


HOSTILE = ["[x](javascript:alert(1))", "<img src=x onerror=alert(1)><!-- x -->", "张三 {: onmouseover=alert(1) }", "甲 | 乙"]
HOSTILE_AWARD = "<script>alert(3)</script>获奖"
HOSTILE_ACHIEVEMENT = "[成果](javascript:alert(4)) {: onclick=alert(5) }"


def _hostile(folder: Path) -> None:
    root = folder / "project"
    shutil.copytree(MINIMAL, root)
    experts = (root / "data" / "experts.yaml").read_text(encoding="utf-8")
    for old, new in zip(("张院士", "刘院士", "陈医生", "吴工"), HOSTILE):
        experts = experts.replace(f"name: {old}", f"name: '{new}'")  # none of them contains a quote
    experts = experts.replace("field: 材料科学", "field: '<script>alert(1)</script>'")
    # e5's award and achievement reach its public card as text
    experts = experts.replace("summary: 获测试市科学技术进步奖二等奖（第一完成人）", f"summary: '{HOSTILE_AWARD}'")
    experts = experts.replace("summary: 主持研制的高精度数控机床主轴通过技术鉴定", f"summary: '{HOSTILE_ACHIEVEMENT}'")
    (root / "data" / "experts.yaml").write_text(experts, encoding="utf-8")
    units = (root / "data" / "units.yaml").read_text(encoding="utf-8")
    (root / "data" / "units.yaml").write_text(
        units.replace("name: 测试大学", "name: '</title><script>alert(2)</script>'"), encoding="utf-8")
    build_site(root, out=folder / "site", today=TODAY, pdf=False)


@pytest.fixture(scope="session")
def hostile_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal project with script, Markdown and attribute syntax in names, fields and units; no PDF."""
    return once(tmp_path_factory, "hostile-public", _hostile) / "site"


# ---- a project of names whose order is known by hand (tests/test_collation.py, tests/test_browser.py) ----

# 姓氏笔画: count (丁 2, 万 3, 王 4 … 邱 7 as written on the mainland … 詹 13, 蔡 14), then the strokes
# 横竖撇点折 one by one (王 横 < 毛 撇 < 文 点横撇 < 方 点横折 < 孔 折竖 < 邓 折点; 石 横 < 卢 竖横 < 田 竖折 < 白 撇;
# 欧 横 < 郑 点), then the next characters (王一 < 王二 < 王五; 欧阳修: 阳 6 < 欧明: 明 8).
NAMES_BY_STROKES = ["丁一", "万二", "王一", "王二", "王五", "毛毅", "文静", "方瑞", "孔明", "邓凯", "石磊", "卢川", "田野",
                    "白雪", "邱实", "欧阳修", "欧明", "郑和", "曾庆华", "詹天佑", "蔡伦"]
# 汉语拼音: syllable by syllable (欧明 ou ming < 欧阳修 ou yang; 王二 er < 王五 wu < 王一 yi); 曾 as a surname is zēng.
NAMES_BY_PINYIN = ["白雪", "蔡伦", "邓凯", "丁一", "方瑞", "孔明", "卢川", "毛毅", "欧明", "欧阳修", "邱实", "石磊", "田野",
                   "万二", "王二", "王五", "王一", "文静", "曾庆华", "詹天佑", "郑和"]
NAMES_UNIT = "北碚学院"
FILLERS = 130  # more than one page of the directory (100 rows) with the names


def names_project(root: Path, order: str = "strokes") -> Path:
    """The minimal project with the names above in 北碚学院, a 九龙研究所, and FILLERS more experts."""
    shutil.copytree(MINIMAL, root)
    site = root / "data" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("order: strokes", f"order: {order}"), encoding="utf-8")
    units = root / "data" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + "".join(
        f"- id: {uid}\n  name: {name}\n  kind: employer\n  system: 教育\n  region: {region}\n"
        for uid, name, region in (("college", NAMES_UNIT, "北碚区"), ("institute", "九龙研究所", "九龙坡区"))),
        encoding="utf-8")
    people = [(f"n{i:02d}", name, "college", "北碚区") for i, name in enumerate(NAMES_BY_PINYIN)]
    people.append(("n99", "林森", "institute", "九龙坡区"))
    people += [(f"f{i:03d}", f"测试专家{i:03d}", "uni", "东区") for i in range(FILLERS)]
    experts = root / "data" / "experts.yaml"
    experts.write_text(experts.read_text(encoding="utf-8") + "".join(
        f"- id: {eid}\n  name: {name}\n  gender: 男\n  birth: 1970-01\n  employer: {unit}\n  system: 教育\n"
        f"  region: {region}\n  title_rank: 正高级\n  degree: 博士\n  field: 数学\n  status: active\n"
        f"  confidential: false\n  public_consent: true\n" for eid, name, unit, region in people), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def names_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The names project (姓氏笔画 order) built as the public site, no PDF."""
    def make(folder: Path) -> None:
        build_site(names_project(folder / "project"), out=folder / "site", today=TODAY, pdf=False)
    return once(tmp_path_factory, "names-public", make) / "site"
