"""Evidence from judged CEMS hours: statistics of valid corrected hours per scope, pollutant and period."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pytest
from hours_support import hours_table

from ultralow.claims.evidence import EmissionsEvidence, period_window
from ultralow.claims.model import Claim


def claim(metric: str, value: float, unit: str = "mg/m3", scope: str | None = "thermal_power",
          period: str | None = None, qualifier: str = "about") -> Claim:
    return Claim("c:1", "text", (0, 1), metric, value, None, unit, qualifier, period, None, scope, None)


HOURS = hours_table([
    ("zp-u1", "coal_boiler", "a21026", [14.0, 16.0, None, 15.0, 17.0]),
    ("hm-p1", "potline", "a21026", [9.0, 11.0]),
])


def test_statistics_of_valid_hours_only() -> None:
    ev = EmissionsEvidence(HOURS).lookup(claim("so2_concentration", 15))
    assert ev is not None
    # valid coal SO2 hours 14, 16, 15, 17 (the invalid 90 is left out): mean 62/4 = 15.5; max 17;
    # p95 by linear interpolation: position 0.95 × 3 = 2.85 between 16 and 17 -> 16 + 0.85 = 16.85
    assert ev.value == 15.5
    assert ev.statistics == {"hours": 4, "mean": 15.5, "p50": 15.5, "p95": pytest.approx(16.85), "max": 17.0,
                             "min": 14.0}
    assert ev.outlets == ("zp-u1",)
    assert "code = ?" in ev.query and ev.parameters[0] == "a21026"  # parameterised, and the query is evidence
    assert ev.period == "2025-03-01T00:00:00/2025-03-01T04:00:00"


def test_scope_selects_source_types() -> None:
    ev = EmissionsEvidence(HOURS).lookup(claim("so2_concentration", 10, scope="electrolytic_aluminium"))
    assert ev is not None and ev.value == 10.0 and ev.outlets == ("hm-p1",)  # (9 + 11) / 2


def test_unstated_scope_with_two_scopes_cannot_be_decided() -> None:
    ev = EmissionsEvidence(HOURS).lookup(claim("so2_concentration", 10, scope=None))
    assert ev is not None and ev.value is None and "names no source type" in ev.note


def test_period_filter_and_no_hours() -> None:
    source = EmissionsEvidence(HOURS)
    ev = source.lookup(claim("so2_concentration", 15, period="2024"))
    assert ev is not None and ev.value is None and "no valid hours" in ev.note
    ev = source.lookup(claim("so2_concentration", 15, period="2025"))
    assert ev is not None and ev.value == 15.5


def test_not_an_emission_metric() -> None:
    assert EmissionsEvidence(HOURS).lookup(claim("taxes_paid", 9e10, unit="CNY", scope=None)) is None


def test_mass_claims_use_annual_totals() -> None:
    emissions = pa.table({"outlet_id": ["zp-u1", "zp-u2", "hm-p1"], "code": ["a21026"] * 3, "year": [2025] * 3,
                          "total_t": [1200.0, 34.5, 80.0], "source_type": ["coal_boiler", "coal_boiler", "potline"]})
    source = EmissionsEvidence(HOURS, emissions=emissions)
    ev = source.lookup(claim("so2_emissions", 1234, unit="t", period="2025", qualifier="exactly"))
    assert ev is not None and ev.value == 1234.5 and ev.outlets == ("zp-u1", "zp-u2")  # 1200 + 34.5 t
    ev = source.lookup(claim("so2_emissions", 1234, unit="t", period=None))
    assert ev is not None and ev.value is None and "year" in ev.note


@pytest.mark.parametrize(("period", "start", "end"), [
    ("2023", datetime(2023, 1, 1), datetime(2024, 1, 1)),
    ("2019/2023", datetime(2019, 1, 1), datetime(2024, 1, 1)),
    ("2015/..", datetime(2015, 1, 1), None),
    ("2023-12", datetime(2023, 12, 1), datetime(2024, 1, 1)),
    ("2023-12-31", datetime(2023, 12, 31), datetime(2024, 1, 1)),
    (None, None, None),
])
def test_period_window(period: str | None, start: datetime | None, end: datetime | None) -> None:
    w = period_window(period)
    assert (w.start, w.end) == (start, end)
