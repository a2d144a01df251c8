"""Social, community, overseas and economic figures of one year, each from the effective (approved)
ledger rows it sums, named by ``row_id@revision``."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ultralow.ledger.book import LedgerView, Revision
from ultralow.ledger.rows import amount_cny
from ultralow.translation import N_


@dataclass(frozen=True)
class Figure:
    """One figure with its evidence. ``status``: ``reported`` (from approved rows), ``draft_only`` (rows
    exist but none is approved: not published), ``no_data``."""

    id: str
    label: str
    value: float | None
    unit: str
    year: int
    status: str
    rows: tuple[str, ...] = ()
    drafts: tuple[str, ...] = ()
    country: str | None = None
    base: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "value": self.value, "unit": self.unit, "year": self.year,
                "status": self.status, "country": self.country, "base": self.base,
                "ledger_rows": list(self.rows), "draft_rows": list(self.drafts), "detail": dict(self.detail)}


@dataclass(frozen=True, slots=True)
class StatutoryMinimum:
    country: str
    activity: str
    share_of_turnover_pct: float
    payee: str
    source: str
    status: str


@cache
def statutory_minima() -> tuple[StatutoryMinimum, ...]:
    with resources.files("ultralow.ledger").joinpath("data", "community_rules.toml").open("rb") as fh:
        doc = tomllib.load(fh)
    return tuple(StatutoryMinimum(str(m["country"]), str(m["activity"]), float(m["share_of_turnover_pct"]),
                                  str(m["payee"]), str(m["source"]), str(m["status"])) for m in doc["minimum"])


def _num(r: Revision, column: str) -> float:
    value = r.values.get(column)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def figure(view: LedgerView, fid: str, label: str, unit: str, year: int, kind: str,
           select: Callable[[Revision], bool], value: Callable[[list[Revision]], float | None],
           *, country: str | None = None, base: str | None = None, years: tuple[int, int] | None = None,
           **detail: Any) -> Figure:
    """A figure = ``value`` of the effective rows of ``kind`` that ``select`` keeps (year or ``years``)."""
    chosen = [r for r in view.rows(kind, year=None if years else year, years=years) if select(r)]
    draft = [r for r in view.draft_only if r.kind == kind and select(r)
             and (r.year == year if years is None else years[0] <= r.year <= years[1])]
    if not chosen:
        return Figure(fid, label, None, unit, year, "draft_only" if draft else "no_data", (),
                      tuple(r.ref for r in draft), country, base, dict(detail))
    return Figure(fid, label, value(chosen), unit, year, "reported", tuple(r.ref for r in chosen),
                  tuple(r.ref for r in draft), country, base, dict(detail))


def total(column: str) -> Callable[[list[Revision]], float | None]:
    return lambda rows: sum(_num(r, column) for r in rows)


def total_cny(column: str = "amount") -> Callable[[list[Revision]], float | None]:
    return lambda rows: sum(amount_cny(r.values, column) or 0.0 for r in rows)


def share_pct(part: Callable[[Revision], bool], column: str) -> Callable[[list[Revision]], float | None]:
    def compute(rows: list[Revision]) -> float | None:
        whole = sum(_num(r, column) for r in rows)
        return None if whole == 0 else 100.0 * sum(_num(r, column) for r in rows if part(r)) / whole
    return compute


def employees(r: Revision) -> bool:
    return r.values.get("contractor") is False


def where(**wanted: object) -> Callable[[Revision], bool]:
    """Rows whose values equal ``wanted`` (``country`` compares the row's country; ``employee`` the
    contractor flag)."""
    def keep(r: Revision) -> bool:
        for key, value in wanted.items():
            if key == "country":
                if r.country != value:
                    return False
            elif key == "employee":
                if employees(r) is not value:
                    return False
            elif r.values.get(key) != value:
                return False
        return True
    return keep


def count_rows(rows: list[Revision]) -> float | None:
    return float(len(rows))


def _countries(view: LedgerView, year: int, kinds: Iterable[str]) -> list[str]:
    return sorted({r.country for k in kinds for r in view.rows(k, year=year) if r.country})


def social_figures(view: LedgerView, year: int, home_country: str = "CN") -> list[Figure]:
    """The year's workforce, safety, housing, facilities, community, donation, tree, volunteer, local-job,
    payment and statutory-community figures (group, and per country where it matters)."""
    y = year
    out = [
        figure(view, "workforce.employees", "Employees at year end", "people", y, "workforce", employees,
               total("headcount")),
        figure(view, "workforce.contractors", "Contractors' workers at year end", "people", y, "workforce",
               lambda r: r.values.get("contractor") is True, total("headcount")),
        figure(view, "workforce.female_share", "Women among employees", "%", y, "workforce", employees,
               share_pct(lambda r: r.values.get("gender") == "female", "headcount")),
        figure(view, "workforce.rural_share", "Employees of rural origin", "%", y, "workforce", employees,
               share_pct(lambda r: r.values.get("origin") == "rural", "headcount")),
        figure(view, "workforce.rural_employees", "Employees of rural origin", "people", y, "workforce",
               lambda r: employees(r) and r.values.get("origin") == "rural", total("headcount")),
        figure(view, "safety.fatalities", "Work-related fatalities (employees and contractors)", "people", y,
               "health_safety", lambda r: True,
               lambda rows: sum(_num(r, "fatalities_employees") + _num(r, "fatalities_contractors") for r in rows)),
        figure(view, "housing.units_cumulative", "Homes sold to employees at cost (cumulative)", "households", y,
               "housing", lambda r: True, total("units_cumulative")),
        figure(view, "housing.units_in_year", "Homes sold to employees at cost in the year", "households", y,
               "housing", lambda r: True, total("units_sold_at_cost")),
        figure(view, "donations.total", "Donations", "CNY", y, "donations", lambda r: True, total_cny()),
        figure(view, "trees.planted", "Trees planted", "trees", y, "trees", lambda r: True, total("trees_planted")),
        figure(view, "volunteering.volunteers", "Volunteers (sum over events)", "people", y, "volunteering",
               lambda r: True, total("volunteers")),
        figure(view, "volunteering.hours", "Volunteer hours", "h", y, "volunteering", lambda r: True,
               total("volunteer_hours_h")),
        figure(view, "community.voluntary", "Voluntary community investment", "CNY", y, "community_investment",
               lambda r: r.values.get("category") == "voluntary", total_cny()),
        figure(view, "community.statutory", "Statutory community contributions", "CNY", y, "community_investment",
               lambda r: r.values.get("category") == "statutory", total_cny()),
        figure(view, "environment.investment", "Environmental investment", "CNY", y, "environmental_investment",
               lambda r: True, total_cny("capex")),
        figure(view, "government.payments", "Taxes and payments to government", "CNY", y,
               "payments_to_government", lambda r: True, total_cny()),
        figure(view, "revenue.total", "Turnover", "CNY", y, "revenue", lambda r: True, total_cny()),
    ]
    for ftype in ("clinic", "medical_station", "school", "kindergarten", "community_centre"):
        out.append(figure(view, f"facilities.{ftype}", f"Facilities in service: {ftype.replace('_', ' ')}",
                          "count", y, "facilities", where(facility_type=ftype),
                          count_rows, years=(1900, y)))
    for country in _countries(view, y, ("workforce", "payments_to_government", "community_investment", "revenue")):
        c = country
        out.append(figure(view, f"government.payments.{c}", f"Payments to government, {c}", "CNY", y,
                          "payments_to_government", where(country=c), total_cny(), country=c))
        out.append(figure(view, f"workforce.employees.{c}", f"Employees at year end, {c}", "people", y,
                          "workforce", where(employee=True, country=c), total("headcount"), country=c))
        out.append(figure(view, f"revenue.{c}", f"Turnover, {c}", "CNY", y, "revenue", where(country=c),
                          total_cny(), country=c))
        if c == home_country:
            continue
        out += [
            figure(view, f"workforce.local_employees.{c}", f"Local employees, {c}", "people", y, "workforce",
                   where(employee=True, country=c, locality="local"), total("headcount"), country=c),
            figure(view, f"workforce.local_share.{c}", f"Local nationals among employees, {c}", "%", y,
                   "workforce", where(employee=True, country=c), share_pct(where(locality="local"), "headcount"),
                   country=c),
            figure(view, f"workforce.local_contractors.{c}", f"Local contractors' workers, {c}", "people", y,
                   "workforce", where(employee=False, country=c, locality="local"), total("headcount"), country=c),
            figure(view, f"community.spend.{c}", f"Community spending (statutory and voluntary), {c}", "CNY", y,
                   "community_investment", where(country=c), total_cny(), country=c),
        ]
    out += [statutory_check(view, y, m) for m in statutory_minima()]
    return out


def statutory_check(view: LedgerView, year: int, rule: StatutoryMinimum) -> Figure:
    """Community spending of ``rule.country`` as a share of that country's turnover, against the minimum.

    ``detail``: turnover, the statutory contribution, the required minimum (turnover x share), voluntary
    spending (kept apart, never counted towards the minimum) and whether the statutory rows meet it.
    """
    c = rule.country
    turnover = [r for r in view.rows("revenue", year=year) if r.country == c]
    spend = [r for r in view.rows("community_investment", year=year) if r.country == c]
    fid = f"community.statutory_share.{c}"
    label = f"Statutory community contribution as a share of turnover, {c} (minimum {rule.share_of_turnover_pct} %)"
    if not turnover or not spend:
        drafts = tuple(r.ref for r in view.draft_only if r.country == c and r.year == year
                       and r.kind in ("revenue", "community_investment"))
        return Figure(fid, label, None, "%", year, "draft_only" if drafts else "no_data", (), drafts, c, None,
                      {"rule": rule.source, "rule_status": rule.status})
    turnover_cny = sum(amount_cny(r.values) or 0.0 for r in turnover)
    statutory = sum(amount_cny(r.values) or 0.0 for r in spend if r.values.get("category") == "statutory")
    voluntary = sum(amount_cny(r.values) or 0.0 for r in spend if r.values.get("category") == "voluntary")
    required = turnover_cny * rule.share_of_turnover_pct / 100.0
    share = 100.0 * statutory / turnover_cny if turnover_cny else None
    detail = {
        "turnover_cny": turnover_cny, "required_minimum_cny": required, "statutory_cny": statutory,
        "voluntary_cny": voluntary, "meets_minimum": statutory >= required - 1e-6,
        "total_share_pct": 100.0 * (statutory + voluntary) / turnover_cny if turnover_cny else None,
        "rule": rule.source, "rule_status": rule.status, "payee": rule.payee,
    }
    return Figure(fid, label, share, "%", year, "reported", tuple(r.ref for r in [*turnover, *spend]), (), c,
                  None, detail)


# (column of the capacity ledger, label, unit): the unit is in the column's name. The one list: the site's
# What-we-do page shows these labels translated (N_ marks them for the catalog).
CAPACITY_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("aluminium_smelting_t_per_year", N_("Aluminium smelting capacity"), "t/a"),
    ("alumina_t_per_year", N_("Alumina refining capacity"), "t/a"),
    ("anode_t_per_year", N_("Carbon anode capacity"), "t/a"),
    ("bauxite_mining_t_per_year", N_("Bauxite mining capacity"), "t/a"),
    ("captive_power_mw", N_("Captive power capacity"), "MW"),
)


def capacity_figures(view: LedgerView, year: int, bases: Iterable[str]) -> list[Figure]:
    """Capacity at the end of ``year``: ``capacity.<column>`` for the group (the sum over bases) and
    ``capacity.<column>.<base>`` per base, each only from rows where the column has a value (an empty cell
    is no capacity of that kind, not a zero)."""
    out: list[Figure] = []
    for column, label, unit in CAPACITY_COLUMNS:
        def has(r: Revision, c: str = column) -> bool:
            return r.values.get(c) is not None
        out.append(figure(view, f"capacity.{column}", label, unit, year, "capacity", has, total(column)))
        for base in bases:
            def at(r: Revision, b: str = base, c: str = column) -> bool:
                return r.base == b and r.values.get(c) is not None
            out.append(figure(view, f"capacity.{column}.{base}", f"{label}, {base}", unit, year, "capacity",
                              at, total(column), base=base))
    return out
