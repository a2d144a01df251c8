"""Small judged-hours tables shaped like the compliance engine's output, for the evidence tests."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyarrow as pa

from ultralow.claims.evidence import LimitEntry, StandardsSource


def hours_table(series: list[tuple[str, str, str, list[float | None]]], start: datetime = datetime(2025, 3, 1),
                limits: dict[str, tuple[float, str]] | None = None) -> pa.Table:
    """One row per hour for each (outlet, source_type, code, values); None = an invalid hour (kept, with a
    value of 90 mg/m3 that must not count)."""
    rows = []
    for outlet, source_type, code, values in series:
        limit, limit_set = (limits or {}).get(source_type, (None, None))
        for i, v in enumerate(values):
            rows.append({
                "outlet_id": outlet, "code": code, "hour": start + timedelta(hours=i), "valid": v is not None,
                "measured_mg_m3": 90.0 if v is None else v, "o2_pct": 6.0,
                "corrected_mg_m3": 90.0 if v is None else v, "limit_mg_m3": limit, "limit_set": limit_set,
                "exceeded": False, "source_type": source_type,
            })
    return pa.Table.from_pylist(rows)


def small_standards() -> StandardsSource:
    """A few limits, from shared/reference/emission-standards.md §3.1-§3.3 (GB 13223-2011 Table 1, the
    ultra-low policy, GB 25465-2010 Table 5), written here so the tests do not depend on other data."""
    rows = [
        ("GB13223-2011", "GB 13223-2011", "coal_boiler", "a21026", "", 100.0, "GB 13223-2011 Table 1 coal SO2 new"),
        ("GB13223-2011", "GB 13223-2011", "coal_boiler", "a21026", "existing", 200.0, "GB 13223-2011 Table 1"),
        ("GB13223-2011", "GB 13223-2011", "gas_turbine", "a21026", "", 35.0, "GB 13223-2011 Table 1 natural gas"),
        ("GB13223-2011", "GB 13223-2011", "gas_turbine", "a21002", "", 50.0, "GB 13223-2011 Table 1 natural gas"),
        ("ultra-low-2015", "ultra-low", "coal_boiler", "a21026", "", 35.0, "环发〔2015〕164号"),
        ("GB25465-2010", "GB 25465-2010", "potline", "a21026", "", 200.0, "GB 25465-2010 Table 5 pot gas"),
        ("GB25465-2010", "GB 25465-2010", "potline", "a34013", "", 20.0, "GB 25465-2010 Table 5 pot gas"),
    ]
    status = {"GB25465-2010": "unverified"}
    return StandardsSource([LimitEntry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], status.get(r[0], "verified"))
                            for r in rows])
