"""Unit conversion with pint: the registry of ``data/units.pint`` and conversion into the vocabulary's units.

Each normalised unit of ``units.toml`` (``[normal]``: "t" = "tonne", "kWh" = "kilowatt_hour", "t CO2e" =
"tonne_CO2e", …) has a pint expression; a unit row that gives ``pint = "megatonne"`` has its factor computed
as the size of one of it in its normalised unit (1 Mt = 10^6 t) instead of a hand-written number.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


class UnitDataError(ValueError):
    """A unit row or definition that pint cannot read or convert."""


@cache
def registry(folder: str | None = None) -> Any:
    """A pint registry with only the definitions of ``units.pint`` (from ``folder`` or the packaged data)."""
    import pint

    reg: Any = pint.UnitRegistry(None)
    if folder is not None:
        text = (Path(folder) / "units.pint").read_text(encoding="utf-8")
    else:
        text = resources.files("ultralow.claims").joinpath("data", "units.pint").read_text(encoding="utf-8")
    lines = [ln.split("#", 1)[0].strip() for ln in text.splitlines()]
    for n, line in enumerate(lines, start=1):
        if line:
            try:
                reg.define(line)
            except Exception as exc:  # pint raises several kinds of definition errors
                raise UnitDataError(f"units.pint:{n}: {exc}") from exc
    return reg


def factor(expression: str, into: str, folder: str | None = None) -> float:
    """How many ``into`` one ``expression`` is: ``factor("megatonne", "tonne")`` = 1e6."""
    reg = registry(folder)
    try:
        return float(reg.Quantity(1.0, expression).to(into).magnitude)
    except Exception as exc:  # undefined unit, dimensionality mismatch
        raise UnitDataError(f"cannot convert {expression!r} into {into!r}: {exc}") from exc
