"""Roll-ups of a judgement per base and source type, per source type across the group, and for the group
(pure: the engine's Arrow tables in, one Arrow table out).

Capture is valid / operating pollutant hours; compliance is judged hours not exceeded / judged hours; the
ultra-low time ratio is hours meeting the ultra-low limits / hours assessed; tonnes are measured + HJ 75
substitutes over the period. Rates are ratios 0..1 and null when their denominator is 0; a tonne figure
is null when no outlet of the row reported that pollutant (nulls stay nulls).
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa

from ultralow.registry import Registry

SO2: Final = "a21026"
NOX: Final = "a21002"
PM: Final = "a34013"
TONNE_CODES: Final = {"so2_t": SO2, "nox_t": NOX, "pm_t": PM}
GROUP: Final = "ALL"
LEVELS: Final = ("base_source_type", "source_type", "group")

ROLLUP_SCHEMA: Final = pa.schema([
    ("level", pa.string()),
    ("base", pa.string()),
    ("source_type", pa.string()),
    ("outlets", pa.int64()),
    ("hours_operating", pa.int64()),
    ("hours_valid", pa.int64()),
    ("hours_judged", pa.int64()),
    ("hours_exceeded", pa.int64()),
    ("capture_rate", pa.float64()),
    ("compliance_rate", pa.float64()),
    ("ultra_low_assessed", pa.int64()),
    ("ultra_low_meeting", pa.int64()),
    ("ultra_low_ratio", pa.float64()),
    ("so2_t", pa.float64()),
    ("nox_t", pa.float64()),
    ("pm_t", pa.float64()),
])


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def rollups(registry: Registry, outlet_ids: list[str] | tuple[str, ...], summary: pa.Table, ultra_low: pa.Table,
            emissions: pa.Table) -> pa.Table:
    """Rows in registry order: each (base, source type), then each source type (base ``ALL``), then the group
    (base ``ALL``, source type ``all``). Only the selected outlets count."""
    chosen = set(outlet_ids)
    outlets = [o for o in registry.outlets if o.id in chosen]
    keys: list[tuple[str, str, str]] = []
    members: dict[tuple[str, str, str], list[str]] = {}

    def key_of(level: str, base: str, source_type: str) -> tuple[str, str, str]:
        key = (level, base, source_type)
        if key not in members:
            members[key] = []
            keys.append(key)
        return key

    for o in outlets:
        members[key_of("base_source_type", o.base, o.source_type)].append(o.id)
    for o in outlets:
        members[key_of("source_type", GROUP, o.source_type)].append(o.id)
    group = key_of("group", GROUP, "all")
    members[group].extend(o.id for o in outlets)

    per: dict[str, dict[str, float]] = {o.id: {} for o in outlets}

    def add(outlet_id: str, name: str, value: float | None) -> None:
        if outlet_id in per and value is not None:
            per[outlet_id][name] = per[outlet_id].get(name, 0.0) + value

    for row in summary.select([c for c in ("outlet_id", "hours_operating", "hours_valid", "hours_judged",
                                           "hours_exceeded") if c in summary.column_names]).to_pylist():
        for name in ("hours_operating", "hours_valid", "hours_judged", "hours_exceeded"):
            add(row["outlet_id"], name, row.get(name))
    for row in ultra_low.select(["outlet_id", "hours_assessed", "hours_meeting"]).to_pylist():
        add(row["outlet_id"], "ul_assessed", row["hours_assessed"])
        add(row["outlet_id"], "ul_meeting", row["hours_meeting"])
    for row in emissions.select(["outlet_id", "code", "total_t"]).to_pylist():
        for name, code in TONNE_CODES.items():
            if row["code"] == code:
                add(row["outlet_id"], name, row["total_t"])

    columns: dict[str, list[object]] = {f.name: [] for f in ROLLUP_SCHEMA}
    for key in keys:
        ids = members[key]
        total: dict[str, float] = {}
        for outlet_id in ids:
            for name, value in per[outlet_id].items():
                total[name] = total.get(name, 0.0) + value
        operating, valid = int(total.get("hours_operating", 0)), int(total.get("hours_valid", 0))
        judged, exceeded = int(total.get("hours_judged", 0)), int(total.get("hours_exceeded", 0))
        assessed, meeting = int(total.get("ul_assessed", 0)), int(total.get("ul_meeting", 0))
        values: dict[str, object] = {
            "level": key[0], "base": key[1], "source_type": key[2], "outlets": len(ids),
            "hours_operating": operating, "hours_valid": valid, "hours_judged": judged, "hours_exceeded": exceeded,
            "capture_rate": _ratio(valid, operating), "compliance_rate": _ratio(judged - exceeded, judged),
            "ultra_low_assessed": assessed, "ultra_low_meeting": meeting,
            "ultra_low_ratio": _ratio(meeting, assessed),
            "so2_t": total.get("so2_t"), "nox_t": total.get("nox_t"), "pm_t": total.get("pm_t"),
        }
        for name in columns:
            columns[name].append(values[name])
    return pa.table(columns, schema=ROLLUP_SCHEMA)
