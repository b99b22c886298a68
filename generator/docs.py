"""README.md's generated parts: the tables of codes, rules, commands and kinds of 动态 (生成说明文档).

Each part sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` and is written from the
one place its facts live: generator/codes.py, generator/profiles/*.yaml, the parser of generator/cli.py,
models.EVENT_KINDS.
``make docs`` (``python -m generator.docs``) rewrites them; ``--check`` and tests/test_readme.py fail
when README.md differs from what would be written.
"""
from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path
from typing import Any, Callable

from .cli import build_parser
from .codes import CODES, SEVERITY_NAMES
from .diagnostics import Diagnostics, format_text
from .load.project import load_profile
from .fields import ALLOWED
from .models import EVENT_KINDS, TIER_NAMES, TIERS, Site
from .validate.rules import RULES
from .ruleset import (DEFAULT_SEVERITY, Feedback, LeaderLoad, RegularContact, Review, RuleSet, Symposium, Term,
                      TierEligibility)

UPDATE = "make docs"  # how to bring README.md up to date, as the messages say it
_BLOCK = re.compile(r"(<!-- (\w+):start -->\n).*?(<!-- \2:end -->)", re.S)


def _row(*cells: str) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _note(source: str) -> str:
    return f"<!-- 由 {source} 生成（{UPDATE}），请勿手改 -->\n"


# ---- diagnostic codes ----

def code_table() -> str:
    lines = [_row("代码", "级别", "阶段", "含义"), "|---|---|---|---|"]
    lines += [_row(c.code, c.severity_name, c.stage_name, c.title) for c in CODES.values() if c.code[0] in "EW"]
    return _note("generator/codes.py") + "\n".join(lines) + "\n"


# ---- rules, and each built-in profile's settings ----

def profiles() -> dict[str, RuleSet]:
    """Every built-in profile, as a project naming it in site.yaml would get it."""
    diags, out = Diagnostics(), {}
    for name in Site._specs["rules_profile"].choices:
        rules = load_profile(name, diags)
        if rules is not None:
            out[name] = rules
    if diags.items:
        raise ValueError("规则配置有错误：\n" + format_text(diags))
    return out


def _range(tier: str, load: Any) -> str:
    if load.max is None:
        return f"{TIER_NAMES[tier]}至少 {load.min} 名"
    return f"{TIER_NAMES[tier]} " + (f"{load.min} 名" if load.min == load.max else f"{load.min}–{load.max} 名")


def _params(section: Any) -> list[str]:
    if isinstance(section, LeaderLoad):
        return ["，".join(_range(tier, getattr(section, tier)) for tier in TIERS)]
    if isinstance(section, Term):
        return [f"不超过 {section.max_years} 年，期满前 {section.ending_soon_days} 天起提醒"]
    if isinstance(section, Feedback):
        return [f"个人困难 {section.personal_days} 个工作日，意见建议 {section.suggestion_months} 个月"]
    if isinstance(section, Review):
        return [f"每 {section.max_months} 个月核对一次"]
    if isinstance(section, Symposium):
        return [f"每年 {section.from_month} 月 {section.from_day} 日起检查当年"]
    if isinstance(section, RegularContact):
        return [f"{section.max_months} 个月内至少一次联系活动"]
    if isinstance(section, TierEligibility):
        categories = "、".join(f"`{c}`" for c in section.bureau_categories)
        out = [f"局领导限类别 {categories}" if categories else "局领导不限类别"]
        if section.department_same_system:
            out.append("部门领导限本系统")
        ranks = "、".join(section.district_title_ranks) or "—"
        degrees = "、".join(section.district_degrees) or "—"
        region = "本地区的" if section.district_same_region else ""
        out.append(f"区县领导限{region}联系对象类别、{ranks}职称或{degrees}学位的专家")
        return ["，".join(out)]
    return []


def _setting(rule: Any, rules: RuleSet) -> str:
    section = getattr(rules, rule.SECTION)
    if section is None:  # an optional section the profile leaves out: the policy does not state it
        return "未规定；不检查"
    if "severity" in section._specs and section.severity == "off":
        return f"{section.clause}；不检查"
    parts = [section.clause, *_params(section)]
    if "severity" in section._specs:  # otherwise the rule fixes each finding's severity itself
        severity = section.severity or DEFAULT_SEVERITY
        parts.append({**SEVERITY_NAMES, "off": "关闭"}[severity])
    return "；".join(parts)


def rule_table() -> str:
    loaded = profiles()
    lines = [_row("代码", "规则", "内容", *(f"`{name}`" for name in loaded)), "|---|---|---|" + "---|" * len(loaded)]
    for rule in RULES:
        code = CODES[rule.CODE]
        lines.append(_row(code.code, code.title, code.detail, *(_setting(rule, r) for r in loaded.values())))
    lines += ["", "R210 的时限（节 `feedback`）也由网站与指南印出；配置中没有这一节时不印出、不计算到期日。"
                  "R210–R213 只发警告（`severity` 只能是 `warning` 或 `off`）。"]
    return _note("generator/codes.py 与 generator/profiles/*.yaml") + "\n".join(lines) + "\n"


# ---- commands ----

def _value(action: argparse.Action) -> str:
    if action.nargs == 0:
        return ""
    if action.choices:
        return " {" + ",".join(action.choices) + "}"
    return f" {action.metavar or action.dest.upper()}"


def _usage(action: argparse.Action) -> str:
    if not action.option_strings:
        name = action.metavar or action.dest
        return f"[{name}]" if action.nargs == "?" else str(name)
    option = f"{action.option_strings[0]}{_value(action)}"
    return option if action.required else f"[{option}]"


def _name(action: argparse.Action) -> str:
    if not action.option_strings:
        return str(action.metavar or action.dest)
    return ", ".join(action.option_strings) + _value(action)


def command_table() -> str:
    parser = build_parser()
    commands = [_row("命令", "作用"), "|---|---|"]
    options = [_row("命令", "参数或选项", "含义"), "|---|---|---|"]
    for name, command, help_text in _commands(parser, parser.prog):
        actions = [a for a in command._actions if not isinstance(a, argparse._HelpAction)]
        synopsis = " ".join([name, *(_usage(a) for a in actions)])
        commands.append(_row(f"`{synopsis}`", help_text))
        short = name.removeprefix(parser.prog + " ")
        options += [_row(short, f"`{_name(a)}`", a.help or "") for a in actions]
    return _note("generator/cli.py") + "\n".join(commands) + "\n\n" + "\n".join(options) + "\n"


def _commands(parser: argparse.ArgumentParser, prefix: str) -> list[tuple[str, argparse.ArgumentParser, str]]:
    """(full name, parser, help) of every command, the steps of a command with its own subcommands included."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help or "" for a in sub._choices_actions}
    out = []
    for name, command in sub.choices.items():
        if any(isinstance(a, argparse._SubParsersAction) for a in command._actions):
            out += _commands(command, f"{prefix} {name}")
        else:
            out.append((f"{prefix} {name}", command, helps[name]))
    return out


# ---- the kinds of an expert's 动态 ----

def event_table() -> str:
    """Each kind of 动态 and where it is shown, from models.EVENT_KINDS."""
    lines = [_row("`kind`", "类型", "公开版", "内网版", "说明"), "|---|---|---|---|---|"]
    for kind, info in EVENT_KINDS.items():
        public = "显示（只在公开的专家的卡片上）" if info.ceiling in ALLOWED["public"] else "不显示"
        intranet = "显示" if info.ceiling in ALLOWED["intranet"] else "不显示内容和日期，只显示“另有 N 条不公开的记录”"
        lines.append(_row(f"`{kind}`", info.name, public, intranet, info.doc))
    return _note("generator/models.py 的 EVENT_KINDS") + "\n".join(lines) + "\n"


PARTS: dict[str, Callable[[], str]] = {"codes": code_table, "rules": rule_table, "commands": command_table,
                                       "events": event_table}


def render(text: str) -> str:
    """``text`` with every generated part rewritten; a part missing its markers is an error."""
    seen: set[str] = set()

    def part(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in PARTS:
            raise ValueError(f"未知的生成部分“{name}”：可用的有 {'、'.join(PARTS)}")
        seen.add(name)
        return match.group(1) + PARTS[name]() + match.group(3)

    out = _BLOCK.sub(part, text)
    missing = [name for name in PARTS if name not in seen]
    if missing:
        raise ValueError("缺少标记：" + "、".join(f"<!-- {n}:start --> … <!-- {n}:end -->" for n in missing))
    return out


def stale(path: Path) -> str:
    """A diff of what ``make docs`` would change in ``path``; empty when it is current."""
    text = path.read_text(encoding="utf-8")
    diff = difflib.unified_diff(text.splitlines(keepends=True), render(text).splitlines(keepends=True),
                                f"{path.name}（现有）", f"{path.name}（应为）")
    return "".join(diff)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.docs", description="重新生成 README.md 中由代码生成的表格。")
    parser.add_argument("readme", nargs="?", default="README.md", help="要更新的文件（默认 README.md）")
    parser.add_argument("--check", action="store_true", help="只检查，不写入：过期时列出差异，退出码 1")
    args = parser.parse_args(argv)
    path = Path(args.readme)
    diff = stale(path)
    if args.check:
        if diff:
            sys.stdout.write(diff)
            print(f"{path} 中生成的表格已过期：运行 {UPDATE} 更新。", file=sys.stderr)
            return 1
        return 0
    if diff:
        path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"已更新 {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
