"""Minute readings -> clock-hour statistics in one pass, and the hourly table the judgement works on.

One GROUP BY over the minutes computes everything later steps need per (outlet, factor, clock hour):
counts by flag, valid minutes, the mean of valid minutes (HJ 76 App. B arithmetic mean), the raw mean of
all values, and the minute statistics of N-flagged values the data-quality rules read. Everything after
this step works on hours, 60 times fewer rows than minutes.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ultralow.cems import conversion
from ultralow.cems.period import Period
from ultralow.cems.validity import has_flag, hour_is_valid
from ultralow.standards.rules import RuleBook

# nullable key types after the aggregation: the store's NOT NULL keys would otherwise clash in unions
# with derived rows (cast on hours, not on every minute)
KEY_SCHEMA = ibis.schema({"outlet_id": "string", "code": "string", "hour": "timestamp"})
CORE_SCHEMA = ibis.schema({
    "outlet_id": "string", "code": "string", "hour": "timestamp", "n_records": "int64", "n_stopped": "int64",
    "n_calibration": "int64", "valid_minutes": "int64", "mean_valid": "float64", "raw_mean": "float64",
    "n_fault": "int64", "n_maintenance": "int64", "n_comms": "int64", "n_manual": "int64", "n_over_range": "int64",
    "n_marked": "int64", "n_implausible": "int64",
})
# minute counts by cause of invalidity: the grid fills them with 0 where nothing arrived
REASON_COUNTS = ("n_stopped", "n_calibration", "n_fault", "n_maintenance", "n_comms", "n_manual", "n_over_range",
                 "n_marked", "n_implausible")
CORE_COLUMNS = tuple(CORE_SCHEMA.names)
# the columns of :func:`aggregate`, in order
STATS_COLUMNS = ("outlet_id", "code", "hour", "n_records", "n_n", "n_stopped", "n_calibration", "n_over_range",
                 "valid_minutes", "mean_valid", "raw_mean", "n_fault", "n_maintenance", "n_comms", "n_manual",
                 "n_marked", "n_min", "n_max", "n_mean", "n_std", "n_implausible", "implausible_min",
                 "implausible_max", "n_zero")


def period_minutes(readings: ir.Table, period: Period) -> ir.Table:
    """Minute readings (kind ``minute``) whose plant-local time lies in the period."""
    r = readings
    return r.filter(
        r.kind == "minute", r.data_time >= period.start_time, r.data_time < period.end_time,
    ).select("outlet_id", "code", "data_time", "value", "flag")


# minute counts by flag rule: a flag outside ``minute_valid_flags`` is never an N minute, so these are
# counted over the non-N minutes only (a second, small GROUP BY) instead of on every minute
FLAG_COUNTS = (("n_stopped", "stopped_flags"), ("n_calibration", "calibration_flags"),
               ("n_over_range", "over_range_flags"), ("n_fault", "fault_flags"),
               ("n_maintenance", "maintenance_flags"), ("n_comms", "communication_flags"),
               ("n_manual", "manual_flags"))


def aggregate(minutes: ir.Table, rules: RuleBook, marked: bool = True, unmarked: ir.Table | None = None) -> ir.Table:
    """Clock-hour statistics of classified minutes (see :func:`validity.classify_minutes`); ``minutes``
    must carry ``marked_invalid``. ``marked`` False: no minute is marked invalid (``n_marked`` is 0).
    ``unmarked``: the same minutes before the marks were applied, if at hand (the counts by flag do not need
    the marks).

    Two GROUP BYs joined on the hour: every minute for the counts and means that N minutes enter (one pass
    over the minutes, values summed in their order), the non-N minutes alone for their number (n_n is the
    rest) and the counts by flag rule.
    """
    m = minutes
    valid = m.valid & ~m.marked_invalid if marked else m.valid
    n_value = ibis.ifelse(m.is_n, m.value, ibis.null(float))
    flags = rules.validity
    valid_flags = set(flags["minute_valid_flags"].value)

    def flagged(t: ir.Table, rule: str) -> ir.BooleanValue:
        return has_flag(t.flag, list(flags[rule].value))

    zero_band = float(rules.value("zero_band_mg_m3"))

    def count(cond: ir.BooleanValue) -> ir.IntegerScalar:
        return ibis.ifelse(cond, 1, 0).sum()

    def keys(t: ir.Table) -> list[ir.Value]:
        return [t.outlet_id, t.code, t.data_time.truncate("h").name("hour")]

    # a rule sharing a flag with minute_valid_flags would count N minutes: counted on every minute then
    on_rare = [(name, rule) for name, rule in FLAG_COUNTS if not valid_flags & set(flags[rule].value)]
    on_all = [(name, rule) for name, rule in FLAG_COUNTS if (name, rule) not in on_rare]
    stats = m.group_by(keys(m)).agg(
        n_records=m.count(),
        valid_minutes=count(valid),
        mean_valid=ibis.ifelse(valid, m.value, ibis.null(float)).mean(),
        # every value received except calibration gas (flag C), marks not applied: the raw view of the hour
        raw_mean=ibis.ifelse(m.is_calibration, ibis.null(float), m.value).mean(),
        **({"n_marked": count(m.marked_invalid)} if marked else {}),
        n_min=n_value.min(),
        n_max=n_value.max(),
        n_mean=n_value.mean(),
        n_std=n_value.std(),
        n_implausible=count(m.value.notnull() & ~m.is_plausible),
        implausible_min=ibis.ifelse(m.is_plausible, ibis.null(float), m.value).min(),
        implausible_max=ibis.ifelse(m.is_plausible, ibis.null(float), m.value).max(),
        n_zero=count(m.is_n & (m.value <= zero_band)),
        **{name: count(flagged(m, rule)) for name, rule in on_all},
    )
    if not marked:
        stats = stats.mutate(n_marked=ibis.literal(0, "int64"))
    # not is_n, written on the flag itself so that the scan can apply it
    src = m if unmarked is None else unmarked
    other = src.filter(src.flag.isnull() | ~src.flag.isin(sorted(valid_flags)))
    rare = other.group_by(keys(other)).agg(n_other=other.count(),
                                           **{name: count(flagged(other, rule)) for name, rule in on_rare})
    rare = rare.rename(r_outlet="outlet_id", r_code="code", r_hour="hour")
    j = stats.left_join(rare, [stats.outlet_id == rare.r_outlet, stats.code == rare.r_code, stats.hour == rare.r_hour])
    stats = j.drop("r_outlet", "r_code", "r_hour").mutate(
        n_n=j.n_records - j.n_other.fill_null(0), **{name: j[name].fill_null(0) for name, _ in on_rare})
    return stats.select(*STATS_COLUMNS).cast(KEY_SCHEMA)


def with_derived_nox(core: ir.Table, rules: RuleBook) -> ir.Table:
    """``core`` plus NOx (as NO2) hours derived from NO and NO2 hours (HJ 75-2017 A4) for outlets that
    send no NOx of their own. The derived hour counts the smaller of the two valid-minute counts."""
    p = rules.parameters
    no = core.filter(core.code == p["no"])
    no2 = core.filter(core.code == p["no2"]).select(
        o2_outlet="outlet_id", o2_hour="hour", no2_records="n_records", no2_stopped="n_stopped",
        no2_cal="n_calibration", no2_valid="valid_minutes", no2_mean="mean_valid", no2_raw="raw_mean",
        **{f"no2_{name}": name for name in REASON_COUNTS[2:]})
    j = no.join(no2, [no.outlet_id == no2.o2_outlet, no.hour == no2.o2_hour])
    derived = j.select(
        outlet_id=j.outlet_id,
        code=ibis.literal(p["nox"]),
        hour=j.hour,
        n_records=ibis.least(j.n_records, j.no2_records),
        n_stopped=ibis.least(j.n_stopped, j.no2_stopped),
        n_calibration=ibis.greatest(j.n_calibration, j.no2_cal),
        valid_minutes=ibis.least(j.valid_minutes, j.no2_valid),
        mean_valid=conversion.nox_as_no2(j.mean_valid, j.no2_mean, rules),
        raw_mean=conversion.nox_as_no2(j.raw_mean, j.no2_raw, rules),
        **{name: ibis.greatest(j[name], j[f"no2_{name}"]) for name in REASON_COUNTS[2:]},
    )
    has_nox = core.filter(core.code == p["nox"]).select("outlet_id").distinct()
    derived = derived.anti_join(has_nox, "outlet_id")
    # one nullable schema on both sides (the store's key columns are NOT NULL, derived ones are not)
    return core.select(*CORE_COLUMNS).cast(CORE_SCHEMA).union(derived.select(*CORE_COLUMNS).cast(CORE_SCHEMA))


def parameter_hours(core: ir.Table, rules: RuleBook) -> ir.Table:
    """One row per (outlet, hour) with the flue-gas parameters side by side: o2_mean, o2_valid, flow_mean,
    flow_valid, hum_mean, hum_valid (mean of valid minutes; validity by the 45-minute rule)."""
    p = rules.parameters
    codes = {"o2": p["o2"], "flow": p["flow"], "hum": p["humidity"]}
    t = core.filter(core.code.isin(list(codes.values())))
    ok = hour_is_valid(t.valid_minutes, rules)
    columns = {}
    for prefix, code in codes.items():
        columns[f"{prefix}_mean"] = ibis.ifelse(t.code == code, t.mean_valid, ibis.null(float)).max()
        columns[f"{prefix}_valid"] = (ok & (t.code == code)).any()
    return t.group_by([t.outlet_id.name("p_outlet"), t.hour.name("p_hour")]).agg(**columns)


def pollutant_grid(core: ir.Table, outlets: ir.Table, hours: ir.Table, rules: RuleBook,
                   known: ir.Table | None = None) -> ir.Table:
    """Every clock hour of the period for every (registered outlet, judged pollutant) that sent data (or is
    in ``known``: outlet_id, code), with the hour's statistics (nulls/zeros where nothing arrived) and the
    outlet's attributes."""
    pollutants = list(rules.pollutants)
    pairs = core.filter(core.code.isin(pollutants)).select("outlet_id", "code")
    if known is not None:
        known = known.select("outlet_id", "code").cast({"outlet_id": "string", "code": "string"})
        pairs = pairs.union(known.filter(known.code.isin(pollutants)))
    pairs = pairs.distinct()
    reg = outlets.select("outlet_id", "source_type", "wet_analyser", "utc_offset_min")
    pairs = pairs.join(reg, "outlet_id")
    grid = pairs.cross_join(hours)
    stats = core.rename(s_outlet="outlet_id", s_code="code", s_hour="hour")
    j = grid.left_join(stats, [grid.outlet_id == stats.s_outlet, grid.code == stats.s_code,
                               grid.hour == stats.s_hour])
    return j.drop("s_outlet", "s_code", "s_hour").mutate(
        n_records=j.n_records.fill_null(0),
        valid_minutes=j.valid_minutes.fill_null(0),
        **{name: j[name].fill_null(0) for name in REASON_COUNTS},
    )


def with_parameters(grid: ir.Table, core: ir.Table, rules: RuleBook) -> ir.Table:
    """Attach the hour's O2, flow and humidity (mean of valid minutes and validity) and convert wet
    analyser values to dry (HJ 75-2017 A2): measured_mg_m3 and o2_pct (dry means of the valid minutes, null
    where none; indicative when the hour is not valid), flow_m3_h (null unless the flow hour is valid)."""
    par = parameter_hours(core, rules)
    t = grid.left_join(par, [grid.outlet_id == par.p_outlet, grid.hour == par.p_hour]).drop("p_outlet", "p_hour")
    wet = t.wet_analyser.fill_null(False)
    hum_ok = t.hum_valid.fill_null(False)
    measured = ibis.ifelse(wet, ibis.ifelse(hum_ok, conversion.wet_to_dry(t.mean_valid, t.hum_mean, rules),
                                            ibis.null(float)), t.mean_valid)
    o2 = ibis.ifelse(wet, ibis.ifelse(hum_ok, conversion.wet_to_dry(t.o2_mean, t.hum_mean, rules),
                                      ibis.null(float)), t.o2_mean)
    flow = ibis.ifelse(t.flow_valid.fill_null(False), conversion.flow_m3_h(t.flow_mean, rules), ibis.null(float))
    return t.mutate(measured_mg_m3=measured, o2_pct=o2, flow_m3_h=flow,
                    o2_valid=t.o2_valid.fill_null(False), flow_valid=t.flow_valid.fill_null(False),
                    hum_valid=hum_ok)
