"""Everything the annual report shows, collected once through the application layer (``ultralow.app``) and
numbered: each table row or sentence that carries figures gets a figure number (``F1``, ``F2``, …) and its
evidence (engine query or ledger rows, rule or formula, period, inputs), listed in the assurance appendix.

Both languages are rendered from the same :class:`ReportData`, so they carry the same figures under the same
numbers. Nothing here formats for a language: :mod:`ultralow.report.render` does.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ultralow import __version__
from ultralow.app import Application, Judgement, NoData, Progress, no_progress, site
from ultralow.app.content import ContentHash, content_hash
from ultralow.app.ghg import Inventory, cbam, ghg_inventory
from ultralow.app.kpi import KpiReport, kpis
from ultralow.app.ledgers import Figure as LedgerFigure
from ultralow.app.ledgers import social_figures
from ultralow.cems import Period
from ultralow.claims.vocabulary import vocabulary
from ultralow.report.words import kpi_title, ledger_label

ENV_CODES = site.PUBLISHED_CODES  # SO2, NOx, PM, fluoride
HIGHLIGHT_CODES = ("a21026", "a21002", "a34013")
FLUORIDE = "a21018"
MAX_EVENTS = 15
MAX_LISTED_ROWS = 3  # ledger rows named per figure in the appendix (the rest counted)
RATE_RULES = ("capture_rate", "compliance_rate", "ultra-low-denominator", "exceedance")

# HKEX KPI -> the report section that carries it (the index itself for the others)
KPI_SECTIONS = {"A1.1": "s_environment", "A1.2": "s_ghg", "D.Scope1": "s_ghg", "D.Scope2": "s_ghg"}
KPI_PREFIX_SECTIONS = (("B1.", "s_social"), ("B2.", "s_social"), ("B3.", "s_social"), ("B8.", "s_community"))
SOCIAL_PREFIXES = ("workforce.", "safety.", "training.", "hires", "social_insurance", "turnover")


@dataclass
class Fig:
    """One numbered figure (a sentence or a table row) with its evidence."""

    no: str
    section: str
    label: str  # what it is, in English (the appendix shows it in the report's language via ``label_zh``)
    label_zh: str
    values: dict[str, Any]
    evidence: dict[str, Any]


@dataclass
class FigureBook:
    figures: list[Fig] = field(default_factory=list)

    def add(self, section: str, label: str, label_zh: str, values: dict[str, Any], evidence: dict[str, Any]) -> str:
        no = f"F{len(self.figures) + 1}"
        self.figures.append(Fig(no, section, label, label_zh, values, evidence))
        return no


@dataclass
class ReportData:
    year: int
    first: date
    last: date
    group_name: str
    group_name_zh: str | None
    synthetic: bool
    software: str
    content: ContentHash
    generated_at: datetime
    db: str
    book: FigureBook
    bases: list[dict[str, Any]]
    outlets_n: int
    highlights: list[dict[str, Any]]
    rollups: list[dict[str, Any]]
    by_type: list[dict[str, Any]]
    group: dict[str, Any] | None
    performance: list[dict[str, Any]]
    events: list[dict[str, Any]]
    events_more: int
    monthly: list[dict[str, Any]]
    worst_hours: dict[str, Any] | None
    ghg: dict[str, Any] | None
    pfc: dict[str, Any]
    cbam: list[dict[str, Any]]
    social: list[dict[str, Any]]
    community: list[dict[str, Any]]
    overseas: list[dict[str, Any]]
    quality: dict[str, Any]
    kpis: list[dict[str, Any]]
    gri: list[dict[str, Any]]
    engine_evidence: dict[str, Any]
    judgement: Judgement
    query: str = ""
    judged_again: bool = True
    rule_table: list[dict[str, Any]] = field(default_factory=list)
    factor_table: dict[str, dict[str, Any]] = field(default_factory=dict)


def generated_at() -> datetime:
    """``SOURCE_DATE_EPOCH`` (reproducible builds) when set, else now (UTC, whole seconds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip():
        return datetime.fromtimestamp(int(epoch.strip()), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def report_period(app: Application, year: int) -> tuple[date, date]:
    """The days of ``year`` with minute data (plant-local), as the public site chooses its period."""
    span = app.data_span()
    if span.first is None or span.last is None or span.minute_rows == 0:
        raise NoData([f"{app.db}: no minute readings in the store: there is nothing to report"])
    first, last = max(span.first.date(), date(year, 1, 1)), min(span.last.date(), date(year, 12, 31))
    if first > last:
        raise NoData([f"{app.db}: no minute readings in {year} (the store holds {span.first.date()} to "
                      f"{span.last.date()})"])
    return first, last


def _rule_sources(judgement: Judgement, ids: tuple[str, ...]) -> list[str]:
    """The ids of the engine rules applied (the appendix lists each once with its value, source and status)."""
    known = {r["id"] for r in judgement.evidence()["rules"]}
    return [i for i in ids if i in known]


def collect(app: Application, year: int, progress: Progress = no_progress, judgement: Judgement | None = None
            ) -> ReportData:
    """Judge the year and gather every figure of the report (see the module docstring). ``judgement``: one the
    caller already made of exactly the report's period and every outlet (the demo's), used instead of judging
    again; any other is ignored."""
    first, last = report_period(app, year)
    judged = False
    wanted = Period(first, last + timedelta(days=1))
    if judgement is None or judgement.period != wanted or \
            list(judgement.outlet_ids) != [o.id for o in app.registry.outlets]:
        progress("judge", 0, None)
        judgement = app.judge(first=first, last=last, progress=progress)
        judged = True
    else:
        judged = False
    book = FigureBook()
    registry = app.registry
    period = f"{first.isoformat()}/{last.isoformat()}"
    cli = f"ultralow compliance --db {app.db.name} --from {first} --to {last}"
    progress("figures", 0, None)

    inventory = ghg_inventory(app.store, year)
    kpi_report = kpis(app.store, year, emissions=judgement.tables["emissions"])
    ledger = social_figures(app.store, year)

    data = ReportData(
        year=year, first=first, last=last, group_name=registry.group_name or "Group",
        group_name_zh=registry.group_name_zh,
        synthetic="synthetic" in (registry.group_name or "").lower(), software=f"ultralow {__version__}",
        content=content_hash(app.store), generated_at=generated_at(), db=app.db.name, book=book,
        bases=_bases(app, inventory, book, year), outlets_n=len(registry.outlets),
        highlights=[], rollups=[], by_type=[], group=None, performance=[], events=[], events_more=0,
        monthly=site.monthly_tonnes(judgement), worst_hours=None, ghg=None, pfc={}, cbam=[],
        social=[], community=[], overseas=[], quality={}, kpis=[], gri=[],
        engine_evidence=judgement.evidence(), judgement=judgement, query=f"{cli} [--outlet ID …]",
        judged_again=judged)
    _environment(data, judgement, book, period, cli)
    _ghg(data, app, inventory, book, year)
    _ledgers(data, ledger, book)
    _quality(data, judgement, book, period, cli)
    _kpis(data, kpi_report, book)
    used = {r for f in book.figures for r in f.evidence.get("rules", [])}
    data.rule_table = [r for r in data.engine_evidence["rules"] if r["id"] in used]
    return data


# -- the group ---------------------------------------------------------------------------------------------

def _bases(app: Application, inventory: Inventory, book: FigureBook, year: int) -> list[dict[str, Any]]:
    rows = []
    for base in app.registry.bases:
        outlets = [o for o in app.registry.outlets if o.base == base.id]
        produced = {k: v for k, v in inventory.production.get(base.id, {}).items() if v}
        fig = None
        if produced:
            refs = sorted({r for line in inventory.lines if line.base == base.id for r in line.inputs
                           if r.startswith("production/")})
            fig = book.add("s_group", f"output of {base.id} in {year}", f"{base.id} {year}年产量", produced,
                           _ledger_evidence(refs, "production ledger, approved rows, summed over the months of "
                                                  f"{year}", str(year)))
        rows.append({"id": base.id, "name": base.name, "name_zh": base.name_zh, "country": base.country, "outlets": len(outlets),
                     "source_types": sorted({o.source_type for o in outlets}), "production": produced, "fig": fig})
    return rows


def _ledger_evidence(refs: list[str] | tuple[str, ...], rule: str, period: str) -> dict[str, Any]:
    listed = list(refs)[:MAX_LISTED_ROWS]
    more = len(refs) - len(listed)
    return {"source": "approved ledger rows (ultralow.app.ledgers)", "rule": rule, "period": period,
            "rows": listed, "rows_more": more, "rows_total": len(refs)}


# -- environmental performance -----------------------------------------------------------------------------

def _environment(data: ReportData, judgement: Judgement, book: FigureBook, period: str, cli: str) -> None:
    outlets = {o["outlet_id"]: o for o in judgement.outlets.to_pylist()}
    fluoride = _fluoride_tonnes(judgement, outlets)
    rules = _rule_sources(judgement, RATE_RULES)
    for level, target in (("base_source_type", data.rollups), ("source_type", data.by_type), ("group", None)):
        for row in site.rollup_rows(judgement, level):
            key = (row["base"], row["source_type"]) if level == "base_source_type" else (
                row["source_type"] if level == "source_type" else "ALL")
            ids = sorted(o for o, m in outlets.items()
                         if (level == "group") or (level == "source_type" and m["source_type"] == row["source_type"])
                         or (level == "base_source_type" and (m["base"], m["source_type"]) == key))
            values = {k: row[k] for k in ("outlets", "hours_operating", "hours_valid", "hours_judged",
                                           "hours_exceeded", "capture_rate", "compliance_rate", "ultra_low_ratio",
                                           "so2_t", "nox_t", "pm_t")}
            values["fluoride_t"] = _sum_or_none(fluoride.get(o) for o in ids)
            label = {"base_source_type": f"{row['base']} / {row['source_type']}",
                     "source_type": f"group / {row['source_type']}", "group": "group"}[level]
            no = book.add("s_environment", f"performance {label}", f"表现 {label}", values, {
                "source": "compliance engine (ultralow.cems.run) via ultralow.app Application.judge, roll-up "
                          f"level {level}",
                "rules": rules, "outlets": ids,
                "note": "tonnes: measured + HJ 75 substitutes; fluoride from the engine's emissions table (a21018)"})
            entry = {**row, **values, "fig": no}
            if target is None:
                data.group = entry
            else:
                target.append(entry)
    for row in site.performance(judgement):
        no = book.add("s_environment", f"concentrations {row['base']} / {row['source_type']} / {row['code']}",
                      f"浓度 {row['base']} / {row['source_type']} / {row['code']}",
                      {k: row[k] for k in ("mean_corrected_mg_m3", "max_corrected_mg_m3", "limit_mg_m3",
                                           "ultra_low_limit_mg_m3", "hours_exceeded", "hours_judged")},
                      {"source": "engine summary per outlet and pollutant (valid-hour mean weighted by valid hours)",
                       "rule": "limits: the strictest applicable standard limit; the ultra-low limit shown apart",
                       "outlets": row["outlets"]})
        data.performance.append({**row, "fig": no})
    _events(data, judgement, book, period, cli)
    _highlights(data, judgement, outlets, book, period, cli)
    worst = data.events[0] if data.events else None
    if worst is not None:
        month = worst["start"].month
        hours = site.outlet_hours(judgement, worst["outlet_id"], worst["code"], month).to_pylist()
        data.worst_hours = {"outlet_id": worst["outlet_id"], "code": worst["code"],
                            "month": f"{worst['start'].year:04d}-{month:02d}", "rows": hours}


def _sum_or_none(values: Any) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _fluoride_tonnes(judgement: Judgement, outlets: dict[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for r in judgement.tables["emissions"].to_pylist():
        if r["code"] == FLUORIDE and r["outlet_id"] in outlets:
            out[r["outlet_id"]] = r["total_t"]
    return out


def _events(data: ReportData, judgement: Judgement, book: FigureBook, period: str, cli: str) -> None:
    events = site.events(judgement)
    hours = judgement.hours.select(["outlet_id", "hour", "mark_type"])
    hours = hours.filter(pc.is_valid(hours["mark_type"]))
    marks = hours.to_pylist()
    findings = judgement.tables["findings"].to_pylist()
    for event in events[:MAX_EVENTS]:
        start, end = event["start"], event["end"]
        causes: list[str] = sorted({f"mark: {m['mark_type']}" for m in marks if m["outlet_id"] == event["outlet_id"]
                                    and start <= m["hour"].replace(tzinfo=None) < end})
        causes += sorted({f"finding: {f['finding']} ({f['rule']})" for f in findings
                          if f["outlet_id"] == event["outlet_id"] and f["start"] < end and f["end"] > start})
        no = book.add("s_environment", f"exceedance event {event['outlet_id']} {event['code']} {start:%Y-%m-%d %H:%M}",
                      f"超标事件 {event['outlet_id']} {event['code']} {start:%Y-%m-%d %H:%M}",
                      {k: event[k] for k in ("duration_h", "peak_corrected_mg_m3", "peak_multiple", "limit_mg_m3")},
                      {"source": "engine events (consecutive exceedance hours of one outlet and pollutant)",
                       "rule": f"limit row {event['limit_row']} of {event['limit_set']}; multiple = (c - L) / L",
                       "period": f"{start.isoformat()}/{end.isoformat()}", "outlets": [event["outlet_id"]]})
        data.events.append({**event, "causes": causes, "fig": no})
    data.events_more = max(0, len(events) - MAX_EVENTS)


def _highlights(data: ReportData, judgement: Judgement, outlets: dict[str, Any], book: FigureBook, period: str,
                cli: str) -> None:
    """Sentences the claim check can verify: per claim scope, mean concentrations and SO2 tonnes."""
    if data.group is not None:
        no = book.add("s_environment", "hours judged and exceeded (group)", "判定及超标小时（集团）",
                      {"hours_judged": data.group["hours_judged"], "hours_exceeded": data.group["hours_exceeded"]},
                      {"source": "engine roll-up, group", "rules": _rule_sources(judgement, ("exceedance",))})
        data.highlights.append({"kind": "compliance", "judged": data.group["hours_judged"],
                                "exceeded": data.group["hours_exceeded"], "fig": no})
    summary = judgement.tables["summary"].to_pylist()
    emissions = judgement.tables["emissions"].to_pylist()
    for scope in vocabulary().scopes:
        if scope.name not in ("thermal_power", "electrolytic_aluminium", "alumina", "carbon_anode"):
            continue
        ids = sorted(o for o, m in outlets.items() if m["source_type"] in scope.source_types)
        if not ids:
            continue
        for code in HIGHLIGHT_CODES:
            rows = [r for r in summary if r["outlet_id"] in ids and r["code"] == code
                    and r["mean_corrected_mg_m3"] is not None and r["hours_valid"]]
            hours = sum(r["hours_valid"] for r in rows)
            if not hours:
                continue
            mean = sum(r["mean_corrected_mg_m3"] * r["hours_valid"] for r in rows) / hours
            no = book.add("s_environment", f"mean {code} concentration, {scope.name}",
                          f"{code} 平均浓度，{scope.name}", {"mean_corrected_mg_m3": mean, "hours_valid": hours},
                          {"source": "engine summary: valid-hour means weighted by valid hours",
                           "outlets": [r["outlet_id"] for r in rows],
                           "rule": f"claim scope {scope.name}: source types {', '.join(scope.source_types)} "
                                   f"({scope.source})"})
            data.highlights.append({"kind": "concentration", "scope": scope.name, "code": code, "value": mean,
                                    "fig": no})
        masses = [r["total_t"] for r in emissions if r["outlet_id"] in ids and r["code"] == "a21026"
                  and r["total_t"] is not None]
        if masses:
            total = sum(masses)
            no = book.add("s_environment", f"SO2 tonnes, {scope.name}", f"SO2 排放量，{scope.name}",
                          {"so2_t": total}, {"source": "engine annual emissions (measured + HJ 75 substitutes)",
                                             "outlets": ids,
                                             "rule": f"claim scope {scope.name}"})
            data.highlights.append({"kind": "mass", "scope": scope.name, "code": "a21026", "value": total, "fig": no})


# -- GHG and CBAM ------------------------------------------------------------------------------------------

def _ghg(data: ReportData, app: Application, inventory: Inventory, book: FigureBook, year: int) -> None:
    if not inventory.lines:
        return
    regime = inventory.regime
    all_refs = sorted({r for line in inventory.lines for r in line.inputs})
    group = {"scope1_t": inventory.scope1_t, "scope2_t": inventory.scope2_t,
             "intensity_al": inventory.intensity_t_per_t_aluminium,
             "intensity_alumina": inventory.intensity_t_per_t_alumina,
             "aluminium_t": inventory.total_production("aluminium_t"),
             "alumina_t": inventory.total_production("alumina_t")}
    rule = (f"regime {regime.id} ({regime.title}; GWP {regime.gwp_set}, PFC {regime.pfc_set}; {regime.source}; "
            f"{regime.status}); intensity = (Scope 1 + Scope 2) / t")
    gfig = book.add("s_ghg", f"GHG Scope 1 and 2, group, {year}", f"温室气体范围一和范围二，集团，{year}", group,
                    {**_ledger_evidence(all_refs, rule, str(year)),
                     "query": f"ultralow ghg --db {app.db.name} --year {year} --regime {regime.id}"})
    bases = []
    for b in inventory.bases:
        refs = sorted({r for line in inventory.lines if line.base == b.base for r in line.inputs})
        no = book.add("s_ghg", f"GHG {b.base}", f"温室气体 {b.base}", b.to_json(),
                      {**_ledger_evidence(refs, rule, str(year)),
                       "factors": sorted({f.id for line in inventory.lines if line.base == b.base
                                          for f in line.factors})})
        bases.append({**b.to_json(), "fig": no})
    categories = []
    for category, tonnes in sorted(inventory.by_category().items()):
        lines = [line for line in inventory.lines if line.category == category]
        no = book.add("s_ghg", f"GHG category {category}", f"温室气体类别 {category}", {"co2e_t": tonnes},
                      {**_ledger_evidence(sorted({r for line in lines for r in line.inputs}), "; ".join(
                          sorted({line.method for line in lines})), str(year)),
                       "factors": sorted({f.id for line in lines for f in line.factors})})
        categories.append({"category": category, "co2e_t": tonnes,
                           "scope": sorted({line.scope for line in lines}), "fig": no})
    for line in inventory.lines:
        for f in line.factors:
            data.factor_table[f.id] = f.to_json()
    data.ghg = {"regime": regime.id, "regime_title": regime.title, "gwp": regime.gwp_set, "pfc": regime.pfc_set,
                "group": group, "fig": gfig, "bases": bases, "categories": categories,
                "findings": inventory.findings}
    # both PFC coefficient sets, side by side per base and method; flagged where they differ
    grouped: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in inventory.pfc_sets:
        grouped[(row["base"], row["method"])][row["set"]] = row
    rows, differ = [], False
    for (base, method), sets in sorted(grouped.items()):
        ipcc, eu = sets.get("IPCC2006"), sets.get("EU_MRR_CBAM")
        same = (ipcc is not None and eu is not None and abs(ipcc["cf4_t"] - eu["cf4_t"]) < 1e-9
                and abs(ipcc["c2f6_t"] - eu["c2f6_t"]) < 1e-9)
        differ = differ or not same
        values = {"ipcc_cf4_t": ipcc["cf4_t"] if ipcc else None, "ipcc_c2f6_t": ipcc["c2f6_t"] if ipcc else None,
                  "eu_cf4_t": eu["cf4_t"] if eu else None, "eu_c2f6_t": eu["c2f6_t"] if eu else None}
        factors = [f["id"] for s in sets.values() for f in s["factors"]]
        data.factor_table.update({f["id"]: f for s in sets.values() for f in s["factors"]})
        no = book.add("s_ghg", f"PFC {base} {method}", f"全氟化碳 {base} {method}", values,
                      {"source": "ultralow.app.ghg.pfc_comparison", "rule": f"{method} method", "factors": factors,
                       "period": str(year)})
        tech = next(iter(sets.values()))["technology"]
        rows.append({"base": base, "method": method, "technology": tech, **values, "differs": not same, "fig": no})
    data.pfc = {"rows": rows, "differ": differ}
    for result in cbam(app.store, year):
        j = result.to_json()
        data.factor_table.update({f["id"]: f for f in (j["benchmark"], j["default_value"]) if f})
        no = book.add("s_ghg", f"CBAM {result.installation}", f"CBAM {result.installation}",
                      {k: j[k] for k in ("aluminium_t", "attributed_direct_t_co2e", "see_direct_t_co2e_per_t",
                                         "default_with_markup_t_co2e_per_t")},
                      {"source": "ultralow.app.ghg.cbam", "rule": j["formula"], "period": str(year),
                       "factors": [f["id"] for f in (j["benchmark"], j["default_value"]) if f],
                       "note": "; ".join(result.notes)})
        data.cbam.append({**j, "fig": no})


# -- ledgers: social, community, overseas ------------------------------------------------------------------

def _ledgers(data: ReportData, figures: list[LedgerFigure], book: FigureBook) -> None:
    for f in figures:
        if f.country is not None and f.country != "CN":
            section, target = "s_overseas", data.overseas
        elif f.id.startswith(SOCIAL_PREFIXES):
            section, target = "s_social", data.social
        else:
            section, target = "s_community", data.community
        no = None
        if f.status == "reported":
            no = book.add(section, f.label, ledger_label(f.id, f.label, f.country, "zh"), {"value": f.value, "unit": f.unit},
                          _ledger_evidence(f.rows, f"ledger figure {f.id} (sum of the approved rows)", str(f.year)))
        target.append({"id": f.id, "label": f.label, "value": f.value, "unit": f.unit, "status": f.status,
                       "country": f.country, "fig": no})


# -- data quality and marks --------------------------------------------------------------------------------

def _quality(data: ReportData, judgement: Judgement, book: FigureBook, period: str, cli: str) -> None:
    hours = judgement.hours.select(["outlet_id", "code", "valid", "status", "invalid_reason", "mark_type",
                                    "substitution_rule", "substitute_kg"])
    pollutant = pc.is_in(hours["code"], pa.array(list(ENV_CODES)))
    invalid = hours.filter(pc.and_(pollutant, pc.is_valid(hours["invalid_reason"])))
    reasons = Counter(invalid["invalid_reason"].to_pylist())
    reason_rows = []
    for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        no = book.add("s_quality", f"invalid pollutant hours: {reason}", f"无效污染物小时：{reason}", {"hours": count},
                      {"source": "engine hours (invalid_reason)",
                       "rules": _rule_sources(judgement, ("hour_min_valid_minutes", "minute_valid_flags"))})
        reason_rows.append({"reason": reason, "hours": count, "fig": no})
    subst = hours.filter(pc.and_(pc.is_valid(hours["substitution_rule"]), pc.is_valid(hours["substitute_kg"])))
    sub_rows = []
    grouped: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for r in subst.to_pylist():
        grouped[(r["code"], r["substitution_rule"])].append((r["outlet_id"], r["substitute_kg"]))
    for (code, rule), hours_kg in sorted(grouped.items(), key=lambda kv: (ENV_CODES.index(kv[0][0])
                                                                          if kv[0][0] in ENV_CODES else 9, kv[0])):
        ids = sorted({o for o, _ in hours_kg})
        kg = sum(k for _, k in hours_kg)
        no = book.add("s_quality", f"substituted hours {code} {rule}", f"替代小时 {code} {rule}",
                      {"hours": len(hours_kg), "outlets": len(ids), "substitute_kg": kg},
                      {"source": "engine hours (substitution_rule, substitute_kg)",
                       "outlets": ids, "rules": _rule_sources(judgement, (f"substitution:{rule}",)) or [rule]})
        sub_rows.append({"code": code, "rule": rule, "hours": len(hours_kg), "outlets": len(ids),
                         "substitute_kg": kg, "fig": no})
    marks = Counter(hours.filter(pc.is_valid(hours["mark_type"]))["mark_type"].to_pylist())
    mark_rows = []
    for mark, count in sorted(marks.items()):
        no = book.add("s_quality", f"marked hours: {mark}", f"标记小时：{mark}", {"hours": count},
                      {"source": "engine hours (mark_type) from the store's marks",
                       "rules": _rule_sources(judgement, (f"marking:{mark}",))})
        mark_rows.append({"mark": mark, "hours": count, "fig": no})
    found: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for f in judgement.tables["findings"].to_pylist():
        found[(f["finding"], f["rule"], f["status"])].append(int(f["hours"] or 0))
    finding_rows = []
    for (finding, rule, status), hs in sorted(found.items()):
        no = book.add("s_quality", f"data-quality finding {finding}", f"数据质量发现 {finding}",
                      {"count": len(hs), "hours": sum(hs)},
                      {"source": "engine findings (ultralow.cems quality checks)",
                       "rules": [rule]})
        finding_rows.append({"finding": finding, "rule": rule, "status": status, "count": len(hs),
                             "hours": sum(hs), "fig": no})
    data.quality = {"reasons": reason_rows, "substituted": sub_rows, "marks": mark_rows, "findings": finding_rows}


# -- HKEX content index and GRI cross-reference ------------------------------------------------------------

def kpi_section(kpi_id: str, status: str) -> str:
    if status == "reported":
        if kpi_id in KPI_SECTIONS:
            return KPI_SECTIONS[kpi_id]
        for prefix, section in KPI_PREFIX_SECTIONS:
            if kpi_id.startswith(prefix):
                return section
    return "s_hkex"


def _kpis(data: ReportData, report: KpiReport, book: FigureBook) -> None:
    gri: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for k in report.kpis:
        no = None
        if k.status == "reported":
            no = book.add("s_hkex", f"HKEX {k.id}: {k.title}", f"联交所 {k.id}：{kpi_title(k.id, k.title, 'zh')}",
                          {"value": k.value, "unit": k.unit, "intensity": k.intensity,
                           "intensity_unit": k.intensity_unit},
                          {"source": f"ultralow.app.kpi ({k.source}; definition {k.definition_status})",
                           "period": str(report.year), **_kpi_evidence(k.evidence)})
        section = kpi_section(k.id, k.status)
        row = {"id": k.id, "part": k.part, "title": k.title, "status": k.status, "value": k.value, "unit": k.unit,
               "intensity": k.intensity, "intensity_unit": k.intensity_unit, "reason": k.reason,
               "gri": list(k.gri), "section": section, "fig": no}
        data.kpis.append(row)
        for g in k.gri:
            gri[g].append(row)
    data.gri = [{"gri": g, "kpis": rows} for g, rows in sorted(gri.items(), key=lambda kv: _gri_key(kv[0]))]


def _gri_key(code: str) -> tuple[int, ...]:
    digits = [int(p) for p in code.replace("GRI", "").strip().split("-") if p.strip().isdigit()]
    return tuple(digits) or (999,)


def _kpi_evidence(evidence: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rows = evidence.get("ledger_rows") or evidence.get("rows")
    if isinstance(rows, list):
        out.update({"rows": rows[:MAX_LISTED_ROWS], "rows_more": max(0, len(rows) - MAX_LISTED_ROWS),
                    "rows_total": len(rows)})
    for key, value in evidence.items():
        if key not in ("ledger_rows", "rows") and isinstance(value, str | int | float):
            out[key] = value
    return out
