"""Selection of the strictest applicable limit, as Ibis expressions (portable across engines).

Applicable rows for an outlet: rows of the limit sets it lists, for its source type and the pollutant, in
force on the hour's date. A ``limit_sets`` entry ``SET:condition`` (e.g. ``GB13223-2011:existing``) uses
the set's rows with that condition in place of the general rows of the same pollutant.

Strictest: limits at different reference O2 are compared like with like. Each candidate row is turned into
the measured concentration it allows at the hour's O2 (``L x (21 - O2) / (21 - O2_ref)``, or ``L`` for a
measured-basis row); the lowest wins, ties going to the lower limit, then set id and row id. Among rows that
all use an O2 reference the winner does not depend on the hour's O2 (the factor 21 - O2 is common); when the
hour has no O2 value, O2 rows are ranked at 0 % O2.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def outlet_candidates(outlets: ir.Table, limits: ir.Table) -> ir.Table:
    """Candidate limit rows per outlet: (outlet_id, pollutant, set_id, row_id, limit_mg_m3, reference_basis,
    o2_ref_pct, effective_from, effective_to, source, status, document)."""
    entries = outlets.select("outlet_id", "source_type", entry=outlets.limit_sets.unnest())
    colon = entries.entry.find(":")
    entries = entries.mutate(entry_set=ibis.ifelse(colon >= 0, entries.entry.substr(0, colon), entries.entry))
    if "set_kind" not in limits.columns:  # a hand-made limits table: every set statutory
        limits = limits.mutate(set_kind=ibis.literal("statutory"))
    keep = ["set_id", "set_kind", "row_id", "document", "pollutant", "limit_mg_m3", "reference_basis", "o2_ref_pct",
            "effective_from", "effective_to", "source", "status"]
    general = limits.filter(limits.condition == "")
    variants = limits.filter(limits.condition != "")
    by_set = entries.join(general, [entries.entry_set == general.set_id,
                                    entries.source_type == general.source_type])
    by_set = by_set.select("outlet_id", *keep, is_variant=ibis.literal(False))
    by_key = entries.join(variants, [entries.entry == variants.set_key,
                                     entries.source_type == variants.source_type])
    by_key = by_key.select("outlet_id", *keep, is_variant=ibis.literal(True))
    both = by_set.union(by_key, distinct=True)
    both = both.mutate(replaced=both.is_variant.max().over(group_by=["outlet_id", "set_id", "pollutant"]))
    return both.filter(both.is_variant | ~both.replaced).drop("is_variant", "replaced")


def ranked_candidates(candidates: ir.Table) -> ir.Table:
    """Candidates with ``cand_rank``: 0, 1, … per (outlet, pollutant) by limit, set id, row id (the
    tie-break order). A small table: the window runs over limit rows, not hours."""
    order = [candidates.limit_mg_m3, candidates.set_id, candidates.row_id]
    return candidates.mutate(cand_rank=ibis.row_number().over(group_by=[candidates.outlet_id, candidates.pollutant],
                                                              order_by=order))


LIMIT_KINDS = {"legal": "statutory", "ultra_low": "premium"}
_EXCLUDED = 1e300  # ranks a row out of one kind's arg_min (allowed values are far below it)


def strictest(hours: ir.Table, candidates: ir.Table, ambient_o2_pct: float, ranked: ir.Table | None = None) -> ir.Table:
    """``hours`` (outlet_id, code, hour, o2_pct, …) + the winning row's limit_mg_m3, limit_set, limit_row,
    limit_source, limit_status, limit_basis, limit_o2_ref_pct (nulls where no row applies), and the same for
    the strictest row of each kind: ``legal_*`` (statutory sets: a breach of the law) and ``ultra_low_*``
    (premium sets: the price scheme), each null where no row of that kind applies.

    One GROUP BY per hour picks the row with the lowest allowed measured value (``arg_min``); equal values
    are separated by the tie-break rank (a relative nudge of 1e-12 per rank, far below any real difference
    between limits). ``ambient_o2_pct``: the 21 of formula (1), from ``conversion.toml``. ``ranked``:
    :func:`ranked_candidates` of ``candidates`` when the caller keeps it (a table of the registry, not of the hours).
    """
    ranked = ranked_candidates(candidates) if ranked is None else ranked
    day = hours.hour.date()
    keys = hours.select(k_outlet="outlet_id", k_code="code", k_hour="hour", k_day=day, k_o2="o2_pct")
    cand = ranked.select(c_outlet="outlet_id", c_code="pollutant", c_rank="cand_rank", c_limit="limit_mg_m3",
                         c_basis="reference_basis", c_ref="o2_ref_pct", c_from="effective_from", c_to="effective_to",
                         c_kind="set_kind")
    j = keys.join(cand, [keys.k_outlet == cand.c_outlet, keys.k_code == cand.c_code,
                         cand.c_from.isnull() | (cand.c_from <= keys.k_day),
                         cand.c_to.isnull() | (cand.c_to > keys.k_day)])
    o2_for_rank = ibis.ifelse(j.k_o2.notnull() & (j.k_o2 < ambient_o2_pct), j.k_o2, 0.0)
    allowed = ibis.ifelse(j.c_basis == "o2", j.c_limit * (ambient_o2_pct - o2_for_rank) / (ambient_o2_pct - j.c_ref),
                          j.c_limit)
    nudged = allowed * (1.0 + j.c_rank.cast("float64") * 1e-12)
    columns: dict[str, ir.Value] = {"w_rank": j.c_rank.argmin(nudged)}
    for prefix, kind in LIMIT_KINDS.items():
        mine = j.c_kind == kind
        columns[f"w_{prefix}"] = j.c_rank.argmin(ibis.ifelse(mine, nudged, _EXCLUDED))
        columns[f"n_{prefix}"] = ibis.ifelse(mine, 1, 0).sum()
    best = j.group_by(["k_outlet", "k_code", "k_hour"]).agg(**columns)
    # the winners' attributes joined on the narrow per-hour table, then one join onto the (wide) hours
    for prefix, rank in (("limit", "w_rank"), ("legal", "w_legal"), ("ultra_low", "w_ultra_low")):
        lim = "limit_mg_m3" if prefix == "limit" else f"{prefix}_limit_mg_m3"
        names = {"set": "limit_set", "row": "limit_row", "source": "limit_source", "status": "limit_status",
                 "basis": "limit_basis", "o2": "limit_o2_ref_pct"}
        if prefix != "limit":
            names = {k: f"{prefix}_{v}" for k, v in names.items()}
        rows = ranked.select(**{
            "r_outlet": "outlet_id", "r_code": "pollutant", "r_rank": "cand_rank", lim: "limit_mg_m3",
            names["set"]: "set_id", names["row"]: "row_id", names["source"]: "source", names["status"]: "status",
            names["basis"]: "reference_basis", names["o2"]: "o2_ref_pct"})
        cond = [best.k_outlet == rows.r_outlet, best.k_code == rows.r_code, best[rank] == rows.r_rank]
        if prefix != "limit":
            cond.append(best[f"n_{prefix}"] > 0)
        best = best.left_join(rows, cond).drop("r_outlet", "r_code", "r_rank")
    best = best.drop("w_rank", "w_legal", "w_ultra_low", "n_legal", "n_ultra_low")
    out = hours.left_join(best, [hours.outlet_id == best.k_outlet, hours.code == best.k_code,
                                 hours.hour == best.k_hour])
    return out.drop("k_outlet", "k_code", "k_hour")
