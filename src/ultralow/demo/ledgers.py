"""The demo's ledgers: the SYNTHETIC ledger files of ``data/ledgers/`` imported with their evidence, approved
by a second (synthetic) person, a correction left as a draft, then the year's KPIs, GHG inventory and CBAM
figures, and the two planted ledger discrepancies the claim check must find.

Planted (see ``tools/make_demo_ledgers.py``): the COVID-19 donation is approved at 28 million yuan where the
responsibility report says 30 million, and employees of rural origin are 89.6 % where it says 95 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
from rich.console import Console

from ultralow.app.ghg import CbamResult, Inventory, cbam_from_view, inventory_from_view
from ultralow.app.kpi import KpiReport, kpis_from_view
from ultralow.app.ledgers import (
    ImportReport,
    LedgerView,
    approve_all_drafts,
    import_ledgers,
    registry_bases,
    view,
)
from ultralow.registry import Registry
from ultralow.store.store import Store
from ultralow.terminal_tables import Column, print_fitted

APPROVER = "demo-auditor (synthetic)"
CORRECTION = "donations_correction.csv"


@dataclass(frozen=True)
class PlantedDiscrepancy:
    """A ledger figure that differs from what the corpus text says, on purpose."""

    label: str
    metric: str
    stated: str
    ledger: str
    contains: str  # a word of the claim's sentence that picks the claim out

    def found_by(self, checked: list[Any]) -> tuple[bool, str]:
        for c in checked:
            if c.claim.metric == self.metric and self.contains.lower() in c.claim.text.lower():
                return c.verdict == "contradicted", f"{c.claim.id}: {c.verdict}"
        return False, "no such claim extracted"


PLANTED = (
    PlantedDiscrepancy("COVID-19 donation approved at 28 million yuan", "donation", "30 million yuan",
                       "28,000,000 CNY (a draft correction to 30,000,000 awaits approval)", "COVID-19"),
    PlantedDiscrepancy("employees of rural origin below the report's share", "rural_employee_share", "95 %",
                       "89.6 %", "rural"),
)


@dataclass
class DemoLedgers:
    """What the ledger step did and the figures computed from the approved rows."""

    year: int
    imported: ImportReport
    approved: int
    correction: ImportReport
    view: LedgerView
    inventory: Inventory | None = None
    cbam: list[CbamResult] = field(default_factory=list)
    kpis: KpiReport | None = None

    def to_json(self, checked: list[Any] | None = None) -> dict[str, Any]:
        inv = self.inventory.to_json()["group"] if self.inventory else None
        return {
            "year": self.year, "synthetic": True, "imported": self.imported.to_json(), "approved": self.approved,
            "approver": APPROVER, "correction_drafts": [r.ref for r in self.view.pending],
            "ghg": inv, "cbam": [r.to_json() for r in self.cbam],
            "kpis": self.kpis.to_json() if self.kpis else None,
            "planted": [{"label": p.label, "stated": p.stated, "ledger": p.ledger,
                         "found": p.found_by(checked)[0] if checked is not None else None} for p in PLANTED],
        }


def ledger_folder() -> Path:
    return Path(str(resources.files("ultralow.demo").joinpath("data", "ledgers")))


def load_demo_ledgers(store: Store, registry: Registry, year: int) -> DemoLedgers:
    """Import every demo ledger (all or nothing), approve the drafts as the demo's auditor, then import the
    correction of the COVID-19 donation and leave it a draft."""
    folder = ledger_folder()
    files = sorted(p for p in folder.glob("*.csv") if p.name != CORRECTION)
    bases = registry_bases(registry)
    imported = import_ledgers(store, files, evidence_dir=folder / "evidence", bases=bases)
    approved = approve_all_drafts(store, approver=APPROVER, note="SYNTHETIC demo approval")
    correction = import_ledgers(store, [folder / CORRECTION], evidence_dir=folder / "evidence", bases=bases)
    return DemoLedgers(year, imported, len(approved), correction, view(store))


def compute_figures(ledgers: DemoLedgers, registry: Registry, emissions: pa.Table | None) -> None:
    """GHG (HKEX regime and CBAM), CBAM per installation and the HKEX KPIs from the approved rows."""
    countries = {b.id: b.country for b in registry.bases}
    names = {b.id: b.name for b in registry.bases}
    ledgers.inventory = inventory_from_view(ledgers.view, ledgers.year, "hkex", countries)
    ledgers.cbam = cbam_from_view(ledgers.view, ledgers.year, countries, names)
    ledgers.kpis = kpis_from_view(ledgers.view, ledgers.year, emissions=emissions, countries=countries)


def _n(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def print_ledger_summary(ledgers: DemoLedgers | None, console: Console, checked: list[Any] | None = None) -> None:
    """KPIs, Scope 1/2 and intensities, CBAM per installation and the planted ledger discrepancies."""
    if ledgers is None:
        return
    t = ledgers.imported.totals
    console.print(f"[bold]Ledgers {ledgers.year}[/] (SYNTHETIC): {t['rows']:,} rows in {len(ledgers.imported.files)} "
                  f"files imported with their evidence, {ledgers.approved:,} approved by {APPROVER}; "
                  f"{len(ledgers.view.pending)} correction(s) left as draft", highlight=False)
    inv = ledgers.inventory
    if inv is not None:
        print_fitted(console, f"GHG {ledgers.year} (HKEX / GHG Protocol, {inv.regime.gwp_set})", [
            Column("figure"), Column("value", numeric=True), Column("unit")], [
            ["Scope 1", _n(inv.scope1_t), "t CO2e"],
            ["Scope 2 (location-based)", _n(inv.scope2_t), "t CO2e"],
            ["intensity per t aluminium (Scope 1+2)", _n(inv.intensity_t_per_t_aluminium, 3), "t CO2e/t"],
            ["intensity per t alumina (refineries)", _n(inv.intensity_t_per_t_alumina, 3), "t CO2e/t"]])
    if ledgers.cbam:
        print_fitted(console, f"CBAM {ledgers.year}: unwrought aluminium, specific direct embedded emissions", [
            Column("installation", key=True), Column("aluminium t", numeric=True), Column("SEE t/t", numeric=True),
            Column("benchmark", numeric=True), Column("default", numeric=True)],
            [[r.installation, _n(r.aluminium_t), _n(r.see_direct_t_co2e_per_t, 3),
              _n(r.benchmark.value if r.benchmark else None, 3), _n(r.default_with_markup, 3)] for r in ledgers.cbam])
    if ledgers.kpis is not None:
        rows = [[k.id, _n(k.value, 0 if k.value is not None and abs(k.value) >= 1000 else 2), k.unit,
                 _n(k.intensity, 4) if k.intensity is not None else "-"]
                for k in ledgers.kpis.kpis if k.status == "reported"]
        counts = ledgers.kpis.to_json()["summary"]
        print_fitted(console, f"HKEX ESG Code KPIs {ledgers.year} reported ({', '.join(f'{v} {k}' for k, v in sorted(counts.items()))})", [
            Column("KPI", key=True, wrap=False), Column("value", numeric=True), Column("unit"),
            Column("intensity", numeric=True)], rows)
    if checked is not None:
        rows = []
        for p in PLANTED:
            found, how = p.found_by(checked)
            rows.append([p.label, p.stated, p.ledger, how, "yes" if found else "NO"])
        print_fitted(console, "Planted ledger discrepancies and what the claim check found", [
            Column("discrepancy"), Column("text says"), Column("approved ledger"), Column("claim"),
            Column("found")], rows)
