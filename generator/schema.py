"""JSON Schema for every data file, generated from the models (数据文件的 JSON Schema)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .fields import Spec
from .models import COLLECTIONS, Policy, Site
from .ruleset import RuleSet
from .kinds import schema_fragment

_VIS = {"public": "公开", "internal": "仅内网", "secret": "保密，不出现在任何输出中"}


def _spec(spec: Spec) -> dict[str, Any]:
    if spec.kind == "object":
        out = object_schema(spec.model)
    elif spec.kind == "list":
        assert spec.item is not None
        out = {"type": "array", "items": _spec(spec.item)}
    else:
        out = schema_fragment(spec)
    described = f"{spec.label}（{_VIS[spec.vis]}）" + (f"：{spec.doc}" if spec.doc else "")
    out["description"] = f"{described}；{out['description']}" if "description" in out else described
    return out


def object_schema(model: Any, *, all_optional: bool = False) -> dict[str, Any]:
    specs: dict[str, Spec] = model._specs
    out: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: _spec(spec) for name, spec in specs.items()},
    }
    required = [name for name, spec in specs.items() if spec.required]
    if required and not all_optional:
        out["required"] = required
    if model.__doc__:
        out["title"] = model.__doc__.strip().splitlines()[0]
    return out


def schemas() -> dict[str, dict[str, Any]]:
    """File name → schema: one per data file, plus the policy front matter."""
    base = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    out = {
        "site.json": {**base, **object_schema(Site)},
        "rules.json": {**base, **object_schema(RuleSet, all_optional=True)},
        "policy.json": {**base, **object_schema(Policy)},
    }
    for name, model in COLLECTIONS.items():
        out[f"{name}.json"] = {**base, "type": "array", "title": model.__doc__.strip().splitlines()[0],
                               "items": object_schema(model)}
    return out


def render_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / name
        path.write_text(render_schema(schema), encoding="utf-8")
        written.append(path)
    return written
