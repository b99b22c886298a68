"""generator/codes.py is the one table of diagnostic codes: read every code literal in generator/ and compare.

A code is issued where its literal is the code argument of ``….error(location, code, …)`` or
``….warning(…)``. A literal handed on instead (``return "E015", message``) takes the severity of the
calls in its module that pass a code held in a variable; the stage is the package of the module
(generator/load/ → load). Rules are found through generator.rules.RULES and their ``finding`` calls.
"""
from __future__ import annotations

import ast
import inspect
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT

from generator.codes import CODES, SEVERITY_NAMES, STAGE_NAMES
from generator.validate.rules import RULES
from generator.ruleset import DEFAULT_SEVERITY, RuleSet

PACKAGE = ROOT / "generator"
LITERAL = re.compile(r"[EW]\d{3}")
EMITTERS = ("error", "warning")  # Diagnostics.error / .warning (location, code, message)
BOTH = {"error", "warning"}


@dataclass(frozen=True)
class Use:
    code: str
    severity: str  # "?" when the test cannot tell
    stage: str
    where: str


def _callee(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _code_argument(call: ast.Call) -> ast.expr | None:
    keyword = next((k.value for k in call.keywords if k.arg == "code"), None)
    return keyword if keyword is not None else call.args[1] if len(call.args) > 1 else None


def _stage(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    if parts[:2] == ("validate", "rules"):
        return "rules"
    return parts[0] if len(parts) > 1 else Path(parts[0]).stem


def _uses_in(path: Path) -> list[Use]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    direct: dict[int, str] = {}  # id(literal) → severity of the call it is the code of
    handed_on: set[str] = set()  # severities of calls whose code is a variable
    literals: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node) in EMITTERS:
            code = _code_argument(node)
            if isinstance(code, ast.Constant):
                direct[id(code)] = _callee(node)  # type: ignore[assignment]
            elif code is not None:
                handed_on.add(_callee(node))  # type: ignore[arg-type]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and LITERAL.fullmatch(node.value):
            literals.append(node)
    rel = path.relative_to(ROOT).as_posix()
    uses = []
    for literal in literals:
        severities = {direct[id(literal)]} if id(literal) in direct else handed_on or {"?"}
        uses += [Use(literal.value, s, _stage(path), f"{rel}:{literal.lineno}") for s in sorted(severities)]
    return uses


def issued() -> list[Use]:
    """Every code literal in generator/ except the table itself."""
    paths = sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "codes.py")
    return [use for path in paths for use in _uses_in(path)]


def _by_code(uses: list[Use]) -> dict[str, list[Use]]:
    out: dict[str, list[Use]] = defaultdict(list)
    for use in uses:
        out[use.code].append(use)
    return out


def test_the_scan_finds_the_call_sites():
    uses = _by_code(issued())
    assert {u.where.split(":")[0] for u in uses["E013"]} == {"generator/load/project.py"}
    assert {u.severity for u in uses["E304"]} == {"warning"}
    assert {u.severity for u in uses["E017"]} == {"error"}  # returned as (code, message), issued by the caller
    assert len(uses) >= 40


def test_every_code_issued_is_registered():
    unknown = {code: [u.where for u in uses] for code, uses in _by_code(issued()).items() if code not in CODES}
    assert not unknown, f"codes issued but not in generator/codes.py: {unknown}"


def test_every_registered_code_is_issued():
    used = set(_by_code(issued())) | {rule.CODE for rule in RULES}
    unused = sorted(set(CODES) - used)
    assert not unused, f"codes in generator/codes.py that nothing issues: {unused}"


def test_codes_are_issued_with_the_registered_severities():
    wrong = []
    for code, uses in _by_code(issued()).items():
        if code not in CODES:
            continue
        found = {u.severity for u in uses}
        if "?" in found:
            wrong.append(f"{code}: cannot tell the severity at {[u.where for u in uses if u.severity == '?']}; "
                         "pass the code to diags.error/warning directly")
        elif found != set(CODES[code].severities):
            wrong.append(f"{code}: issued as {sorted(found)} at {[u.where for u in uses]}, "
                         f"registered as {list(CODES[code].severities)}")
    assert not wrong, "\n".join(wrong)


def test_codes_are_issued_from_the_registered_stages():
    wrong = []
    for code, uses in _by_code(issued()).items():
        found = {u.stage for u in uses}
        if code in CODES and found != set(CODES[code].stages):
            wrong.append(f"{code}: issued from {sorted(found)} ({[u.where for u in uses]}), "
                         f"registered as {list(CODES[code].stages)}")
    assert not wrong, "\n".join(wrong)


def _finding_severities(rule) -> set[str]:
    """What a rule's findings can be: a literal ``severity=``, else what its section allows."""
    section = RuleSet._specs[rule.SECTION].model
    configurable = "severity" in section._specs
    tree = ast.parse(inspect.getsource(type(rule)))
    out: set[str] = set()
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and _callee(n) == "finding"):
        severity = next((k.value for k in call.keywords if k.arg == "severity"), None)
        if isinstance(severity, ast.Constant):
            out.add(severity.value)
        else:
            out |= BOTH if configurable else {DEFAULT_SEVERITY}
    return out


def test_rules_are_registered_with_their_severities():
    rule_codes = {code for code in CODES if code.startswith("R")}
    assert [rule.CODE for rule in RULES] == sorted(rule_codes)
    for rule in RULES:
        entry = CODES[rule.CODE]
        assert entry.stages == ("rules",), rule.CODE
        assert Path(inspect.getsourcefile(type(rule))).parent == PACKAGE / "validate" / "rules", rule.CODE
        assert set(entry.severities) == _finding_severities(rule), rule.CODE
        assert entry.detail, rule.CODE


def test_registry_entries_are_well_formed():
    for key, entry in CODES.items():
        assert key == entry.code and re.fullmatch(r"[EWR]\d{3}", key), key
        assert entry.title and entry.severities and entry.stages, key
        assert set(entry.severities) <= set(SEVERITY_NAMES) and set(entry.stages) <= set(STAGE_NAMES), key
        assert len(set(entry.severities)) == len(entry.severities), key
    assert list(CODES) == sorted(CODES), "keep generator/codes.py in code order"


def test_rule_parameters_are_labelled_from_the_registry():
    for rule in RULES:
        assert RuleSet._specs[rule.SECTION].label == f"{rule.CODE} {CODES[rule.CODE].title}"
