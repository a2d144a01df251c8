"""The KPI definitions (``data/hkex.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class KpiDefinition:
    id: str
    title: str
    unit: str
    intensity_unit: str | None
    compute: str | None
    narrative: bool
    not_applicable: str | None
    reason: str | None
    note: str | None
    gri: tuple[str, ...]
    source: str
    status: str

    @property
    def part(self) -> str:
        return "D" if self.id.startswith("D.") else "C"


@cache
def definitions() -> tuple[KpiDefinition, ...]:
    with resources.files("ultralow.kpi").joinpath("data", "hkex.toml").open("rb") as fh:
        doc = tomllib.load(fh)
    return tuple(KpiDefinition(str(k["id"]), str(k["title"]), str(k.get("unit", "")), k.get("intensity_unit"),
                               k.get("compute"), bool(k.get("narrative", False)), k.get("not_applicable"),
                               k.get("reason"), k.get("note"), tuple(k.get("gri", ())), str(k["source"]),
                               str(k["status"])) for k in doc["kpi"])
