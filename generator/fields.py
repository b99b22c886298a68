"""Field specifications: type, Chinese label and visibility of every data field (字段定义)."""
from __future__ import annotations

import dataclasses
from array import array
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar, dataclass_transform

from .diagnostics import Location
from .positions import unpack

Visibility = Literal["public", "internal", "secret"]
Kind = Literal["text", "multiline", "id", "ref", "date", "month", "bool", "enum",
               "phone", "email", "url", "int", "site_code", "icp", "police_record", "doc_number", "list", "object"]
Profile = Literal["public", "intranet"]

# Who may see what: a profile shows the fields whose visibility it allows (an allow-list).
PROFILES: tuple[Profile, ...] = ("public", "intranet")
ALLOWED: dict[str, frozenset[str]] = {"public": frozenset({"public"}), "intranet": frozenset({"public", "internal"})}
_BREADTH: dict[str, int] = {"public": 2, "internal": 1, "secret": 0}  # how many readers a visibility reaches


def narrower(a: Visibility, b: Visibility) -> Visibility:
    """The visibility that reaches fewer readers (public > internal > secret)."""
    return a if _BREADTH[a] <= _BREADTH[b] else b


@dataclass(frozen=True, slots=True)
class Spec:
    """What one field holds and who may see it.

    ``vis`` is an allow-list: ``public`` fields reach public output, ``internal``
    fields only the intranet, ``secret`` fields no output at all.
    """

    kind: Kind
    label: str
    vis: Visibility
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str = ""  # the collection an id refers to
    item: "Spec | None" = None  # for lists
    model: Any = None  # for objects
    doc: str = ""
    bounds: tuple[int, int] = (0, 1000)  # for integers: the smallest and largest value accepted
    identifies: bool = False  # names a person by itself (a name, an ID number): never excused by prose


def f(kind: Kind, label: str, vis: Visibility, *, required: bool = False, choices: tuple[str, ...] = (),
      ref: str = "", item: Spec | None = None, model: Any = None, doc: str = "",
      bounds: tuple[int, int] = (0, 1000), identifies: bool = False) -> Any:
    """Declare a model field; lists default to an empty tuple, others to None.

    Phones and emails always identify a person; ``identifies`` marks other such fields.

    A field specifier of ``record`` (PEP 681). Calls pass no ``default=``, so type checkers see
    every field as a required ``__init__`` parameter: the loader passes every field (None or
    ``()`` when absent), so the runtime defaults are never relied on.
    """
    identifies = identifies or kind in ("phone", "email")
    spec = Spec(kind, label, vis, required, choices, ref, item, model, doc, bounds, identifies)
    default: Any = () if kind == "list" else None
    return dataclasses.field(default=default, metadata={"spec": spec})


def item(kind: Kind, label: str, *, ref: str = "", model: Any = None, choices: tuple[str, ...] = ()) -> Spec:
    """The spec of a list's items (visibility is the list's)."""
    return Spec(kind, label, "public", True, choices, ref, None, model)


@dataclass(frozen=True, slots=True)
class At:
    """Where a record was written, and where each of its fields' values were (记录位置)."""

    path: str
    line: int
    col: int
    fields: array[int] | None  # one packed position per spec field, 0 when absent; None: no field positions


class Record:
    """Mixin for the frozen data models: field specs and located lookups."""

    __slots__ = ()
    _specs: ClassVar[dict[str, Spec]]  # set by @record, per model
    _index: ClassVar[dict[str, int]]
    at: At  # each model's last field, required and keyword-only: the loader always passes it

    @property
    def location(self) -> Location:
        at = self.at
        return Location(at.path, at.line, at.col)

    def ceiling(self) -> Visibility:
        """The widest visibility any field of this record may have; below it, each field's own decides.

        A record whose content makes it sensitive as a whole narrows it (an expert's 动态 by its kind,
        models.EVENT_KINDS): the view, the exposure and the audit all read fields through ``visibility``.
        """
        return "public"

    def visibility(self, name: str) -> Visibility:
        """Who may see the value of field ``name`` of this record: its declaration, within the record's ceiling."""
        return narrower(self._specs[name].vis, self.ceiling())

    def where(self, name: str) -> Location:
        """The location of one field's value, or of the record when the field is absent."""
        at = self.at
        packed = at.fields[self._index[name]] if at.fields is not None else 0
        if not packed:
            return Location(at.path, at.line, at.col)
        line, col, _flags = unpack(packed)
        return Location(at.path, line, col)


def specs_of(cls: type) -> dict[str, Spec]:
    return {fl.name: fl.metadata["spec"] for fl in dataclasses.fields(cls) if "spec" in fl.metadata}


_R = TypeVar("_R", bound=Record)

RECORDS: list[type[Record]] = []  # every model @record made, in the order of definition


def term(model: type[Record], name: str) -> str:
    """A field as a diagnostic names it in prose, key and label from its spec: ``answered（反馈日期）``.

    `check` prints it so (the key is what one writes in the file); the intranet's 校验报告 shows the
    label alone (render/pages.readable). A value to type is written in backticks instead: `responsible: true`.
    """
    return f"{name}（{model._specs[name].label}）"


def field_labels() -> frozenset[tuple[str, str]]:
    """Every (key, label) pair of every model's fields and list items: what ``term`` can write."""
    pairs = set()
    for model in RECORDS:
        for name, spec in model._specs.items():
            pairs.add((name, spec.label))
            if spec.item is not None:
                pairs.add((name, spec.item.label))
    return frozenset(pairs)


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, f))
def record(cls: type[_R]) -> type[_R]:
    """Class decorator: a frozen, slotted dataclass with its spec table attached.

    ``dataclass_transform`` tells type checkers what the decorator makes (it adds nothing at run time).
    """
    made = dataclass(frozen=True, slots=True)(cls)
    specs = specs_of(made)
    made._specs = specs
    made._index = {name: i for i, name in enumerate(specs)}
    RECORDS.append(made)
    return made
