"""JSON Schema for every data file, generated from the models (数据文件的 JSON Schema)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .fields import Record, Spec
from .models import COLLECTIONS, CalendarYear, Policy, Site
from .ruleset import RuleSet
from .kinds import schema_fragment

_VIS = {"public": "公开", "internal": "仅内网", "secret": "保密，不出现在任何输出中"}


MARK = "由 expert-guide schema 生成，请勿手工修改"


def _spec(spec: Spec, narrowed: bool = False) -> dict[str, Any]:
    if spec.kind == "object":
        out = object_schema(spec.model)
    elif spec.kind == "list":
        assert spec.item is not None
        out = {"type": "array", "items": _spec(spec.item)}
    else:
        out = schema_fragment(spec)
    # a record that narrows its fields by what it holds (Record.ceiling: an expert's 动态 by kind) says so
    vis = _VIS[spec.vis] + ("，按类型可能更窄" if narrowed and spec.vis != "secret" else "")
    described = f"{spec.label}（{vis}）" + (f"：{spec.doc}" if spec.doc else "")
    out["description"] = f"{described}；{out['description']}" if "description" in out else described
    return out


def object_schema(model: Any, *, all_optional: bool = False) -> dict[str, Any]:
    specs: dict[str, Spec] = model._specs
    out: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: _spec(spec, model.ceiling is not Record.ceiling) for name, spec in specs.items()},
    }
    required = [name for name, spec in specs.items() if spec.required]
    if required and not all_optional:
        out["required"] = required
    if model.__doc__:
        out["title"] = model.__doc__.strip().splitlines()[0]
    return out


def schemas() -> dict[str, dict[str, Any]]:
    """File name → schema: one per data file, plus the policy front matter."""
    base = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$comment": MARK}
    out = {
        "site.json": {**base, **object_schema(Site)},
        "rules.json": {**base, **object_schema(RuleSet, all_optional=True)},
        "policy.json": {**base, **object_schema(Policy)},
        "calendar.json": {**base, **object_schema(CalendarYear)},
    }
    for name, model in COLLECTIONS.items():
        out[f"{name}.json"] = {**base, "type": "array", "title": model.__doc__.strip().splitlines()[0],
                               "items": object_schema(model)}
    return out


def render_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


class SchemaError(Exception):
    """Nothing was written."""


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder``: a new folder, or one holding only schemas this command wrote."""
    out = schemas()
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise SchemaError(f"{folder} 已存在且不是目录")
    for parent in [folder.resolve(), *folder.resolve().parents]:
        if parent.name in ("data", "content") and (parent.parent / "data").is_dir() and (
                (parent.parent / "content").is_dir() or (parent.parent / "mkdocs.yml").is_file()):
            raise SchemaError(f"{folder} 在项目的 {parent.name}/ 目录中：那里的每个文件都会被读取或发布")
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            ours = path.name in out and path.is_file() and not path.is_symlink() and MARK in path.read_text(
                encoding="utf-8", errors="replace")
            if not ours:
                raise SchemaError(f"{folder} 中已有不是本命令写出的文件（{path.name}）：请给一个新目录或只含 schema 的目录")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in out.items():
        path = folder / name
        path.write_text(render_schema(schema), encoding="utf-8")
        written.append(path)
    return written
