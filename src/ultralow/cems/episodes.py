"""Findings merged into episodes with a severity and a rank (``findings_policy.toml``), so that the list an
engineer reads starts with what needs action.

Each finding gets its ``severity`` (1-5; escalated when its run lasts at least ``escalate_hours``). The
findings of one outlet (any factor, any rule) whose intervals lie less than ``episode_gap_hours`` apart form
one episode (gaps and islands over the running latest end). An episode's severity is the highest of its
findings, raised by one when an exceedance event of the outlet overlaps it (a data-quality problem behind an
exceedance is what an auditor asks about first); episodes are ranked by severity, then span, then start.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ultralow.standards.rules import RuleBook

EPISODE_COLUMNS = ("severity", "episode", "episode_start", "episode_end", "episode_severity", "episode_findings",
                   "episode_exceeded_hours", "episode_rank")


def severity(findings: ir.Table, rules: RuleBook) -> ir.IntegerValue:
    f = findings
    cases = []
    for p in rules.finding_policy:
        sev = ibis.literal(int(p.severity))
        if p.escalate_hours is not None:
            sev = ibis.ifelse(f.hours >= int(p.escalate_hours), int(p.escalated_severity or p.severity), p.severity)
        cases.append((f.finding == p.finding, sev))
    return ibis.cases(*cases, else_=ibis.literal(1)) if cases else ibis.literal(1)


def ranked(findings: ir.Table, events: ir.Table, rules: RuleBook) -> ir.Table:
    """``findings`` plus :data:`EPISODE_COLUMNS`; ``episode`` is ``<outlet>#<n>`` (n from 1 in time order)."""
    gap = ibis.interval(hours=int(rules.value("episode_gap_hours")))
    f = findings.mutate(severity=severity(findings, rules).cast("int64"))

    def order(t: ir.Table) -> list[ir.Value]:
        return [t.start, t.end, t.finding, t.code, t.detail]

    before = ibis.window(group_by=f.outlet_id, order_by=order(f), rows=(None, -1))
    f = f.mutate(prev_end=f.end.max().over(before))
    f = f.mutate(new_episode=ibis.ifelse(f.prev_end.isnull() | (f.start > f.prev_end + gap), 1, 0))
    upto = ibis.window(group_by=f.outlet_id, order_by=order(f), rows=(None, 0))
    f = f.mutate(episode_n=f.new_episode.sum().over(upto)).drop("prev_end", "new_episode")
    ep = f.group_by([f.outlet_id.name("e_outlet"), f.episode_n.name("e_n")]).agg(
        episode_start=f.start.min(), episode_end=f.end.max(), max_severity=f.severity.max(),
        episode_findings=f.count(),
    )
    ev = events.select(v_outlet="outlet_id", v_start="start", v_end="end", v_hours="duration_h")
    hit = ep.join(ev, [ep.e_outlet == ev.v_outlet, ev.v_start < ep.episode_end, ev.v_end > ep.episode_start])
    hits = hit.group_by(["e_outlet", "e_n"]).agg(x_hours=hit.v_hours.sum()).rename(x_outlet="e_outlet", x_n="e_n")
    ep = ep.left_join(hits, [ep.e_outlet == hits.x_outlet, ep.e_n == hits.x_n]).drop("x_outlet", "x_n")
    ep = ep.mutate(episode_exceeded_hours=ep.x_hours.fill_null(0).cast("int64"),
                   episode_severity=(ep.max_severity + ibis.ifelse(ep.x_hours.fill_null(0) > 0, 1, 0)).cast("int64"))
    span = (ep.episode_end.epoch_seconds() - ep.episode_start.epoch_seconds()) // 3600
    ep = ep.mutate(episode_rank=ibis.row_number().over(
        order_by=[ibis.desc(ep.episode_severity), ibis.desc(span), ep.episode_start, ep.e_outlet]) + 1)
    ep = ep.drop("x_hours", "max_severity")
    out = f.join(ep, [f.outlet_id == ep.e_outlet, f.episode_n == ep.e_n])
    out = out.mutate(episode=out.outlet_id + "#" + out.episode_n.cast("string"), episode_rank=out.episode_rank.cast("int64"))
    return out.drop("e_outlet", "e_n", "episode_n")
