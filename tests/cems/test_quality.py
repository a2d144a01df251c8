"""Data-quality findings with their evidence, one outlet per pattern, judged in one run."""

from __future__ import annotations

import datetime as dt

import pytest
from cems_support import DAY, O2, SO2, Data, Outcome, at, judge

from ultralow.cems import Period

COAL = ["ultra-low-2015"]


@pytest.fixture(scope="module")
def out() -> Outcome:
    data = Data()
    for outlet in ("flat", "neg", "o2bad", "spike", "lowvar", "cal", "higho2", "over", "clean"):
        data.outlet(outlet, "coal_boiler", COAL)
    data.hour("flat", SO2, at(10), 20.0)  # 60 identical N minutes
    data.minutes("neg", SO2, at(10), [20.0] * 50 + [-3.0] * 10)
    data.minutes("o2bad", O2, at(10), [6.0] * 55 + [21.5] * 5)
    noisy = [20.0 + (0.5 if i % 2 else -0.5) for i in range(60)]
    data.minutes("spike", SO2, at(10), noisy[:30] + [200.0] + noisy[31:])
    # low variance: 30 hours with sd 1 (19/21 alternating), then an hour with sd 0.01 (19.99/20.01)
    for h in range(30):
        data.minutes("lowvar", SO2, at(0) + dt.timedelta(hours=h), [19.0 if i % 2 else 21.0 for i in range(60)])
    data.minutes("lowvar", SO2, at(30), [19.99 if i % 2 else 20.01 for i in range(60)])
    # calibration pattern: at 02:00 on three days, 5 zero minutes under flag N, then 55 at 30 mg/m3
    for d in range(3):
        data.minutes("cal", SO2, at(2, day=DAY + dt.timedelta(days=d)), [0.0] * 5 + [30.0] * 55)
    data.hour("higho2", SO2, at(10), 2.0).hour("higho2", O2, at(10), 19.5)
    data.minutes("over", SO2, at(10), [20.0] * 50 + [999.0] * 10, ["N"] * 50 + ["T"] * 10)
    data.minutes("clean", SO2, at(10), noisy).minutes("clean", O2, at(10), [6.0 + (i % 3) * 0.1 for i in range(60)])
    return judge(data, Period.inclusive(DAY, DAY + dt.timedelta(days=2)))


def kinds(out: Outcome, outlet: str) -> set[str]:
    return {f["finding"] for f in out.tables["findings"] if f["outlet_id"] == outlet} - {"data_availability",
                                                                                      "emission_not_substituted",
                                                                                      "not_judgeable"}


def test_flat_line_under_flag_n(out: Outcome) -> None:
    [found] = out.findings("flat_line", "flat")
    assert (found["code"], found["start"], found["end"], found["hours"], found["value"]) == (SO2, at(10), at(11), 1, 20.0)
    assert found["status"] == "unverified"


def test_negative_values(out: Outcome) -> None:
    [found] = out.findings("implausible_value", "neg")
    assert (found["code"], found["value"]) == (SO2, -3.0)


def test_o2_out_of_range(out: Outcome) -> None:
    [found] = out.findings("o2_out_of_range", "o2bad")
    assert (found["code"], found["value"]) == (O2, 21.5)


def test_spike(out: Outcome) -> None:
    [found] = out.findings("spike", "spike")
    # mean = (59 x 20 + 0.5 - ... ) ≈ 22.99, one extreme of 200: (max - mean) / sd ≈ 7.6 (59 / sqrt(60) = 7.62)
    assert found["code"] == SO2 and found["value"] == pytest.approx(7.6, abs=0.05)


def test_low_variance_against_own_history(out: Outcome) -> None:
    [found] = out.findings("low_variance", "lowvar")
    # sd 0.01006 vs mean history sd 1.00844 -> ratio 0.00998 < 0.05
    assert (found["start"], found["hours"]) == (at(30), 1)
    assert found["value"] == pytest.approx(0.01, abs=1e-3)


def test_calibration_pattern_at_the_same_clock_hour(out: Outcome) -> None:
    [found] = out.findings("calibration_pattern", "cal")
    assert (found["value"], found["hours"], found["start"]) == (2.0, 3, at(2))
    assert "3 days" in found["detail"]


def test_high_o2_while_operating(out: Outcome) -> None:
    [found] = out.findings("high_o2_operating", "higho2")
    assert (found["code"], found["value"]) == (O2, 19.5)


def test_over_range_minutes(out: Outcome) -> None:
    [found] = out.findings("over_range", "over")
    assert found["value"] == 10.0


def test_clean_data_has_no_quality_finding(out: Outcome) -> None:
    assert kinds(out, "clean") == set()
    assert kinds(out, "spike") == {"spike"}
