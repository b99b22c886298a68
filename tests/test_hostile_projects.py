"""Hostile projects: whole-project mutations of the sample, each with its expected result.

A row is (case, mutation, expectation). The expectation is a located diagnostic — its code and
where it must point (file, and line when the file is text) — or CLEAN: `check` has no error, and
the case is then built and the output read by an independent decoder (tests/decode.py, not the
audit's channels) for the canaries the mutation planted.
"""
from __future__ import annotations

import gzip
import io
import os
import shutil
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import MINIMAL, TODAY

from generator import check

HIDDEN = "周医生"  # e4: confidential
ILLNESS = "因病住院治疗，已出院休养"  # e5's illness (secret): never in any output
TRANSFER = "由测试医院设备处调入测试大学机械工程学院"  # e5's transfer (internal)
HIDDEN_AWARD = "获测试市青年科技奖（未公开）"
MOBILE = "013912345678"  # e1's contact.mobile (internal)
ID_NUMBER = "010101195001010011"  # e1's id_number (secret)
CLEAN = "clean"


def write(root: Path, rel: str, data: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def zipped(members: dict[str, bytes | str], *, encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    if encrypted:  # set the "encrypted" flag in the local and central headers
        data = data.replace(b"PK\x03\x04\x14\x00\x00\x00", b"PK\x03\x04\x14\x00\x01\x00", 1)
        data = data.replace(b"PK\x01\x02\x14\x03\x14\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x01\x00", 1)
    return data


def zip_bomb() -> bytes:
    """One member that inflates to 80 MB of zeros (the audit's bound is 64 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("zeros.txt", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(80):
                member.write(chunk)
    return buffer.getvalue()


def png_with_text(text: str) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0]))
    data = chunk(b"IDAT", zlib.compress(b"\0\0"))
    comment = chunk(b"zTXt", b"Author\0\0" + zlib.compress(text.encode("latin-1", "ignore") or b"x"))
    itxt = chunk(b"iTXt", b"Author\0\0\0\0\0" + text.encode("utf-8"))
    return b"\x89PNG\r\n\x1a\n" + header + comment + itxt + data + chunk(b"IEND", b"")


def jpeg_with_comment(text: str) -> bytes:
    body = text.encode("utf-8")
    return b"\xff\xd8\xff\xfe" + (len(body) + 2).to_bytes(2, "big") + body + b"\xff\xd9"


def pdf_with(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()


def symlink(root: Path, rel: str, target: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


def fifo(root: Path, rel: str) -> None:
    path = root / rel
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def folder_instead(root: Path, rel: str) -> None:
    (root / rel).unlink()
    (root / rel).mkdir()


E, I, P = "data/experts.yaml", "data/institutions.yaml", "data/pairings.yaml"

# (case, mutation, expectation: (code, path, line or None) or CLEAN)
CASES = [
    # ---- content/ is untrusted for personal data: every encoding and container ----
    ("hidden name in index.md", lambda r: write(r, "content/index.md", f"# 首页\n\n联系{HIDDEN}。\n"),
     ("E401", "content/index.md", 3)),
    ("mobile with separators in index.md", lambda r: write(r, "content/index.md", "# 首页\n\n电话 0139-1234 5678\n"),
     ("E401", "content/index.md", 3)),
    ("ID number in a text file", lambda r: write(r, "content/x.txt", f"第一行\n证件 {ID_NUMBER}"),
     ("E401", "content/x.txt", 2)),
    ("HTML file (raw markup would be published as it is)", lambda r: write(r, "content/x.html", "<p>x</p>"),
     ("E018", "content/x.html", None)),
    ("hidden name as HTML entities", lambda r: write(r, "content/index.md", "".join(f"&#{ord(c)};" for c in HIDDEN)),
     ("E401", "content/index.md", 1)),
    ("hidden name split by invisible characters", lambda r: write(r, "content/index.md", "周\u200b医\u00ad生"),
     ("E401", "content/index.md", 1)),
    ("full-width digits", lambda r: write(r, "content/index.md", "电话 ０１３９１２３４５６７８"), ("E401", "content/index.md", 1)),
    ("digits with NBSP and ideographic spaces", lambda r: write(r, "content/index.md", "0139\u00a01234\u30005678"),
     ("E401", "content/index.md", 1)),
    ("Kangxi radical in a name", lambda r: (replace(r, E, f"  name: {HIDDEN}\n", "  name: 高医生\n"),
                                            write(r, "content/index.md", "联系\u2FBC医生")), ("E401", "content/index.md", 1)),
    ("name spaced with U+3000", lambda r: write(r, "content/index.md", "周　医　生"), ("E401", "content/index.md", 1)),
    ("name wrapped across lines", lambda r: write(r, "content/index.md", "# 首页\n\n联系周医\n生。\n"),
     ("E401", "content/index.md", 3)),
    ("musical-symbol invisibles in a name", lambda r: write(r, "content/index.md", "周\U0001D173医\uFFF9生"),
     ("E401", "content/index.md", 1)),
    ("mobile in Chinese numerals", lambda r: write(r, "content/index.md", "〇一三九一二三四五六七八"),
     ("E401", "content/index.md", 1)),
    ("mobile with ~ : * separators", lambda r: write(r, "content/index.md", "0139~1234:56*78"), ("E401", "content/index.md", 1)),
    ("CSS escapes", lambda r: write(r, "content/x.css", '.n::after{content:"\\5468\\533B\\751F"}'),
     ("E401", "content/x.css", 1)),
    ("email in capitals", lambda r: write(r, "content/index.md", "ZHANG@EXAMPLE.COM"), ("E401", "content/index.md", 1)),
    ("GB18030 text file (cannot be read for certain)", lambda r: write(r, "content/notes.txt", f"专家{HIDDEN}\n".encode("gb18030")),
     ("E002", "content/notes.txt", 1)),
    ("Big5 text file", lambda r: write(r, "content/list.csv", "姓名,單位\n".encode("big5")), ("E002", "content/list.csv", None)),
    ("UTF-16 text file", lambda r: write(r, "content/notes.txt", f"专家{HIDDEN}".encode("utf-16")),
     ("E002", "content/notes.txt", 1)),
    ("hidden name in a file name", lambda r: write(r, f"content/files/{HIDDEN}简历.pdf", pdf_with("x")),
     ("E401", f"content/files/{HIDDEN}简历.pdf", None)),
    ("zip with junk before it", lambda r: write(r, "content/a.zip", b"\n" + zipped({"n.txt": HIDDEN})),
     ("E401", "content/a.zip", None)),
    ("zip holding a Big5 text", lambda r: write(r, "content/a.zip", zipped({"n.txt": "董振邦".encode("big5")})),
     ("E403", "content/a.zip", None)),
    ("percent-encoded hidden name in a public URL", lambda r: replace(r, I, "  hours: 工作日 9:00—17:00\n",
                                                                      "  hours: 工作日 9:00—17:00\n  website: https://x.org/%E5%91%A8%E5%8C%BB%E7%94%9F\n"),
     ("E401", I, 8)),
    ("zip holding a macro", lambda r: write(r, "content/t.xlsx", zipped({"xl/vbaProject.bin": b"x"})),
     ("E403", "content/t.xlsx", None)),
    ("two gzip members", lambda r: write(r, "content/n.txt.gz", gzip.compress(b"ok") + gzip.compress(HIDDEN.encode())),
     ("E401", "content/n.txt.gz", None)),
    ("PNG with a broken zTXt chunk", lambda r: write(r, "content/b.png", png_with_text("x").replace(b"x\x9c", b"x\x00", 1)),
     ("E403", "content/b.png", None)),
    ("docx with the name split across runs",
     lambda r: write(r, "content/form.docx", zipped({"word/document.xml": "<w:t>周</w:t><w:t>医生</w:t>"})),
     ("E401", "content/form.docx", None)),
    ("xlsx shared strings", lambda r: write(r, "content/t.xlsx", zipped({"xl/sharedStrings.xml": f"<si><t>{MOBILE}</t></si>"})),
     ("E401", "content/t.xlsx", None)),
    ("zip archive of a GBK file (cannot be read for certain)",
     lambda r: write(r, "content/a.zip", zipped({"n.txt": HIDDEN.encode("gbk")})), ("E403", "content/a.zip", None)),
    ("zip archive of a UTF-8 file", lambda r: write(r, "content/a.zip", zipped({"n.txt": HIDDEN})),
     ("E401", "content/a.zip", None)),
    ("gzip text", lambda r: write(r, "content/n.txt.gz", gzip.compress(HIDDEN.encode("utf-8"))),
     ("E401", "content/n.txt.gz", None)),
    ("a PDF attachment", lambda r: write(r, "content/附件.pdf", pdf_with(HIDDEN)), ("E401", "content/附件.pdf", None)),
    ("PNG text chunk", lambda r: write(r, "content/logo.png", png_with_text(HIDDEN)), ("E401", "content/logo.png", None)),
    ("JPEG comment", lambda r: write(r, "content/photo.jpg", jpeg_with_comment(f"摄影 {HIDDEN}")),
     ("E401", "content/photo.jpg", None)),
    ("zip bomb", lambda r: write(r, "content/bomb.zip", zip_bomb()), ("E403", "content/bomb.zip", None)),
    ("encrypted zip", lambda r: write(r, "content/secret.zip", zipped({"a.txt": "x"}, encrypted=True)),
     ("E403", "content/secret.zip", None)),
    ("SVG (script, unreadable text)", lambda r: write(r, "content/logo.svg", "<svg onload='alert(1)'/>"),
     ("E018", "content/logo.svg", None)),
    ("legacy .doc", lambda r: write(r, "content/form.doc", b"\xd0\xcf\x11\xe0"), ("E018", "content/form.doc", None)),
    ("file without extension", lambda r: write(r, "content/README", "x"), ("E018", "content/README", None)),
    ("JavaScript file", lambda r: write(r, "content/x.js", "alert(1)"), ("E018", "content/x.js", None)),
    ("GBK Markdown", lambda r: write(r, "content/index.md", "# 首页\n\n说明\n".encode("gbk")), ("E002", "content/index.md", 1)),
    ("name not UTF-8", lambda r: write(r, os.fsdecode(b"content/\xff\xfe.txt"), "x"), ("E017", "content/\\xff\\xfe.txt", None)),
    ("symlink to /etc/passwd", lambda r: symlink(r, "content/pw.txt", "/etc/passwd"), ("E016", "content/pw.txt", None)),
    ("symlinked folder", lambda r: symlink(r, "content/etc", "/etc"), ("E016", "content/etc", None)),
    ("broken symlink", lambda r: symlink(r, "content/gone.md", "/nonexistent/x.md"), ("E016", "content/gone.md", None)),
    ("FIFO in content", lambda r: os.mkfifo(r / "content" / "pipe.md"), ("E015", "content/pipe.md", None)),
    ("policies/index.md", lambda r: shutil.copy(r / "content/policies/cq-2002-110.md", r / "content/policies/index.md"),
     ("E019", "content/policies/index.md", None)),
    ("page at a generated path", lambda r: write(r, "content/categories.md", "# x\n"), ("E019", "content/categories.md", None)),
    ("file under experts/", lambda r: write(r, "content/experts/uni.md", "# x\n"), ("E019", "content/experts/uni.md", None)),
    # ---- public fields quoting what is hidden ----
    ("policy issuer is a hidden expert", lambda r: replace(r, "content/policies/cq-2002-110.md", "issuer: ",
                                                               f"issuer: {HIDDEN}"), ("E401", "content/policies/cq-2002-110.md", None)),
    ("leader name wraps a hidden name", lambda r: replace(r, "data/leaders.yaml", "  name: ", f"  name: 甲（代{HIDDEN}）"),
     ("E401", "data/leaders.yaml", None)),
    ("institution functions quote a hidden expert",
     lambda r: replace(r, I, "    - 受理专家服务申请\n", f"    - 受理专家服务申请（联系人：{HIDDEN}）\n"), ("E401", I, 4)),
    ("institution hours quote a mobile", lambda r: replace(r, I, "  hours: 工作日 9:00—17:00\n",
                                                           f"  hours: 工作日 9:00—17:00，手机 {MOBILE}\n"), ("E401", I, 7)),
    ("hidden name inside a longer public name is that name",
     lambda r: replace(r, E, "  name: 吴工\n", f"  name: {HIDDEN}甲\n"), CLEAN),
    # ---- experts' 动态: an illness anywhere, the intranet's transfers and a hidden expert's award in public ----
    ("illness quoted in index.md", lambda r: write(r, "content/index.md", f"# 首页\n\n吴工{ILLNESS}。\n"),
     ("E401", "content/index.md", 3)),
    ("illness in a PDF attachment", lambda r: write(r, "content/附件.pdf", pdf_with(ILLNESS)), ("E401", "content/附件.pdf", None)),
    ("illness in xlsx shared strings", lambda r: write(r, "content/t.xlsx", zipped({"xl/sharedStrings.xml": f"<si><t>{ILLNESS}</t></si>"})),
     ("E401", "content/t.xlsx", None)),
    ("illness quoted in a public field", lambda r: replace(r, I, "    - 受理专家服务申请\n", f"    - 受理专家服务申请（{ILLNESS}）\n"),
     ("E401", I, 4)),
    ("a transfer quoted in index.md", lambda r: write(r, "content/index.md", f"# 首页\n\n{TRANSFER}\n"), ("E401", "content/index.md", 3)),
    ("a hidden expert's award quoted in index.md",
     lambda r: (replace(r, E, "  public_consent: false\n", "  public_consent: false\n  events:\n    - date: 2025-05-01\n"
                                                            f"      kind: award\n      summary: {HIDDEN_AWARD}\n"),
                write(r, "content/index.md", f"# 首页\n\n{HIDDEN_AWARD}\n")), ("E401", "content/index.md", 3)),
    ("a public award names a hidden expert", lambda r: replace(r, E, "      summary: 获测试市科学技术进步奖二等奖（第一完成人）\n",
                                                               f"      summary: 与{HIDDEN}合作获测试市科学技术进步奖二等奖\n"), ("E401", E, 83)),
    ("a hidden expert's events are the expert's", lambda r: replace(r, E, "  public_consent: false\n",
                                                                    "  public_consent: false\n  events:\n    - date: 2025-05-01\n"
                                                                    f"      kind: award\n      summary: {HIDDEN_AWARD}\n"), CLEAN),
    # ---- data files that are not data ----
    ("site.yaml links outside", lambda r: ((r / "data/site.yaml").unlink(), symlink(r, "data/site.yaml", "/etc/hostname")),
     ("E016", "data/site.yaml", None)),
    ("experts.yaml is a FIFO", lambda r: fifo(r, E), ("E015", E, None)),
    ("units.yaml is a folder", lambda r: folder_instead(r, "data/units.yaml"), ("E015", "data/units.yaml", None)),
    ("rules.yaml is '---' alone", lambda r: write(r, "data/rules.yaml", "---\n"), ("E004", "data/rules.yaml", 1)),
    ("term of a million years", lambda r: write(r, "data/rules.yaml", "term:\n  clause: 第四条\n  max_years: 999999999\n"
                                                "  ending_soon_days: 60\n"), ("E113", "data/rules.yaml", 3)),
    ("a date in year 9999", lambda r: replace(r, P, "  end: 2027-06-30\n", "  end: 9999-12-31\n"), ("E113", P, 5)),
    ("birth in 1800", lambda r: replace(r, E, "  birth: 1950-01\n", "  birth: 1800-01\n"), ("E113", E, 4)),
    ("a pairing without id", lambda r: replace(r, P, "- id: p1\n", "- leader_note: x\n"), ("E101", P, 1)),
    ("100,000 unknown keys", lambda r: replace(r, I, "  hours: 工作日 9:00—17:00\n",
                                                "  hours: 工作日 9:00—17:00\n" + "".join(f"  k{i}: v\n" for i in range(100_000))),
     ("E101", I, 8)),
    ("'#' inside a quoted flow value", lambda r: replace(r, E, "  contact: {mobile: 013912345678, email: zhang@example.com}",
                                                         '  contact: {mobile: 013912345678, address: "3#楼"}'), CLEAN),
    # ---- configuration is input ----
    ("mkdocs.yml runs a Python tag", lambda r: write(r, "mkdocs.yml", _config(r) + "x: !!python/object/apply:os.system [touch PWNED]\n"),
     ("E501", "mkdocs.yml", None)),
    ("mkdocs.yml INHERIT", lambda r: write(r, "mkdocs.yml", "INHERIT: base.yml\n" + _config(r)), ("E505", "mkdocs.yml", 1)),
    ("templates from content/", lambda r: write(r, "mkdocs.yml", _config(r).replace("  name: material\n",
                                                                                   "  name: material\n  custom_dir: content\n")),
     ("E504", "mkdocs.yml", None)),
    ("snippets extension", lambda r: write(r, "mkdocs.yml", _config(r).replace("  - md_in_html\n",
                                                                               "  - md_in_html\n  - pymdownx.snippets\n")),
     ("E505", "mkdocs.yml", None)),
    ("markup in copyright", lambda r: write(r, "mkdocs.yml", _config(r) + "copyright: '<img src=x onerror=alert(1)>'\n"),
     ("E505", "mkdocs.yml", None)),
    ("plugin option project_dir", lambda r: write(r, "mkdocs.yml", _config(r).replace(
        "      profile: !ENV [EXPERT_GUIDE_PROFILE, public]", "      profile: public\n      project_dir: x")),
     ("E505", "mkdocs.yml", None)),
    ("plugin profile not a profile", lambda r: write(r, "mkdocs.yml", _config(r).replace(
        "      profile: !ENV [EXPERT_GUIDE_PROFILE, public]", "      profile: everyone")), ("E505", "mkdocs.yml", None)),
    ("font name with markup", lambda r: write(r, "mkdocs.yml", _config(r).replace(
        "  font: false", "  font: {text: \"R'</style><script>alert(1)</script>\"}")), ("E505", "mkdocs.yml", None)),
    ("script from content/", lambda r: write(r, "mkdocs.yml", _config(r).replace(
        "  - assets/javascripts/expert-guide.js", "  - notes.txt")), ("E505", "mkdocs.yml", None)),
    ("javascript: homepage in extra", lambda r: write(r, "mkdocs.yml", _config(r).replace(
        "  generator: false", "  generator: false\n  homepage: javascript:alert(1)")), ("E505", "mkdocs.yml", None)),
    ("favicon from another site", lambda r: write(r, "mkdocs.yml", _config(r).replace(
        "  language: zh", "  language: zh\n  favicon: https://tracker.example/p.ico")), ("E505", "mkdocs.yml", None)),
    ("mkdocs.yml nested 100,000 deep", lambda r: write(r, "mkdocs.yml", _config(r) + "x: " + "[" * 100_000 + "]" * 100_000 + "\n"),
     ("E009", "mkdocs.yml", None)),
    ("mkdocs.yml alias bomb", lambda r: write(r, "mkdocs.yml", _config(r).replace("  generator: false", "  generator: false")
                                              + "y: &a [x, x]\nz: [*a, *a]\n"), ("E007", "mkdocs.yml", None)),
    ("mkdocs.yml hooks", lambda r: write(r, "mkdocs.yml", _config(r) + "hooks:\n  - evil.py\n"), ("E502", "mkdocs.yml", None)),
    ("mkdocs.yml without the plugin", lambda r: write(r, "mkdocs.yml", _config(r).replace("  - expert-guide:", "  - unrelated:")),
     ("E503", "mkdocs.yml", None)),
    ("docs_dir outside", lambda r: write(r, "mkdocs.yml", _config(r).replace("docs_dir: content", "docs_dir: /etc")),
     ("E504", "mkdocs.yml", None)),
]


def _config(root: Path) -> str:
    from conftest import ROOT

    return (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(MINIMAL, project)
    return project


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_project(root, case):
    _name, mutate, expected = case
    mutate(root)
    result = check(root, today=TODAY)
    lines = [d.text() for d in result.diagnostics]
    assert not any("Traceback" in line for line in lines)
    if expected == CLEAN:
        assert not result.errors, lines
        return
    code, path, line = expected
    found = [d for d in result.errors if d.code == code and d.location.path == path]
    assert found, f"expected {code} at {path}: {lines}"
    if line is not None:
        assert any(d.location.line == line for d in found), f"expected line {line}: {[d.text() for d in found]}"
    assert not (root / "PWNED").exists()


def test_the_table_covers_every_class():
    """Every code of the trust issue has at least one hostile project."""
    codes = {c[2][0] for c in CASES if c[2] != CLEAN}
    assert {"E002", "E004", "E015", "E016", "E017", "E018", "E019", "E101", "E113", "E401", "E403", "E501", "E502",
            "E503", "E504", "E505"} <= codes
    assert len(CASES) >= 80


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if c[2] == CLEAN], ids=[c[0] for c in CASES if c[2] == CLEAN])
def test_clean_cases_publish_nothing_hidden(root, tmp_path, case):
    """The CLEAN rows are built, and the whole output read by the independent decoder."""
    from decode import occurrences

    from generator.build import build_site

    case[1](root)
    site = build_site(root, out=tmp_path / "site", today=TODAY).out
    assert occurrences(site, HIDDEN, inside=(HIDDEN + "甲",)) == []
    for value in (MOBILE, ID_NUMBER, "zhang@example.com", "3#楼", ILLNESS, TRANSFER, HIDDEN_AWARD):
        assert occurrences(site, value) == [], value
    assert occurrences(site, HIDDEN + "甲") or case[0] != "hidden name inside a longer public name is that name"
