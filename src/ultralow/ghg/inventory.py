"""The year's GHG inventory from the approved production and process-parameter ledgers.

Per base, one :class:`SourceLine` per emission source with its gas masses (t CO2, CF4, C2F6), method,
inputs (ledger rows) and factors (data rows with source and status); CO2e per regime with that regime's GWP
set, PFC coefficient set and carbon-to-CO2 factor. Categories (all Scope 1 unless said):

* ``captive_power`` — coal, gas and oil burnt in the group's own power units (Scope 1, GHG Protocol);
* ``process_fuels`` — refinery boilers, calciners and other process heat;
* ``anode_consumption`` — prebake anode CO2 (Tier 2 with facility NAC, else Tier 1);
* ``anode_baking`` — baking furnace fuel, pitch volatiles and packing coke;
* ``pfc`` — CF4 and C2F6 from anode effects (slope method; overvoltage alongside where data exists;
  Tier 1 defaults when neither);
* ``mining_fuels`` — diesel of the mobile fleet;
* ``scope2`` — purchased electricity, location-based.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ultralow.ghg import aluminium as al
from ultralow.ghg.factors import (
    Factor,
    Regime,
    anode,
    fuel,
    grid,
    gwp,
    measured_threshold,
    pfc_overvoltage,
    pfc_slope,
    pfc_tier1,
    regime,
)
from ultralow.ledger.book import LedgerView, Revision

GASES = ("CO2", "CF4", "C2F6")
PRODUCTION_SUMS = ("aluminium_t", "alumina_t", "bauxite_t", "anode_baked_t", "electricity_generated_mwh",
                   "electricity_purchased_mwh", "coal_power_t", "coal_process_t", "natural_gas_power_m3",
                   "natural_gas_process_m3", "natural_gas_baking_m3", "fuel_oil_power_t", "diesel_t",
                   "water_withdrawal_m3", "water_discharge_m3", "hazardous_waste_t", "non_hazardous_waste_t")


@dataclass(frozen=True)
class SourceLine:
    base: str
    category: str
    scope: int
    source: str
    method: str
    gases_t: dict[str, float]
    co2e_t: float
    inputs: tuple[str, ...]
    factors: tuple[Factor, ...]
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"base": self.base, "category": self.category, "scope": self.scope, "source": self.source,
                "method": self.method, "gases_t": dict(self.gases_t), "co2e_t": self.co2e_t,
                "ledger_rows": list(self.inputs), "factors": [f.to_json() for f in self.factors],
                "note": self.note}


@dataclass(frozen=True)
class BaseTotals:
    base: str
    country: str | None
    scope1_t: float
    scope2_t: float | None
    aluminium_t: float
    alumina_t: float
    intensity_t_per_t_aluminium: float | None
    intensity_t_per_t_alumina: float | None

    def to_json(self) -> dict[str, Any]:
        return {"base": self.base, "country": self.country, "scope1_t_co2e": self.scope1_t,
                "scope2_t_co2e": self.scope2_t, "aluminium_t": self.aluminium_t, "alumina_t": self.alumina_t,
                "intensity_t_co2e_per_t_aluminium": self.intensity_t_per_t_aluminium,
                "intensity_t_co2e_per_t_alumina": self.intensity_t_per_t_alumina}


@dataclass
class Inventory:
    """One regime's inventory of one year."""

    year: int
    regime: Regime
    lines: list[SourceLine]
    bases: list[BaseTotals]
    production: dict[str, dict[str, float]]
    findings: list[dict[str, Any]] = field(default_factory=list)
    pfc_sets: list[dict[str, Any]] = field(default_factory=list)
    factors: list[Factor] = field(default_factory=list)

    @property
    def scope1_t(self) -> float:
        return sum(line.co2e_t for line in self.lines if line.scope == 1)

    @property
    def scope2_t(self) -> float | None:
        lines = [line for line in self.lines if line.scope == 2]
        return sum(line.co2e_t for line in lines) if lines else None

    def total_production(self, column: str) -> float:
        return sum(p.get(column, 0.0) for p in self.production.values())

    @property
    def intensity_t_per_t_aluminium(self) -> float | None:
        """(Scope 1 + Scope 2) of the whole group per tonne of primary aluminium."""
        al_t = self.total_production("aluminium_t")
        return None if not al_t else (self.scope1_t + (self.scope2_t or 0.0)) / al_t

    @property
    def intensity_t_per_t_alumina(self) -> float | None:
        """(Scope 1 + Scope 2) of the bases that make alumina (and no aluminium) per tonne of alumina."""
        refineries = [b for b in self.bases if b.alumina_t > 0 and b.aluminium_t == 0]
        alumina = sum(b.alumina_t for b in refineries)
        if not alumina:
            return None
        return sum(b.scope1_t + (b.scope2_t or 0.0) for b in refineries) / alumina

    def by_category(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for line in self.lines:
            out[line.category] = out.get(line.category, 0.0) + line.co2e_t
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year, "regime": self.regime.id, "regime_title": self.regime.title,
            "gwp_set": self.regime.gwp_set, "pfc_set": self.regime.pfc_set,
            "carbon_to_co2": self.regime.carbon_to_co2, "regime_source": self.regime.source,
            "regime_status": self.regime.status,
            "group": {"scope1_t_co2e": self.scope1_t, "scope2_t_co2e": self.scope2_t,
                      "aluminium_t": self.total_production("aluminium_t"),
                      "alumina_t": self.total_production("alumina_t"),
                      "intensity_t_co2e_per_t_aluminium": self.intensity_t_per_t_aluminium,
                      "intensity_t_co2e_per_t_alumina": self.intensity_t_per_t_alumina,
                      "by_category_t_co2e": self.by_category()},
            "bases": [b.to_json() for b in self.bases],
            "lines": [line.to_json() for line in self.lines],
            "pfc_coefficient_sets": self.pfc_sets,
            "findings": self.findings,
        }


def production_totals(rows: list[Revision]) -> dict[str, float]:
    """Monthly production rows of one base summed over the year (missing columns stay absent)."""
    out: dict[str, float] = {}
    for r in rows:
        for column in PRODUCTION_SUMS:
            value = r.values.get(column)
            if isinstance(value, int | float):
                out[column] = out.get(column, 0.0) + float(value)
    return out


def _param(params: Revision | None, column: str) -> float | None:
    if params is None:
        return None
    value = params.values.get(column)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class _Builder:
    def __init__(self, reg: Regime, year: int) -> None:
        self.reg = reg
        self.year = year
        self.lines: list[SourceLine] = []
        self.gwps = {g: gwp(reg.gwp_set, g) for g in GASES}

    def add(self, base: str, category: str, source: str, method: str, gases: Mapping[str, float],
            inputs: tuple[str, ...], factors: tuple[Factor, ...], scope: int = 1, note: str = "") -> SourceLine:
        co2e = sum(mass * self.gwps[g].value for g, mass in gases.items())
        used = factors + tuple(self.gwps[g] for g in gases if g != "CO2")
        line = SourceLine(base, category, scope, source, method, dict(gases), co2e, inputs, used, note)
        self.lines.append(line)
        return line


def _combustion(b: _Builder, base: str, category: str, fuel_id: str, amount: float, inputs: tuple[str, ...],
                params: Revision | None, label: str) -> None:
    """``fuel x NCV x EF`` with the defaults, or the base's coal analysis (NCV, carbon content) when given."""
    if amount <= 0:
        return
    ncv, ef = fuel(fuel_id)
    if fuel_id == "coal" and params is not None:
        own_ncv = _param(params, "coal_ncv_gj_per_t")
        carbon = _param(params, "coal_carbon_t_per_tj")
        if own_ncv is not None:
            ncv = Factor(f"{params.ref}:coal_ncv_gj_per_t", own_ncv, "GJ/t",
                         "process_parameters ledger (the base's coal analysis)", "approved")
            inputs = (*inputs, params.ref)
        if carbon is not None:
            cc = Factor(f"{params.ref}:coal_carbon_t_per_tj", carbon, "t C/TJ",
                        "process_parameters ledger (the base's coal analysis)", "approved")
            co2 = al.combustion_co2_t(amount, ncv.value, carbon_t_per_tj=carbon, carbon_to_co2=b.reg.carbon_to_co2)
            b.add(base, category, label, "fuel x NCV x carbon content x 44/12", {"CO2": co2},
                  tuple(dict.fromkeys((*inputs, params.ref))), (ncv, cc))
            return
    b.add(base, category, label, "fuel x NCV x EF", {"CO2": al.combustion_co2_t(amount, ncv.value, ef.value)},
          inputs, (ncv, ef))


def build_inventory(view: LedgerView, year: int, regime_name: str = "hkex",
                    countries: Mapping[str, str] | None = None,
                    measured_co2: Mapping[str, Mapping[str, Any]] | None = None) -> Inventory:
    """The inventory of ``year`` under ``regime_name`` from the approved ledgers. ``measured_co2``: per base,
    the CEMS-measured annual CO2 of its captive coal units (``t``, ``outlets``), set beside the calculated
    figure (a finding over the threshold of ``regimes.toml``)."""
    reg = regime(regime_name)
    b = _Builder(reg, year)
    production_rows = [r for r in view.rows("production") if str(r.values.get("month", ""))[:4] == str(year)]
    params_rows = {r.base: r for r in view.rows("process_parameters", year=year) if r.base}
    by_base: dict[str, list[Revision]] = {}
    for r in production_rows:
        by_base.setdefault(str(r.base), []).append(r)
    production = {base: production_totals(rows) for base, rows in sorted(by_base.items())}
    findings: list[dict[str, Any]] = []
    pfc_sets: list[dict[str, Any]] = []
    country_of = dict(countries or {})
    for r in production_rows:
        if r.country and r.base:
            country_of.setdefault(r.base, r.country)
    for base, p in production.items():
        refs = tuple(r.ref for r in by_base[base])
        params = params_rows.get(base)
        _combustion(b, base, "captive_power", "coal", p.get("coal_power_t", 0.0), refs, params, "coal, captive power")
        _combustion(b, base, "captive_power", "natural_gas", p.get("natural_gas_power_m3", 0.0), refs, None,
                    "natural gas, captive power")
        _combustion(b, base, "captive_power", "fuel_oil", p.get("fuel_oil_power_t", 0.0), refs, None,
                    "fuel oil, captive power")
        _combustion(b, base, "process_fuels", "coal", p.get("coal_process_t", 0.0), refs, params,
                    "coal, refinery boilers and calciners")
        _combustion(b, base, "process_fuels", "natural_gas", p.get("natural_gas_process_m3", 0.0), refs, None,
                    "natural gas, process heat")
        _combustion(b, base, "anode_baking", "natural_gas", p.get("natural_gas_baking_m3", 0.0), refs, None,
                    "natural gas, anode baking furnace")
        _combustion(b, base, "mining_fuels", "diesel", p.get("diesel_t", 0.0), refs, None, "diesel, mobile fleet")
        _anode(b, base, p, refs, params)
        pfc_sets += _pfc(b, base, p, refs, params)
        _scope2(b, base, p, refs, country_of.get(base), year, findings)
        _measured(b, base, params, findings, (measured_co2 or {}).get(base))
    bases = []
    for base, p in production.items():
        lines = [line for line in b.lines if line.base == base]
        s1 = sum(line.co2e_t for line in lines if line.scope == 1)
        s2_lines = [line for line in lines if line.scope == 2]
        s2 = sum(line.co2e_t for line in s2_lines) if s2_lines else (None if p.get("electricity_purchased_mwh")
                                                                         else 0.0)
        al_t, alumina_t = p.get("aluminium_t", 0.0), p.get("alumina_t", 0.0)
        total = s1 + (s2 or 0.0)
        bases.append(BaseTotals(base, country_of.get(base), s1, s2, al_t, alumina_t,
                                total / al_t if al_t else None,
                                total / alumina_t if alumina_t and not al_t else None))
    kept = [line for line in b.lines if line.category not in reg.exclude_categories]
    return Inventory(year, reg, kept, bases, production, findings, pfc_sets)


def _anode(b: _Builder, base: str, p: dict[str, float], refs: tuple[str, ...], params: Revision | None) -> None:
    al_t = p.get("aluminium_t", 0.0)
    baked = p.get("anode_baked_t", 0.0)
    f = b.reg.carbon_to_co2
    pref = (params.ref,) if params else ()
    if al_t > 0:
        nac = _param(params, "net_anode_consumption_t_per_t")
        if nac is not None:
            s_def, a_def = anode("tier2", "sulphur_pct", "%"), anode("tier2", "ash_pct", "%")
            s = _param(params, "anode_sulphur_pct")
            a = _param(params, "anode_ash_pct")
            co2 = al.anode_tier2_co2_t(al_t, nac, s if s is not None else s_def.value,
                                       a if a is not None else a_def.value, f)
            used = tuple(x for x, own in ((s_def, s), (a_def, a)) if own is None)
            b.add(base, "anode_consumption", "prebake anode consumption", "IPCC Tier 2: NAC x MP x (100-S-Ash)/100 x 44/12",
                  {"CO2": co2}, refs + pref, used)
        else:
            ef = anode("tier1", "prebake_t_co2_per_t_al", "t CO2/t Al")
            b.add(base, "anode_consumption", "prebake anode consumption (Tier 1, includes baking)",
                  "IPCC Tier 1: EF x MP", {"CO2": al.anode_tier1_co2_t(al_t, ef.value)}, refs, (ef,),
                  note="no net anode consumption in the process_parameters ledger: Tier 1 default")
    green = _param(params, "green_anode_t")
    if baked > 0 and green is not None:
        h = anode("baking", "hydrogen_pct_of_green", "% of green anode")
        wt = _param(params, "waste_tar_t") or 0.0
        b.add(base, "anode_baking", "pitch volatiles", "IPCC Eq. 4.22: (GA - h x GA - BA - WT) x 44/12",
              {"CO2": al.pitch_volatiles_co2_t(green, baked, wt, h.value, f)}, refs + pref, (h,))
    if baked > 0:
        pcc = anode("baking", "packing_coke_t_per_t_baked", "t/t baked anode")
        s_pc = anode("baking", "packing_coke_sulphur_pct", "%")
        ash_pc = anode("baking", "packing_coke_ash_pct", "%")
        b.add(base, "anode_baking", "packing coke", "IPCC Eq. 4.23: PCC x BA x (100-S-Ash)/100 x 44/12",
              {"CO2": al.packing_coke_co2_t(baked, pcc.value, s_pc.value, ash_pc.value, f)}, refs, (pcc, s_pc, ash_pc))


def _pfc(b: _Builder, base: str, p: dict[str, float], refs: tuple[str, ...], params: Revision | None
         ) -> list[dict[str, Any]]:
    al_t = p.get("aluminium_t", 0.0)
    if al_t <= 0:
        return []
    tech = str(params.values.get("cell_technology") or "CWPB") if params else "CWPB"
    aem = _param(params, "anode_effect_minutes_per_cell_day")
    aeo = _param(params, "anode_effect_overvoltage_mv")
    ce = _param(params, "current_efficiency_pct")
    pref = (params.ref,) if params else ()
    compared: list[dict[str, Any]] = []
    for set_name in ("IPCC2006", "EU_MRR_CBAM"):
        slope = pfc_slope(set_name, tech)
        if aem is not None and slope is not None:
            cf4, c2f6 = al.pfc_slope_t(al_t, aem, slope[0].value, slope[1].value)
            compared.append({"base": base, "set": set_name, "method": "slope", "technology": tech, "cf4_t": cf4,
                             "c2f6_t": c2f6, "factors": [slope[0].to_json(), slope[1].to_json()]})
        ov = pfc_overvoltage(set_name, tech)
        if aeo is not None and ce is not None and ov is not None:
            cf4, c2f6 = al.pfc_overvoltage_t(al_t, aeo, ce, ov[0].value, ov[1].value, ov[2])
            compared.append({"base": base, "set": set_name, "method": "overvoltage", "technology": tech,
                             "cf4_t": cf4, "c2f6_t": c2f6, "ce_unit": ov[2],
                             "factors": [ov[0].to_json(), ov[1].to_json()]})
    mine = [c for c in compared if c["set"] == b.reg.pfc_set]
    chosen = next((c for c in mine if c["method"] == "slope"), None) or next(iter(mine), None)
    if chosen is not None:
        factors = tuple(Factor(**f) for f in chosen["factors"])
        b.add(base, "pfc", f"anode effects ({tech})", f"{chosen['method']} method, {chosen['set']} coefficients",
              {"CF4": chosen["cf4_t"], "C2F6": chosen["c2f6_t"]}, refs + pref, factors)
    else:
        t1 = pfc_tier1(tech) or pfc_tier1("CWPB")
        if t1 is None:
            raise ValueError(f"pfc factors: no IPCC 2006 Tier 1 row for {tech!r} nor for CWPB (ghg/data/pfc.toml)")
        b.add(base, "pfc", f"anode effects ({tech})", "IPCC Tier 1 default",
              {"CF4": t1[0].value * al_t / 1000.0, "C2F6": t1[1].value * al_t / 1000.0}, refs, t1,
              note="no anode-effect data in the process_parameters ledger: Tier 1 default")
    return compared


def _scope2(b: _Builder, base: str, p: dict[str, float], refs: tuple[str, ...], country: str | None, year: int,
            findings: list[dict[str, Any]]) -> None:
    mwh = p.get("electricity_purchased_mwh", 0.0)
    if mwh <= 0:
        return
    factor = grid(country or "", year)
    if factor is None:
        findings.append({"base": base, "kind": "no_grid_factor",
                         "message": f"{base}: {mwh:,.0f} MWh purchased but no grid factor for country {country}: "
                                    "Scope 2 of this base is not computed"})
        return
    b.add(base, "scope2", "purchased electricity", "location-based: MWh x grid EF",
          {"CO2": mwh * factor.value}, refs, (factor,), scope=2)


def _measured(b: _Builder, base: str, params: Revision | None, findings: list[dict[str, Any]],
              cems: Mapping[str, Any] | None = None) -> None:
    """The measured annual CO2 of the captive coal units beside the calculated one: from the compliance
    engine's CO2 (a05001) totals when given (``cems``: ``t``, ``outlets``), else from the process_parameters
    ledger (``cems_co2_measured_t``)."""
    if cems is not None:
        measured: float | None = float(cems["t"])
        origin = {"measured_source": "compliance engine: CO2 (a05001) x flow, HJ 75 annual totals",
                  "outlets": list(cems.get("outlets", ()))}
    else:
        measured = _param(params, "cems_co2_measured_t")
        origin = {"measured_source": "process_parameters ledger (cems_co2_measured_t)"}
    if measured is None or (params is None and cems is None):
        return
    calculated = sum(line.gases_t.get("CO2", 0.0) for line in b.lines
                     if line.base == base and line.category == "captive_power" and line.source.startswith("coal"))
    threshold = measured_threshold()
    diff = (measured - calculated) / calculated if calculated else None
    entry = {"base": base, "kind": "measured_vs_calculated_co2", "measured_t": measured, "calculated_t": calculated,
             "relative_difference": diff, "threshold": threshold.to_json(),
             "ledger_row": params.ref if params is not None and cems is None else None, **origin,
             "finding": diff is not None and abs(diff) > threshold.value}
    entry["message"] = (f"{base}: CEMS-measured CO2 {measured:,.0f} t vs calculated {calculated:,.0f} t "
                        f"({diff:+.1%}; threshold ±{threshold.value:.0%})" if diff is not None
                        else f"{base}: CEMS CO2 measured but no coal burnt in captive power")
    findings.append(entry)
