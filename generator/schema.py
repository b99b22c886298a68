"""JSON Schema for every data file, generated from the models (数据文件的 JSON Schema)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .fields import Spec
from .models import COLLECTIONS, Policy, Site
from .rules.params import RuleSet
from .validate.shape import _FORMATS, _ID, _MONTH

_VIS = {"public": "公开", "internal": "仅内网", "secret": "保密，不出现在任何输出中"}


def _scalar(spec: Spec) -> dict[str, Any]:
    kind = spec.kind
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "enum":
        return {"enum": list(spec.choices)}
    if kind == "date":
        return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
    if kind == "month":
        return {"type": "string", "pattern": f"^{_MONTH.pattern}$"}
    if kind in ("id", "ref"):
        out: dict[str, Any] = {"type": "string", "pattern": f"^{_ID.pattern}$"}
        if kind == "ref":
            out["description"] = f"{spec.ref} 中的编号"
        return out
    if kind == "phone":  # an unquoted number is read as a number by editors, as text by us
        return {"type": ["string", "integer"], "pattern": f"^{_FORMATS['phone'][0].pattern}$"}
    if kind == "int":
        low, high = spec.bounds
        return {"type": ["integer", "string"], "pattern": f"^{_FORMATS['int'][0].pattern}$", "minimum": low,
                "maximum": high}
    if kind in ("email", "url"):
        return {"type": "string", "pattern": f"^{_FORMATS[kind][0].pattern}$"}
    # Text is read as written; an editor reading YAML 1.2 sees a digits-only value as a number.
    return {"type": ["string", "number"], "minLength": 1}


def _spec(spec: Spec) -> dict[str, Any]:
    if spec.kind == "object":
        out = object_schema(spec.model)
    elif spec.kind == "list":
        assert spec.item is not None
        out = {"type": "array", "items": _spec(spec.item)}
    else:
        out = _scalar(spec)
    described = f"{spec.label}（{_VIS[spec.vis]}）"
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
