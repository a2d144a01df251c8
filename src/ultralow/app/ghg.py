"""GHG and CBAM services for every front end.

::

    from ultralow.app.ghg import ghg_inventory, cbam
    inv = ghg_inventory(store, 2025, regime="hkex")   # Inventory: scope1_t, scope2_t, bases, lines, intensities
    inv.to_json()["group"]                             # Scope 1/2, intensities per t aluminium and alumina
    both = pfc_comparison(store, 2025)                 # CF4/C2F6 per base with each coefficient set
    for r in cbam(store, 2025):                        # CbamResult per smelting installation
        r.see_direct_t_co2e_per_t, r.benchmark, r.default_with_markup

Only approved ledger rows are read (production, process parameters).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from ultralow.ghg.cbam import CbamResult, cbam_results, importer_summary
from ultralow.ghg.factors import regimes
from ultralow.ghg.inventory import Inventory, build_inventory
from ultralow.ledger.book import LedgerView, ledger_view
from ultralow.store import stored_registry
from ultralow.store.store import Store

__all__ = ["CbamResult", "Inventory", "REGIMES", "cbam", "cbam_from_view", "cbam_summary", "ghg_inventory",
           "inventory_from_view", "measured_co2", "pfc_comparison"]

REGIMES = regimes()
CO2_CODE = "a05001"  # HJ 212-2017 carbon dioxide
COAL_POWER_TYPES = ("coal_boiler",)


def _names(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    registry = stored_registry(store)
    if registry is None:
        return {}, {}
    return {b.id: b.country for b in registry.bases}, {b.id: b.name for b in registry.bases}


def inventory_from_view(view: LedgerView, year: int, regime: str = "hkex",
                        countries: dict[str, str] | None = None) -> Inventory:
    return build_inventory(view, year, regime, countries)


def ghg_inventory(store: Store, year: int, regime: str = "hkex", *,
                  measured_co2: dict[str, dict[str, Any]] | None = None) -> Inventory:
    """Scope 1 and 2 by base and for the group, per source line with gas masses and factors
    (``measured_co2``: :func:`measured_co2` of the engine's emissions, set beside the calculated CO2)."""
    countries, _ = _names(store)
    return build_inventory(ledger_view(store), year, regime, countries, measured_co2)


def measured_co2(emissions: pa.Table, outlets: pa.Table, year: int,
                 source_types: tuple[str, ...] = COAL_POWER_TYPES) -> dict[str, dict[str, Any]]:
    """Per base: the annual CO2 (a05001) the compliance engine totals at its captive coal units (``emissions``:
    the engine's annual table; ``outlets``: ``Registry.outlets_table()``). Bases whose coal units do not
    measure CO2 are absent."""
    meta = {r["outlet_id"]: r for r in outlets.to_pylist()}
    out: dict[str, dict[str, Any]] = {}
    for row in emissions.to_pylist():
        outlet = meta.get(str(row.get("outlet_id")))
        if (row.get("code") != CO2_CODE or outlet is None or outlet.get("source_type") not in source_types
                or row.get("year") != year or row.get("total_t") is None):
            continue
        entry = out.setdefault(str(outlet["base"]), {"t": 0.0, "outlets": []})
        entry["t"] += float(row["total_t"])
        entry["outlets"].append(str(row["outlet_id"]))
    return out


def pfc_comparison(store: Store, year: int) -> list[dict[str, Any]]:
    """CF4 and C2F6 per smelting base by each coefficient set and method (they differ; both are shown)."""
    return ghg_inventory(store, year, "hkex").pfc_sets


def cbam(store: Store, year: int, installation: str | None = None) -> list[CbamResult]:
    """Specific direct embedded emissions of unwrought aluminium per installation, with benchmark and default."""
    countries, names = _names(store)
    inv = build_inventory(ledger_view(store), year, "cbam", countries)
    return cbam_results(inv, names, installation)


def cbam_from_view(view: LedgerView, year: int, countries: dict[str, str] | None = None,
                   names: dict[str, str] | None = None, installation: str | None = None) -> list[CbamResult]:
    """CBAM per installation from a ledger view already read (the demo, a what-if)."""
    return cbam_results(build_inventory(view, year, "cbam", countries), names, installation)


def cbam_summary(result: CbamResult, operator: str) -> dict[str, Any]:
    """What an installation sends its EU importers (IR 2025/2547 Annex IV §1.2)."""
    return importer_summary(result, operator)
