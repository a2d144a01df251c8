"""The demo job's guards: a fresh store that never overwrites a real one, incidents that fit the bulk part."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from ultralow.cli import main
from ultralow.demo.group import demo_registry, group_for_run
from ultralow.demo.job import DemoError, _check_incidents_fit, fresh_store
from ultralow.demo.marker import write_marker
from ultralow.demo.scenario import Incident, read_scenario
from ultralow.registry import parse_registry
from ultralow.store import Store, save_registry


def test_an_earlier_demo_store_is_replaced(tmp_path):
    path = tmp_path / "demo.duckdb"
    registry = demo_registry()
    with Store(path) as store:
        write_marker(store, seed=0)
        save_registry(store, registry)
    assert fresh_store(path, registry.group_name) is True
    assert not path.exists()
    assert fresh_store(path, registry.group_name) is False  # nothing there: nothing to replace


def test_a_real_store_is_never_replaced(tmp_path):
    path = tmp_path / "plant.duckdb"
    real = parse_registry('[group]\nname = "Real Group"\n[[bases]]\nid = "b"\nname = "B"\ncountry = "CN"\n')
    with Store(path) as store:
        save_registry(store, real)
    with pytest.raises(DemoError, match="plant.duckdb: exists and is not a demo store .*'Real Group'"):
        fresh_store(path, demo_registry().group_name)
    assert path.exists()


def test_a_store_filled_by_ingest_under_the_demo_group_name_is_refused(tmp_path):
    """The group name alone does not make a demo store: readings someone ingested are never replaced."""
    registry = demo_registry()
    config = tmp_path / "group.toml"
    config.write_text(registry.text, encoding="utf-8")
    outlet = registry.outlets[0]
    csv = tmp_path / "plant.csv"
    csv.write_text(f"mn,data_time,code,value,flag\n{outlet.mn},20250101000000,a21026,12.5,N\n", encoding="utf-8")
    path = tmp_path / "plant.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(csv), "--db", str(path), "--config", str(config)])
    assert result.exit_code == 0, result.stderr
    with pytest.raises(DemoError, match="not a demo store .*lacks the mark"):
        fresh_store(path, registry.group_name)
    with Store(path, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM readings").fetchone() == (1,)


def test_a_store_without_registry_or_not_duckdb_is_left_alone(tmp_path):
    empty = tmp_path / "empty.duckdb"
    Store(empty).close()
    with pytest.raises(DemoError, match="not a demo store"):
        fresh_store(empty, demo_registry().group_name)
    other = tmp_path / "notes.duckdb"
    other.write_text("my notes\n")
    with pytest.raises(DemoError, match="notes.duckdb: exists and is not a demo store"):
        fresh_store(other, demo_registry().group_name)
    assert other.read_text() == "my notes\n"


def test_incidents_must_end_before_the_streamed_hours():
    scenario = read_scenario()
    registry = group_for_run(5, scenario.incident_outlets())
    _check_incidents_fit(scenario, registry, 3)  # the default small run fits
    # one day: the flat line starts at 0.75 x 24 h = hour 18 and runs 0.15 x 1440 = 216 min to 21:36,
    # the stop ends 0.2 x 24 h = hour 5 + 216 + 180 min start-up: they fit; the last hour (23:00) is streamed
    _check_incidents_fit(scenario, registry, 1)
    # at 0.99 of 72 h = hour 71: the streamed last hour
    late = Incident("breach", "binzhou-port-pl2", "late", at=0.99, minutes=300, max_share=0.1)
    with pytest.raises(DemoError, match="'late': minutes 4260-4560 reach into the streamed last hours"):
        _check_incidents_fit(replace(scenario, incidents=(late,)), registry, 3)
