"""Planting incidents into minute signals."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from ultralow.demo.incidents import STOP_FLOW_SHARE, plant, plant_all
from ultralow.demo.scenario import Incident
from ultralow.loggers.signals import FLOW, O2, minute_series

DAY = 1440
START = datetime(2025, 1, 1)


@pytest.fixture()
def coal():
    return minute_series("coal_boiler", START, DAY, seed=11)


@pytest.fixture()
def potline():
    return minute_series("potline", START, DAY, seed=12)


def test_breach_is_genuine_high_pm_under_flag_n(potline):
    before = potline.avg["a34013"].copy()
    breach = Incident("breach", "pl", "breach", at=0.5, minutes=180, max_share=0.5, codes=("a34013",),
                      values_mg_m3=(32.0, 58.0))
    planted = plant(potline, breach, np.random.default_rng(1))
    # at 0.5 of 1440 min = minute 720 (hour 12), 180 min long
    assert (planted.start, planted.end) == (720, 900)
    window = potline.avg["a34013"][720:900]
    assert window.min() >= 32.0 and window.max() <= 58.0
    assert set(potline.flags["a34013"][720:900]) == {"N"}
    # every clock hour of the window: mean of 60 minutes in [32, 58] > the GB 25465 potline limit 20 mg/m3
    assert window.reshape(3, 60).mean(axis=1).min() > 20.0
    np.testing.assert_array_equal(potline.avg["a34013"][:720], before[:720])
    np.testing.assert_array_equal(potline.avg["a34013"][900:], before[900:])


def test_fault_flags_d_and_sticks(coal):
    fault = Incident("fault", "u", "fault", at=0.25, minutes=240, max_share=1.0, codes=("a21026", O2))
    plant(coal, fault, np.random.default_rng(1))
    # 0.25 x 24 h = hour 6 = minute 360, 240 min
    for code in ("a21026", O2):
        assert set(coal.flags[code][360:600]) == {"D"}
        assert np.all(coal.avg[code][360:600] == coal.avg[code][360])
    assert "D" not in set(coal.flags[FLOW][360:600])  # the flow meter is another instrument


def test_flat_line_repeats_one_value_as_sent(coal):
    flat = Incident("flat_line", "u", "flat", at=0.5, minutes=120, max_share=1.0, codes=("a21026",))
    expected = round(float(coal.avg["a21026"][720]), 2)
    plant(coal, flat, np.random.default_rng(1))
    assert np.all(coal.avg["a21026"][720:840] == expected)
    assert set(coal.flags["a21026"][720:840]) == {"N"}


def test_stop_then_startup_with_high_o2(coal):
    running_flow = float(np.mean(coal.avg[FLOW]))
    stop = Incident("stop", "u", "stop", at=0.25, minutes=300, max_share=1.0, startup_minutes=120,
                    startup_o2_pct=(20.4, 9.0), startup_mg_m3={"a21026": (40.0, 120.0)})
    planted = plant_all(coal, [stop], seed=3)[0]
    # stop minutes 360..660, start-up 660..780
    assert (planted.start, planted.end) == (360, 780)
    assert all(set(coal.flags[code][360:660]) == {"F"} for code in coal.flags)
    assert np.all(coal.avg[O2][360:660] == 20.9)
    assert np.allclose(coal.avg[FLOW][360:660], running_flow * STOP_FLOW_SHARE)
    up = slice(660, 780)
    assert all(set(coal.flags[code][up]) == {"N"} for code in coal.flags)
    o2 = coal.avg[O2][up]
    # linear 20.4 -> 9.0 with 0.1 % noise: the first hour's mean is near (20.4 + 14.7) / 2 = 17.6
    assert 20.0 < o2[0] < 20.8 and 8.6 < o2[-1] < 9.4
    assert 17.0 < o2[:60].mean() < 18.2
    assert coal.avg["a21026"][up].min() >= 40.0 and coal.avg["a21026"][up].max() <= 120.0


def test_unknown_kind_is_refused(coal):
    with pytest.raises(ValueError, match="unknown incident kind"):
        plant(coal, Incident("meteor", "u", "m", at=0.1, minutes=60, max_share=1.0), np.random.default_rng(0))
