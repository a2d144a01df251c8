"""The public site's figures: one judgement of the latest year with data, the claim check of the corpus
texts against it, and the selections the site's pages show (pure functions over the engine's Arrow tables).

The site never runs the engine per request: ``build_site_figures`` judges once, and the web layer keeps the
result until ``data_stamp`` says the store changed. Rates are 0..1, concentrations mg/m3 at reference O2
where the limit has one, tonnes are measured + HJ 75 substitutes; nulls stay nulls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ultralow.app.ghg import Inventory, inventory_from_view
from ultralow.app.judging import Judgement
from ultralow.app.kpi import KpiReport, kpis_from_view
from ultralow.app.ledgers import Figure
from ultralow.app.services import Application
from ultralow.cems import Period
from ultralow.claims import check_texts, corpus_dir, packaged_standards, read_document
from ultralow.claims.check import CheckResult
from ultralow.claims.evidence import LedgerEvidence
from ultralow.ledger.book import LedgerView, ledger_view
from ultralow.ledger.figures import capacity_figures, social_figures
from ultralow.store import Store

ULTRA_LOW_PREFIX = "ultra-low"  # limit sets of the ultra-low emission policy (standards/data/limits)
PUBLISHED_CODES = ("a21026", "a21002", "a34013", "a21018")  # SO2, NOx, PM, fluoride
CORPUS_SUFFIXES = (".txt", ".md", ".html", ".htm")


@dataclass(frozen=True)
class DataStamp:
    """Changes whenever the store's data does: readings, frames, registry versions."""

    readings: int
    frames: int
    registry_version: int
    ledger_revisions: int = 0  # ledger rows and approvals: an import or an approval changes the figures
    ledger_approvals: int = 0


def data_stamp(store: Store) -> DataStamp:
    with store.lock:
        store.con.complete()
        row = store.con.execute(
            "SELECT (SELECT count(*) FROM readings), (SELECT count(*) FROM raw_frames), "
            "(SELECT coalesce(max(version), 0) FROM registry), (SELECT count(*) FROM ledger_rows), "
            "(SELECT count(*) FROM ledger_approvals)"
        ).fetchone()
    if row is None:
        raise RuntimeError(f"{store.path}: the store answered no counts")
    return DataStamp(int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]))


@dataclass(frozen=True)
class Overview:
    """What the ESG, What-we-do and Overseas pages and the monthly chart show, selected from one judgement
    once per build: on the full demo year (3 M judged hours) the monthly sums and the last hours alone take
    about a second, far over a page's budget. Rebuilt with the figures when ``data_stamp`` changes."""

    group: dict[str, Any] | None  # the group roll-up row (None: no outlet judged)
    rollups: list[dict[str, Any]]  # per base and source type
    performance: list[dict[str, Any]]  # see :func:`performance`
    events: list[dict[str, Any]]  # worst first, all of them
    tonnes: list[dict[str, Any]]  # see :func:`monthly_tonnes`
    last_hours: dict[str, Any]  # see :func:`last_data_hours`


def overview(judgement: Judgement) -> Overview:
    group = rollup_rows(judgement, "group")
    return Overview(group=group[0] if group else None, rollups=rollup_rows(judgement),
                    performance=performance(judgement), events=events(judgement),
                    tonnes=monthly_tonnes(judgement), last_hours=last_data_hours(judgement))


@dataclass
class SiteFigures:
    """What every page of the site is rendered from."""

    judgement: Judgement | None  # None when the store holds no minute readings
    computed_at: datetime  # UTC
    data_last: datetime | None  # last minute reading (plant-local clock time)
    stamp: DataStamp
    claims: CheckResult | None = None
    claim_documents: list[str] = field(default_factory=list)
    kpis: KpiReport | None = None  # HKEX KPIs of the period's year from the approved ledgers (None: no ledgers)
    social: dict[str, Figure] = field(default_factory=dict)  # ledger figures of that year by id (approved rows;
    # social, overseas and the capacities ``capacity.<column>[.<base>]``)
    ghg: Inventory | None = None  # the year's GHG inventory (HKEX regime) from the approved ledgers
    ledgers: LedgerView | None = None  # the rows those figures come from (evidence pages)
    overview: Overview | None = None  # the pages' selections of the judgement, made once per build

    @property
    def period(self) -> Period | None:
        return self.judgement.period if self.judgement is not None else None


def site_period(app: Application) -> tuple[date, date] | None:
    """The latest calendar year with data, from its first day with data to its last (plant-local)."""
    span = app.data_span()
    if span.first is None or span.last is None or span.minute_rows == 0:
        return None
    last = span.last.date()
    return max(span.first.date(), date(last.year, 1, 1)), last


def build_site_figures(app: Application, *, corpus: Path | None = None) -> SiteFigures:
    """Judge the site's period and check the corpus claims against it."""
    stamp = data_stamp(app.store)
    span = app.data_span()
    chosen = site_period(app)
    if chosen is None:
        return SiteFigures(None, datetime.now(UTC), None, stamp)
    judgement = app.judge(first=chosen[0], last=chosen[1])
    # one sort here, so that every page and API request slices hours in (outlet, code, hour) order
    judgement.tables["hours"] = judgement.hours.sort_by([("outlet_id", "ascending"), ("code", "ascending"),
                                                         ("hour", "ascending")])
    judgement.tables["events"] = judgement.tables["events"].sort_by([("start", "ascending"),
                                                                     ("outlet_id", "ascending")])
    figures = SiteFigures(judgement, datetime.now(UTC), span.last, stamp, overview=overview(judgement))
    ledgers = ledger_view(app.store)  # social, economic and community figures: the approved ledger rows
    has_ledgers = bool(ledgers.effective or ledgers.draft_only)
    if has_ledgers:
        year = judgement.period.start.year
        countries = {b.id: b.country for b in app.registry.bases}
        figures.kpis = kpis_from_view(ledgers, year, emissions=judgement.tables["emissions"], countries=countries)
        bases = [b.id for b in app.registry.bases]
        figures.social = {f.id: f for f in (*social_figures(ledgers, year), *capacity_figures(ledgers, year, bases))}
        figures.ghg = inventory_from_view(ledgers, year, "hkex", countries)
        figures.ledgers = ledgers
    folder = corpus if corpus is not None else corpus_dir()
    paths = sorted(p for p in folder.glob("*") if p.suffix in CORPUS_SUFFIXES) if folder.is_dir() else []
    if paths:
        sources = [LedgerEvidence(ledgers, judgement.period.start.year)] if has_ledgers else []
        result = check_texts([read_document(p) for p in paths], hours=judgement.hours,
                             outlets=app.registry.outlets_table(), emissions=judgement.tables["emissions"],
                             standards=packaged_standards(), sources=sources)
        result.evidence = {"db": str(app.db), "period": judgement.period.as_dict(), **result.evidence}
        figures.claims = result
        figures.claim_documents = [p.name for p in paths]
    return figures


# -- selections for the pages ----------------------------------------------------------------------------

def outlet_limits(judgement: Judgement) -> dict[tuple[str, str], dict[str, float | None]]:
    """(outlet, code) → the strictest standard limit and the ultra-low limit (mg/m3), null when none."""
    out: dict[tuple[str, str], dict[str, float | None]] = defaultdict(lambda: {"standard": None, "ultra_low": None})
    for row in judgement.limits.to_pylist():
        if row["limit_mg_m3"] is None:
            continue
        kind = "ultra_low" if str(row["set_id"]).startswith(ULTRA_LOW_PREFIX) else "standard"
        key = (row["outlet_id"], row["pollutant"])
        current = out[key][kind]
        out[key][kind] = row["limit_mg_m3"] if current is None else min(current, row["limit_mg_m3"])
    return dict(out)


def performance(judgement: Judgement, outlet_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Per base, source type and pollutant: outlets, valid-hour mean and highest hourly corrected value,
    the strictest standard limit and the ultra-low limit, exceedance hours of judged hours."""
    chosen = set(outlet_ids) if outlet_ids is not None else None
    meta = {r["outlet_id"]: r for r in judgement.outlets.to_pylist()}
    limits = outlet_limits(judgement)
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in judgement.tables["summary"].to_pylist():
        if row["code"] not in PUBLISHED_CODES or (chosen is not None and row["outlet_id"] not in chosen):
            continue
        outlet = meta[row["outlet_id"]]
        key = (outlet["base"], outlet["source_type"], row["code"])
        g = groups.setdefault(key, {"base": key[0], "source_type": key[1], "code": key[2], "outlets": [],
                                    "weighted": 0.0, "hours_valid": 0, "max_corrected_mg_m3": None,
                                    "limit_mg_m3": None, "ultra_low_limit_mg_m3": None,
                                    "hours_exceeded": 0, "hours_judged": 0})
        g["outlets"].append(row["outlet_id"])
        if row["mean_corrected_mg_m3"] is not None and row["hours_valid"]:
            g["weighted"] += row["mean_corrected_mg_m3"] * row["hours_valid"]
            g["hours_valid"] += row["hours_valid"]
        if row["max_corrected_mg_m3"] is not None:
            g["max_corrected_mg_m3"] = max(g["max_corrected_mg_m3"] or 0.0, row["max_corrected_mg_m3"])
        lim = limits.get((row["outlet_id"], row["code"]), {})
        for name, kind in (("limit_mg_m3", "standard"), ("ultra_low_limit_mg_m3", "ultra_low")):
            value = lim.get(kind)
            if value is not None:
                g[name] = value if g[name] is None else min(g[name], value)
        g["hours_exceeded"] += row["hours_exceeded"] or 0
        g["hours_judged"] += row["hours_judged"] or 0
    rows = []
    for g in groups.values():
        weighted = g.pop("weighted")
        g["mean_corrected_mg_m3"] = weighted / g["hours_valid"] if g["hours_valid"] else None
        rows.append(g)
    base_order = {r["outlet_id"]: i for i, r in enumerate(judgement.outlets.to_pylist())}
    first_outlet = {(g["base"], g["source_type"]): min(base_order[o] for o in g["outlets"]) for g in rows}
    code_order = {code: i for i, code in enumerate(PUBLISHED_CODES)}
    return sorted(rows, key=lambda g: (first_outlet[(g["base"], g["source_type"])], code_order[g["code"]]))


def rollup_rows(judgement: Judgement, level: str = "base_source_type") -> list[dict[str, Any]]:
    return [r for r in judgement.rollups.to_pylist() if r["level"] == level]


def events(judgement: Judgement, outlet_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Exceedance events, worst (highest peak multiple of the limit) first."""
    chosen = set(outlet_ids) if outlet_ids is not None else None
    rows = [r for r in judgement.tables["events"].to_pylist() if chosen is None or r["outlet_id"] in chosen]
    return sorted(rows, key=lambda r: -(r["peak_multiple"] or 0.0))


def outlet_hours(judgement: Judgement, outlet_id: str, code: str, month: int | None = None) -> pa.Table:
    """The judged hours of one outlet and pollutant (one month of the period when given), in time order."""
    hours = judgement.hours
    mask = pc.and_(pc.equal(hours["outlet_id"], outlet_id), pc.equal(hours["code"], code))
    if month is not None:
        mask = pc.and_(mask, pc.equal(pc.month(hours["hour"]), month))
    return hours.filter(mask).sort_by("hour")


def months_with_hours(judgement: Judgement, outlet_id: str) -> list[int]:
    hours = judgement.hours.filter(pc.equal(judgement.hours["outlet_id"], outlet_id))
    return sorted({int(m) for m in pc.unique(pc.month(hours["hour"])).to_pylist() if m is not None})


def monthly_tonnes(judgement: Judgement, outlet_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Tonnes per calendar month and pollutant (SO2, NOx, PM): the hourly kg (measured + substituted) summed,
    / 1000. A month with no hour carrying a mass has no row (not a zero)."""
    hours = judgement.hours.select(["outlet_id", "code", "hour", "emission_total_kg"])
    mask = pc.and_(pc.is_in(hours["code"], pa.array(["a21026", "a21002", "a34013"])),
                   pc.is_valid(hours["emission_total_kg"]))
    if outlet_ids is not None:
        mask = pc.and_(mask, pc.is_in(hours["outlet_id"], pa.array(list(outlet_ids), pa.string())))
    hours = hours.filter(mask)
    hours = hours.append_column("month", pc.strftime(hours["hour"], format="%Y-%m"))
    sums = hours.group_by(["month", "code"]).aggregate([("emission_total_kg", "sum")])
    rows = [{"month": r["month"], "code": r["code"], "tonnes": r["emission_total_kg_sum"] / 1000.0}
            for r in sums.to_pylist()]
    return sorted(rows, key=lambda r: (r["month"], r["code"]))


def last_data_hours(judgement: Judgement) -> dict[str, Any]:
    """Each outlet's last hour with at least one minute received (plant-local), null when none."""
    hours = judgement.hours.select(["outlet_id", "hour", "valid_minutes"])
    hours = hours.filter(pc.greater(pc.fill_null(hours["valid_minutes"], 0), 0))
    last = hours.group_by("outlet_id").aggregate([("hour", "max")])
    return dict(zip(last["outlet_id"].to_pylist(), last["hour_max"].to_pylist(), strict=True))
