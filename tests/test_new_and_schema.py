"""`new` and `schema` write only where nothing of anyone's is touched; every refusal is one Chinese line, nothing written."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from generator import check, cli
from generator.new import new_project


def tree(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        out[rel] = ("->" + os.readlink(p)) if p.is_symlink() else (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir")
    return out


@pytest.fixture
def place(tmp_path: Path) -> Path:
    new_project(tmp_path / "project")
    (tmp_path / "a file").write_text("不是目录", encoding="utf-8")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "笔记.txt").write_text("别人的", encoding="utf-8")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    os.symlink(tmp_path / "full", tmp_path / "link")
    return tmp_path


# (case, argv with {p} for the place, words of the refusal, exit code)
REFUSALS = [
    ("new: empty name", ["new", ""], "输出路径不能为空", 2),
    ("new: blank name", ["new", "  "], "输出路径不能为空", 2),
    ("new: unexpanded variable", ["new", "{p}/$HOME_X"], "未展开的变量", 2),
    ("new: a file", ["new", "{p}/a file"], "已是一个文件", 1),
    ("new: a non-empty folder", ["new", "{p}/full"], "不是空目录", 1),
    ("new: a dangling symlink", ["new", "{p}/dangling"], "符号链接", 1),
    ("new: a symlink to a folder", ["new", "{p}/link"], "符号链接", 1),
    ("new: inside a project's content/", ["new", "{p}/project/content/sub"], "位于另一个项目", 1),
    ("new: inside a project's data/", ["new", "{p}/project/data/sub"], "位于另一个项目", 1),
    ("new: the project itself", ["new", "{p}/project"], "不是空目录", 1),
    ("new: unknown profile", ["new", "{p}/x", "--profile", "shanghai"], "不是可选的值", 2),
    ("schema: no --out", ["schema"], "缺少参数", 2),
    ("schema: a file", ["schema", "--out", "{p}/a file"], "不是目录", 1),
    ("schema: someone's folder", ["schema", "--out", "{p}/full"], "不是本命令写出的文件", 1),
    ("schema: into data/", ["schema", "--out", "{p}/project/data"], "data/ 目录中", 1),
    ("schema: below content/", ["schema", "--out", "{p}/project/content/s"], "content/ 目录中", 1),
    ("schema: a symlink", ["schema", "--out", "{p}/link"], "不是目录", 1),
]


@pytest.mark.parametrize("case", REFUSALS, ids=[c[0] for c in REFUSALS])
def test_refusals_write_nothing(place, capsys, case):
    _name, argv, words, code = case
    before = tree(place)
    try:
        rc = cli.main([a.replace("{p}", str(place)) for a in argv])
    except SystemExit as exc:  # argparse's own usage errors
        rc = exc.code
    assert rc == code
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err, err
    assert tree(place) == before


def test_a_new_project_checks_clean_and_points_editors_at_its_schemas(tmp_path):
    root = new_project(tmp_path / "新 项目", "beijing-2014")
    assert check(root).errors == []
    for path in sorted((root / "data").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schemas/{path.stem}.json", path
        assert (root / "schemas" / f"{path.stem}.json").is_file()


def test_schema_rewrites_its_own_folder(tmp_path, capsys):
    assert cli.main(["schema", "--out", str(tmp_path / "s")]) == 0
    first = tree(tmp_path / "s")
    assert cli.main(["schema", "--out", str(tmp_path / "s")]) == 0
    assert tree(tmp_path / "s") == first and len(first) >= 10


def test_hints_quote_paths_for_the_shell(tmp_path, capsys):
    assert cli.main(["new", str(tmp_path / "我的 项目")]) == 0
    assert f"expert-guide check '{tmp_path / '我的 项目'}'" in capsys.readouterr().err
