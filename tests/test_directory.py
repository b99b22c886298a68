"""The directory's data: name order, search keys (pinyin, traditional characters), and what only the intranet shows."""
from __future__ import annotations

import json
import re
import shutil
import unicodedata

import pytest
from conftest import MINIMAL, ROOT, TODAY
from sitebuild import article

from generator import check
from generator.render.collation import ordered
from generator.render.search_index import experts_index
from generator.render.view import build_view

pytestmark = pytest.mark.slow

INTRANET_ONLY = ("st",)  # keys of experts.json; rows carry 3 more values on the intranet


@pytest.fixture(scope="module")
def sample():
    return check(ROOT, today=TODAY).project


def index(site):
    return json.loads((site / "directory" / "experts.json").read_text(encoding="utf-8"))


def test_public_directory_carries_no_status_secrecy_consent_or_leaders(sample_public, sample):
    data = index(sample_public)
    assert not set(INTRANET_ONLY) & data.keys()
    assert {len(row) for row in data["rows"]} == {9}
    directory = article(sample_public / "directory" / "index.html")
    for word in ('name="st"', 'name="sec"', 'name="pub"', "<th>状态</th>", "涉密", "同意公开"):
        assert word not in directory
    for page in (sample_public / "experts").rglob("index.html"):
        text = article(page)
        assert "联系领导" not in text and "涉密" not in text and "同意公开" not in text and "在联系" not in text
    # the search keys are made of public names only: experts shown, and leaders the public 名单 shows
    public = {e.id: e.name for e in sample.experts if e.publishable}
    listed = {p.leader for p in sample.pairings if p.expert in public and p.active_on(TODAY)}
    public.update({f"l:{leader.id}": leader.name for leader in sample.leaders if leader.id in listed})
    assert {row[0] for row in data["ld"]} == {k for k in public if k.startswith("l:")}
    assert data["pyx"].keys() <= public.keys()
    read = {c for chars in data["py"].values() for c in chars.split(" ")}
    assert read <= set("".join(public.values()))


def test_intranet_directory_has_status_secrecy_and_consent(sample_intranet, sample):
    data = index(sample_intranet)
    assert data["st"] == ["在册", "已调动", "已退出"]  # 在联系 is said of a pairing, not of a status
    experts = {e.id: e for e in sample.experts}
    assert len(data["rows"]) == len(experts)
    for row in data["rows"]:
        e = experts[row[0]]
        assert row[9:] == [["active", "transferred", "exited"].index(e.status), int(e.confidential), int(e.public_consent)]
    assert {row[10] for row in data["rows"]} == {0, 1} and {row[11] for row in data["rows"]} == {0, 1}


def test_intranet_card_shows_the_contacting_leaders(sample_intranet, sample):
    leaders = {leader.id: leader for leader in sample.leaders}
    pages = {}
    for e in sample.experts:
        page = pages.setdefault(e.employer, article(sample_intranet / "experts" / e.employer / "index.html"))
        card = page.split(f'id="{e.id}"', 1)[1].split('<div class="eg-card', 1)[0]
        row = re.search(r"<tr><th>联系领导</th><td>(.*?)</td></tr>", card).group(1)
        active = [leaders[p.leader] for p in sample.pairings if p.expert == e.id and p.active_on(TODAY)]
        if active:
            for leader in active:
                assert f"{leader.name}（" in row and leader.post in row
        else:
            assert row == "—"
    assert any(p.active_on(TODAY) for p in sample.pairings)


def test_rows_are_in_name_order_and_filters_in_the_sites_order(sample_public):
    data = index(sample_public)
    names = [row[1] for row in data["rows"]]
    assert names == ordered(names, "strokes", person=True) and names != sorted(names)
    for key in ("emp", "reg", "fld"):
        assert data[key] == ordered(data[key], "strokes")


def test_search_keys_for_pinyin_and_traditional_input(sample_public):
    data = index(sample_public)
    assert "张" in data["py"]["zhang"].split(" ") and "伟" in data["py"]["wei"].split(" ")
    assert data["py"]["zeng"].split(" ") == ["曾"]  # 曾庆华: a surname, zēng
    pairs = dict(data["t2s"].split(" "))
    assert {"張": "张", "偉": "伟", "慶": "庆", "學": "学"}.items() <= pairs.items()
    # only characters the searched texts hold, on one side or the other
    searched = (sample_public / "search" / "pages.json").read_text(encoding="utf-8") + json.dumps(data, ensure_ascii=False)
    searched = unicodedata.normalize("NFKC", searched.replace(data["t2s"], ""))
    assert all(t in searched or s in searched for t, s in pairs.items())
    assert "龜" not in pairs and len(pairs) < 2000


def test_a_name_read_otherwise_is_kept_whole(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "p")
    experts = tmp_path / "p" / "data" / "experts.yaml"
    text = experts.read_text(encoding="utf-8").replace("name: 张院士", "name: 曾经纬").replace("name: 刘院士", "name: 王曾经")
    experts.write_text(text, encoding="utf-8")
    data = experts_index(build_view(check(tmp_path / "p", today=TODAY).project, "public", TODAY))
    # 曾 is zēng as a surname and céng in 王曾经: one of them is kept whole in pyx, the other read from py
    said = {row[1]: data["pyx"].get(row[0]) for row in data["rows"]}
    usual = {c: s for s, chars in data["py"].items() for c in chars.split(" ")}
    assert {said["曾经纬"] or " ".join(usual[c] for c in "曾经纬"), said["王曾经"] or " ".join(usual[c] for c in "王曾经")} \
        == {"zeng jing wei", "wang ceng jing"}


def test_the_names_read_by_the_forked_directory_are_remembered_for_the_next_site(monkeypatch):
    """The public directory is made by a forked process; the names it read (pypinyin, 8 s at 200,000 experts) come
    back with it, and the intranet's index, made by the build itself, reads only the names the public one did not
    show. What comes back is what reading them here gives; the memory of names is bounded."""
    import generator.render.collation as collation
    from generator.render.tree import build_tree

    monkeypatch.setattr(collation, "_SYLLABLES", {})
    project = check(MINIMAL, today=TODAY).project
    view = build_view(project, "public", TODAY)
    build_tree(project, view, apart=True)
    names = {e["name"] for e in view.experts}
    assert names and names <= set(collation._SYLLABLES)  # read by the fork only (and the 名单's leaders), remembered
    remembered = dict(collation._SYLLABLES)
    collation._SYLLABLES.clear()
    assert {name: collation.syllables(name) for name in remembered} == remembered
    monkeypatch.setattr(collation, "_SYLLABLES_KEPT", 3)
    collation.remember_syllables({"甲": (), "乙": (), "丙": (), "丁": ()})
    assert len(collation._SYLLABLES) <= 3
    for name in "戊己庚辛":
        collation.syllables(name)
        assert len(collation._SYLLABLES) <= 3


@pytest.mark.parametrize("apart", [True, "files"])
@pytest.mark.parametrize("how", ["apart", "the process dies", "it fails there"])
def test_a_build_makes_the_directory_and_workbooks_apart_into_the_same_tree(project, monkeypatch, how, apart,
                                                                           tmp_path):
    """A build makes the directory's index and shards and the workbooks (``apart="files"``: the workbooks alone) in
    a forked process while the pages are rendered, and sets the character pairs of the pages' texts afterwards: the
    tree is the one made in one process, byte for byte and in order, on both profiles; a process that dies or fails
    leaves them to be made here."""
    import os

    import generator.render.tree as tree_module
    from generator.render.tree import build_tree

    # a traditional character that only a content page holds: its pair comes from the pages' texts, after the fork
    project.write("content/notice.md", "# 通知\n\n龜山路的服务窗口。\n")
    result = project.check()
    forked: list[int] = []
    real_fork, real_made, parent = tree_module.Forked, tree_module._made_ahead, os.getpid()

    def spy(function, args):
        forked.append(1)
        return real_fork(function, args)

    def made(view, independent, directory):
        if os.getpid() != parent and how == "the process dies":
            os._exit(3)
        if os.getpid() != parent and how == "it fails there":
            raise OSError("disk full")
        got = real_made(view, independent, directory)
        if got is not None and os.getpid() != parent:  # what the fork made, noted for the test
            with (tmp_path / "made").open("a", encoding="utf-8") as note:
                note.write(json.dumps([got[0] is not None, sorted(got[3])]) + "\n")
        return got
    monkeypatch.setattr(tree_module, "Forked", spy)
    monkeypatch.setattr(tree_module, "_made_ahead", made)
    for profile in ("public", "intranet"):
        view = build_view(result.project, profile, TODAY, result.diagnostics)
        one, two = build_tree(result.project, view), build_tree(result.project, view, apart=apart)
        assert list(two.pages.items()) == list(one.pages.items()) and not two.deferred
        assert list(two.files.items()) == list(one.files.items())
        data = json.loads(two.files["directory/experts.json"])
        assert "龜龟" in data["t2s"].split(" ") and data["t2s"] in two.files["search/index.json"].decode("utf-8")
        if profile == "intranet":
            assert {"downloads/roster.xlsx", "downloads/form.xlsx"} <= set(two.files)
    assert len(forked) == 2
    made = [json.loads(line) for line in (tmp_path / "made").read_text(encoding="utf-8").splitlines()] \
        if how == "apart" else []
    assert made == ([] if how != "apart" else
                    [[apart is True, []], [apart is True, ["downloads/form.xlsx", "downloads/roster.xlsx"]]])


def test_what_is_made_apart_is_taken_as_soon_as_it_is_sent_so_that_its_process_ends(project):
    """The forked process's result does not fit the pipe: it waits to be read, holding its memory (the intranet's
    workbooks, 330 MB at 200,000 experts), so the pages' loop takes it as soon as it is sent, not after the last page."""
    import os

    from generator.render.tree import Deferred, _Ahead

    result = project.check()
    view = build_view(result.project, "intranet", TODAY, result.diagnostics)
    big = os.urandom(1 << 20)
    ahead = _Ahead(view, [Deferred(("downloads/big.bin",), lambda: {"downloads/big.bin": big})], directory=False)
    try:
        assert ahead._worker.receive.poll(60)  # being sent
        ahead.take_if_done()
        ahead._worker.process.join(5)
        assert not ahead._worker.process.is_alive()
        index, _shards, _keys, files = ahead.result()  # taken once: the same answer
        assert index is None and files == {"downloads/big.bin": big}
    finally:
        ahead.stop()


def test_a_process_killed_while_it_sends_is_made_here(project):
    """A forked process killed in the middle of sending its result (out of memory) is one that died: nothing is
    taken from it, and the caller makes the files itself (an outside review found the build stopping instead)."""
    import os
    import signal

    from generator.render.tree import Deferred, _Ahead

    result = project.check()
    view = build_view(result.project, "intranet", TODAY, result.diagnostics)
    ahead = _Ahead(view, [Deferred(("downloads/big.bin",), lambda: {"downloads/big.bin": os.urandom(4 << 20)})],
                   directory=False)
    try:
        assert ahead._worker.receive.poll(60)  # being sent: more than the pipe holds, so it waits in the middle
        os.kill(ahead._worker.process.pid, signal.SIGKILL)
        ahead._worker.process.join(10)
        ahead.take_if_done()
        assert ahead.result() is None
    finally:
        ahead.stop()


@pytest.mark.parametrize("how", ["apart", "it fails there", "the process dies"])
def test_the_names_are_read_by_the_checks_forked_process_and_the_directory_is_the_same(project, monkeypatch, how):
    """A build hands the process that makes the checks but the leak check (a large project's) the names its search
    reads (build._NamesRead): once its checks are done it reads every expert's and leader's name, and this process
    remembers them and reads none itself. The diagnostics and the directory are those of a build without it; if
    that process fails there or dies, nothing is remembered and the names are read here, as before."""
    import os

    import generator.build as build_module
    import generator.validate as validate_module
    from generator.render import collation
    from generator.render.tree import build_tree

    def directory(result) -> dict:
        view = build_view(result.project, "public", TODAY, result.diagnostics)
        return {k: v for k, v in build_tree(result.project, view).files.items() if k.startswith(("directory/", "search/"))}
    monkeypatch.setattr(collation, "_SYLLABLES", {})
    collation._readings.cache_clear()
    alone = project.check()
    expected = directory(alone)
    monkeypatch.setattr(collation, "_SYLLABLES", {})
    collation._readings.cache_clear()
    parent, real_read, real_make, read_here = os.getpid(), collation._read, build_module._NamesRead.make, []

    def read(text, person):
        if os.getpid() == parent:
            read_here.append(text)
        return real_read(text, person)

    def make(self, project_):
        if how == "the process dies":
            os._exit(3)
        if how == "it fails there":
            raise MemoryError
        return real_make(self, project_)
    monkeypatch.setattr(collation, "_read", read)
    monkeypatch.setattr(build_module._NamesRead, "make", make)
    monkeypatch.setattr(validate_module, "APART_RECORDS", 0)
    result = check(project.root, today=TODAY, alongside=build_module._NamesRead())
    assert result.diagnostics == alone.diagnostics
    names = {r.name for r in (*result.project.experts, *result.project.leaders)}
    assert len(names) > 3
    if how == "apart":
        assert names <= set(collation._SYLLABLES) and read_here == []
    else:
        assert not names & set(collation._SYLLABLES)
    assert directory(result) == expected
    assert bool(read_here) == (how != "apart")
