"""The stages import one way: core → load → validate → render → publish, with the doors on top.

Read from the source (AST), so a new module or a new import is checked without anybody
remembering to list it; a module that is not placed in a layer fails the test too.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# Layer of each module (dotted name inside `generator`, by prefix); a module may import its own
# layer and the layers below it, never above.
LAYERS = [
    ("core", ("diagnostics", "codes", "positions", "kinds", "fields", "models", "ruleset", "project", "clock", "paths",
              "exposure", "extract", "pdftext", "workdays", "deadlines", "contacts", "cjk", "changes",
              "form", "transfers", "glyphs", "workers", "exports")),
    ("load", ("load",)),
    ("validate", ("validate",)),
    ("render", ("render",)),
    ("publish", ("publish", "audit")),
    ("doors", ("check", "build", "engine", "new", "forge", "provenance", "docs", "schema", "cli", "due", "diff", "mkdocs_plugin", "__init__", "__main__",
               "xlsx", "preview")),
]


def layer_of(module: str) -> int:
    first = module.split(".")[0]
    for number, (_name, prefixes) in enumerate(LAYERS):
        if first in prefixes:
            return number
    raise AssertionError(f"generator/{module.replace('.', '/')}.py is in no layer: place it in LAYERS")


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def imports(module: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module inside generator, imported names, line) for every import of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("generator"):
                target = node.module.removeprefix("generator").lstrip(".")
            else:
                continue
            names = [alias.name for alias in node.names]
            if not node.module and node.level:  # from . import x: x is a module
                for name in names:
                    found.append((f"{target}.{name}".strip("."), [], node.lineno))
            else:
                found.append((target, names, node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("generator."):
                    found.append((alias.name.removeprefix("generator."), [], node.lineno))
    return found


MODULES = modules()


@pytest.mark.parametrize("module,path", MODULES, ids=[m for m, _ in MODULES])
def test_imports_go_one_way(module, path):
    mine = layer_of(module)
    wrong = []
    for target, names, line in imports(module, path):
        if not target:
            target = names[0] if names else "__init__"
        if layer_of(target) > mine:
            wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target} "
                         f"({LAYERS[layer_of(target)][0]}) from the {LAYERS[mine][0]} layer")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module,path", MODULES, ids=[m for m, _ in MODULES])
def test_no_private_name_crosses_a_module(module, path):
    wrong = [f"{path.relative_to(PACKAGE.parent)}:{line} imports {name} from {target}"
             for target, names, line in imports(module, path) for name in names
             if name.startswith("_") and not name.startswith("__")]
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The test itself can fail: an import against the direction is caught."""
    path = tmp_path / "fields.py"
    path.write_text("from .load.yamlio import unpack\nfrom .validate.shape import _ID\n", encoding="utf-8")
    found = imports("fields", path)
    assert [layer_of(t) for t, _n, _l in found] == [1, 2]
    assert any(n.startswith("_") for _t, names, _l in found for n in names)
