"""Generated schemas are current, every data file points an editor at its schema, every command and code is documented."""
from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

from generator.cli import build_parser
from generator.validate.rules import RULES
from generator.codes import CODES
from generator.schema import render_schema, schemas

SCHEMA_DIR = ROOT / "generator" / "schemas"


def test_committed_schemas_match_the_models(update_golden):
    generated = schemas()
    if update_golden:
        for name, schema in generated.items():
            (SCHEMA_DIR / name).write_text(render_schema(schema), encoding="utf-8")
    on_disk = {p.name for p in SCHEMA_DIR.glob("*.json")}
    assert on_disk == set(generated), "run: make schema"
    for name, schema in generated.items():
        assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == render_schema(schema), f"{name} is stale: make schema"


def test_schema_rejects_unknown_keys_and_lists_visibility():
    experts = schemas()["experts.json"]["items"]
    assert experts["additionalProperties"] is False
    assert "confidential" in experts["required"] and "public_consent" in experts["required"]
    assert experts["properties"]["id_number"]["description"].endswith("（保密，不出现在任何输出中）")
    assert experts["properties"]["contact"]["description"].startswith("联系方式（仅内网）")


def _data_files():
    return sorted(p for p in (ROOT / "data").rglob("*.yaml"))


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_sample_data_file_names_its_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{path.name}: first line must be the yaml-language-server $schema comment"
    target = (path.parent / match.group(1)).resolve()
    assert target.is_file(), target
    collection = path.parent.name if path.parent.name != "data" else path.stem
    assert target.name == f"{collection}.json"
    json.loads(target.read_text(encoding="utf-8"))


def test_readme_documents_every_command_and_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for command in commands:
        assert f"expert-guide {command}" in readme, command
    for code in CODES.values():  # the tables are generated (tests/test_readme.py); this is the end result
        assert f"| {code.code} |" in readme and code.title in readme, code.code
