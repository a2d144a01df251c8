"""Judging an hour: operating or stopped, valid or not (and why), the corrected value, exceedance.

An hour exceeds when it is valid, not exempt by a mark, and its corrected value is strictly above the
limit (超过 = strictly greater; equal complies); its multiple is (c - L) / L (超标倍数). An invalid hour is
never an exceedance: it is a data-availability finding. A mark never removes the raw values: the hour keeps
``raw_mg_m3`` (mean of every minute value received) and ``raw_exceeded`` (the judgement without exemption).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ultralow.cems import conversion
from ultralow.cems.validity import hour_is_valid
from ultralow.standards.rules import RuleBook


def fallback_reference(candidates: ir.Table) -> ir.Table:
    """Per outlet, the reference O2 for a pollutant without a limit row: the lowest O2 reference among the
    outlet's other applicable rows (none when they are all measured-basis)."""
    return candidates.group_by("outlet_id").agg(
        fb_o2_ref_pct=ibis.ifelse(candidates.reference_basis == "o2", candidates.o2_ref_pct,
                                  ibis.null(float)).min(),
    ).rename(fb_outlet="outlet_id")


def judge(hours: ir.Table, fallback: ir.Table, rules: RuleBook) -> ir.Table:
    """Add stopped, operating, valid, status, invalid_reason, o2_ref_pct, corrected_mg_m3, raw_exceeded,
    exceeded, exceed_multiple, emission_valid, emission_kg to hours carrying their limit and marks."""
    t = hours.left_join(fallback, hours.outlet_id == fallback.fb_outlet).drop("fb_outlet")
    ambient = float(rules.value("ambient_o2_pct"))
    o2_ref = ibis.ifelse(t.limit_mg_m3.notnull(),
                         ibis.ifelse(t.limit_basis == "o2", t.limit_o2_ref_pct, ibis.null(float)),
                         t.fb_o2_ref_pct)
    needs_o2 = o2_ref.notnull()
    stopped = ((t.n_records > 0) & (t.n_stopped == t.n_records)) | t.stopped_mark.fill_null(False)
    minutes_ok = hour_is_valid(t.valid_minutes, rules)
    wet = t.wet_analyser.fill_null(False)
    o2_ok = t.o2_valid & t.o2_pct.notnull() & (t.o2_pct < ambient)
    valid = (~stopped & minutes_ok & t.measured_mg_m3.notnull() & (~wet | t.hum_valid) & (~needs_o2 | o2_ok))
    reason = ibis.cases(
        (stopped, ibis.null(str)),
        (t.n_records == 0, "no_data"),
        (~minutes_ok, "insufficient_valid_minutes"),
        (wet & ~t.hum_valid, "humidity_invalid"),
        (needs_o2 & ~t.o2_valid, "o2_invalid"),
        (needs_o2 & ~o2_ok, "o2_at_or_above_ambient"),
        (~valid, "measured_missing"),
        else_=ibis.null(str),
    )
    corrected_any = ibis.ifelse(needs_o2, conversion.o2_corrected(t.measured_mg_m3, t.o2_pct, o2_ref, rules),
                                t.measured_mg_m3)
    corrected = ibis.ifelse(valid, corrected_any, ibis.null(float))
    raw_exceeded = (valid & t.limit_mg_m3.notnull() & (corrected > t.limit_mg_m3)).fill_null(False)
    exempt = t.exempt.fill_null(False)
    emission_valid = ~stopped & minutes_ok & t.measured_mg_m3.notnull() & (~wet | t.hum_valid) & t.flow_valid
    return t.mutate(
        stopped=stopped,
        operating=~stopped,
        valid=valid,
        status=ibis.cases((stopped, "stopped"), (valid, "valid"), else_="invalid"),
        invalid_reason=reason,
        o2_ref_pct=o2_ref,
        corrected_mg_m3=corrected,
        raw_exceeded=raw_exceeded,
        exempt=exempt,
        exceeded=raw_exceeded & ~exempt,
        exceed_multiple=ibis.ifelse(raw_exceeded, (corrected - t.limit_mg_m3) / t.limit_mg_m3, ibis.null(float)),
        emission_valid=emission_valid,
        emission_kg=ibis.ifelse(emission_valid, conversion.emission_kg(t.measured_mg_m3, t.flow_m3_h, rules),
                                ibis.null(float)),
    ).drop("fb_o2_ref_pct")
