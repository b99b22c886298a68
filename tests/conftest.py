"""Shared fixtures: a minimal valid project to copy and break, and a golden-file switch."""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from typing import Callable

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


def repository_project(tmp_path: Path) -> Path:
    """This repository's own project (mkdocs.yml, data/, content/, theme/) copied to ``tmp_path``/project."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project)
    for name in ("data", "content", "theme"):
        shutil.copytree(ROOT / name, project / name)
    return project


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


# The longest address mail can carry (RFC 5321: 64 before the @, labels of 63, 254 in all; kinds.EMAIL): no dot
# before the @, so its first piece is 65 characters that only the last resort may break.
LONGEST_EMAIL = "z" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".cn"
assert len(LONGEST_EMAIL) == 254

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


# ---- a project of hostile lengths: every token and free text as long as the data lets it be ----

LATIN_RUN = "Zhuanjiafuwu" * 10  # 120 letters without a break opportunity
LONG_URL = ("https://" + "zhuanjiafuwuzhongxin" * 3 + ".rsj.cq.gov.cn/" + "zhuanjiafuwu" * 8 + "/"
            + "fuwushixiang" * 6 + "?lanmu=" + "zhuanlan" * 10 + "&page=1")
LONG_PHONE = "+86 (023) 6907-7236-1234转123456"  # the longest kinds.PHONE: 24 characters, then 转 and 6 digits


def lengths_project(root: Path) -> Path:
    """The minimal project with the longest email (LONGEST_EMAIL), a long URL, the longest phone, 120-letter Latin runs
    in every free-text field of site.yaml (the footer's and the home page's) and long unit, institution, post names."""
    shutil.copytree(MINIMAL, root)
    data = root / "data"

    def edit(name: str, *pairs: tuple[str, str]) -> None:
        path = data / name
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert text.count(old) == 1, (name, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")

    edit("site.yaml", ("org: 测试人事局", f"org: 测试人事局{LATIN_RUN}"), ("edition: 测试版", f"edition: {LATIN_RUN}版"),
         ("label: 专家服务热线", f"label: 专家服务热线{LATIN_RUN}"), ("phone: 023-69077236", f"phone: '{LONG_PHONE}'"),
         ("email: expert@example.gov.cn", f"email: {LONGEST_EMAIL}"),
         ("address: 测试市测试路 1 号", f"address: 测试市测试路 1 号{LATIN_RUN}"),
         ("sponsor: 测试人事局", f"sponsor: 测试人事局{LATIN_RUN}"),
         ("operator: 测试人事局专业技术人员管理处", f"operator: {LATIN_RUN}测试人事局专业技术人员管理处{LATIN_RUN}"))
    edit("institutions.yaml", ("name: 测试市专家服务中心", f"name: 测试市专家服务中心{LATIN_RUN}"),
         ("    - 受理专家服务申请", f"    - 受理专家服务申请{LATIN_RUN}"),
         ("address: 测试市测试路 1 号", f"address: 测试市测试路 1 号{LATIN_RUN}"),
         ("phone: 023-69077238", f"phone: '{LONG_PHONE}'\n  email: {LONGEST_EMAIL}\n  website: '{LONG_URL}'"),
         ("hours: 工作日 9:00—17:00", f"hours: {LATIN_RUN}"))
    edit("units.yaml", ("name: 测试大学", f"name: 测试大学{LATIN_RUN}"),
         ("name: 测试医院", "name: " + "重庆市测试医院附属专科医院" * 4),
         ("name: 东区", f"name: 东区{LATIN_RUN}"))
    private = LONGEST_EMAIL.replace("z", "y")  # a leader's and an expert's own: not the site's public address
    edit("leaders.yaml", ("contact: {phone: 023-11111111}",
                          f"contact: {{phone: '{LONG_PHONE[:-1]}7', email: {private}}}"),
         ("  post: 副区长\n", "  post: " + "分管科技教育卫生人才工作的常务副区长兼党组副书记" + "\n"))
    edit("experts.yaml", ("contact: {mobile: 013912345678, email: zhang@example.com}",
                          f"contact: {{mobile: 013912345678, email: {private.replace('y', 'x')}, address: 测试路{LATIN_RUN}}}"),
         ("field: 材料科学", f"field: 材料科学{LATIN_RUN}"))
    return root


@pytest.fixture(scope="session")
def lengths_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The lengths project built as the public and the intranet site, no PDF."""
    return _both_sites(tmp_path_factory, "lengths", lengths_project)


# ---- a 名单 of long names: four-character, eight-character and Latin names, and a 30-character post ----

LONG_POST = "分管科技教育卫生人才工作的常务副区长兼党组副书记主持日常工作"[:30]
LONG_NAMES = {"leaders": {"王局长": "欧阳司马诸葛慕容", "李局长": "司马光明", "赵区长": "John Smith"},
              "experts": {"张院士": "长孙无忌", "刘院士": "欧阳修远司马光明", "陈医生": "阿依古丽·买买提", "吴工": "Mary Ann Lee"}}


def long_names_project(root: Path) -> Path:
    """The minimal project with the names of LONG_NAMES and the 局长's post LONG_POST (30 characters)."""
    shutil.copytree(MINIMAL, root)
    for collection, names in LONG_NAMES.items():
        path = root / "data" / f"{collection}.yaml"
        text = path.read_text(encoding="utf-8")
        for old, new in names.items():
            assert text.count(f"name: {old}\n") == 1
            text = text.replace(f"name: {old}\n", f"name: {new}\n")
        if collection == "leaders":
            text = text.replace("  post: 局长\n  unit: bureau\n", f"  post: {LONG_POST}\n  unit: bureau\n")
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def long_names_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The long-names project built as the public and the intranet site, no PDF."""
    return _both_sites(tmp_path_factory, "long-names", long_names_project)


def _both_sites(tmp_path_factory: pytest.TempPathFactory, name: str, project) -> dict[str, Path]:
    """A project made by ``project(root)``, built once per session as both sites without the PDF."""
    def make(folder: Path) -> None:
        root = project(folder / "project")
        for profile in ("public", "intranet"):
            build_site(root, profile=profile, out=folder / profile, today=TODAY, pdf=False)  # type: ignore[arg-type]
    folder = once(tmp_path_factory, name, make)
    return {"public": folder / "public", "intranet": folder / "intranet"}


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


def synthetic_project(root: Path, experts: int, unit_name: Callable[[int], str]) -> Path:
    """bench/synth.py's project of ``experts`` experts at ``root``, the n-th unit named ``unit_name(n)``."""
    import re
    import sys

    bench = str(ROOT / "bench")
    sys.path.insert(0, bench)
    try:
        from synth import generate
    finally:
        sys.path.remove(bench)
    generate(experts, root)
    units = root / "data" / "units.yaml"
    units.write_text(re.sub(r"name: 合成单位(\d+)", lambda m: "name: " + unit_name(int(m[1])),
                            units.read_text(encoding="utf-8")), encoding="utf-8")
    return root
