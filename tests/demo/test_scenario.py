"""The demo scenario file and the placement of incident windows."""

from __future__ import annotations

import pytest

from ultralow.demo.scenario import Incident, ScenarioError, parse_scenario, read_scenario


def test_packaged_scenario_plants_the_four_kinds():
    scenario = read_scenario()
    assert scenario.days == 365
    assert {i.kind for i in scenario.incidents} == {"breach", "fault", "stop", "flat_line"}
    assert all(i.status == "unverified" for i in scenario.incidents)
    assert scenario.stream_hours_for(3) == scenario.short_run_stream_hours
    assert scenario.stream_hours_for(365) == scenario.stream_hours


def test_window_on_whole_hours_and_cut_in_short_runs():
    breach = Incident("breach", "x", "b", at=0.62, minutes=300, max_share=0.1)
    # 3 days = 4320 min: start 0.62 x 4320 = 2678.4 min = 44.64 h -> hour 45 = minute 2700;
    # length min(300, 0.1 x 4320 = 432) = 300
    assert breach.window(4320) == (2700, 300)
    # a year = 525600 min: 0.62 x 525600 = 325872 min = 5431.2 h -> hour 5431 = minute 325860
    assert breach.window(525_600) == (325_860, 300)
    fault = Incident("fault", "x", "f", at=0.40, minutes=10_080, max_share=0.25)
    # 3 days: length min(10080, 0.25 x 4320 = 1080) = 1080 min (18 h) from 0.4 x 72 h = 28.8 h -> hour 29
    assert fault.window(4320) == (1740, 1080)
    assert fault.window(525_600)[1] == 10_080  # the full week in a full year
    stop = Incident("stop", "x", "s", at=0.2, minutes=4320, max_share=0.15, startup_minutes=180)
    # 3 days: 0.15 x 4320 = 648 min stopped from hour 14 (0.2 x 72 = 14.4), then 180 min of start-up
    assert stop.extent(4320) == (840, 840 + 648 + 180)
    tiny = Incident("breach", "x", "b", at=0.5, minutes=300, max_share=0.01)
    assert tiny.window(1440)[1] == 60  # never shorter than one hour


def test_problems_name_the_file_and_key():
    good = """
[year]
start = 2025-01-01
days = 3
stream_hours = 2
short_run_days = 7
short_run_stream_hours = 1
[export]
codes = ["a21026"]
[background]
rates = {}
"""
    assert parse_scenario(good).days == 3
    incident = """
[[incident]]
kind = "meteor"
outlet = "x"
label = "l"
at = 0.5
minutes = 10
max_share = 0.1
source = "s"
status = "unverified"
"""
    with pytest.raises(ScenarioError) as err:
        parse_scenario(good.replace("days = 3", "days = 0") + incident)
    text = str(err.value)
    assert "scenario.toml: [year]: days: must be a positive integer" in text
    assert "scenario.toml: incident[0]: kind: 'meteor' is not one of" in text
    assert text.endswith("2 problem(s) in the demo scenario")
    with pytest.raises(ScenarioError, match=r"\[export\]: missing table"):
        parse_scenario(good.replace("[export]", "[exports]"))
    with pytest.raises(ScenarioError, match=r"incident\[0\]: a breach needs values_mg_m3 = \[low, high\]"):
        parse_scenario(good + incident.replace('"meteor"', '"breach"'))
