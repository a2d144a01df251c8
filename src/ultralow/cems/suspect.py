"""Suspect hours: judged hours inside a data-quality finding (``suspect_policy.toml`` says which findings mark
hours, and whether a suspect hour still counts).

A finding on a flue-gas parameter (O2, flow, humidity) covers every pollutant of its outlet: the corrected
values and emissions of each depend on it. A policy row with ``counts = false`` makes the covered hours invalid
(``invalid_reason`` ``suspect_<finding>``): not valid for capture, not judged, no measured emission.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ultralow.standards.rules import RuleBook


def suspect_hours(hours: ir.Table, findings: ir.Table, rules: RuleBook) -> ir.Table:
    """Per (s_outlet, s_code, s_hour) covered by a suspect-marking finding: suspect_finding (alphabetically
    first), suspect_findings (how many) and suspect_excluded (a covering finding's policy says it does not
    count, with that finding's name in excluded_by)."""
    marking = [s for s in rules.suspect if s.marks_suspect]
    if not marking:
        return hours.select(s_outlet="outlet_id", s_code="code", s_hour="hour").limit(0).mutate(
            suspect_finding=ibis.null(str), suspect_findings=ibis.literal(0, "int64"),
            excluded_by=ibis.null(str))
    excluding = [s.finding for s in marking if not s.counts]
    f = findings.filter(findings.finding.isin([s.finding for s in marking]))
    p = rules.parameters
    params = [p["o2"], p["flow"], p["humidity"]]
    direct = f.filter(~f.code.isin(params))
    codes = ibis.memtable({"x_code": list(rules.pollutants)})
    broad = f.filter(f.code.isin(params))
    broad = broad.cross_join(codes)
    cover = direct.select(finding="finding", c_outlet="outlet_id", c_code="code", c_start="start", c_end="end").union(
        broad.select(finding="finding", c_outlet="outlet_id", c_code="x_code", c_start="start", c_end="end"))
    keys = hours.select("outlet_id", "code", "hour")
    j = keys.join(cover, [keys.outlet_id == cover.c_outlet, keys.code == cover.c_code,
                          keys.hour >= cover.c_start, keys.hour < cover.c_end])
    excl = ibis.ifelse(j.finding.isin(excluding or [""]), j.finding, ibis.null(str))
    return j.group_by([j.outlet_id.name("s_outlet"), j.code.name("s_code"), j.hour.name("s_hour")]).agg(
        suspect_finding=j.finding.min(),
        suspect_findings=j.count(),
        excluded_by=excl.min(),
    )


def with_suspect(hours: ir.Table, findings: ir.Table, rules: RuleBook) -> ir.Table:
    """``hours`` plus suspect (bool), suspect_finding, and the policy's effect for excluded hours."""
    s = suspect_hours(hours, findings, rules)
    t = hours.left_join(s, [hours.outlet_id == s.s_outlet, hours.code == s.s_code, hours.hour == s.s_hour])
    t = t.drop("s_outlet", "s_code", "s_hour")
    t = t.mutate(suspect=t.suspect_finding.notnull(), suspect_findings=t.suspect_findings.fill_null(0))
    if not any(not p.counts for p in rules.suspect if p.marks_suspect):
        return t.drop("excluded_by")
    out = t.excluded_by.notnull() & t.valid
    nulled = {name: ibis.ifelse(out, ibis.null(t[name].type()), t[name])
              for name in ("corrected_mg_m3", "exceed_multiple", "legal_corrected_mg_m3", "legal_exceeded",
                           "legal_exceed_multiple", "ultra_low_corrected_mg_m3", "ultra_low_exceeded",
                           "ultra_low_exceed_multiple", "emission_kg", "unjudged_reason")}
    return t.mutate(
        valid=t.valid & ~out, judgeable=t.judgeable & ~out, emission_valid=t.emission_valid & ~out,
        raw_exceeded=t.raw_exceeded & ~out, exceeded=t.exceeded & ~out,
        status=ibis.ifelse(out, "invalid", t.status),
        invalid_reason=ibis.ifelse(out, "suspect_" + t.excluded_by, t.invalid_reason),
        indicative_mg_m3=ibis.ifelse(out, t.measured_mg_m3, t.indicative_mg_m3),
        **nulled,
    ).drop("excluded_by")
