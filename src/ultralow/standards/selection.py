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
    keep = ["set_id", "row_id", "document", "pollutant", "limit_mg_m3", "reference_basis", "o2_ref_pct",
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


def strictest(hours: ir.Table, candidates: ir.Table, ambient_o2_pct: float) -> ir.Table:
    """``hours`` (outlet_id, code, hour, o2_pct, …) + the winning row's limit_mg_m3, limit_set, limit_row,
    limit_source, limit_status, limit_basis, limit_o2_ref_pct (nulls where no row applies).

    ``ambient_o2_pct``: the 21 of formula (1), from ``conversion.toml``.
    """
    day = hours.hour.date()
    cand = candidates.select(
        c_outlet="outlet_id", c_code="pollutant", limit_mg_m3="limit_mg_m3", limit_set="set_id",
        limit_row="row_id", limit_source="source", limit_status="status", limit_basis="reference_basis",
        limit_o2_ref_pct="o2_ref_pct", c_from="effective_from", c_to="effective_to",
    )
    joined = hours.left_join(
        cand,
        [hours.outlet_id == cand.c_outlet, hours.code == cand.c_code,
         cand.c_from.isnull() | (cand.c_from <= day), cand.c_to.isnull() | (cand.c_to > day)],
    )
    o2_for_rank = ibis.ifelse(joined.o2_pct.notnull() & (joined.o2_pct < ambient_o2_pct), joined.o2_pct, 0.0)
    allowed = ibis.ifelse(
        joined.limit_basis == "o2",
        joined.limit_mg_m3 * (ambient_o2_pct - o2_for_rank) / (ambient_o2_pct - joined.limit_o2_ref_pct),
        joined.limit_mg_m3,
    )
    rank = ibis.row_number().over(
        group_by=[joined.outlet_id, joined.code, joined.hour],
        order_by=[allowed.asc(nulls_first=False), joined.limit_mg_m3.asc(nulls_first=False),
                  joined.limit_set.asc(nulls_first=False), joined.limit_row.asc(nulls_first=False)],
    )
    ranked = joined.mutate(_rank=rank)
    return ranked.filter(ranked._rank == 0).drop("_rank", "c_outlet", "c_code", "c_from", "c_to")
