"""The JSON document: outlet offsets on times, nulls for NaN, sorted rows."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from ultralow.cems.document import sorted_rows, to_json_rows


def test_times_carry_the_outlets_offset_and_nan_becomes_null() -> None:
    rows = [{"outlet_id": "gn1", "code": "a34013", "hour": dt.datetime(2025, 3, 3, 10), "utc_offset_min": 0,
             "corrected_mg_m3": float("nan"), "day": dt.date(2025, 3, 3)},
            {"outlet_id": "cn1", "code": "a34013", "hour": dt.datetime(2025, 3, 3, 10), "utc_offset_min": 480,
             "corrected_mg_m3": 12.5, "day": dt.date(2025, 3, 3)}]
    out = to_json_rows(rows, {"gn1": 0, "cn1": 480})
    assert out[0] == {"outlet": "gn1", "code": "a34013", "hour": "2025-03-03T10:00:00+00:00",
                      "corrected_mg_m3": None, "day": "2025-03-03"}
    assert out[1]["hour"] == "2025-03-03T10:00:00+08:00" and out[1]["corrected_mg_m3"] == 12.5


def test_rows_are_sorted_by_the_documents_keys() -> None:
    table = pa.table({"outlet_id": ["b", "a", "a"], "code": ["x", "y", "x"],
                      "hour": pa.array([dt.datetime(2025, 1, 1, h) for h in (0, 1, 2)], pa.timestamp("us"))})
    assert [(r["outlet_id"], r["code"]) for r in sorted_rows("hours", table)] == [("a", "x"), ("a", "y"), ("b", "x")]
