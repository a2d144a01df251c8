"""KPI services for every front end.

::

    from ultralow.app.kpi import kpis
    report = kpis(store, 2025, emissions=judgement.tables["emissions"])   # emissions optional (A1.1)
    for k in report.kpis: k.id, k.value, k.unit, k.status, k.evidence     # HKEX Part C / D, GRI refs
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ultralow import __version__
from ultralow.ghg.inventory import build_inventory
from ultralow.kpi.compute import Context, Kpi, compute_kpis
from ultralow.ledger.book import LedgerView, ledger_view
from ultralow.store import stored_registry
from ultralow.store.store import Store

__all__ = ["Kpi", "KpiReport", "kpis", "kpis_from_view"]


@dataclass
class KpiReport:
    year: int
    kpis: list[Kpi]
    regime: str

    def by_id(self) -> dict[str, Kpi]:
        return {k.id: k for k in self.kpis}

    def to_json(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for k in self.kpis:
            counts[k.status] = counts.get(k.status, 0) + 1
        return {"year": self.year, "framework": "HKEX ESG Reporting Code (Appendix C2) Part C and Part D",
                "ghg_regime": self.regime, "software": f"ultralow {__version__}", "summary": counts,
                "kpis": [k.to_json() for k in self.kpis]}


def kpis_from_view(view: LedgerView, year: int, *, emissions: pa.Table | None = None,
                   countries: dict[str, str] | None = None, regime: str = "hkex") -> KpiReport:
    ctx = Context(year, view, build_inventory(view, year, regime, countries), emissions)
    prev = Context(year - 1, view, build_inventory(view, year - 1, regime, countries), None)
    return KpiReport(year, compute_kpis(ctx, prev), regime)


def kpis(store: Store, year: int, *, emissions: pa.Table | None = None, regime: str = "hkex") -> KpiReport:
    """HKEX KPIs of ``year`` from the approved ledgers and the GHG inventory (``emissions``: the engine's
    annual totals for A1.1; without them A1.1 is ``explain``)."""
    registry = stored_registry(store)
    countries = {b.id: b.country for b in registry.bases} if registry else None
    return kpis_from_view(ledger_view(store), year, emissions=emissions, countries=countries, regime=regime)
