"""Verdicts by qualifier rule, the check of cited limits, and claims without evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from hours_support import hours_table, small_standards

from ultralow.claims.evidence import EmissionsEvidence
from ultralow.claims.model import Claim, Comparison
from ultralow.claims.verify import LEDGER_PENDING, check_claim, load_rules

# valid coal SO2 hours 14, 15, 16, 17: mean 15.5, p95 16.85 (0.95 × 3 = 2.85 -> 16 + 0.85), max 17
HOURS = hours_table([
    ("zp-u1", "coal_boiler", "a21026", [14.0, 16.0, 15.0, 17.0]),
    ("hm-p1", "potline", "a21026", [9.0, 11.0]),
    ("hm-p1", "potline", "a34013", [2.0, 2.2, 1.8]),
], limits={"coal_boiler": (35.0, "ultra-low-2015"), "potline": (200.0, "GB25465-2010")})


def claim(value: float, qualifier: str = "about", *, metric: str = "so2_concentration", unit: str = "mg/m3",
          scope: str | None = "thermal_power", value_max: float | None = None, step: float = 1.0,
          compared_to: Comparison | None = None, text: str = "text") -> Claim:
    return Claim("c:1", text, (0, 1), metric, value, value_max, unit, qualifier, None, None, scope, compared_to,
                 step=step)


def verdict(c: Claim, **kwargs: object) -> str:
    return check_claim(c, [EmissionsEvidence(HOURS)], standards=small_standards(), **kwargs).verdict  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "qualifier", "value_max", "expected"), [
    (15, "about", None, "supported"),            # |15.5 - 15| = 0.5 <= 15 % of 15 = 2.25
    (12, "about", None, "contradicted"),         # |15.5 - 12| = 3.5 > 15 % of 12 = 1.8
    (15, "exactly", None, "supported"),          # 0.5 <= 5 % of 15 = 0.75
    (14, "exactly", None, "contradicted"),       # 1.5 > 0.7 and > half a unit (0.5)
    (15, "more_than", None, "supported"),        # 15.5 > 15
    (16, "at_least", None, "contradicted"),      # 15.5 < 16
    (18, "less_than", None, "supported"),        # max 17 < 18
    (17, "less_than", None, "partly_supported"),  # max 17 is not < 17, p95 16.85 is
    (16, "less_than", None, "contradicted"),     # p95 16.85 >= 16
    (17, "up_to", None, "supported"),            # max 17 <= 17
    (12, "exactly", 20, "supported"),            # 12 <= 15.5 <= 20
    (17, "exactly", 20, "contradicted"),         # 15.5 < 17 - 0.5
])
def test_rules_by_qualifier(value: float, qualifier: str, value_max: float | None, expected: str) -> None:
    assert verdict(claim(value, qualifier, value_max=value_max)) == expected


def test_evidence_and_reason_are_carried() -> None:
    checked = check_claim(claim(12), [EmissionsEvidence(HOURS)])
    assert checked.evidence is not None and checked.evidence.outlets == ("zp-u1",)
    assert checked.evidence.statistic == "mean" and checked.evidence.value == 15.5
    assert "+29%" in checked.reason  # (15.5 - 12) / 12 = 0.2917
    assert checked.rule.startswith("about")
    out = checked.to_json()
    assert out["verdict"] == "contradicted" and out["evidence"]["query"].startswith("SELECT")


def test_tolerance_comes_from_the_rules_file(tmp_path: Path) -> None:
    text = Path(__file__).parents[2].joinpath("src/ultralow/claims/data/verification.toml").read_text(encoding="utf-8")
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(text.replace("relative_tolerance = 0.15", "relative_tolerance = 0.50", 1), encoding="utf-8")
    assert verdict(claim(12), rules=load_rules(rules_file)) == "supported"  # 3.5 <= 50 % of 12 = 6


def test_gas_turbine_limits_cited_for_coal_units_is_said_and_partly_supported() -> None:
    cited = Comparison(35.0, "mg/m3", "emission standards of natural gas generator sets")
    checked = check_claim(claim(15, compared_to=cited), [EmissionsEvidence(HOURS)], standards=small_standards())
    assert checked.verdict == "partly_supported"  # the figure holds, the comparison is with another source type
    assert checked.comparison is not None and not checked.comparison.ok
    assert checked.comparison.named_source_type == "gas_turbine" and checked.comparison.named_limit_mg_m3 == 35.0
    assert "gas_turbine" in checked.reason and "coal_boiler" in checked.reason
    assert "100 (GB13223-2011)" in checked.comparison.reason  # the coal boilers' own Table 1 limit


def test_wrong_cited_limit_is_named() -> None:
    cited = Comparison(40.0, "mg/m3", "emission standards of natural gas generator sets")
    checked = check_claim(claim(15, compared_to=cited), [EmissionsEvidence(HOURS)], standards=small_standards())
    assert checked.comparison is not None and "sets 35 mg/m3" in checked.comparison.reason


def test_right_standard_for_the_right_source_type() -> None:
    cited = Comparison(200.0, "mg/m3", "Aluminum Industry Pollutant Emission Standard")
    checked = check_claim(claim(10, "exactly", scope="electrolytic_aluminium", compared_to=cited),
                          [EmissionsEvidence(HOURS)], standards=small_standards())
    assert checked.verdict == "supported"  # mean (9 + 11) / 2 = 10
    assert checked.comparison is not None and checked.comparison.ok
    assert checked.comparison.status == "unverified"  # GB 25465 values are [U] in the reference


def test_measured_value_above_the_cited_limit_contradicts() -> None:
    cited = Comparison(1.0, "mg/m3", "Aluminum Industry Pollutant Emission Standard")
    c = claim(2, "exactly", metric="pm_concentration", scope="electrolytic_aluminium", compared_to=cited)
    assert verdict(c) == "contradicted"  # mean 2.0 is not below the cited 1


def test_social_metric_waits_for_the_ledgers() -> None:
    checked = check_claim(claim(9e10, "more_than", metric="taxes_paid", unit="CNY", scope=None),
                          [EmissionsEvidence(HOURS)])
    assert (checked.verdict, checked.reason) == ("no_evidence", LEDGER_PENDING)


@pytest.mark.parametrize(("metric", "unit"), [("unclassified", "t"), ("so2_emissions_change", "%"), ("patents", "count")])
def test_not_checkable(metric: str, unit: str) -> None:
    assert verdict(claim(5, metric=metric, unit=unit, scope=None)) == "not_checkable"


def test_no_hours_for_the_scope() -> None:
    assert verdict(claim(3, metric="pm_concentration", scope="alumina")) == "no_evidence"
    assert check_claim(claim(15), []).verdict == "no_evidence"  # no CEMS source given at all


def test_scope_with_coal_units_and_gas_turbines_is_still_flagged() -> None:
    # the store's thermal-power outlets are a coal boiler (SO2 hours 14, 16) and a gas turbine (2, 4):
    # mean (14 + 16 + 2 + 4) / 4 = 9; the cited 35 is the gas-turbine limit, the coal boiler's is not
    hours = hours_table([("u1", "coal_boiler", "a21026", [14.0, 16.0]), ("gt1", "gas_turbine", "a21026", [2.0, 4.0])])
    cited = Comparison(35.0, "mg/m3", "emission standards of natural gas generator sets")
    checked = check_claim(claim(9, compared_to=cited), [EmissionsEvidence(hours)], standards=small_standards())
    assert checked.evidence is not None and checked.evidence.value == 9.0
    assert checked.verdict == "partly_supported"
    assert checked.comparison is not None and "coal_boiler units with gas_turbine limits" in checked.comparison.reason
