"""A package's exported names, imported when first asked for (PEP 562): a worker process that imports one module of
the package does not import the rest (导出名按需导入)."""
from __future__ import annotations

import importlib
from typing import Any, Callable


def exported_when_asked(package: str, exported: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's ``__getattr__`` and ``__dir__``: each name of ``exported`` is taken from its module (relative
    to ``package``) when first asked for."""
    def get(name: str) -> Any:
        if name in exported:
            return getattr(importlib.import_module(f"{package}.{exported[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def names() -> list[str]:
        return sorted({*vars(importlib.import_module(package)), *exported})
    return get, names
