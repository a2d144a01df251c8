"""Each KPI's value from its evidence: approved ledger rows (``row_id@revision``), GHG source lines and the
compliance engine's annual emissions. A KPI without data is ``explain`` with the reason, never a zero."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ultralow.ghg.factors import fuel
from ultralow.ghg.inventory import Inventory
from ultralow.kpi.definitions import KpiDefinition, definitions
from ultralow.ledger.book import LedgerView, Revision
from ultralow.ledger.rows import amount_cny

A1_1_POLLUTANTS = {"a21026": "SO2", "a21002": "NOx", "a34013": "PM"}
MWH_PER_GJ = 1 / 3.6


@dataclass
class Kpi:
    """One KPI of one year: value (null unless reported), its intensity, breakdown, previous year and evidence."""

    id: str
    title: str
    part: str
    unit: str
    status: str  # reported | explain | not_applicable
    value: float | None = None
    intensity: float | None = None
    intensity_unit: str | None = None
    previous: float | None = None
    breakdown: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    gri: tuple[str, ...] = ()
    source: str = ""
    definition_status: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "part": self.part, "title": self.title, "value": self.value, "unit": self.unit,
                "intensity": self.intensity, "intensity_unit": self.intensity_unit,
                "previous_year_value": self.previous, "status": self.status, "reason": self.reason,
                "breakdown": self.breakdown, "evidence": self.evidence, "gri": list(self.gri),
                "source": self.source, "definition_status": self.definition_status}


@dataclass
class Context:
    year: int
    view: LedgerView
    inventory: Inventory | None
    emissions: pa.Table | None = None


@dataclass
class Result:
    value: float | None
    rows: list[Revision] = field(default_factory=list)
    intensity: float | None = None
    breakdown: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


def _num(r: Revision, column: str) -> float | None:
    v = r.values.get(column)
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _sum(rows: list[Revision], column: str) -> float | None:
    values = [x for x in (_num(r, column) for r in rows) if x is not None]
    return sum(values) if values else None


def _production(ctx: Context) -> list[Revision]:
    return [r for r in ctx.view.rows("production") if str(r.values.get("month", ""))[:4] == str(ctx.year)]


def _aluminium_t(ctx: Context) -> float | None:
    return _sum(_production(ctx), "aluminium_t") or None


def _per_al(value: float | None, ctx: Context) -> float | None:
    al = _aluminium_t(ctx)
    return None if value is None or not al else value / al


def _missing(kind: str, ctx: Context) -> str:
    drafts = ctx.view.drafts(kind, year=ctx.year)
    if drafts:
        return f"{len(drafts)} {kind} row(s) for {ctx.year} are drafts awaiting approval"
    return f"no approved {kind} rows for {ctx.year}"


def _employees(ctx: Context, year: int | None = None) -> list[Revision]:
    return [r for r in ctx.view.rows("workforce", year=ctx.year if year is None else year)
            if r.values.get("contractor") is False]


def air_emissions(ctx: Context) -> Result:
    if ctx.emissions is None or ctx.emissions.num_rows == 0:
        return Result(None, reason="the compliance engine's annual emissions were not given (run with --emissions)")
    table = ctx.emissions.to_pylist()
    tonnes: dict[str, float] = {}
    for row in table:
        name = A1_1_POLLUTANTS.get(str(row.get("code")))
        if row.get("year") is not None and int(row["year"]) != ctx.year:
            continue
        mass = row.get("total_t")  # the engine's annual total: measured + HJ 75 substitutes (t)
        if mass is None and row.get("total_kg") is not None:
            mass = float(row["total_kg"]) / 1000.0
        if name and mass is not None:
            tonnes[name] = tonnes.get(name, 0.0) + float(mass)
    if not tonnes:
        return Result(None, reason=f"the engine's emissions hold no SO2, NOx or PM totals for {ctx.year}")
    return Result(sum(tonnes.values()), breakdown={f"{k}_t": v for k, v in tonnes.items()},
                  extra={"engine": "ultralow.cems.run (HJ 75 annual emissions with substitution)",
                         "outlets": sorted({str(r.get("outlet_id")) for r in table})})


def _ghg_lines(ctx: Context, scope: int) -> tuple[float | None, list[dict[str, Any]]]:
    if ctx.inventory is None:
        return None, []
    lines = [ln for ln in ctx.inventory.lines if ln.scope == scope]
    if not lines:
        return None, []
    return sum(ln.co2e_t for ln in lines), [
        {"base": ln.base, "category": ln.category, "source": ln.source, "co2e_t": ln.co2e_t,
         "ledger_rows": list(ln.inputs)} for ln in lines]


def scope1(ctx: Context) -> Result:
    value, lines = _ghg_lines(ctx, 1)
    if value is None or ctx.inventory is None:  # _ghg_lines gives a value only with an inventory
        return Result(None, reason=_missing("production", ctx))
    return Result(value, intensity=_per_al(value, ctx), breakdown=ctx.inventory.by_category(),
                  extra={"ghg_lines": lines, "regime": ctx.inventory.regime.id, "gwp_set": ctx.inventory.regime.gwp_set})


def scope2(ctx: Context) -> Result:
    value, lines = _ghg_lines(ctx, 2)
    if value is None:
        return Result(None, reason="no purchased electricity with a grid factor in the approved production rows")
    return Result(value, intensity=_per_al(value, ctx), extra={"ghg_lines": lines})


def ghg_scope12(ctx: Context) -> Result:
    s1, s2 = scope1(ctx), scope2(ctx)
    if s1.value is None:
        return s1
    total = s1.value + (s2.value or 0.0)
    return Result(total, intensity=_per_al(total, ctx),
                  breakdown={"scope1_t_co2e": s1.value, "scope2_t_co2e": s2.value,
                             "intensity_t_co2e_per_t_alumina": ctx.inventory.intensity_t_per_t_alumina
                             if ctx.inventory else None},
                  extra={"ghg_lines": s1.extra.get("ghg_lines", []) + s2.extra.get("ghg_lines", [])})


def _production_column(column: str) -> Callable[[Context], Result]:
    def compute(ctx: Context) -> Result:
        rows = _production(ctx)
        value = _sum(rows, column)
        if value is None:
            return Result(None, reason=f"no {column} in the approved production rows for {ctx.year}"
                          if rows else _missing("production", ctx))
        return Result(value, [r for r in rows if _num(r, column) is not None], intensity=_per_al(value, ctx))
    return compute


def water(ctx: Context) -> Result:
    rows = _production(ctx)
    withdrawal, discharge = _sum(rows, "water_withdrawal_m3"), _sum(rows, "water_discharge_m3")
    if withdrawal is None:
        return Result(None, reason=f"no water withdrawal in the approved production rows for {ctx.year}")
    consumption = withdrawal - (discharge or 0.0)
    return Result(consumption, rows, intensity=_per_al(consumption, ctx),
                  breakdown={"withdrawal_m3": withdrawal, "discharge_m3": discharge,
                             "basis": "consumption = withdrawal - discharge (GRI 303-5)"})


def energy(ctx: Context) -> Result:
    """Fuels at NCV (defaults from ghg/data/fuels.toml) and purchased electricity, in MWh ('000 kWh).
    Captive generation is not added: its fuel is already counted (no double counting)."""
    rows = _production(ctx)
    if not rows:
        return Result(None, reason=_missing("production", ctx))
    by_type: dict[str, float] = {}
    for label, fuel_id, columns in (("coal", "coal", ("coal_power_t", "coal_process_t")),
                                    ("natural_gas", "natural_gas", ("natural_gas_power_m3", "natural_gas_process_m3",
                                                                    "natural_gas_baking_m3")),
                                    ("fuel_oil", "fuel_oil", ("fuel_oil_power_t",)), ("diesel", "diesel", ("diesel_t",))):
        amount = sum(_sum(rows, c) or 0.0 for c in columns)
        ncv, _ = fuel(fuel_id)
        by_type[f"{label}_mwh"] = amount * ncv.value * MWH_PER_GJ
    by_type["electricity_purchased_mwh"] = _sum(rows, "electricity_purchased_mwh") or 0.0
    total = sum(by_type.values())
    return Result(total, rows, intensity=_per_al(total, ctx), breakdown=by_type,
                  extra={"basis": "'000 kWh = MWh; fuels x NCV (ghg/data/fuels.toml, unverified defaults); "
                                  "captive generation not added to its fuel",
                         "captive_generation_mwh": _sum(rows, "electricity_generated_mwh")})


def workforce(ctx: Context) -> Result:
    rows = _employees(ctx)
    if not rows:
        return Result(None, reason=_missing("workforce", ctx))
    breakdown: dict[str, dict[str, float]] = {}
    for dim in ("gender", "employment_type", "age_band", "country"):
        part: dict[str, float] = {}
        for r in rows:
            key = str(r.country if dim == "country" else r.values.get(dim))
            part[key] = part.get(key, 0.0) + (_num(r, "headcount") or 0.0)
        breakdown[dim] = part
    return Result(_sum(rows, "headcount"), rows, breakdown=breakdown)


def turnover(ctx: Context) -> Result:
    moves = ctx.view.rows("hires_leavers", year=ctx.year)
    closing = _sum(_employees(ctx), "headcount")
    if not moves or not closing:
        return Result(None, reason=_missing("hires_leavers" if not moves else "workforce", ctx))
    opening = _sum(_employees(ctx, ctx.year - 1), "headcount")
    average = (opening + closing) / 2 if opening else closing
    leavers = _sum(moves, "leavers") or 0.0
    by_gender = {g: 100.0 * (_sum([m for m in moves if m.values.get("gender") == g], "leavers") or 0.0) / average
                 for g in ("female", "male")}
    return Result(100.0 * leavers / average, moves + _employees(ctx),
                  breakdown={"leavers": leavers, "new_hires": _sum(moves, "new_hires"), "average_headcount": average,
                             "share_of_average_headcount_pct_by_gender": by_gender})


def fatalities(ctx: Context) -> Result:
    rows = ctx.view.rows("health_safety", year=ctx.year)
    if not rows:
        return Result(None, reason=_missing("health_safety", ctx))
    by_year: dict[str, Any] = {}
    evidence: list[Revision] = []
    for y in (ctx.year - 2, ctx.year - 1, ctx.year):
        yr = ctx.view.rows("health_safety", year=y)
        evidence += yr
        if not yr:
            by_year[str(y)] = None
            continue
        count = (_sum(yr, "fatalities_employees") or 0.0) + (_sum(yr, "fatalities_contractors") or 0.0)
        hours = _sum(yr, "hours_worked_h")
        by_year[str(y)] = {"fatalities": count, "employees": _sum(yr, "fatalities_employees"),
                           "contractors": _sum(yr, "fatalities_contractors"),
                           "rate_per_million_hours": count * 1e6 / hours if hours else None}
    this = by_year[str(ctx.year)]
    return Result(this["fatalities"], evidence, intensity=this["rate_per_million_hours"], breakdown=by_year)


def lost_days(ctx: Context) -> Result:
    rows = ctx.view.rows("health_safety", year=ctx.year)
    if not rows:
        return Result(None, reason=_missing("health_safety", ctx))
    hours = _sum(rows, "hours_worked_h")
    ltis = _sum(rows, "lost_time_injuries")
    return Result(_sum(rows, "lost_days"), rows,
                  breakdown={"lost_time_injuries": ltis,
                             "ltifr_per_million_hours": ltis * 1e6 / hours if hours and ltis is not None else None})


def _training(ctx: Context, numerator: str, scale: float) -> Result:
    rows = ctx.view.rows("training", year=ctx.year)
    if not rows:
        return Result(None, reason=_missing("training", ctx))
    def ratio(sel: list[Revision]) -> float | None:
        den = _sum(sel, "employees")
        return None if not den else scale * (_sum(sel, numerator) or 0.0) / den
    breakdown: dict[str, Any] = {}
    for dim in ("gender", "employee_category"):
        values = sorted({str(r.values.get(dim)) for r in rows})
        breakdown[dim] = {v: ratio([r for r in rows if str(r.values.get(dim)) == v]) for v in values}
    return Result(ratio(rows), rows, breakdown=breakdown)


def trained_share(ctx: Context) -> Result:
    return _training(ctx, "employees_trained", 100.0)


def training_hours(ctx: Context) -> Result:
    return _training(ctx, "training_hours_h", 1.0)


def focus_areas(ctx: Context) -> Result:
    rows = ctx.view.rows("community_investment", year=ctx.year)
    if not rows:
        return Result(None, reason=_missing("community_investment", ctx))
    areas: dict[str, float] = {}
    for r in rows:
        area = str(r.values.get("focus_area"))
        areas[area] = areas.get(area, 0.0) + (amount_cny(r.values) or 0.0)
    return Result(float(len(areas)), rows, breakdown={"cny_by_focus_area": areas})


def resources_contributed(ctx: Context) -> Result:
    community = ctx.view.rows("community_investment", year=ctx.year)
    donations = ctx.view.rows("donations", year=ctx.year)
    volunteering = ctx.view.rows("volunteering", year=ctx.year)
    if not community and not donations:
        return Result(None, reason=_missing("community_investment", ctx))
    statutory = sum(amount_cny(r.values) or 0.0 for r in community if r.values.get("category") == "statutory")
    voluntary = sum(amount_cny(r.values) or 0.0 for r in community if r.values.get("category") == "voluntary")
    donated = sum(amount_cny(r.values) or 0.0 for r in donations)
    hours = (_sum(volunteering, "volunteer_hours_h") or 0.0) + (_sum(community, "volunteer_hours_h") or 0.0)
    return Result(voluntary + donated, community + donations + volunteering,
                  breakdown={"voluntary_community_investment_cny": voluntary, "donations_cny": donated,
                             "statutory_contributions_cny": statutory, "volunteer_hours_h": hours,
                             "basis": "money contributed = voluntary community investment + donations; statutory "
                                      "contributions (e.g. Guinea FODEL) reported apart, not counted as giving"})


def no_ledger(ctx: Context) -> Result:
    return Result(None)


CALCULATIONS: dict[str, Callable[[Context], Result]] = {
    "air_emissions": air_emissions, "ghg_scope12": ghg_scope12, "scope1": scope1, "scope2": scope2,
    "hazardous_waste": _production_column("hazardous_waste_t"),
    "non_hazardous_waste": _production_column("non_hazardous_waste_t"),
    "energy": energy, "water": water, "workforce": workforce, "turnover": turnover, "fatalities": fatalities,
    "lost_days": lost_days, "trained_share": trained_share, "training_hours": training_hours,
    "focus_areas": focus_areas, "resources_contributed": resources_contributed, "no_ledger": no_ledger,
}


def _one(d: KpiDefinition, ctx: Context, previous: Context | None) -> Kpi:
    kpi = Kpi(d.id, d.title, d.part, d.unit, "explain", intensity_unit=d.intensity_unit, gri=d.gri,
              source=d.source, definition_status=d.status)
    if d.not_applicable:
        kpi.status, kpi.reason = "not_applicable", d.not_applicable
        return kpi
    if d.narrative or d.compute is None:
        kpi.reason = "narrative disclosure: written in the report text, not a figure ultralow computes"
        return kpi
    result = CALCULATIONS[d.compute](ctx)
    if result.value is None:
        kpi.reason = result.reason or d.reason or "no data"
        return kpi
    kpi.status, kpi.value, kpi.intensity, kpi.breakdown = "reported", result.value, result.intensity, result.breakdown
    kpi.reason = d.note
    refs = {r.ref for r in result.rows} | {ref for line in result.extra.get("ghg_lines", [])
                                           for ref in line.get("ledger_rows", [])}
    kpi.evidence = {"ledger_rows": sorted(refs), **result.extra}
    if previous is not None:
        kpi.previous = CALCULATIONS[d.compute](previous).value
    return kpi


def compute_kpis(ctx: Context, previous: Context | None = None) -> list[Kpi]:
    """Every KPI of ``ctx.year`` (with the previous year's value from ``previous`` when given)."""
    return [_one(d, ctx, previous) for d in definitions()]
