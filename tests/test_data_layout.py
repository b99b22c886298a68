"""Every file in data/ is read or reported (数据目录中不会被读取的文件, generator/load/layout.py).

The class: a file whose records were meant to count but sit under a name or in a place the loader does
not read — a wrong extension, an upper-case one, a unit's file one folder too deep, a calendar year as
``.yml`` — would silently be missing from the guide. A YAML file there is an error (E021); anything else
a warning (E022); hidden files are passed over.
"""
from __future__ import annotations

import pytest

from generator.load.layout import MAX_REPORTED

YAML = "- id: x\n"

# (what, path written, expected line, or None when nothing is said)
CASES = [
    ("a list saved as .yml beside the .yaml", "data/experts.yml",
     "data/experts.yml: error E021 “data/experts.yml”中的数据不会被读取：文件名或位置不是本系统读取的。"
     "提示：data/experts.yaml 已经存在：把其中的记录并入 data/experts.yaml，再删除这个文件"),
    ("an upper-case name of a top file", "data/Services.YAML",
     "data/Services.YAML: error E021 “data/Services.YAML”中的数据不会被读取：文件名或位置不是本系统读取的。"
     "提示：data/services.yaml 已经存在：把其中的记录并入 data/services.yaml，再删除这个文件"),
    ("a misspelt collection", "data/expert.yaml",
     "data/expert.yaml: error E021 “data/expert.yaml”中的数据不会被读取：文件名或位置不是本系统读取的。"
     "提示：本系统读取的数据文件：data/activities.yaml、data/categories.yaml、data/experts.yaml、data/institutions.yaml、"
     "data/leaders.yaml、data/pairings.yaml、data/requests.yaml、data/rules.yaml、data/services.yaml、data/site.yaml、"
     "data/units.yaml，以及按单位拆分的 data/名称/*.yaml"),
    ("a calendar year as .yml", "data/calendar/2027.yml",
     "data/calendar/2027.yml: error E021 “data/calendar/2027.yml”中的数据不会被读取：文件名或位置不是本系统读取的。"
     "提示：扩展名须为小写的 .yaml：改名为 data/calendar/2027.yaml"),
    ("a unit's file with an upper-case extension", "data/experts/cqu.YAML",
     "data/experts/cqu.YAML: error E021 “data/experts/cqu.YAML”中的数据不会被读取：文件名或位置不是本系统读取的。"
     "提示：扩展名须为小写的 .yaml：改名为 data/experts/cqu.yaml"),
    ("a unit's file one folder too deep", "data/experts/2026/cqu.yaml",
     "data/experts/2026/: error E021 “data/experts/2026/”中的数据不会被读取：文件名或位置不是本系统读取的。"
     "提示：data/experts/ 中的文件直接放在该目录下读取，不读子目录：把其中的 .yaml 文件移到 data/experts/"),
    ("a folder of lists the tool does not know", "data/archive/experts.yaml",
     "data/archive/: error E021 “data/archive/”中的数据不会被读取：文件名或位置不是本系统读取的。"
     "提示：本系统读取 data/ 下的 activities、calendar、categories、experts、institutions、leaders、pairings、requests、"
     "services、units 目录：“archive”不是其中之一，目录中的文件不会被读取"),
    ("a README", "data/README.md",
     "data/README.md: warning E022 “data/README.md”不是数据文件，不会被读取。提示：说明文字写在 content/ 中；备份和表格放在项目以外（或 git 历史中）"),
    ("a backup in the calendar", "data/calendar/2027.yaml.bak",
     "data/calendar/2027.yaml.bak: warning E022 “data/calendar/2027.yaml.bak”不是数据文件，不会被读取。"
     "提示：说明文字写在 content/ 中；备份和表格放在项目以外（或 git 历史中）"),
    ("a workbook", "data/登记表.xlsx",
     "data/登记表.xlsx: warning E022 “data/登记表.xlsx”不是数据文件，不会被读取。提示：说明文字写在 content/ 中；备份和表格放在项目以外（或 git 历史中）"),
    ("a name with a trailing space", "data/experts.yaml ",
     "data/experts.yaml : error E021 “data/experts.yaml ”中的数据不会被读取：文件名或位置不是本系统读取的。"
     "提示：data/experts.yaml 已经存在：把其中的记录并入 data/experts.yaml，再删除这个文件"),
    ("a hidden file", "data/.gitkeep", None),
    ("macOS's AppleDouble file in a folder is not read", "data/experts/._cqu.yaml", None),
    ("a hidden file in a folder", "data/experts/.DS_Store", None),
    ("a unit's file is read", "data/experts/cqu.yaml", None),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_every_file_in_data_is_read_or_reported(project, case):
    _what, rel, expected = case
    project.write(rel, YAML if rel.strip().endswith((".yaml", ".yml", ".YAML")) and "/experts/cqu.yaml" not in rel else "x")
    if rel == "data/experts/cqu.yaml":
        project.write(rel, "[]\n")
    lines = [line for line in project.lines() if " E021 " in line or " E022 " in line]
    assert lines == ([expected] if expected else [])


def test_a_stray_yaml_file_fails_the_check_and_other_files_do_not(project):
    project.write("data/notes.txt", "备忘")
    assert not project.check().errors
    project.write("data/pairings.yml", YAML)
    assert [d.code for d in project.check().errors] == ["E021"]


def test_thousands_of_strays_give_a_bounded_report(project):
    for n in range(MAX_REPORTED + 30):
        project.write(f"data/tmp{n:03}.txt", "x")
    project.write("data/zz.yml", YAML)
    lines = [line for line in project.lines() if " E021 " in line or " E022 " in line]
    assert len(lines) == MAX_REPORTED + 1
    assert "data: warning E022 data/ 中另有 31 个不会被读取的文件或目录（只列出了前 20 个）。提示：数据文件放在 data/ 下规定的位置；其他文件移出 data/" in lines
    assert [line for line in lines if " E021 " in line] == [  # the one error is listed, not counted among the rest
        "data/zz.yml: error E021 “data/zz.yml”中的数据不会被读取：文件名或位置不是本系统读取的。"
        "提示：本系统读取的数据文件：" + "、".join(f"data/{n}.yaml" for n in sorted(
            ["activities", "categories", "experts", "institutions", "leaders", "pairings", "requests", "rules", "services",
             "site", "units"])) + "，以及按单位拆分的 data/名称/*.yaml"]


def test_a_calendar_folder_of_yaml_files_that_are_not_years_stays_e601(project):
    project.write("data/calendar/abc.yaml", "holidays: []\n")
    lines = project.lines()
    assert [line.split(" ")[2] for line in lines if "calendar/abc" in line] == ["E601"]


def test_a_hidden_yaml_file_in_a_collection_folder_is_not_read(project):
    project.write("data/experts/._cqu.yaml", "- id: e1\n")  # would be E201 (the id is taken) if it were read
    assert not [line for line in project.lines() if " E201 " in line or " E021 " in line]


def _split_experts(root, pieces: int) -> None:
    """data/experts.yaml cut into ``pieces`` files under data/experts/, one record per file where it can, plus a
    file that is not YAML and one whose record has an unknown key."""
    text = (root / "data" / "experts.yaml").read_text(encoding="utf-8")
    records = ["- " + chunk for chunk in text.split("\n- ") if chunk.strip()]
    records[0] = records[0][2:]
    (root / "data" / "experts.yaml").unlink()
    folder = root / "data" / "experts"
    folder.mkdir()
    for number in range(pieces):
        (folder / f"u{number:02d}.yaml").write_text("\n".join(records[number::pieces]) + "\n", encoding="utf-8")
    (folder / "u98.yaml").write_text("- id: bad\n  name: [unclosed\n", encoding="utf-8")
    (folder / "u99.yaml").write_text("- id: e900\n  name: 王某\n  colour: red\n", encoding="utf-8")


@pytest.mark.parametrize("how", ["read apart", "the process dies"])
def test_a_collection_of_many_files_reads_the_same_in_two_processes(tmp_path, monkeypatch, how):
    """200,000 experts in 1,000 files: half of them are parsed by a forked process meanwhile. The records, their
    order and places, and every diagnostic (a file that is not YAML, an unknown key) are those of one process;
    a process that dies leaves its files to be read here, with the same result."""
    import os
    import shutil

    from conftest import MINIMAL, TODAY

    import generator.load.project as loading
    from generator import check

    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    _split_experts(root, 6)
    one = check(root, today=TODAY)
    monkeypatch.setattr(loading, "LOAD_APART", 2)
    monkeypatch.setattr(loading, "LOAD_APART_BYTES", 1)
    if how == "the process dies":
        monkeypatch.setattr(loading, "_read_apart", lambda *args: os._exit(3))
    said = []
    two = check(root, today=TODAY, progress=said.append)
    assert [(r, r.at) for r in two.project.experts] == [(r, r.at) for r in one.project.experts]
    assert len(one.project.experts) >= 6 and two.project.unreadable == one.project.unreadable == {"experts"}
    assert [d.as_dict() for d in two.diagnostics] == [d.as_dict() for d in one.diagnostics]
    assert {("data/experts/u98.yaml", "E005"), ("data/experts/u99.yaml", "E102")} <= {
        (d.location.path, d.code) for d in two.diagnostics}  # a file that is not YAML; an unknown key
    assert "读取 data/experts 中的 4 个文件（在另一个进程中）" in said


def test_the_half_read_apart_is_taken_last_and_stopped_with_a_load_that_stops(tmp_path, monkeypatch):
    """The other process's half is taken once everything else is read (the pairings, the content: read here
    meanwhile); a load that stops before that (an error, Ctrl-C) leaves no process behind, waiting to be read."""
    import multiprocessing
    import shutil

    from conftest import MINIMAL, TODAY

    import generator.load.project as loading
    from generator import check

    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    _split_experts(root, 6)
    monkeypatch.setattr(loading, "LOAD_APART", 2)
    monkeypatch.setattr(loading, "LOAD_APART_BYTES", 1)
    order = []
    real_collect, real_layout = loading._ReadApart.collect, loading.check_layout
    monkeypatch.setattr(loading._ReadApart, "collect", lambda self, *a: order.append("collect") or real_collect(self, *a))
    monkeypatch.setattr(loading, "check_layout", lambda *a: order.append("layout") or real_layout(*a))
    check(root, today=TODAY)
    assert order == ["layout", "collect"]

    def stops(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(loading, "check_layout", stops)
    with pytest.raises(KeyboardInterrupt):
        check(root, today=TODAY)
    assert multiprocessing.active_children() == []


def test_a_large_project_is_checked_by_two_processes_with_the_same_diagnostics(project, monkeypatch):
    """From APART_RECORDS experts and pairings on, the checks other than the leak check run in a forked process:
    the same diagnostics in the same order, also when that process dies (they are then made here)."""
    import os

    import generator.validate as validate_module

    (project.root / "content" / "leak.md").write_text("# 名单\n\n联系人：周医生\n", encoding="utf-8")  # E401
    project.replace("data/pairings.yaml", "  expert: e2\n", "  expert: nobody\n")  # a reference to nobody
    one = project.check().diagnostics
    assert {"E401"} < {d.code for d in one} and len({d.code for d in one}) >= 3
    forked: list[int] = []
    real = validate_module.Forked

    def spy(function, args):
        forked.append(os.getpid())
        return real(function, args)
    monkeypatch.setattr(validate_module, "Forked", spy)
    monkeypatch.setattr(validate_module, "APART_RECORDS", 0)
    assert project.check().diagnostics == one and len(forked) == 1
    parent, real_part = os.getpid(), validate_module._all_but_leaks

    def dies(project_, today):
        if os.getpid() != parent:
            os._exit(3)
        return real_part(project_, today)
    monkeypatch.setattr(validate_module, "_all_but_leaks", dies)
    assert project.check().diagnostics == one and len(forked) == 2
