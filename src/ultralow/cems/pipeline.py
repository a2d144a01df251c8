"""The compliance run: minute readings, registry rows, limit rows and marks in; judged hours, summary,
events, findings, days, months, ultra-low ratios and emission totals out — all Ibis expressions, so the
same code runs on DuckDB and on Spark.

    minutes -> classify (flags, plausibility, marks) -> one GROUP BY per clock hour
            -> grid of every hour of the period x (outlet, pollutant) -> O2 / flow / humidity, wet -> dry
            -> strictest limit -> judge (valid, corrected, exceeded, exempt) -> substitution
            -> summary, days, months, events, findings, ultra-low ratio, annual emissions
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from ultralow.cems import episodes, exceedance, hourly, quality, rates, substitution
from ultralow.cems import marks as marks_mod
from ultralow.cems.engine import Engine
from ultralow.cems.events import (
    FINDING_COLUMNS,
    availability_findings,
    exceedance_events,
    unjudgeable_findings,
)
from ultralow.cems.period import Period
from ultralow.cems.suspect import with_suspect
from ultralow.cems.validity import classify_minutes
from ultralow.hj212 import code_tables
from ultralow.standards.rules import RuleBook, packaged_rules
from ultralow.standards.selection import outlet_candidates, ranked_candidates, strictest

HOUR_COLUMNS = (
    "outlet_id", "code", "hour", "utc_offset_min", "valid_minutes", "valid", "status", "invalid_reason",
    "measured_mg_m3", "raw_mg_m3", "o2_pct", "o2_ref_pct", "corrected_mg_m3", "limit_mg_m3", "limit_set",
    "limit_row", "limit_source", "limit_status", "exceeded", "raw_exceeded", "exempt", "mark_type",
    "exceed_multiple", "flow_m3_h", "emission_kg", "substitute_kg", "substitution_rule", "emission_total_kg",
    "alpha",
    # both limits, always: the strictest statutory row and the premium (ultra-low) row
    "legal_limit_mg_m3", "legal_limit_set", "legal_limit_row", "legal_limit_status", "legal_corrected_mg_m3",
    "legal_exceeded", "legal_exceed_multiple",
    "ultra_low_limit_mg_m3", "ultra_low_limit_set", "ultra_low_limit_row", "ultra_low_limit_status",
    "ultra_low_corrected_mg_m3", "ultra_low_exceeded", "ultra_low_exceed_multiple",
    # why an hour is not judged, and what is only indicative
    "judgeable", "unjudged_reason", "indicative_mg_m3", "indicative_o2_pct", "suspect", "suspect_finding",
    "pollutant_name",
)

# the judged hours' columns that later steps read: the output's, and those of the quality findings, the suspect
# policy and the substitution
JUDGED_COLUMNS = frozenset({*HOUR_COLUMNS, "raw_mean", "operating", "stopped", "emission_valid", "n_records",
                            "n_calibration", "out_of_control", "o2_valid"})


@dataclass
class ComplianceResult:
    """The tables of one run (Ibis expressions; materialised on the engine when one was given)."""

    hours: ir.Table
    summary: ir.Table
    events: ir.Table
    findings: ir.Table
    days: ir.Table
    months: ir.Table
    ultra_low: ir.Table
    emissions: ir.Table
    candidates: ir.Table
    period: Period
    rules: RuleBook
    extra: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, ir.Table]:
        return {"hours": self.hours, "summary": self.summary, "events": self.events, "findings": self.findings,
                "days": self.days, "months": self.months, "ultra_low": self.ultra_low, "emissions": self.emissions}


def pollutant_names(rules: RuleBook) -> pa.Table:
    """code -> pollutant_name (the English name of ``pollutants.toml``, else the HJ 212 code table's)."""
    factors = code_tables().factors
    codes = list(rules.pollutants)
    names = [rules.pollutant_names.get(c) or (factors[c].name_en if c in factors else c) for c in codes]
    return pa.table({"code": pa.array(codes, pa.string()), "pollutant_name": pa.array(names, pa.string())})


def _keep(engine: Engine | None, name: str, expr: ir.Table, spark_only: bool = False,
          replay_only: bool = False) -> ir.Table:
    """Materialise ``expr`` on the engine. ``spark_only``: a cut that only Spark needs (it re-plans a view's
    whole lineage on every use; DuckDB does better reading the expression in one query) — and an engine that
    asks for every cut (``Engine.every_cut``: the recording engine of :mod:`ultralow.cems.replay`, which reuses
    a cut whose inputs did not change). ``replay_only``: a cut only that engine needs (a table of the registry
    it keeps while the same outlets send)."""
    if engine is None or (replay_only and not engine.every_cut):
        return expr
    if spark_only and engine.name != "spark" and not engine.every_cut:
        return expr
    return engine.materialize(name, expr)


def run(readings: ir.Table, outlets: ir.Table, limits: ir.Table, marks: ir.Table | None, period: Period, *,
        rules: RuleBook | None = None, engine: Engine | None = None, context: Period | None = None,
        extra_findings: ir.Table | None = None, hour_grid: pa.Table | None = None,
        pairs: pa.Table | None = None) -> ComplianceResult:
    """Judge the period. ``readings``: the contract's readings columns (minute rows are used);
    ``outlets``: registry rows (outlet_id, source_type, limit_sets, wet_analyser, utc_offset_min);
    ``limits``: :meth:`LimitCatalog.table`; ``marks``: :data:`marks.MARK_SCHEMA` rows or None.

    With an ``engine`` the hourly statistics and the judged hours are computed once and kept there;
    without one the result is a set of lazy expressions (same values).

    ``context`` (containing ``period``): the days judged to make the answer independent of the period asked —
    the calendar quarters that the substitution's alpha and look-back read (see
    :func:`ultralow.cems.period.substitution_context`). Every table is then cut to ``period``.
    ``extra_findings``: finding rows made outside the engine (QA findings, :mod:`ultralow.cems.qa`).
    ``hour_grid`` (column ``hour``): the clock hours to judge instead of every hour of ``context`` (a caller
    judging a few hours of live data, :mod:`ultralow.app.results`); ``pairs`` (outlet_id, code): pollutants to
    grid even where the minutes read have none of theirs (those a longer run would know from other hours).
    """
    if context is not None and (context.start > period.start or context.end < period.end):
        raise ValueError(f"context {context.as_dict()} must contain the period {period.as_dict()}")
    context = context or period
    rules = rules or packaged_rules()
    load = engine.load if engine is not None else ibis.memtable
    hour_grid = load(context.hours_table() if hour_grid is None else hour_grid)
    policy = load(rules.marking_table())
    if marks is None:
        marks = load(marks_mod.empty_marks())
    marked = marks_mod.with_policy(marks, policy)

    classified = minutes = classify_minutes(hourly.period_minutes(readings, context), rules)
    any_marks, invalidating, out_of_control = True, True, True
    if engine is not None:  # skip the interval joins when there is no mark at all (the common case)
        counts = engine.to_arrow(marked.aggregate(
            n=marked.count(),
            invalidating=ibis.ifelse(marked.data_valid == False, 1, 0).sum(),  # noqa: E712
            out_of_control=ibis.ifelse(marked.substitution_kind == "out_of_control", 1, 0).sum(),
        )).to_pylist()[0]
        any_marks = int(counts["n"]) > 0
        invalidating = int(counts["invalidating"] or 0) > 0
        out_of_control = int(counts["out_of_control"] or 0) > 0
    if invalidating:
        minutes = marks_mod.minutes_marked_invalid(minutes, marked)
    else:
        minutes = minutes.mutate(marked_invalid=ibis.literal(False))
    stats = _keep(engine, "hourly", hourly.aggregate(minutes, rules, marked=invalidating,
                                                          unmarked=classified))

    core = _keep(engine, "core", hourly.with_derived_nox(stats, rules), spark_only=True)
    grid = hourly.pollutant_grid(core, outlets, hour_grid, rules, None if pairs is None else load(pairs))
    hours = hourly.with_parameters(grid, core, rules)

    if any_marks:
        per_hour = marks_mod.hour_marks(hours, marked).rename(m_outlet="outlet_id", m_code="code", m_hour="hour")
        hours = hours.left_join(per_hour, [hours.outlet_id == per_hour.m_outlet, hours.code == per_hour.m_code,
                                           hours.hour == per_hour.m_hour]).drop("m_outlet", "m_code", "m_hour")
        hours = marks_mod.apply_caps(hours, any(p.annual_cap_hours is not None for p in rules.marking))
    else:
        hours = marks_mod.without_marks(hours)
    hours = _keep(engine, "measured", hours, spark_only=True)

    candidates = _keep(engine, "candidates", outlet_candidates(outlets, limits), spark_only=True)
    # the registry's parts of the judgement: kept apart from the hours, so a replay that judges new hours of the
    # same outlets reuses them (cems.replay) and the per-hour statement stays small
    ranked = _keep(engine, "ranked", ranked_candidates(candidates), replay_only=True)
    fallback = _keep(engine, "fallback", exceedance.fallback_reference(candidates), replay_only=True)
    hours = strictest(hours, candidates, float(rules.value("ambient_o2_pct")), ranked=ranked)
    hours = exceedance.judge(hours, fallback, rules)
    # kept narrow: only what the later steps read (the judged table is written once and read several times)
    hours = _keep(engine, "judged", hours.select(*[c for c in hours.columns if c in JUDGED_COLUMNS]))
    quality_found = _keep(engine, "quality", quality.findings(stats, hours, rules))
    hours = with_suspect(hours, quality_found, rules)
    hours = substitution.substitute(hours, rules, keep=lambda name, expr: _keep(engine, name, expr, spark_only=True),
                                    out_of_control=out_of_control)
    names = load(pollutant_names(rules))
    hours = hours.rename(raw_mg_m3="raw_mean")
    named = names.rename(n_code="code")
    hours = hours.left_join(named, hours.code == named.n_code).drop("n_code")
    # an invalid hour's means are indicative only: they move to indicative_* and the measured columns are null
    hours = hours.mutate(measured_mg_m3=ibis.ifelse(hours.valid, hours.measured_mg_m3, ibis.null(float)),
                         o2_pct=ibis.ifelse(hours.o2_valid, hours.o2_pct, ibis.null(float)),
                         indicative_o2_pct=ibis.ifelse(hours.o2_valid, ibis.null(float), hours.o2_pct))
    if context != period:  # judged over the context, reported for the period asked
        hours = hours.filter(hours.hour >= period.start_time, hours.hour < period.end_time)
        quality_found = quality_found.filter(quality_found.start < period.end_time,
                                             quality_found.end > period.start_time)
    hours = _keep(engine, "hours", hours.select(*HOUR_COLUMNS, "operating", "stopped", "emission_valid", "n_records"))

    day_table = rates.days(hours, rules)
    found = quality_found.union(availability_findings(hours)).union(
        substitution.unsubstituted_findings(hours)).union(unjudgeable_findings(hours))
    if extra_findings is not None:
        found = found.union(extra_findings.select(*FINDING_COLUMNS).cast(found.schema()))
    # small tables read twice (events by the episodes, the findings by their ranking): computed once
    events = _keep(engine, "events", exceedance_events(hours))
    found = _keep(engine, "found", found)
    return ComplianceResult(
        hours=hours.select(*HOUR_COLUMNS),
        summary=rates.summary(hours, candidates, names, rules.pollutants),
        events=events,
        findings=episodes.ranked(found, events, rules),
        days=day_table,
        months=rates.months(day_table, rules),
        ultra_low=rates.ultra_low_ratio(hours, candidates, rules),
        emissions=substitution.annual_emissions(hours),
        candidates=candidates,
        period=period,
        rules=rules,
    )
