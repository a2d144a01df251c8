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

from ultralow.cems.events import finding_rows
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

    Valid hours are numbered (``vseq``) in time order; a gap's anchor is the number of the last valid hour
    before it (or before the last calibration, Table A), and its look-back maxima come from one range join
    of the (few) gaps with the valid hours numbered anchor - n + 1 … anchor. ``keep`` may materialise the
    numbered table (it is read several times). ``out_of_control`` False: no out-of-control mark exists, so
    Table A cannot apply and its joins are left out."""
    # the windows run over a narrow projection (the hour rows are wide: sorting them all would cost more)
    t = hours.select("outlet_id", "code", "hour", "operating", "stopped", "valid", "emission_valid", "emission_kg",
                     "n_calibration", "mark_type", "out_of_control")
    t = t.mutate(needs_sub=t.operating & ~t.emission_valid)
    upto = ibis.window(group_by=[t.outlet_id, t.code], order_by=t.hour, rows=(None, 0))
    # vseq: valid hours up to and including this hour; for a gap hour, the number of the last valid hour
    t = t.mutate(vseq=ibis.ifelse(t.emission_valid, 1, 0).sum().over(upto))
    if out_of_control:
        is_cal = (t.n_calibration > 0) | (t.mark_type == "calibration").fill_null(False)
        # valid hours strictly before the last calibration at or before this hour
        before_cal = ibis.ifelse(is_cal, t.vseq - ibis.ifelse(t.emission_valid, 1, 0), ibis.null("int64"))
        t = t.mutate(cal_vseq=before_cal.max().over(upto))
    if keep is not None:
        t = keep("numbered", t)
    gaps = t.filter(t.needs_sub)
    gap_columns = {"gap_hours": gaps.count()}
    if out_of_control:
        gap_columns["gap_ooc"] = gaps.out_of_control.fill_null(False).any()
        gap_columns["gap_cal_vseq"] = gaps.cal_vseq.min()
    gap_table = gaps.group_by([gaps.outlet_id.name("g_outlet"), gaps.code.name("g_code"),
                               gaps.vseq.name("g_vseq")]).agg(**gap_columns)
    if out_of_control:
        kind = ibis.ifelse(gap_table.gap_ooc, "out_of_control", "invalid")
        anchor = ibis.ifelse(gap_table.gap_ooc & gap_table.gap_cal_vseq.notnull(), gap_table.gap_cal_vseq,
                             gap_table.g_vseq)
        gap_table = gap_table.mutate(g_kind=kind, g_anchor=anchor).drop("gap_ooc", "gap_cal_vseq")
    else:
        gap_table = gap_table.mutate(g_kind=ibis.literal("invalid"), g_anchor=gap_table.g_vseq)
    # look-back maxima: the valid hours numbered anchor - n + 1 … anchor, for each n of the rules
    lookbacks = _lookbacks(rules)
    valid = t.filter(t.emission_valid).select(v_outlet="outlet_id", v_code="code", v_seq="vseq", v_kg="emission_kg")
    longest = max(lookbacks) if lookbacks else 1
    joined = gap_table.join(valid, [gap_table.g_outlet == valid.v_outlet, gap_table.g_code == valid.v_code,
                                    valid.v_seq <= gap_table.g_anchor, valid.v_seq > gap_table.g_anchor - longest])
    maxima = joined.group_by(["g_outlet", "g_code", "g_vseq"]).agg(**{
        f"max_{n}": ibis.ifelse(joined.v_seq > joined.g_anchor - n, joined.v_kg, ibis.null(float)).max()
        for n in lookbacks
    }).rename(m_outlet="g_outlet", m_code="g_code", m_vseq="g_vseq")
    gap_table = gap_table.left_join(maxima, [gap_table.g_outlet == maxima.m_outlet, gap_table.g_code == maxima.m_code,
                                             gap_table.g_vseq == maxima.m_vseq]).drop("m_outlet", "m_code", "m_vseq")
    # one row per gap hour with its gap, alpha and rule
    g = gaps.select("outlet_id", "code", "hour", "vseq")
    g = g.join(gap_table, [g.outlet_id == gap_table.g_outlet, g.code == gap_table.g_code, g.vseq == gap_table.g_vseq])
    alpha = quarterly_capture(t)
    ga = alpha.rename(q_outlet="outlet_id", q_code="code")
    g = g.left_join(ga, [g.outlet_id == ga.q_outlet, g.code == ga.q_code, g.hour.year() == ga.q_year,
                         g.hour.quarter() == ga.q_quarter])
    rows = rules.substitution
    rule = ibis.cases(*[(_row_applies(r, g.g_kind, g.alpha, g.gap_hours), r.id) for r in rows], else_=ibis.null(str))
    value = ibis.cases(
        *[(_row_applies(r, g.g_kind, g.alpha, g.gap_hours),
           g[f"max_{int(r.lookback_valid_hours)}"] if r.lookback_valid_hours else ibis.null(float)) for r in rows],
        else_=ibis.null(float),
    )
    sub = g.select(s_outlet=g.outlet_id, s_code=g.code, s_hour=g.hour, s_gap=g.gap_hours, s_kind=g.g_kind,
                   substitution_rule=rule, substitute_kg=value)
    out = hours.left_join(sub, [hours.outlet_id == sub.s_outlet, hours.code == sub.s_code, hours.hour == sub.s_hour])
    out = out.mutate(gap_hours=out.s_gap.fill_null(0), substitution_kind=out.s_kind).drop(
        "s_outlet", "s_code", "s_hour", "s_gap", "s_kind")
    qa = alpha.select(a_outlet="outlet_id", a_code="code", a_year="q_year", a_quarter="q_quarter", alpha="alpha")
    out = out.left_join(qa, [out.outlet_id == qa.a_outlet, out.code == qa.a_code, out.hour.year() == qa.a_year,
                             out.hour.quarter() == qa.a_quarter]).drop("a_outlet", "a_code", "a_year", "a_quarter")
    total = ibis.cases((out.emission_valid, out.emission_kg), (out.stopped, 0.0), else_=out.substitute_kg)
    return out.mutate(emission_total_kg=total)


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
    return finding_rows(
        agg, "emission_not_substituted", agg.alpha,
        ibis.literal("operating hours without a valid emission amount and no HJ 75 substitute "
                     "(value: quarterly capture rate; below 75 % HJ 75 gives no rule, account by the "
                     "permit's fallback; otherwise no valid history before the gap)"),
        agg.rule.fill_null("substitution"), "unverified",
    )
