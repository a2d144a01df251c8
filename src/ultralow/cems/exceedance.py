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


# invalid_reason of an operating hour with too few valid minutes: the cause with the most minutes, in this
# order on ties (a mark first: it is the operator's statement about the period)
_CAUSES = (("marked_invalid", "n_marked"), ("fault", "n_fault"), ("maintenance", "n_maintenance"),
           ("calibration", "n_calibration"), ("stopped", "n_stopped"), ("over_range", "n_over_range"),
           ("communication", "n_comms"), ("manual_value", "n_manual"), ("implausible", "n_implausible"))


def invalid_cause(t: ir.Table, minutes_per_hour: int = 60, top: ir.IntegerValue | None = None) -> ir.StringValue:
    """The dominant cause of an hour's invalid minutes: a mark, a flag (fault, maintenance, calibration,
    stopped, over range, communication, manual value), implausible values, or minutes that never arrived
    (``missing_minutes``). ``top``: a column of ``t`` holding :func:`cause_top` (the largest count), so the
    statement names it once instead of once per cause."""
    counts = _cause_counts(t, minutes_per_hour)
    top = cause_top(t, minutes_per_hour) if top is None else top
    # none of these: minutes with another flag (e.g. HJ/T 212-2005 P) -> "other_flags"
    return ibis.cases(*[((value == top) & (value > 0), name) for name, value in counts.items()],
                      else_="other_flags")


def _cause_counts(t: ir.Table, minutes_per_hour: int) -> dict[str, ir.IntegerValue]:
    counts = {name: t[column] for name, column in _CAUSES}
    counts["missing_minutes"] = ibis.greatest(ibis.literal(minutes_per_hour) - t.n_records, 0)
    return counts


def cause_top(t: ir.Table, minutes_per_hour: int = 60) -> ir.IntegerValue:
    """The largest of an hour's invalid-minute counts by cause (see :func:`invalid_cause`)."""
    return ibis.greatest(*_cause_counts(t, minutes_per_hour).values())


def _corrected(t: ir.Table, measured: ir.FloatingValue, basis: ir.StringValue, o2_ref: ir.FloatingValue,
               rules: RuleBook) -> ir.FloatingValue:
    """The measured value at a limit row's basis: O2-corrected for an O2 row, as measured otherwise."""
    return ibis.ifelse(basis == "o2", conversion.o2_corrected(measured, t.o2_pct, o2_ref, rules), measured)


def judge(hours: ir.Table, fallback: ir.Table, rules: RuleBook) -> ir.Table:
    """Add stopped, operating, valid, judgeable, status, invalid_reason, unjudged_reason, o2_ref_pct,
    corrected_mg_m3, raw_exceeded, exceeded, exceed_multiple, legal_/ultra_low_ corrected, exceeded and
    multiple, indicative_mg_m3, emission_valid, emission_kg to hours carrying their limits and marks.

    ``valid`` is the pollutant's own validity (HJ 75: each parameter validated separately; it counts for
    capture and its emission counts when the flow is valid); ``judgeable`` adds what the limit needs: a valid
    O2 hour below ambient for an O2-referenced limit (reference §1.4: a derived quantity is valid only if all
    its inputs are). Only judgeable hours are compared with a limit."""
    t = hours.left_join(fallback, hours.outlet_id == fallback.fb_outlet).drop("fb_outlet")
    ambient = float(rules.value("ambient_o2_pct"))
    # in stages: each condition is a column the next stage names, not an expression it repeats (written out,
    # the judgement was a 40 KB statement whose planning cost more than running it on an hour of data); view()
    # keeps Ibis from merging a stage into the next (it inlines a column used once)
    t = t.mutate(
        _j_o2_ref=ibis.ifelse(t.limit_mg_m3.notnull(),
                              ibis.ifelse(t.limit_basis == "o2", t.limit_o2_ref_pct, ibis.null(float)),
                              t.fb_o2_ref_pct),
        _j_stopped=((t.n_records > 0) & (t.n_stopped == t.n_records)) | t.stopped_mark.fill_null(False),
        _j_minutes_ok=hour_is_valid(t.valid_minutes, rules),
        _j_wet=t.wet_analyser.fill_null(False),
        _j_o2_ok=t.o2_valid & t.o2_pct.notnull() & (t.o2_pct < ambient),
        _j_exempt=t.exempt.fill_null(False),
        _j_top=cause_top(t),
    ).view()
    t = t.mutate(
        _j_needs_o2=(t._j_o2_ref.notnull() | (t.legal_limit_basis == "o2").fill_null(False)
                     | (t.ultra_low_limit_basis == "o2").fill_null(False)),
        _j_valid=~t._j_stopped & t._j_minutes_ok & t.measured_mg_m3.notnull() & (~t._j_wet | t.hum_valid),
    ).view()
    t = t.mutate(_j_judgeable=t._j_valid & (~t._j_needs_o2 | t._j_o2_ok)).view()
    stopped, valid, judgeable, needs_o2, o2_ref = t._j_stopped, t._j_valid, t._j_judgeable, t._j_needs_o2, t._j_o2_ref
    minutes_ok, wet, o2_ok = t._j_minutes_ok, t._j_wet, t._j_o2_ok
    reason = ibis.cases(
        (stopped, ibis.null(str)),
        (t.n_records == 0, "no_data"),
        (~minutes_ok & t.out_of_control.fill_null(False), "out_of_control"),
        (~minutes_ok, invalid_cause(t, top=t._j_top)),
        (wet & ~t.hum_valid, "humidity_invalid"),
        (~valid, "measured_missing"),
        else_=ibis.null(str),
    )
    unjudged = ibis.cases(
        (~valid, ibis.null(str)),
        (needs_o2 & ~t.o2_valid, "o2_invalid"),
        (needs_o2 & ~o2_ok, "o2_at_or_above_ambient"),
        else_=ibis.null(str),
    )
    corrected_any = ibis.ifelse(needs_o2 & o2_ref.notnull(),
                                conversion.o2_corrected(t.measured_mg_m3, t.o2_pct, o2_ref, rules),
                                t.measured_mg_m3)
    values = {}
    for prefix in ("legal", "ultra_low"):
        limit = t[f"{prefix}_limit_mg_m3"]
        values[f"_j_{prefix}_value"] = ibis.ifelse(
            judgeable & limit.notnull(),
            _corrected(t, t.measured_mg_m3, t[f"{prefix}_limit_basis"], t[f"{prefix}_limit_o2_ref_pct"], rules),
            ibis.null(float))
    t = t.mutate(_j_reason=reason, _j_unjudged=unjudged,
                 _j_corrected=ibis.ifelse(judgeable, corrected_any, ibis.null(float)), **values).view()
    corrected, exempt = t._j_corrected, t._j_exempt
    t = t.mutate(_j_raw_exceeded=(t._j_judgeable & t.limit_mg_m3.notnull() & (corrected > t.limit_mg_m3)
                                  ).fill_null(False),
                 **{f"_j_{prefix}_over": t[f"_j_{prefix}_value"] > t[f"{prefix}_limit_mg_m3"]
                    for prefix in ("legal", "ultra_low")}).view()
    raw_exceeded, stopped, valid, corrected, exempt = (t._j_raw_exceeded, t._j_stopped, t._j_valid, t._j_corrected,
                                                       t._j_exempt)
    emission_valid = valid & t.flow_valid
    kinds = {}
    for prefix in ("legal", "ultra_low"):
        limit, value, over = t[f"{prefix}_limit_mg_m3"], t[f"_j_{prefix}_value"], t[f"_j_{prefix}_over"]
        kinds[f"{prefix}_corrected_mg_m3"] = value
        # null: no limit of this kind applies or the hour has no judgeable value; exempt hours are not exceeded
        kinds[f"{prefix}_exceeded"] = ibis.ifelse(value.notnull(), over & ~exempt, ibis.null(bool))
        kinds[f"{prefix}_exceed_multiple"] = ibis.ifelse(over & ~exempt, (value - limit) / limit, ibis.null(float))
    helpers = [c for c in t.columns if c.startswith("_j_")]
    return t.mutate(
        stopped=stopped,
        operating=~stopped,
        valid=valid,
        judgeable=t._j_judgeable,
        status=ibis.cases((stopped, "stopped"), (valid, "valid"), else_="invalid"),
        invalid_reason=t._j_reason,
        unjudged_reason=t._j_unjudged,
        o2_ref_pct=t._j_o2_ref,
        corrected_mg_m3=corrected,
        raw_exceeded=raw_exceeded,
        exempt=exempt,
        exceeded=raw_exceeded & ~exempt,
        exceed_multiple=ibis.ifelse(raw_exceeded, (corrected - t.limit_mg_m3) / t.limit_mg_m3, ibis.null(float)),
        # the mean of an invalid hour's valid minutes: indicative only, never judged or summed
        indicative_mg_m3=ibis.ifelse(valid | stopped, ibis.null(float), t.measured_mg_m3),
        emission_valid=emission_valid,
        emission_kg=ibis.ifelse(emission_valid, conversion.emission_kg(t.measured_mg_m3, t.flow_m3_h, rules),
                                ibis.null(float)),
        **kinds,
    ).drop("fb_o2_ref_pct", *helpers)
