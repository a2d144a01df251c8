"""The processing rules as data: HJ 76 thresholds, HJ 75 substitution rows, premium tiers, marking policy."""

from __future__ import annotations

from ultralow.standards import packaged_rules
from ultralow.standards.rules import RuleBook


def test_hj76_validity_thresholds() -> None:
    rules = packaged_rules()
    # HJ 76-2017 Appendix B: 45 valid minutes / 20 valid hours / 25 valid days (February 23)
    assert [rules.value(k) for k in ("hour_min_valid_minutes", "day_min_valid_hours", "month_min_valid_days",
                                     "february_min_valid_days")] == [45, 20, 25, 23]
    assert rules.validity["minute_valid_flags"].value == ["N"]
    assert rules.validity["hour_min_valid_minutes"].status == "verified"


def test_substitution_rows_cover_hj75_tables() -> None:
    rows = {r.id: r for r in packaged_rules().substitution}
    assert (rows["A-90-short"].lookback_valid_hours, rows["A-90-long"].lookback_valid_hours,
            rows["A-75"].lookback_valid_hours) == (180, 720, 2160)
    assert (rows["B-90-short"].anchor, rows["A-90-short"].anchor) == ("failure", "last_calibration")
    assert rows["none-below-75"].lookback_valid_hours is None
    assert rows["none-below-75"].status == "unverified"


def test_premium_tiers_from_2835() -> None:
    tiers = {t.tier: t for t in packaged_rules().premium_tiers}
    assert (tiers["full"].ratio_min, tiers["reduced"].ratio_min, tiers["none"].ratio_max) == (0.99, 0.80, 0.80)
    assert packaged_rules().premium["pollutants"] == ["a34013", "a21026", "a21002"]


def test_marking_policy_keeps_unverified_marks_unverified() -> None:
    policy = {m.mark_type: m for m in packaged_rules().marking}
    assert policy["maintenance"].data_valid is False
    assert policy["startup_shutdown"].exceedance_exempt is True
    assert policy["startup_shutdown"].status == "unverified"


def test_every_rule_has_source_and_status() -> None:
    rules: RuleBook = packaged_rules()
    for rule in rules.all_rules():
        assert rule.source, rule.id
        assert rule.status in ("verified", "unverified"), rule.id
