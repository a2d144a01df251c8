"""The ledger kinds (``data/kinds.toml``): one CSV format per kind, its columns, types and key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

COLUMN_TYPES = frozenset({"year", "month", "date", "base", "country", "enum", "bool", "count", "quantity",
                          "percent", "rate", "currency", "text", "sha256"})
MONEY_COLUMNS = ("currency", "fx_cny_per_unit", "fx_source")
REPORTING_CURRENCY = "CNY"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    required: bool = True
    values: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    title: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    source: str
    status: str

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def has_money(self) -> bool:
        return "currency" in self.column_names

    @property
    def own_columns(self) -> tuple[Column, ...]:
        """The kind's columns without the common evidence columns."""
        common = {c.name for c in common_columns()}
        return tuple(c for c in self.columns if c.name not in common)


def _column(row: dict[str, Any], where: str) -> Column:
    kind = str(row["type"])
    if kind not in COLUMN_TYPES:
        raise ValueError(f"{where}: column {row.get('name')}: unknown type {kind!r}")
    return Column(str(row["name"]), kind, bool(row.get("required", True)), tuple(row.get("values", ())),
                  str(row.get("doc", "")))


@cache
def _document() -> dict[str, Any]:
    with resources.files("ultralow.ledger").joinpath("data", "kinds.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def common_columns() -> tuple[Column, ...]:
    return tuple(_column(row, "kinds.toml [common]") for row in _document()["common"]["columns"])


@cache
def kinds() -> dict[str, Kind]:
    """Every ledger kind by name."""
    out: dict[str, Kind] = {}
    for name, spec in _document()["kind"].items():
        where = f"kinds.toml [kind.{name}]"
        columns = tuple(_column(row, where) for row in spec["columns"]) + common_columns()
        names = {c.name for c in columns}
        missing = [k for k in spec["key"] if k not in names]
        if missing:
            raise ValueError(f"{where}: key names unknown columns {missing}")
        out[name] = Kind(name, str(spec["title"]), tuple(spec["key"]), columns, str(spec["source"]),
                         str(spec["status"]))
    return out


def kind_for_header(header: list[str]) -> Kind | None:
    """The kind whose required columns are all in ``header`` and whose columns cover it (None if none)."""
    given = set(header)
    for kind in kinds().values():
        required = {c.name for c in kind.columns if c.required}
        if required <= given and given <= set(kind.column_names):
            return kind
    return None
