"""The policy's numbers (term, feedback deadlines, experts per leader) come from the rule set, never the theme.

Content Markdown is the users' own text and may write them; the built-in templates may not.
"""
from __future__ import annotations

import dataclasses
import re

from conftest import TODAY

from generator.paths import THEME_DIR
from generator.render.pages import environment
from generator.render.pdf import guide_html
from generator.render.view import build_view, policy_numbers

# A number written as digits or Chinese numerals, then a unit the policy counts in; or a range of experts.
NUMBER = "[0-9０-９〇零一二两三四五六七八九十百]+"
LITERAL = re.compile(rf"{NUMBER}\s*(?:个\s*)?(?:工作日|月|年|天|名)|{NUMBER}\s*[-–—~～至到]\s*{NUMBER}")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _templates():
    return sorted(p for p in THEME_DIR.rglob("*.html") if p.is_file())


def test_templates_write_no_policy_numbers():
    found = []
    for path in _templates():
        text = JINJA.sub(" ", path.read_text(encoding="utf-8"))  # what Jinja prints from data is not a literal
        for match in LITERAL.finditer(text):
            found.append(f"{path.relative_to(THEME_DIR)}: “{match.group()}”")
    assert len(_templates()) >= 10
    assert not found, "print these from view.numbers (generator/render/view.py policy_numbers), not literals:\n" + \
        "\n".join(found)


def test_the_pattern_sees_the_literals_it_is_for():
    for text in ("一般为 2 年", "15 个工作日内", "1 个月内", "2–3 名", "两年", "十五个工作日", "2-3"):
        assert LITERAL.search(text), text
    for text in ("附件一　领导联系专家名单", "填报日期：　　年　　月　　日", "{{ loop.index }}. ", "分发给每一位专家"):
        assert not LITERAL.search(JINJA.sub(" ", text)), text


RULES_YAML = """\
term:
  clause: 第四条
  max_years: 3
  ending_soon_days: 60
feedback:
  clause: 第五条
  personal_days: 10
  suggestion_months: 2
"""


def _render(view, template: str) -> str:
    return environment().get_template(template).render(view=view, site=view.site, base="", page_url="", pdf=True)


def test_the_numbers_printed_are_the_rule_sets(project):
    project.write("data/rules.yaml", RULES_YAML)
    result = project.check()
    assert not result.errors, [d.text() for d in result.errors]
    view = build_view(result.project, "public", TODAY)
    assert view.numbers == {"term_years": 3, "consent": True, "feedback": {"personal_days": 10, "suggestion_months": 2}}
    assert "对口联系时间一般为 3 年。" in _render(view, "pairings.html")
    services = _render(view, "services.html")
    assert "个人困难的，10 个工作日内" in services and "意见或建议，2 个月内送达本人" in services
    guide = guide_html(view, project.root)
    assert "联系时间一般为 3 年。" in guide
    assert "<td>10 个工作日内</td>" in guide and "<td>2 个月内</td>" in guide


def test_a_profile_without_feedback_deadlines_prints_none(project):
    result = project.check()
    view = build_view(result.project, "public", TODAY)
    assert view.numbers["feedback"] == {"personal_days": 15, "suggestion_months": 1}  # chongqing-2002
    silent = dataclasses.replace(view, numbers=policy_numbers(dataclasses.replace(result.project.rules, feedback=None)))
    assert "专家反映的问题" not in _render(silent, "services.html")  # a service's own time limit may say 工作日
    assert "工作日" not in guide_html(silent, project.root).split('id="feedback"')[1].split("</section>")[0]
    assert policy_numbers(None) == {"term_years": None, "consent": False, "feedback": None}


# Sentences that only 渝人发〔2002〕110号 states: a profile without that rule never prints them.
CHONGQING_ONLY = {
    "consent": "征得本人和专家同意",
    "feedback": "各级人事部门、主管部门和专家所在单位",
}


def test_the_beijing_guide_says_nothing_only_chongqing_states(tmp_path):
    """京组发〔2014〕4号 has no consent rule, no term and no feedback deadline: neither the site nor the print says one."""
    from generator import check
    from generator.new import new_project

    root = new_project(tmp_path / "bj", "beijing-2014")
    project = check(root, today=TODAY).project
    view = build_view(project, "public", TODAY)
    pairings = environment().get_template("pairings.html").render(view=view, site=view.site, base="", page_url="",
                                                                  pdf=True)
    printed = guide_html(view, root)
    for rule, sentence in CHONGQING_ONLY.items():
        assert sentence not in pairings and sentence not in printed, rule
    assert "个工作日" not in printed and "一般为" not in printed and "一般为" not in pairings
    chongqing = build_view(check(new_project(tmp_path / "cq"), today=TODAY).project, "public", TODAY)
    assert all(s in guide_html(chongqing, tmp_path / "cq") for s in CHONGQING_ONLY.values())
