"""Every hostile case of the publication issue: a located Chinese error, or literal text — never a traceback."""
from __future__ import annotations

import re

import pytest

E = "data/experts.yaml"
I = "data/institutions.yaml"
LOCATED = re.compile(r"^data/[\w/.-]+:\d+:\d+: error E\d{3} ")

# (case, file, old, new, expectation): expectation is an error code, or ("literal", field, value).
# Cases whose exact message is pinned in test_diagnostics_table.py are not repeated here.
CASES = [
    ("unquoted 012345", E, "  field: 化学\n", "  field: 012345\n", ("literal", "e2", "field", "012345")),
    ("unquoted 013800000001", E, "  field: 化学\n", "  field: 013800000001\n", ("literal", "e2", "field", "013800000001")),
    ("unquoted +8613912345678", E, "  field: 化学\n", "  field: +8613912345678\n", ("literal", "e2", "field", "+8613912345678")),
    ("unquoted 12:30", E, "  field: 化学\n", "  field: 12:30\n", ("literal", "e2", "field", "12:30")),
    ("unquoted NO", E, "  field: 化学\n", "  field: NO\n", ("literal", "e2", "field", "NO")),
    ("unquoted 0x1F", E, "  field: 化学\n", "  field: 0x1F\n", ("literal", "e2", "field", "0x1F")),
    ("confidential 0", E, "  confidential: true\n", "  confidential: 0\n", "E104"),
    ("confidental: true", E, "  confidential: true\n", "  confidental: true\n", "E101"),
    ("markdown link", E, "  name: 吴工\n", "  name: '[x](javascript:alert(1))'\n", ("literal", "e5", "name", "[x](javascript:alert(1))")),
    ("attribute list", E, "  name: 吴工\n", "  name: '张三 {: onmouseover=alert(1) }'\n", ("literal", "e5", "name", "张三 {: onmouseover=alert(1) }")),
    ("img onerror", E, "  name: 吴工\n", "  name: '<img src=x onerror=alert(1)><!-- x -->'\n",
     ("literal", "e5", "name", "<img src=x onerror=alert(1)><!-- x -->")),
    ("table pipe", E, "  name: 吴工\n", "  name: 甲 | 乙\n", ("literal", "e5", "name", "甲 | 乙")),
    ("url file://", I, "  hours: 工作日 9:00—17:00\n", "  hours: 工作日 9:00—17:00\n  website: file:///etc/passwd\n", "E107"),
    ("url ../..", I, "  hours: 工作日 9:00—17:00\n", "  hours: 工作日 9:00—17:00\n  website: ../../etc/passwd\n", "E107"),
    ("url metadata host", I, "  hours: 工作日 9:00—17:00\n", "  hours: 工作日 9:00—17:00\n  website: http://169.254.169.254/\n", "E107"),
    ("url javascript:", I, "  hours: 工作日 9:00—17:00\n", "  hours: 工作日 9:00—17:00\n  website: 'javascript:alert(1)'\n", "E107"),
    ("zero-width space", E, "  name: 吴工\n", "  name: 吴\u200b工\n", "E109"),
    ("5,000-deep list", E, "  field: 化学\n", "  field: " + "[" * 5000 + "]" * 5000 + "\n", "E009"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_case(project, case):
    _name, rel, old, new, expectation = case
    if old is None:
        project.write(rel, new)
    else:
        project.replace(rel, old, new)
    result = project.check()
    lines = [d.text() for d in result.diagnostics]
    if isinstance(expectation, str):
        hits = [line for line in lines if f" error {expectation} " in line]
        assert hits and LOCATED.match(hits[0]), lines
    else:
        _kind, ident, field, value = expectation
        assert not result.errors, lines
        assert getattr(result.project.get("experts", ident), field) == value


def test_duplicate_ids_across_two_files(project):
    project.write("data/experts/extra.yaml", project.read(E).split("- id: e2")[0])
    assert any(" error E201 " in line for line in project.lines())


def test_alias_bomb_is_rejected_at_its_first_anchor(project):
    # Nine levels of four aliases each would expand to 4⁹ ≈ 262,000 nodes. The reader stops at the
    # first anchor, before any alias is resolved, so the cost does not depend on the bomb's depth.
    bomb = "- id: x\n  name: &a [lol]\n" + "".join(
        f"  f{i}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
    project.write(I, bomb)
    lines = project.lines()
    assert lines[0].startswith("data/institutions.yaml:2:9: error E007 不允许使用锚点（&a）")


# ---- an expert's 动态: the summary of e5's award (line 83 of the sample) ----
AWARD = "      summary: 获测试市科学技术进步奖二等奖（第一完成人）\n"

# (case, the summary as written in YAML, expectation: an error code, or the literal text the model must hold)
EVENT_CASES = [
    ("markdown link", "'[x](javascript:alert(1))'", ("literal", "[x](javascript:alert(1))")),
    ("img onerror", "'<img src=x onerror=alert(1)><!-- x -->'", ("literal", "<img src=x onerror=alert(1)><!-- x -->")),
    ("script", "'<script>alert(1)</script>'", ("literal", "<script>alert(1)</script>")),
    ("attribute list", "'获奖 {: onmouseover=alert(1) }'", ("literal", "获奖 {: onmouseover=alert(1) }")),
    ("table pipe", "甲 | 乙", ("literal", "甲 | 乙")),
    ("unquoted 12:30", "12:30", ("literal", "12:30")),
    ("unquoted NO", "NO", ("literal", "NO")),
    ("block with two lines", "|\n        第一行\n        第二行", ("literal", "第一行\n第二行\n")),
    ("zero-width space", "获\u200b奖", "E109"),
    ("right-to-left override", "获\u202e奖", "E109"),
    ("trailing comment", "获奖 #1", "E108"),
    ("python tag", "!!python/object/apply:os.system [echo pwned]", "E008"),
    ("anchor", "&a 获奖", "E007"),
    ("mapping instead of text", "{a: b}", "E103"),
    ("empty", "''", "E102"),
]


@pytest.mark.parametrize("case", EVENT_CASES, ids=[c[0] for c in EVENT_CASES])
def test_hostile_event_summary(project, case):
    _name, written, expectation = case
    project.replace(E, AWARD, f"      summary: {written}\n")
    result = project.check()
    lines = [d.text() for d in result.diagnostics]
    if isinstance(expectation, str):
        hits = [line for line in lines if f" error {expectation} " in line]
        assert hits and LOCATED.match(hits[0]) and hits[0].startswith("data/experts.yaml:83:"), lines
    else:
        assert not result.errors, lines
        award = next(e for e in result.project.get("experts", "e5").events if e.kind == "award")
        assert award.summary == expectation[1]


def test_every_invisible_format_character_is_refused():
    """The class, not instances: every format character (category Cf) and the invisible fillers and joiners
    outside it. U+180E glued a post into one unbreakable line over the next column of the printed 名单."""
    import unicodedata

    from generator.load.yamlio import has_invisible

    format_chars = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
    fillers = ["\u034f", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u3164", "\uffa0"]
    missed = [f"U+{ord(c):04X}" for c in format_chars + fillers if not has_invisible(f"主{c}任")]
    assert not missed, missed
    assert not has_invisible("张伟 Zhang Wei·阿卜杜热合曼（筹）——…")
    assert not has_invisible("\u1820\u180b\u1821 葛\U000e0100")  # variation selectors: Mongolian, ideographic
