"""Substitution of invalid operating hours for emission amounts (HJ 75-2017 §12.2, ``substitution.toml``).

For each run of consecutive operating hours without a valid emission amount (a gap), with N its length and
alpha the capture rate of the calendar quarter of the hour: the substitute is the maximum valid hourly
emission amount among the 180 / 720 / 2160 valid hours before the anchor — the failure (the last valid hour
before the gap, Table B) or, for out-of-control periods, the last calibration before the gap (Table A;
the failure when no calibration is on record). Below 75 % capture HJ 75 has no rule: no substitute.
Substitutes never enter concentrations or exceedance judgement. Stopped hours contribute 0 kg.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from ultralow.standards.rules import RuleBook, SubstitutionRow


def quarterly_capture(hours: ir.Table) -> ir.Table:
    """alpha per (outlet_id, code, year, quarter): valid / operating hours within the period."""
    q = hours.mutate(q_year=hours.hour.year(), q_quarter=hours.hour.quarter())
    agg = q.group_by(["outlet_id", "code", "q_year", "q_quarter"]).agg(
        q_operating=ibis.ifelse(q.operating, 1, 0).sum(),
        q_valid=ibis.ifelse(q.valid, 1, 0).sum(),
    )
    return agg.mutate(alpha=ibis.ifelse(agg.q_operating > 0, agg.q_valid / agg.q_operating, ibis.null(float)))


def _lookbacks(rules: RuleBook) -> list[int]:
    return sorted({int(r.lookback_valid_hours) for r in rules.substitution if r.lookback_valid_hours})


def _row_applies(row: SubstitutionRow, kind: ir.StringValue, alpha: ir.FloatingValue,
                 gap: ir.IntegerValue) -> ir.BooleanValue:
    cond = alpha >= row.alpha_min
    cond = cond & ((alpha <= row.alpha_max) if row.alpha_max >= 1.0 else (alpha < row.alpha_max))
    if row.kind != "any":
        cond = cond & (kind == row.kind)
    if row.min_gap_hours is not None:
        cond = cond & (gap >= int(row.min_gap_hours))
    if row.max_gap_hours is not None:
        cond = cond & (gap <= int(row.max_gap_hours))
    return cond


def substitute(hours: ir.Table, rules: RuleBook, keep: Callable[[str, ir.Table], ir.Table] | None = None,
               out_of_control: bool = True) -> ir.Table:
    """Add gap_hours, substitution_kind, alpha, substitution_rule, substitute_kg and emission_total_kg.

    ``keep`` may materialise the intermediate table (it is read several times). ``out_of_control`` False:
    no out-of-control mark exists, so Table A (the look-back before the last calibration) cannot apply
    and its joins are left out."""
    keys = ["outlet_id", "code"]
    t = hours.mutate(needs_sub=hours.operating & ~hours.emission_valid)
    before = ibis.window(group_by=[t[k] for k in keys], order_by=t.hour, rows=(None, -1))
    t = t.mutate(prev_valid=ibis.ifelse(t.emission_valid, t.hour, ibis.null("timestamp")).max().over(before))
    # gaps: operating hours without a valid amount, grouped by the last valid hour before them
    gap = ibis.window(group_by=[t.outlet_id, t.code, t.prev_valid])
    t = t.mutate(gap_hours=ibis.ifelse(t.needs_sub, 1, 0).sum().over(gap))
    if out_of_control:
        upto = ibis.window(group_by=[t[k] for k in keys], order_by=t.hour, preceding=None, following=0)
        is_cal = (t.n_calibration > 0) | (t.mark_type == "calibration").fill_null(False)
        t = t.mutate(last_cal=ibis.ifelse(is_cal, t.hour, ibis.null("timestamp")).max().over(upto))
        t = t.mutate(
            gap_ooc=(t.needs_sub & t.out_of_control.fill_null(False)).any().over(gap),
            gap_cal=ibis.ifelse(t.needs_sub, t.last_cal, ibis.null("timestamp")).min().over(gap),
        )
        if keep is not None:
            t = keep("gaps", t)
        # the anchor of Table A: the last valid hour before the last calibration (the failure without one)
        cal_prev = t.select(c_outlet="outlet_id", c_code="code", c_hour="hour", c_prev="prev_valid")
        t = t.left_join(cal_prev, [t.outlet_id == cal_prev.c_outlet, t.code == cal_prev.c_code,
                                   t.gap_cal == cal_prev.c_hour]).drop("c_outlet", "c_code", "c_hour")
        kind = ibis.ifelse(t.gap_ooc, "out_of_control", "invalid")
        t = t.mutate(substitution_kind=ibis.ifelse(t.needs_sub, kind, ibis.null(str)))
        anchor = ibis.ifelse((t.substitution_kind == "out_of_control") & t.c_prev.notnull(), t.c_prev, t.prev_valid)
        t = t.mutate(anchor_hour=anchor).drop("c_prev", "last_cal", "gap_ooc", "gap_cal")
    else:
        t = t.mutate(substitution_kind=ibis.ifelse(t.needs_sub, "invalid", ibis.null(str)), anchor_hour=t.prev_valid)
    # rolling maxima over valid hours, read at the anchor
    valid = t.filter(t.emission_valid)
    lookbacks = _lookbacks(rules)
    rolling = {
        f"max_{n}": valid.emission_kg.max().over(
            ibis.window(group_by=[valid.outlet_id, valid.code], order_by=valid.hour, preceding=n - 1, following=0))
        for n in lookbacks
    }
    maxima = valid.select(r_outlet="outlet_id", r_code="code", r_hour="hour", **rolling)
    t = t.left_join(maxima, [t.outlet_id == maxima.r_outlet, t.code == maxima.r_code,
                             t.anchor_hour == maxima.r_hour]).drop("r_outlet", "r_code", "r_hour")
    alpha = quarterly_capture(hours).rename(q_outlet="outlet_id", q_code="code")
    t = t.left_join(alpha, [t.outlet_id == alpha.q_outlet, t.code == alpha.q_code,
                            t.hour.year() == alpha.q_year, t.hour.quarter() == alpha.q_quarter])
    t = t.drop("q_outlet", "q_code", "q_year", "q_quarter", "q_operating", "q_valid")
    rows = rules.substitution
    rule = ibis.cases(*[(_row_applies(r, t.substitution_kind, t.alpha, t.gap_hours), r.id) for r in rows],
                      else_=ibis.null(str))
    value = ibis.cases(
        *[(_row_applies(r, t.substitution_kind, t.alpha, t.gap_hours),
           t[f"max_{int(r.lookback_valid_hours)}"] if r.lookback_valid_hours else ibis.null(float)) for r in rows],
        else_=ibis.null(float),
    )
    t = t.mutate(
        substitution_rule=ibis.ifelse(t.needs_sub, rule, ibis.null(str)),
        substitute_kg=ibis.ifelse(t.needs_sub, value, ibis.null(float)),
    )
    total = ibis.cases((t.emission_valid, t.emission_kg), (t.stopped, 0.0), else_=t.substitute_kg)
    return t.mutate(emission_total_kg=total).drop("needs_sub", "prev_valid", "anchor_hour",
                                                  *[f"max_{n}" for n in lookbacks])


def annual_emissions(hours: ir.Table) -> ir.Table:
    """Per outlet, pollutant and calendar year: measured and substituted kg, hours by kind, total t."""
    t = hours.mutate(year=hours.hour.year())
    agg = t.group_by(["outlet_id", "code", "year"]).agg(
        measured_kg=ibis.ifelse(t.emission_valid, t.emission_kg, ibis.null(float)).sum(),
        substituted_kg=ibis.ifelse(t.emission_valid, ibis.null(float), t.substitute_kg).sum(),
        hours_measured=ibis.ifelse(t.emission_valid, 1, 0).sum(),
        hours_substituted=ibis.ifelse(~t.emission_valid & t.substitute_kg.notnull(), 1, 0).sum(),
        hours_unsubstituted=ibis.ifelse(t.operating & ~t.emission_valid & t.substitute_kg.isnull(), 1, 0).sum(),
        hours_stopped=ibis.ifelse(t.stopped, 1, 0).sum(),
        total_kg=t.emission_total_kg.sum(),
    )
    return agg.mutate(total_t=agg.total_kg / 1000.0)


def unsubstituted_findings(hours: ir.Table) -> ir.Table:
    """Quarters with operating hours left without a substitute (capture below 75 % or no valid history)."""
    t = hours.filter(hours.operating & ~hours.emission_valid & hours.substitute_kg.isnull())
    agg = t.group_by(["outlet_id", "code", t.hour.year().name("y"), t.hour.quarter().name("q")]).agg(
        start=t.hour.min(), last=t.hour.max(), hours=t.count(), alpha=t.alpha.max(),
        rule=t.substitution_rule.min(),
    )
    return agg.select(
        finding=ibis.literal("emission_not_substituted"),
        outlet_id=agg.outlet_id,
        code=agg.code,
        start=agg.start,
        end=agg.last + ibis.interval(hours=1),
        hours=agg.hours.cast("int64"),
        value=agg.alpha.cast("float64"),
        detail=ibis.literal("operating hours without a valid emission amount and no HJ 75 substitute "
                            "(value: quarterly capture rate; below 75 % HJ 75 gives no rule, account by the "
                            "permit's fallback; otherwise no valid history before the gap)"),
        rule=agg.rule.fill_null("substitution"),
        status=ibis.literal("unverified"),
    )
