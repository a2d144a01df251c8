"""Rates and aggregates of judged hours: per-outlet summary (capture, compliance, transmission), valid
days and months (HJ 76 App. B), and the ultra-low time ratio per quarter with its premium tier.
Definitions in ``rates.toml`` and ``ultra_low_premium.toml``."""

from __future__ import annotations

import re

import ibis
import ibis.expr.types as ir

from ultralow.cems import conversion
from ultralow.cems.validity import day_is_valid, month_is_valid
from ultralow.standards.rules import PremiumTier, RuleBook


def _count(cond: ir.BooleanValue) -> ir.IntegerScalar:
    return ibis.ifelse(cond, 1, 0).sum()


def _ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse(denominator > 0, numerator / denominator, ibis.null(float))


def summary(hours: ir.Table, candidates: ir.Table | None = None, names: ir.Table | None = None,
            pollutants: tuple[str, ...] = ()) -> ir.Table:
    """Per outlet and pollutant over the period: hours by status, capture rate (valid / operating),
    exceeded hours, compliance rate (non-exceeded / judged), max corrected value, transmission, validity and
    effective transmission rates; the same exceedance counts and compliance rates per limit kind
    (``_legal``: statutory sets, ``_ultra_low``: premium sets).

    Judged hours are judgeable (valid, and with a valid O2 where the limit is O2-referenced), not exempt and
    under a limit: a rate over no judged hour is null, never 100 %. ``judgement_note`` says why a row has no
    judgement: ``no_applicable_limit`` (monitored, no row of any listed set applies) or ``not_monitored``
    (a listed set has a limit for the pollutant and no data arrived: a row without any hour, from
    ``candidates``). ``names``: (code, pollutant_name) rows."""
    h = hours
    judged = h.judgeable & ~h.exempt & h.limit_mg_m3.notnull()
    agg = h.group_by(["outlet_id", "code"]).agg(
        hours_total=h.count(),
        hours_stopped=_count(h.stopped),
        hours_operating=_count(h.operating),
        hours_valid=_count(h.valid),
        hours_judgeable=_count(h.judgeable),
        hours_unjudgeable=_count(h.valid & ~h.judgeable),
        hours_suspect=_count(h.suspect),
        hours_exceeded=_count(h.exceeded),
        hours_raw_exceeded=_count(h.raw_exceeded),
        hours_exempt=_count(h.valid & h.exempt),
        hours_judged=_count(judged),
        hours_with_limit=_count(h.limit_mg_m3.notnull()),
        hours_judged_legal=_count(h.legal_exceeded.notnull()),
        hours_exceeded_legal=_count(h.legal_exceeded.fill_null(False)),
        hours_judged_ultra_low=_count(h.ultra_low_exceeded.notnull()),
        hours_exceeded_ultra_low=_count(h.ultra_low_exceeded.fill_null(False)),
        hours_received=_count(h.n_records > 0),
        hours_received_operating=_count((h.n_records > 0) & h.operating),
        max_corrected_mg_m3=h.corrected_mg_m3.max(),
        mean_corrected_mg_m3=h.corrected_mg_m3.mean(),
        max_exceed_multiple=h.exceed_multiple.max(),
        max_exceed_multiple_legal=h.legal_exceed_multiple.max(),
        max_exceed_multiple_ultra_low=h.ultra_low_exceed_multiple.max(),
    )
    transmission = _ratio(agg.hours_received, agg.hours_total)
    validity = _ratio(agg.hours_valid, agg.hours_received_operating)
    out = agg.mutate(
        capture_rate=_ratio(agg.hours_valid, agg.hours_operating),
        compliance_rate=_ratio(agg.hours_judged - agg.hours_exceeded, agg.hours_judged),
        compliance_rate_legal=_ratio(agg.hours_judged_legal - agg.hours_exceeded_legal, agg.hours_judged_legal),
        compliance_rate_ultra_low=_ratio(agg.hours_judged_ultra_low - agg.hours_exceeded_ultra_low,
                                         agg.hours_judged_ultra_low),
        transmission_rate=transmission,
        validity_rate=validity,
        effective_transmission_rate=transmission * validity,
        judgement_note=ibis.ifelse(agg.hours_with_limit == 0, "no_applicable_limit", ibis.null(str)),
    ).drop("hours_with_limit")
    if candidates is not None:
        out = out.union(not_monitored(out, candidates, pollutants))
    if names is not None:
        n = names.rename(n_code="code")
        out = out.left_join(n, out.code == n.n_code).drop("n_code")
    return out


def not_monitored(summary: ir.Table, candidates: ir.Table, pollutants: tuple[str, ...]) -> ir.Table:
    """Summary rows (every count 0, every rate null) for (outlet, pollutant) pairs a listed set limits and
    no data arrived for: an applied limit with no monitoring is shown, never silently passed."""
    c = candidates
    if pollutants:
        c = c.filter(c.pollutant.isin(list(pollutants)))
    pairs = c.select(outlet_id=c.outlet_id, code=c.pollutant).distinct()
    seen = summary.select(s_outlet="outlet_id", s_code="code")
    pairs = pairs.anti_join(seen, [pairs.outlet_id == seen.s_outlet, pairs.code == seen.s_code])
    schema = summary.schema()
    values: dict[str, ir.Value] = {}
    for name, kind in schema.items():
        if name in ("outlet_id", "code"):
            values[name] = pairs[name].cast(kind)
        elif name == "judgement_note":
            values[name] = ibis.literal("not_monitored")
        elif kind.is_integer():
            values[name] = ibis.literal(0).cast(kind)
        else:
            values[name] = ibis.null().cast(kind)
    return pairs.select(**values)


def days(hours: ir.Table, rules: RuleBook) -> ir.Table:
    """Per outlet, pollutant and local day: valid hours, validity (>= 20), mean of the valid hourly
    measured and corrected values (null when the day is not valid)."""
    h = hours.mutate(day=hours.hour.date())
    agg = h.group_by(["outlet_id", "code", "day"]).agg(
        hours_operating=_count(h.operating),
        valid_hours=_count(h.valid),
        mean_measured=ibis.ifelse(h.valid, h.measured_mg_m3, ibis.null(float)).mean(),
        mean_corrected=h.corrected_mg_m3.mean(),
    )
    ok = day_is_valid(agg.valid_hours, rules)
    return agg.mutate(
        valid=ok,
        measured_mg_m3=ibis.ifelse(ok, agg.mean_measured, ibis.null(float)),
        corrected_mg_m3=ibis.ifelse(ok, agg.mean_corrected, ibis.null(float)),
    ).drop("mean_measured", "mean_corrected")


def months(day_table: ir.Table, rules: RuleBook) -> ir.Table:
    """Per outlet, pollutant and month: valid days, validity (>= 25, February >= 23), mean of valid days."""
    d = day_table.mutate(year=day_table.day.year(), month=day_table.day.month())
    agg = d.group_by(["outlet_id", "code", "year", "month"]).agg(
        valid_days=_count(d.valid),
        mean_corrected=d.corrected_mg_m3.mean(),
    )
    ok = month_is_valid(agg.valid_days, agg.month, rules)
    return agg.mutate(valid=ok, corrected_mg_m3=ibis.ifelse(ok, agg.mean_corrected, ibis.null(float))).drop(
        "mean_corrected")


_SHARE = re.compile(r"^\s*(?:(ratio)\s*\*\s*)?([0-9]*\.?[0-9]+)\s*$")


def premium_share(tier: PremiumTier, ratio: ir.FloatingValue) -> ir.FloatingValue:
    """The tier's premium share as an expression: a number, or ``ratio*k``."""
    match = _SHARE.match(tier.premium_share)
    if match is None:
        raise ValueError(f"ultra_low_premium.toml: tier {tier.tier}: premium_share {tier.premium_share!r} "
                         "must be a number or ratio*number")
    factor = float(match.group(2))
    return ratio * factor if match.group(1) else ibis.literal(factor)


def ultra_low_ratio(hours: ir.Table, candidates: ir.Table, rules: RuleBook) -> ir.Table:
    """Ultra-low time ratio per outlet and calendar quarter, for outlets listing the ultra-low set.

    Each pollutant hour is corrected to the ultra-low row's reference O2 and compared with its limit. An
    operating hour is exempt when a mark exempts one of the three pollutants; otherwise it is assessed when
    all three are judgeable or a judgeable one exceeds (an hour fails if any one exceeds), and unassessed
    else. It meets the ratio when all three are judgeable and none exceeds. The denominator follows
    ``ultra_low_premium.toml`` ``unassessed``: ``not_meeting`` (operating, non-exempt hours: an unassessed hour
    counts in the denominator and not as meeting) or ``excluded`` (assessed hours only). Both ratios are given
    (``ratio`` by the rule, ``ratio_assessed_only`` for comparison) with the hours of each kind.
    """
    premium = rules.premium
    pollutants = list(premium["pollutants"])
    ul = candidates.filter(candidates.set_id == premium["limit_set"], candidates.pollutant.isin(pollutants))
    ul = ul.select(u_outlet="outlet_id", u_code="pollutant", u_limit="limit_mg_m3", u_basis="reference_basis",
                   u_o2_ref="o2_ref_pct", u_from="effective_from", u_to="effective_to")
    h = hours.filter(hours.code.isin(pollutants))
    day = h.hour.date()
    j = h.join(ul, [h.outlet_id == ul.u_outlet, h.code == ul.u_code,
                    ul.u_from.isnull() | (ul.u_from <= day), ul.u_to.isnull() | (ul.u_to > day)])
    corrected = ibis.ifelse(j.u_basis == "o2", conversion.o2_corrected(j.measured_mg_m3, j.o2_pct, j.u_o2_ref, rules),
                            j.measured_mg_m3)
    judgeable = j.judgeable if "judgeable" in j.columns else j.valid  # hand-made hour tables without the column
    ok = judgeable & ~j.exempt
    j = j.mutate(ul_ok=ok, ul_fail=(ok & (corrected > j.u_limit)).fill_null(False))
    per_hour = j.group_by(["outlet_id", "hour"]).agg(
        n_valid=_count(j.ul_ok),
        failed=j.ul_fail.any(),
        operating=j.operating.any(),
        exempt=j.exempt.any(),
    )
    n = len(pollutants)
    counted = per_hour.operating & ~per_hour.exempt
    assessed = counted & ((per_hour.n_valid == n) | per_hour.failed)
    meets = (per_hour.n_valid == n) & ~per_hour.failed
    q = per_hour.mutate(counted=counted, assessed=assessed, meets=meets, year=per_hour.hour.year(),
                        quarter=per_hour.hour.quarter())
    agg = q.group_by(["outlet_id", "year", "quarter"]).agg(
        hours_operating=_count(q.operating),
        hours_exempt=_count(q.operating & q.exempt),
        hours_assessed=_count(q.assessed),
        hours_unassessed=_count(q.counted & ~q.assessed),
        hours_meeting=_count(q.assessed & q.meets),
    )
    rule = str(premium.get("unassessed", "excluded"))
    if rule not in ("not_meeting", "excluded"):
        raise ValueError(f"ultra_low_premium.toml: unassessed {rule!r} must be not_meeting or excluded")
    assessed_only = _ratio(agg.hours_meeting, agg.hours_assessed)
    ratio = (_ratio(agg.hours_meeting, agg.hours_assessed + agg.hours_unassessed) if rule == "not_meeting"
             else assessed_only)
    tiers = rules.premium_tiers

    def in_tier(t: PremiumTier) -> ir.BooleanValue:
        upper = (ratio <= t.ratio_max) if t.ratio_max >= 1.0 else (ratio < t.ratio_max)
        return (ratio >= t.ratio_min) & upper

    return agg.mutate(
        ratio=ratio,
        ratio_assessed_only=assessed_only,
        denominator_rule=ibis.literal(rule),
        denominator_status=ibis.literal(str(premium.get("denominator_status", "unverified"))),
        tier=ibis.cases(*[(in_tier(t), t.tier) for t in tiers], else_=ibis.null(str)),
        tier_status=ibis.cases(*[(in_tier(t), t.status) for t in tiers], else_=ibis.null(str)),
        premium_share=ibis.cases(*[(in_tier(t), premium_share(t, ratio)) for t in tiers], else_=ibis.null(float)),
    )
