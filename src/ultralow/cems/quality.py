"""Data-quality findings, each with its evidence (thresholds in ``quality.toml`` / ``plausibility.toml``).

All rules read the clock-hour minute statistics (:func:`hourly.aggregate`) or the judged hours, never the
minutes again: flat lines under flag N, O2 out of range, high O2 while operating, negative or impossible
values, spikes, low variance against the outlet's own history, calibration patterns under flag N, and
over-range minutes (flag T, an exceedance suspicion).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ultralow.cems.events import FINDING_COLUMNS, finding_rows, hour_runs_finding
from ultralow.standards.rules import RuleBook


def _status(rules: RuleBook, rule_id: str) -> str:
    for table in (rules.quality, rules.validity):
        if rule_id in table:
            return table[rule_id].status
    return "unverified"


def _concentration_codes(rules: RuleBook) -> list[str]:
    p = rules.parameters
    return sorted({*rules.pollutants, p["no"], p["no2"]})


def flat_lines(hourly: ir.Table, rules: RuleBook) -> ir.Table:
    conc = _concentration_codes(rules)
    need = ibis.ifelse(hourly.code.isin(conc), int(rules.value("flat_line_min_minutes_concentration")),
                       int(rules.value("flat_line_min_minutes_parameter")))
    flat = hourly.filter((hourly.n_n >= need) & (hourly.n_max == hourly.n_min))
    return hour_runs_finding(flat, "flat_line", flat.n_min.min(),
                             "N-flagged minutes of each clock hour all carry one value (value: that value)",
                             "flat_line_min_minutes", _status(rules, "flat_line_min_minutes_concentration"))


def implausible(hourly: ir.Table, rules: RuleBook) -> ir.Table:
    o2 = rules.parameters["o2"]
    bad = hourly.filter(hourly.n_implausible > 0)
    others = bad.filter(bad.code != o2)
    o2_bad = bad.filter(bad.code == o2)
    status_other = next((r.status for r in rules.plausibility if r.code == "*"), "unverified")
    status_o2 = next((r.status for r in rules.plausibility if r.code == o2), "unverified")
    a = hour_runs_finding(others, "implausible_value", others.implausible_min.min(),
                          "minute values outside the plausible range (negative or impossible); value: lowest",
                          "plausibility", status_other)
    b = hour_runs_finding(
        o2_bad, "o2_out_of_range",
        ibis.ifelse(o2_bad.implausible_max.max() >= float(rules.value("ambient_o2_pct")),
                    o2_bad.implausible_max.max(), o2_bad.implausible_min.min()),
        "O2 minute values outside 0-21 % (value: the most extreme)", "plausibility:" + o2, status_o2)
    return a.union(b)


def spikes(hourly: ir.Table, rules: RuleBook) -> ir.Table:
    z = float(rules.value("spike_z"))
    h = hourly.filter((hourly.n_n >= int(rules.value("spike_min_minutes"))) & (hourly.n_std > 0))
    score = ibis.greatest((h.n_max - h.n_mean) / h.n_std, (h.n_mean - h.n_min) / h.n_std)
    h = h.mutate(score=score).filter(score >= z)
    return hour_runs_finding(h, "spike", h.score.max(),
                             "an isolated minute far from the hour's other N minutes (value: largest "
                             "(extreme - mean) / sd)", "spike_z", _status(rules, "spike_z"))


def low_variance(hourly: ir.Table, rules: RuleBook) -> ir.Table:
    history = int(rules.value("low_variance_history_hours"))
    ratio = float(rules.value("low_variance_ratio"))
    need_history = int(rules.value("low_variance_min_history_hours"))
    h = hourly.filter((hourly.n_n >= int(rules.value("hour_min_valid_minutes"))) & hourly.n_std.notnull())
    window = ibis.window(group_by=[h.outlet_id, h.code], order_by=h.hour, rows=(-history, -1))
    h = h.mutate(hist_std=h.n_std.mean().over(window), hist_n=h.n_std.count().over(window))
    low = h.filter((h.hist_n >= need_history) & (h.n_std > 0) & (h.n_std < h.hist_std * ratio))
    return hour_runs_finding(low, "low_variance", (low.n_std / low.hist_std).min(),
                             "minute standard deviation far below the outlet's own history (value: lowest "
                             "ratio sd / mean sd of the previous hours)", "low_variance_ratio",
                             _status(rules, "low_variance_ratio"))


def calibration_patterns(hourly: ir.Table, rules: RuleBook) -> ir.Table:
    band = float(rules.value("zero_band_mg_m3"))
    h = hourly.filter(
        hourly.code.isin(_concentration_codes(rules)),
        hourly.n_zero >= int(rules.value("calibration_dip_min_minutes")),
        hourly.n_zero <= int(rules.value("calibration_dip_max_minutes")),
        hourly.n_max > band * 10,
    )
    h = h.mutate(clock_hour=h.hour.hour(), day=h.hour.date())
    agg = h.group_by(["outlet_id", "code", "clock_hour"]).agg(
        start=h.hour.min(), last=h.hour.max(), hours=h.count(), days=h.day.nunique(),
    )
    agg = agg.filter(agg.days >= int(rules.value("calibration_pattern_min_days")))
    return finding_rows(
        agg, "calibration_pattern", agg.clock_hour,
        ibis.literal("zero-like N-flagged minutes at the same clock hour on ")
        + agg.days.cast("string") + ibis.literal(" days: an unflagged calibration? (value: clock hour)"),
        ibis.literal("calibration_pattern_min_days"), _status(rules, "calibration_pattern_min_days"),
    )


def over_range(hourly: ir.Table, rules: RuleBook) -> ir.Table:
    h = hourly.filter(hourly.n_over_range > 0)
    return hour_runs_finding(h, "over_range", h.n_over_range.sum(),
                             "minutes flagged T (above the analyser's range): invalid, exceedance suspected "
                             "(value: minutes)", "over_range_flags", _status(rules, "over_range_flags"))


def high_o2(hours: ir.Table, rules: RuleBook) -> ir.Table:
    """Operating hours of O2-referenced sources with hourly O2 at or above the high-O2 threshold."""
    limit = float(rules.value("high_o2_pct"))
    h = hours.filter(hours.operating, hours.o2_ref_pct.notnull(), hours.o2_pct >= limit)
    per_hour = h.group_by(["outlet_id", "hour"]).agg(o2_pct=h.o2_pct.max())
    per_hour = per_hour.mutate(code=ibis.literal(rules.parameters["o2"]))
    return hour_runs_finding(per_hour, "high_o2_operating", per_hour.o2_pct.max(),
                             "hourly O2 near ambient while operating: start-up, shut-down or air ingress; "
                             "corrected values are unreliable (value: highest hourly O2 %)",
                             "high_o2_pct", _status(rules, "high_o2_pct"))


def findings(hourly: ir.Table, hours: ir.Table, rules: RuleBook) -> ir.Table:
    """Every data-quality finding, one schema (see ``events.FINDING_COLUMNS``)."""
    parts = [flat_lines(hourly, rules), implausible(hourly, rules), spikes(hourly, rules),
             low_variance(hourly, rules), calibration_patterns(hourly, rules), over_range(hourly, rules),
             high_o2(hours, rules)]
    out = parts[0]
    for part in parts[1:]:
        out = out.union(part)
    return out.select(*FINDING_COLUMNS)
