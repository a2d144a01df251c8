"""Runs of consecutive clock hours: exceedance events and the hour-level findings built on the same merge.

Consecutive hours are found with the gaps-and-islands method: for flagged hours of one outlet and factor,
(hour index - row number) is constant within a run of consecutive hours.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

FINDING_COLUMNS = ("finding", "outlet_id", "code", "start", "end", "hours", "value", "detail", "rule", "status")


def with_run_id(flagged: ir.Table, keys: list[str]) -> ir.Table:
    """``flagged`` hours plus ``run_id``, equal for consecutive clock hours of the same ``keys``."""
    index = flagged.hour.epoch_seconds() // 3600
    order = ibis.row_number().over(group_by=[flagged[k] for k in keys], order_by=flagged.hour)
    return flagged.mutate(run_id=index - order)


def _kind_events(hours: ir.Table, kind: str) -> ir.Table:
    ex = hours.filter(hours[f"{kind}_exceeded"].fill_null(False))
    value, limit = ex[f"{kind}_corrected_mg_m3"], ex[f"{kind}_limit_mg_m3"]
    factor = ibis.ifelse(value.notnull() & ex.measured_mg_m3.notnull() & (ex.measured_mg_m3 != 0),
                         value / ex.measured_mg_m3, ibis.null(float))
    ex = with_run_id(ex.mutate(e_value=value, e_limit=limit, e_factor=factor,
                               e_multiple=ex[f"{kind}_exceed_multiple"]), ["outlet_id", "code"])
    events = ex.group_by(["outlet_id", "code", "run_id"]).agg(
        start=ex.hour.min(),
        last=ex.hour.max(),
        duration_h=ex.count(),
        peak_corrected_mg_m3=ex.e_value.max(),
        peak_multiple=ex.e_multiple.max(),
        limit_mg_m3=ex.e_limit.argmax(ex.e_value),
        limit_set=ex[f"{kind}_limit_set"].argmax(ex.e_value),
        limit_row=ex[f"{kind}_limit_row"].argmax(ex.e_value),
        limit_status=ex[f"{kind}_limit_status"].argmax(ex.e_value),
        peak_o2_pct=ex.o2_pct.argmax(ex.e_value),
        max_o2_pct=ex.o2_pct.max(),
        peak_correction_factor=ex.e_factor.argmax(ex.e_value),
        max_correction_factor=ex.e_factor.max(),
        suspect_hours=ibis.ifelse(ex.suspect, 1, 0).sum(),
        suspect_finding=ex.suspect_finding.min(),
    )
    return events.mutate(end=events.last + ibis.interval(hours=1), limit_kind=ibis.literal(kind)).drop(
        "run_id", "last")


def exceedance_events(hours: ir.Table) -> ir.Table:
    """Consecutive exceedance hours merged, separately per limit kind (``limit_kind``: ``legal`` for the
    strictest statutory limit, ``ultra_low`` for the premium scheme's): outlet_id, code, start, end
    (exclusive: the end of the last exceeded hour), duration_h, peak_corrected_mg_m3, peak_multiple, the
    limit at the peak (limit_mg_m3, limit_set, limit_row, limit_status), the O2 and the correction factor
    (corrected / measured) at the peak and their maxima, and the suspect hours inside the event with the
    first data-quality finding covering one of them."""
    return _kind_events(hours, "legal").union(_kind_events(hours, "ultra_low"))


def hour_runs_finding(flagged: ir.Table, finding: str, value: ir.Scalar | None, detail: str, rule: str,
                      status: str, note: ir.Scalar | None = None,
                      keys: tuple[str, ...] = ("outlet_id", "code")) -> ir.Table:
    """One finding per run of consecutive ``flagged`` hours. ``value`` (a number) and ``note`` (a text
    appended to ``detail``) are aggregates of the run expressed on ``flagged``, e.g.
    ``flagged.o2_pct.max()``."""
    runs = with_run_id(flagged, list(keys))
    agg = runs.group_by([*keys, "run_id"]).agg(
        start=runs.hour.min(),
        last=runs.hour.max(),
        hours=runs.count(),
        value=(value if value is not None else ibis.literal(None, type="float64")),
        note=(note if note is not None else ibis.literal("")),
    )
    return finding_rows(agg, finding, agg.value, ibis.literal(detail) + agg.note.fill_null(""),
                        ibis.literal(rule), status)


def finding_rows(agg: ir.Table, finding: str, value: ir.Value, detail: ir.Value, rule: ir.Value,
                 status: str) -> ir.Table:
    """Finding rows (``FINDING_COLUMNS``) from an aggregate of hours with ``outlet_id``, ``code``,
    ``start``, ``last`` (start of its last hour) and ``hours``; ``end`` is exclusive."""
    return agg.select(
        finding=ibis.literal(finding),
        outlet_id=agg.outlet_id,
        code=agg.code,
        start=agg.start,
        end=agg.last + ibis.interval(hours=1),
        hours=agg.hours.cast("int64"),
        value=value.cast("float64"),
        detail=detail,
        rule=rule,
        status=ibis.literal(status),
    )


def availability_findings(hours: ir.Table) -> ir.Table:
    """Runs of operating hours without a valid hourly value (not exceedances: data availability)."""
    invalid = hours.filter(hours.status == "invalid")
    return hour_runs_finding(
        invalid, "data_availability", invalid.valid_minutes.max(),
        "operating hours without a valid hourly value (value: most valid minutes in one hour); reason: ",
        "hour_min_valid_minutes", "verified", note=invalid.invalid_reason.min(),
        keys=("outlet_id", "code", "invalid_reason"),
    )


def unjudgeable_findings(hours: ir.Table) -> ir.Table:
    """Runs of hours whose pollutant value is valid (counted for capture and emissions) but which cannot be
    judged against an O2-referenced limit because the O2 hour is not valid (reference §1.4)."""
    bad = hours.filter(hours.valid & ~hours.judgeable)
    return hour_runs_finding(
        bad, "not_judgeable", bad.valid_minutes.min(),
        "valid pollutant hours without a valid O2 for the limit's correction: counted for capture, not judged "
        "(value: fewest valid pollutant minutes); reason: ", "hour_min_valid_minutes", "verified",
        note=bad.unjudged_reason.min(), keys=("outlet_id", "code", "unjudged_reason"),
    )
