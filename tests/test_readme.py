"""README.md's tables are what `make docs` writes from the code; its prose names only registered codes."""
from __future__ import annotations

import re

import pytest
from conftest import ROOT

from generator import docs
from generator.codes import CODES

README = ROOT / "README.md"


def test_readme_tables_are_generated(update_golden):
    if update_golden:
        README.write_text(docs.render(README.read_text(encoding="utf-8")), encoding="utf-8")
    diff = docs.stale(README)
    assert not diff, f"README.md's generated tables are stale: run `{docs.UPDATE}` (python -m generator.docs)\n{diff}"


def test_readme_names_only_registered_codes():
    text = README.read_text(encoding="utf-8")
    named = set(re.findall(r"\b[EWR]\d{3}\b", text))
    for low, high in re.findall(r"\b([EWR]\d{3})–([EWR]\d{3})\b", text):  # a range such as E501–E505
        named |= {f"{low[0]}{n:03d}" for n in range(int(low[1:]), int(high[1:]) + 1)}
    assert named - set(CODES) == set(), sorted(named - set(CODES))


def test_generated_tables_follow_the_code():
    codes = docs.code_table()
    assert "| E304 | 警告 | 校验 | 已结束的联系缺少结束原因 |" in codes
    assert "| E015 | 错误 | 读取、校验 |" in codes
    assert "R201" not in codes and "R201" in docs.rule_table()
    assert "第三条；局领导 2–3 名，部门领导 2–3 名，区县领导 1–3 名" in docs.rule_table()
    commands = docs.command_table()
    pdf = "`expert-guide pdf [DIR] [--profile {public,intranet}] [--strict] [--today 年-月-日] [-q] [-o FILE] [--edition 版次] [--since OLD]`"
    assert f"| {pdf} |" in commands
    assert "| audit | `SITE_DIR` | 网站目录（如 site/） |" in commands


def test_render_needs_every_marker_pair():
    with pytest.raises(ValueError, match="codes:start"):
        docs.render("<!-- rules:start -->\n<!-- rules:end -->\n<!-- commands:start -->\n<!-- commands:end -->\n")
    with pytest.raises(ValueError, match="未知的生成部分"):
        docs.render(README.read_text(encoding="utf-8") + "<!-- other:start -->\n<!-- other:end -->\n")


def test_check_reports_a_hand_edit_and_update_repairs_it(tmp_path, capsys):
    copy = tmp_path / "README.md"
    copy.write_text(README.read_text(encoding="utf-8").replace("| E304 | 警告 |", "| E304 | 错误 |"), encoding="utf-8")
    assert docs.main([str(copy), "--check"]) == 1
    out, err = capsys.readouterr()
    assert "-| E304 | 错误 |" in out and "+| E304 | 警告 |" in out and "make docs" in err
    assert docs.main([str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")
    assert docs.main([str(copy), "--check"]) == 0
