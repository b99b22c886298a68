"""The live preview (`expert-guide serve`, issue 14 part 3): after every kind of edit, the incremental site is
byte for byte the site a whole build makes of the same files; what cannot be read changes nothing; the
public preview shows nothing the public site may not; the server answers only this computer.

The edits are a case table of how a file can change (a field, a record added, hidden, moved to a new
unit, a pairing, a content page, a title in the navigation, site.yaml, mkdocs.yml, the theme, a file
added and removed, a YAML error, a rule error, a file touched but not changed), applied one after
another to one preview, as a person editing would.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import TODAY, ProjectCopy, repository_project

from generator.audit import audit, forbidden_values
from generator.build import build_site
from generator.check import check
from generator.preview import Preview, serve

pytestmark = pytest.mark.slow


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _whole(project: Path, profile: str, out: Path) -> dict[str, bytes]:
    build_site(project, profile=profile, out=out, today=TODAY, pdf=False)
    files = _files(out)
    files.pop(".expert-guide")  # the publication's marker: the preview publishes nothing
    return files


def _edit(project: Path, rel: str, old: str, new: str) -> None:
    ProjectCopy(project).replace(rel, old, new)


def _append(project: Path, rel: str, text: str) -> None:
    ProjectCopy(project).append(rel, text)


def _settled_as_whole(preview: Preview, project: Path, profile: str, out: Path) -> None:
    """After the check and everything a page asks for, the preview is the site a whole build makes."""
    preview.refresh()
    preview.settle()
    assert preview.status.state == "ok", [d.text() for d in preview.status.diagnostics]
    assert _files(preview.site_dir) == _whole(project, profile, out)


NEW_UNIT = "\n- id: preview-unit\n  name: 预览测试研究院\n  kind: employer\n  system: 科技\n  region: 渝北区\n"
NEW_EXPERT = """- id: e-preview
  name: 预览新专家
  gender: 女
  birth: 1980-03
  employer: preview-unit
  system: 科技
  region: 渝北区
  title_rank: 正高级
  degree: 博士
  field: 预览领域
  categories: [academic-leader]
  status: active
  confidential: false
  public_consent: true
  contact: {mobile: 13900001111, email: preview@example.com}
"""
CQU = "data/experts/cqu.yaml"
NEW_POLICY = """---
title: "预览测试通知"
doc_number: "预通〔2026〕1号"
issuer: "预览测试人事局"
date: 2026-11-01
status: "现行有效"
---

见[首页](../index.md)。
"""


def _new_unit(project: Path) -> None:
    _append(project, "data/units.yaml", NEW_UNIT)
    (project / "data" / "experts" / "preview-unit.yaml").write_text(NEW_EXPERT, encoding="utf-8")


def _confidential(project: Path, ident: str) -> None:
    path = next(p for p in sorted((project / "data" / "experts").glob("*.yaml"))
                if f"- id: {ident}\n" in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    at = text.index(f"- id: {ident}\n")
    end = text.find("\n- id:", at + 1)
    end = end if end > 0 else len(text)
    record = text[at:end]
    assert record.count("confidential: false") == 1
    path.write_text(text[:at] + record.replace("confidential: false", "confidential: true") + text[end:],
                    encoding="utf-8")


def _pairing_end(project: Path) -> None:
    _edit(project, "data/pairings.yaml", "  expert: e0101\n  start: 2025-07-01\n  end: 2027-06-30\n",
          "  expert: e0101\n  start: 2025-07-01\n  end: 2027-06-29\n")


def _policy_title(project: Path) -> None:
    _edit(project, "content/policies/bj-2014-4.md", 'title: "关于进一步加强党委联系专家工作的意见"',
          'title: "关于进一步加强党委联系专家工作的意见（预览）"')


def _site_title(project: Path) -> None:
    _edit(project, "data/site.yaml", "title: 专家服务指南\n", "title: 专家服务指南预览\n")


# (name, edit, whole rebuild expected or None for either): each runs on the project the previous ones left.
CASES = [
    ("an expert's field", lambda p: _edit(p, CQU, "field: 镁合金\n", "field: 镁合金与预览\n"), False),
    ("an expert's name (in the 名单 and the pages)", lambda p: _edit(p, CQU, "name: 潘振华\n", "name: 潘振预\n"), False),
    ("an expert made confidential", lambda p: _confidential(p, "e0101"), None),
    ("a new unit with a new expert (a new page)", _new_unit, True),
    ("a pairing's end", _pairing_end, False),
    ("a policy's text", lambda p: _append(p, "content/policies/cq-2002-110.md", "\n\n预览增加的一段。\n"), False),
    ("a policy's title in the navigation", _policy_title, True),
    ("a content page added", lambda p: (p / "content" / "policies" / "preview-new.md").write_text(NEW_POLICY,
                                                                                                encoding="utf-8"), True),
    ("a content page taken away", lambda p: (p / "content" / "policies" / "preview-new.md").unlink(), True),
    ("a data file taken away", lambda p: (p / "data" / "experts" / "preview-unit.yaml").unlink(), True),
    ("site.yaml's title", _site_title, True),
    ("mkdocs.yml", lambda p: _append(p, "mkdocs.yml", "\nsite_author: 预览测试\n"), True),
    ("the theme", lambda p: _theme(p), True),
    ("a file touched, not changed", lambda p: (p / CQU).touch(), False),
]


def _theme(project: Path) -> None:
    target = project / "theme" / "overrides" / "assets" / "stylesheets" / "preview.css"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("/* 预览 */\n", encoding="utf-8")


@pytest.mark.parametrize("profile", ["public", "intranet"])
def test_incremental_site_is_the_whole_site_after_every_kind_of_edit(tmp_path, profile):
    project = repository_project(tmp_path)
    preview = Preview(project, profile, today=TODAY, pdf=False, work=tmp_path / "preview")
    preview.start()
    preview.settle()
    assert _files(preview.site_dir) == _whole(project, profile, tmp_path / "whole-0")
    try:
        for number, (name, edit, whole) in enumerate(CASES, 1):
            time.sleep(0.01)  # a new modification time even on coarse clocks (a refresh also compares texts)
            edit(project)
            done = preview.refresh()
            preview.settle()
            if name.startswith("a file touched"):
                assert done is not None and done.parsed == 0 and done.rendered == () and not done.whole, name
            elif whole is not None:
                assert done is not None and done.whole == whole, name
            assert preview.status.state == "ok", (name, [d.text() for d in preview.status.diagnostics])
            expected = _whole(project, profile, tmp_path / f"whole-{number}")
            got = _files(preview.site_dir)
            differ = sorted(k for k in set(got) | set(expected) if got.get(k) != expected.get(k))
            assert not differ, f"after “{name}” the preview differs from a whole build in {differ[:10]}"
    finally:
        preview.close()


def test_only_what_changed_is_read_and_rendered(tmp_path):
    project = repository_project(tmp_path)
    _new_unit(project)
    preview = Preview(project, "public", today=TODAY, pdf=False, work=tmp_path / "preview")
    try:
        preview.start()
        _edit(project, "data/experts/preview-unit.yaml", "field: 预览领域\n", "field: 预览领域二\n")
        done = preview.refresh()
        assert done is not None and done.parsed == 1 and not done.whole
        assert set(done.rendered) == {"experts/preview-unit/index.md", "directory/index.md"}
        assert "预览领域二" in (preview.site_dir / "experts" / "preview-unit" / "index.html").read_text(encoding="utf-8")
    finally:
        preview.close()


def test_a_file_that_cannot_be_read_changes_no_page_and_says_where(tmp_path):
    project = repository_project(tmp_path)
    preview = Preview(project, "public", today=TODAY, pdf=False, work=tmp_path / "preview")
    try:
        preview.start()
        before = _files(preview.site_dir)
        path = project / CQU
        good = path.read_text(encoding="utf-8")
        path.write_text(good.replace("name: 周镕基\n", "name: <script>alert(1)</script>\n  - broken: [\n", 1),
                        encoding="utf-8")
        done = preview.refresh()
        assert done is not None and done.rendered == ()
        assert preview.status.state == "unreadable"
        assert _files(preview.site_dir) == before
        banner = preview.status.banner("intranet")
        assert f"{CQU}:" in banner and "<script>" not in banner
        path.write_text(good.replace("categories: [academician]", "categories: [no-such-category]", 1), encoding="utf-8")
        preview.refresh()
        preview.check()
        assert preview.status.state == "invalid"
        assert any(d.severity == "error" and d.location.path == CQU for d in preview.status.diagnostics)
        path.write_text(good, encoding="utf-8")
        _settled_as_whole(preview, project, "public", tmp_path / "whole")
    finally:
        preview.close()


def test_an_attachment_replaced_and_a_broken_theme_are_followed(tmp_path):
    project = repository_project(tmp_path)
    (project / "content" / "policies" / "att.png").write_bytes(b"first")
    _append(project, "content/index.md", "\n\n[附件](policies/att.png)\n")
    preview = Preview(project, "public", today=TODAY, pdf=False, work=tmp_path / "preview")
    try:
        preview.start()
        (project / "content" / "policies" / "att.png").write_bytes(b"other")  # same size, same path
        preview.refresh()
        preview.settle()
        assert (preview.site_dir / "policies" / "att.png").read_bytes() == b"other"
        before = _files(preview.site_dir)
        broken = project / "theme" / "overrides" / "main.html"
        broken.parent.mkdir(parents=True, exist_ok=True)
        broken.write_text('{% extends "base.html" %}{% block content %}{{ super() }}{% if %}{% endblock %}',
                          encoding="utf-8")
        preview.refresh()
        preview.check()
        assert preview.status.state == "invalid" and "TemplateSyntaxError" in preview.status.note
        preview.settle()
        assert _files(preview.site_dir) == before  # the last pages stay, and what they ask for
        _edit(project, CQU, "field: 镁合金\n", "field: 镁合金改\n")  # a data edit does not make it green
        preview.refresh()
        preview.check()
        assert preview.status.state == "invalid"
        broken.unlink()
        _settled_as_whole(preview, project, "public", tmp_path / "whole")
    finally:
        preview.close()


def test_the_public_preview_shows_no_value_the_public_site_may_not(tmp_path):
    project = repository_project(tmp_path)
    preview = Preview(project, "public", today=TODAY, pdf=False, work=tmp_path / "preview")
    try:
        preview.start()
        _confidential(project, "e0101")
        preview.refresh()
        preview.settle()
        result = check(project, today=TODAY)
        assert not audit(preview.site_dir, forbidden_values(result.project, "public", TODAY))
        # the bar on every public page: where and which code, never a message (one names a hidden expert,
        # requests and pairings are the intranet's)
        _confidential(project, "e0411")
        preview.refresh()
        preview.check()
        assert any("严明哲" in d.message for d in preview.status.diagnostics)
        public, intranet = preview.status.banner("public"), preview.status.banner("intranet")
        assert "严明哲" in intranet and "严明哲" not in public
        assert not [d.code for d in preview.status.diagnostics if d.message.split("（")[0] in public]
        assert "周镕基" not in "".join(p.read_text(encoding="utf-8", errors="replace")
                                    for p in preview.site_dir.rglob("*") if p.suffix in (".html", ".json"))
    finally:
        preview.close()


def _get(url: str, host: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_the_server_reloads_pages_makes_downloads_when_asked_and_answers_only_this_computer(tmp_path):
    project = repository_project(tmp_path)
    ready: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(project, "intranet"), daemon=True,
                              kwargs={"port": 0, "pdf": True, "today": TODAY, "progress": lambda m: None,
                                      "announce": lambda m: None, "ready": ready.append, "stop": stop})
    thread.start()
    try:
        for _ in range(600):
            if ready:
                break
            time.sleep(0.1)
        base = ready[0]
        status, page = _get(base + "experts/cqu/")
        assert status == 200 and b"/.expert-guide/wait" in page and "周镕基".encode() in page
        epoch = int(page.split(b"var e=")[1].split(b",")[0])
        assert _get(base + "experts/cqu/", host="evil.example")[0] == 403  # DNS rebinding
        assert _get(base + "experts/cqu/", host="evil.example:8000")[0] == 403
        assert _get(base + "../../../etc/passwd")[0] == 404
        head = urllib.request.Request(base + "directory/experts.json", method="HEAD", headers={"Host": "evil.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(head, timeout=30)
        assert refused.value.code == 403
        status, missing = _get(base + "assets/")  # a folder without a page: no listing
        assert status == 404 and "没有这个页面" in missing.decode("utf-8")
        status, shard = _get(base + "search/index.json")
        assert status == 200 and json.loads(shard)
        status, workbook = _get(base + "downloads/roster.xlsx")
        assert status == 200 and workbook[:2] == b"PK"
        status, pdf = _get(base + "downloads/guide.pdf")
        assert status == 200 and pdf[:5] == b"%PDF-"
        _edit(project, CQU, "field: 镁合金\n", "field: 镁合金预览\n")
        status, answer = _get(base + f".expert-guide/wait?epoch={epoch}&status=-1")
        for _ in range(50):
            if json.loads(answer)["epoch"] != epoch:
                break
            status, answer = _get(base + f".expert-guide/wait?epoch={epoch}&status={json.loads(answer)['status']}")
        assert json.loads(answer)["epoch"] != epoch
        assert "镁合金预览".encode() in _get(base + "experts/cqu/")[1]
        status, shard = _get(base + "directory/experts.json")  # made again from the edited data
        assert status == 200 and "镁合金预览" in shard.decode("utf-8")
    finally:
        stop.set()
        thread.join(timeout=60)


def test_edits_leave_no_garbage_kept_for_good(tmp_path):
    """A refresh freezes what it keeps (the collector would walk it again and again); what a later refresh replaces is
    collected after its check, cycles too: after many edits there is nothing left to collect, and what is kept frozen
    does not grow with the edits."""
    import gc

    project = repository_project(tmp_path)
    _new_unit(project)
    preview = Preview(project, "public", today=TODAY, pdf=False, work=tmp_path / "preview")
    try:
        preview.start()
        kept = []
        for i in range(8):
            _edit(project, "data/experts/preview-unit.yaml", f"field: 预览领域{i if i else ''}\n",
                  f"field: 预览领域{i + 1}\n")
            assert preview.refresh() is not None
            preview.check()
            kept.append(gc.get_freeze_count())
        gc.unfreeze()
        left = gc.collect()
        gc.freeze()
        assert left < 50, left  # before: about 170 objects more for each edit
        assert kept[-1] - kept[2] < 5 * 50, kept
    finally:
        preview.close()
