"""``check_texts``: documents plus the engine's tables in, verdicts and findings out (the demo's entry)."""

from __future__ import annotations

import pyarrow as pa
from hours_support import hours_table, small_standards

from ultralow.claims import check_texts, parse_document


def test_source_types_are_joined_from_the_registry_rows() -> None:
    hours = hours_table([("u1", "coal_boiler", "a21026", [14.0, 16.0])]).drop_columns(["source_type"])
    outlets = pa.table({"outlet_id": ["u1"], "base": ["power"], "source_type": ["coal_boiler"]})
    doc = parse_document("a.txt", "The SO2 concentration of our coal-fired thermal power units was about 15 mg/m3. "
                                  "We employ 43,000 people.")
    other = parse_document("b.txt", "Our 100,000 employees.")
    result = check_texts([doc, other], hours=hours, outlets=outlets, standards=small_standards())
    verdicts = {c.claim.metric: c.verdict for c in result.checked}
    assert verdicts == {"so2_concentration": "supported", "employees": "no_evidence"}  # mean (14 + 16) / 2 = 15
    assert result.summary() == {"supported": 1, "contradicted": 0, "partly_supported": 0, "no_evidence": 2,
                                "not_checkable": 0}
    [finding] = result.findings  # 43,000 vs 100,000 employees
    assert finding.kind == "open_inconsistency"
    report = result.to_json(["a.txt", "b.txt"])
    assert report["summary"]["supported"] == 1 and len(report["claims"]) == 3 and report["evidence"]["hours"] == 2


def test_without_hours_emission_claims_have_no_evidence() -> None:
    result = check_texts([parse_document("a.txt", "SO2 of thermal power units: 15 mg/m3.")])
    assert [c.verdict for c in result.checked] == ["no_evidence"]
