"""CBAM embedded emissions of unwrought aluminium (CN 7601, primary route) per installation, definitive
period (IR (EU) 2025/2547), and the summary an installation sends its EU importers (Annex IV §1.2).

An installation is a base that smelts aluminium. Aluminium is an Annex II good: direct emissions only.
Attributed direct emissions follow Annex III A.3 (captive power removed)::

    AttrEm_dir = max(0, DirEm - Em_el,prod)      SEE_direct = AttrEm_dir / AL

DirEm: every direct source inside the installation (captive power, process fuels, anode consumption, on-site
anode baking, PFCs with the EU coefficients and AR5 GWPs, f = 3.664); Em_el,prod: the emissions of the
electricity produced inside it (the captive power units). Anodes baked at another base are outside the
boundary (carbon anodes are not CBAM goods); alumina is not a precursor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ultralow.ghg.factors import Factor, data
from ultralow.ghg.inventory import Inventory

DIRECT_CATEGORIES = ("captive_power", "process_fuels", "anode_consumption", "anode_baking", "pfc")
CN_CODE = "7601"


@dataclass(frozen=True)
class CbamResult:
    installation: str
    name: str
    country: str | None
    year: int
    aluminium_t: float
    direct_t_co2e: float
    captive_power_t_co2e: float
    attributed_direct_t_co2e: float
    see_direct_t_co2e_per_t: float | None
    pfc_t_co2e: float
    electricity_generated_mwh: float
    benchmark: Factor | None
    default_value: Factor | None
    default_markup_pct: float | None
    lines: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def default_with_markup(self) -> float | None:
        if self.default_value is None:
            return None
        return self.default_value.value * (1 + (self.default_markup_pct or 0.0) / 100.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "installation": self.installation, "name": self.name, "country": self.country, "year": self.year,
            "cn_code": CN_CODE, "route": "primary (electrolytic) smelting", "aluminium_t": self.aluminium_t,
            "direct_emissions_t_co2e": self.direct_t_co2e, "em_el_prod_t_co2e": self.captive_power_t_co2e,
            "attributed_direct_t_co2e": self.attributed_direct_t_co2e,
            "see_direct_t_co2e_per_t": self.see_direct_t_co2e_per_t, "pfc_t_co2e": self.pfc_t_co2e,
            "benchmark": self.benchmark.to_json() if self.benchmark else None,
            "default_value": self.default_value.to_json() if self.default_value else None,
            "default_markup_pct": self.default_markup_pct, "default_with_markup_t_co2e_per_t": self.default_with_markup,
            "formula": "AttrEm_dir = max(0, DirEm - Em_el,prod); SEE = AttrEm_dir / AL (IR 2025/2547 Annex III A.3, B)",
            "lines": self.lines, "notes": self.notes,
        }


def benchmark(route: str = "primary") -> Factor | None:
    for row in data("cbam")["benchmark"]:
        if row["cn_code"] == CN_CODE and row["route"] == route:
            return Factor(f"cbam.benchmark.{CN_CODE}.{route}.column_a", float(row["column_a_t_co2e_per_t"]),
                          "t CO2e/t", str(row["source"]), str(row["status"]))
    return None


def default_value(country: str | None, year: int) -> tuple[Factor | None, float | None]:
    """(default direct value for the country, mark-up % of ``max(year, 2026)``)."""
    found = None
    for row in data("cbam")["default"]:
        if row["cn_code"] == CN_CODE and row["country"] == country:
            found = Factor(f"cbam.default.{CN_CODE}.{country}", float(row["direct_t_co2e_per_t"]), "t CO2e/t",
                           str(row["source"]), str(row["status"]))
    markups = [m for m in data("cbam")["markup"] if int(m["from_year"]) <= max(year, 2026)]
    markup = float(max(markups, key=lambda m: int(m["from_year"]))["pct"]) if markups else None
    return found, markup


def cbam_results(inventory: Inventory, names: dict[str, str] | None = None,
                 installation: str | None = None) -> list[CbamResult]:
    """One result per smelting base of a ``cbam``-regime inventory (``installation`` selects one)."""
    if inventory.regime.id != "cbam":
        raise ValueError("CBAM needs the inventory of the cbam regime (EU coefficients, AR5, f = 3.664)")
    out = []
    for base in inventory.bases:
        if base.aluminium_t <= 0 or (installation and base.base != installation):
            continue
        lines = [ln for ln in inventory.lines if ln.base == base.base and ln.scope == 1
                 and ln.category in DIRECT_CATEGORIES]
        direct = sum(ln.co2e_t for ln in lines)
        captive = sum(ln.co2e_t for ln in lines if ln.category == "captive_power")
        attributed = max(0.0, direct - captive)
        dv, markup = default_value(base.country, inventory.year)
        notes = []
        if inventory.year < 2026:
            notes.append(f"{inventory.year} is before the definitive period (from 2026): computed by the "
                         "definitive-period rules as a preview; mark-up of 2026 applied to the default")
        if not any(ln.category == "anode_baking" for ln in lines):
            notes.append("no anode baking inside the installation: anodes come from another base (outside the boundary)")
        notes.append("specific embedded free allocation not computed: CSCF and the CBAM factor are not in the data")
        out.append(CbamResult(
            base.base, (names or {}).get(base.base, base.base), base.country, inventory.year, base.aluminium_t,
            direct, captive, attributed, attributed / base.aluminium_t if base.aluminium_t else None,
            sum(ln.co2e_t for ln in lines if ln.category == "pfc"),
            inventory.production.get(base.base, {}).get("electricity_generated_mwh", 0.0), benchmark(), dv, markup,
            [ln.to_json() for ln in lines], notes))
    return out


def importer_summary(result: CbamResult, operator: str) -> dict[str, Any]:
    """The operator's summary for EU importers, items of IR (EU) 2025/2547 Annex IV §1.2 (aluminium: items
    4(c), 4(d) and 6 do not apply, Annex II good)."""
    return {
        "1_operator": {"name": operator, "registration_number": None, "address": None},
        "2_installation": {"name": result.name, "cbam_registry_id": None, "un_locode": None,
                           "address": None, "coordinates": None, "internal_id": result.installation},
        "3_processes": [{"process": "primary (electrolytic) smelting", "goods": [CN_CODE]}],
        "4_goods": [{
            "cn_code": CN_CODE, "description": "unwrought aluminium",
            "a_specific_direct_embedded_emissions_t_co2e_per_t": result.see_direct_t_co2e_per_t,
            "b_share_from_default_values_pct": 0.0,
            "c_indirect": "not applicable (Annex II good)", "d_electricity": "not applicable",
            "e_specific_embedded_free_allocation": None,
            "f_methods": "calculation-based: anode Tier 2/1, combustion, PFC slope (EU Table 2), AR5; "
                         f"benchmark {result.benchmark.value if result.benchmark else None} t CO2e/t (Column A)",
        }],
        "5_direct_emissions_t_co2e": {"installation": result.direct_t_co2e,
                                      "attributed_to_7601": result.attributed_direct_t_co2e},
        "6_indirect_emissions": "not applicable (Annex II good)",
        "7_measurable_heat": {"imported_tj": 0.0, "exported_tj": 0.0},
        "8_zero_rated_fuels": [],
        "9_waste_gases": [],
        "10_co2_capture": None,
        "11_electricity_produced": {"source": "captive coal-fired units (fossil, separate production)",
                                    "mwh": result.electricity_generated_mwh,
                                    "emissions_t_co2e": result.captive_power_t_co2e,
                                    "treatment": "removed from attributed direct emissions (Em_el,prod)"},
        "12_precursors_default_values": [], "13_precursors_actual_values": [],
        "14_precursors_multiple_periods": [], "15_precursors_multiple_installations": [],
        "16_precursor_origin_installations": [],
        "sector_parameters": {"scrap_t_per_t": 0.0, "pre_consumer_scrap_pct": None,
                              "other_elements_pct_above_1": None},
    }
