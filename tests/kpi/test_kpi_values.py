"""HKEX KPIs and the statutory community minimum with values worked by hand."""

from __future__ import annotations

import pytest

from ultralow.app.kpi import kpis_from_view
from ultralow.ledger.book import view_of
from ultralow.ledger.figures import social_figures, statutory_check, statutory_minima


def production(year: int, aluminium_t: float, **more: float) -> dict[str, object]:
    return {"kind": "production", "base": "s1", "country": "CN",
            "values": {"month": f"{year}-06", "aluminium_t": aluminium_t, "coal_power_t": 10_000.0, **more}}


def test_kpi_intensity_and_previous_year():
    view = view_of([production(2025, 50_000, hazardous_waste_t=1_100.0), production(2024, 40_000,
                                                                                   hazardous_waste_t=1_000.0)])
    report = kpis_from_view(view, 2025, countries={"s1": "CN"}).by_id()
    a13 = report["A1.3"]
    # 1,100 t / 50,000 t Al = 0.022 t/t; previous year 1,000 t
    assert a13.status == "reported" and a13.value == 1_100 and a13.intensity == pytest.approx(0.022)
    assert a13.previous == 1_000 and a13.evidence["ledger_rows"] == ["production/1@1"]
    # A1.2: coal 10,000 t x 25.8 GJ/t = 258 TJ x 94,600 kg/TJ = 24,406.8 t CO2; no anode data -> Tier 1
    # 1.6 x 50,000 = 80,000 t; PFC Tier 1 CWPB (0.4 kg CF4 + 0.04 kg C2F6 per t) x 50,000 t = 20 t CF4, 2 t
    # C2F6; AR6: 20 x 7,380 + 2 x 12,400 = 172,400 t -> Scope 1 = 276,806.8 t; per t Al = 5.536136
    a12 = report["A1.2"]
    assert a12.value == pytest.approx(24_406.8 + 80_000 + 172_400)
    assert a12.intensity == pytest.approx(276_806.8 / 50_000)
    assert report["D.Scope2"].status == "explain"  # nothing bought from the grid: no Scope 2 line
    # energy A2.1 in '000 kWh = MWh: 258 TJ of coal = 258,000 GJ / 3.6 = 71,666.67 MWh
    assert report["A2.1"].value == pytest.approx(258_000 / 3.6)


def test_explain_says_why_and_drafts_are_not_reported():
    rows = [production(2025, 50_000), {"kind": "workforce", "base": "s1", "country": "CN", "approved": False,
                                       "values": {"year": 2025, "contractor": False, "headcount": 10}}]
    report = kpis_from_view(view_of(rows), 2025).by_id()
    assert report["B1.1"].status == "explain" and report["B1.1"].value is None
    assert report["B1.1"].reason == "1 workforce row(s) for 2025 are drafts awaiting approval"
    assert report["B2.1"].reason == "no approved health_safety rows for 2025"
    assert report["B6.1"].status == "not_applicable"


def test_resources_contributed_keep_statutory_apart():
    rows = [
        {"kind": "community_investment", "base": "g", "country": "GN",
         "values": {"year": 2025, "category": "statutory", "focus_area": "infrastructure", "amount": 5_000_000.0,
                    "currency": "USD", "fx_cny_per_unit": 7.0, "fx_source": "PBOC"}},
        {"kind": "community_investment", "base": "g", "country": "GN",
         "values": {"year": 2025, "category": "voluntary", "focus_area": "education", "amount": 2_000_000.0,
                    "currency": "USD", "fx_cny_per_unit": 7.0, "fx_source": "PBOC"}},
        {"kind": "donations", "base": "z", "country": "CN",
         "values": {"date": "2025-03-01", "amount": 1_000_000.0, "currency": "CNY"}},
    ]
    b82 = kpis_from_view(view_of(rows), 2025).by_id()["B8.2"]
    # voluntary 2,000,000 USD x 7 = 14,000,000 CNY + donation 1,000,000 CNY = 15,000,000; statutory 35,000,000 apart
    assert b82.value == pytest.approx(15_000_000)
    assert b82.breakdown["statutory_contributions_cny"] == pytest.approx(35_000_000)


def guinea(statutory_usd: float) -> list[dict[str, object]]:
    fx = {"currency": "USD", "fx_cny_per_unit": 7.0, "fx_source": "PBOC"}
    return [
        {"kind": "revenue", "base": "boke", "country": "GN", "values": {"year": 2025, "amount": 1e9, **fx}},
        {"kind": "community_investment", "base": "boke", "country": "GN",
         "values": {"year": 2025, "category": "statutory", "amount": statutory_usd, **fx}},
        {"kind": "community_investment", "base": "boke", "country": "GN",
         "values": {"year": 2025, "category": "voluntary", "amount": 2e6, **fx}},
    ]


def test_guinea_half_percent_of_turnover():
    [rule] = [m for m in statutory_minima() if m.country == "GN"]
    assert rule.share_of_turnover_pct == 0.5
    met = statutory_check(view_of(guinea(5e6)), 2025, rule)
    # turnover 1e9 USD x 7 = 7e9 CNY; minimum 0.5 % = 35,000,000 CNY; statutory 5e6 x 7 = 35,000,000 -> met
    assert met.value == pytest.approx(0.5) and met.detail["required_minimum_cny"] == pytest.approx(35_000_000)
    assert met.detail["meets_minimum"] is True
    # voluntary 2e6 x 7 = 14,000,000 is kept apart; the total share is (35 + 14) / 7,000 = 0.7 %
    assert met.detail["voluntary_cny"] == pytest.approx(14_000_000)
    assert met.detail["total_share_pct"] == pytest.approx(0.7)
    short = statutory_check(view_of(guinea(4e6)), 2025, rule)
    # 4e6 x 7 = 28,000,000 CNY = 0.4 % < 0.5 %: not met, even with the voluntary giving (total 0.6 %)
    assert short.value == pytest.approx(0.4) and short.detail["meets_minimum"] is False
    figure = next(f for f in social_figures(view_of(guinea(4e6)), 2025) if f.id == "community.statutory_share.GN")
    assert figure.detail["meets_minimum"] is False and len(figure.rows) == 3
