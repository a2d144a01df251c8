"""``ultralow user`` and ``ultralow marks`` on a real store, and a mark the engine applies on its next run."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.compute as pc
import pytest
from click.testing import CliRunner

from ultralow.app import Application
from ultralow.app.outputs import BY_COMMAND
from ultralow.cli import main
from ultralow.hj212 import decode
from ultralow.ingest import Pipeline, Received
from ultralow.loggers.packets import LoggerIdentity, minute_packets
from ultralow.loggers.signals import minute_series
from ultralow.registry import load_registry
from ultralow.store import Store, save_registry

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "examples" / "ultralow.toml"
OUTLET = "sd-power-u1"


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "ops.duckdb"
    with Store(path) as store:
        save_registry(store, load_registry(CONFIG))
    return path


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_user_add_reads_the_password_from_stdin(db: Path) -> None:
    code, _, err = run("user", "add", "eng1", "--role", "operator", "--db", str(db), stdin="a-long-password\n")
    assert code == 0, err
    assert "user eng1 added (operator)" in err
    code, out, _ = run("user", "list", "--db", str(db), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert list(document) == list(BY_COMMAND["ultralow user list --format json"].names)
    [user] = document["users"]
    assert (user["name"], user["role"], user["disabled"]) == ("eng1", "operator", False)
    with Store(db) as store:
        stored = store.con.execute("SELECT password_hash FROM users").fetchone()
        actions = store.con.execute("SELECT actor, action, target FROM audit_log").fetchall()
    assert stored is not None and str(stored[0]).startswith("$argon2id$")
    assert actions[0][1:] == ("user.add", "eng1") and str(actions[0][0]).startswith("cli:")
    code, _, err = run("user", "add", "eng1", "--role", "viewer", "--db", str(db), stdin="a-long-password\n")
    assert code == 2 and "a user of that name exists" in err
    code, _, err = run("user", "add", "eng2", "--role", "viewer", "--db", str(db), stdin="short\n")
    assert code == 2 and "password: at least 10 characters" in err
    code, _, err = run("user", "add", "eng3", "--role", "root", "--db", str(db), stdin="a-long-password\n")
    assert code == 2  # click refuses the role


def test_marks_add_list_withdraw(db: Path) -> None:
    code, out, err = run("marks", "add", "--outlet", OUTLET, "--type", "maintenance", "--from", "2025-03-03T08:00",
                         "--to", "2025-03-03T09:30", "--reason", "analyser filter change", "--db", str(db),
                         "--format", "json")
    assert code == 0, err
    added = json.loads(out)
    assert list(added) == list(BY_COMMAND["ultralow marks add --format json"].names)
    mark = added["mark"]
    assert (mark["outlet_id"], mark["code"], mark["mark_type"], mark["in_force"]) == (OUTLET, None, "maintenance", True)
    code, _, err = run("marks", "withdraw", str(mark["mark_id"]), "--reason", "wrong day", "--db", str(db))
    assert code == 0, err
    code, out, _ = run("marks", "list", "--db", str(db), "--format", "json")
    document = json.loads(out)
    assert list(document) == list(BY_COMMAND["ultralow marks list --format json"].names)
    [listed] = document["marks"]
    assert (listed["in_force"], listed["withdrawn_by"] is not None, listed["withdrawal_reason"]) == (
        False, True, "wrong day")
    code, out, _ = run("marks", "list", "--in-force", "--db", str(db), "--format", "json")
    assert json.loads(out)["marks"] == []
    code, _, err = run("marks", "add", "--outlet", "nope", "--type", "coffee", "--from", "2025-03-03T08:00+08:00",
                       "--to", "2025-03-03T09:00", "--reason", "x", "--db", str(db))
    assert code == 2 and "--from: a plant-local clock time without an offset" in err
    code, _, err = run("marks", "add", "--outlet", "nope", "--type", "coffee", "--from", "2025-03-03T08:00",
                       "--to", "2025-03-03T09:00", "--reason", "x", "--db", str(db))
    assert code == 2 and "outlet: 'nope'" in err and "type: 'coffee'" in err and "2 problems" in err


def store_exceedance_hour(db: Path) -> None:
    """60 minutes 10:00-10:59 with SO2 at 400 mg/m3 and O2 as the signal model makes it."""
    registry = load_registry(CONFIG)
    outlet = registry.outlet(OUTLET)
    series = minute_series("coal_boiler", datetime(2025, 3, 3, 10), 60, seed=7)
    for name in ("avg", "low", "high", "rtd"):
        getattr(series, name)["a21026"][:] = 400.0
    for flags in series.flags.values():
        flags[:] = "N"
    packets = minute_packets(series, LoggerIdentity(outlet.mn, outlet.pw), split=False)
    with Store(db) as store:
        outcomes = Pipeline(store, registry).accept(
            [Received(p.frame, decode(p.frame), "test", datetime.now(UTC), "tcp", "test") for p in packets])
    assert {o.status for o in outcomes} == {"stored"}


def exceeded_so2_hours(db: Path) -> list[bool]:
    with Application.open(db) as app:
        hours = app.judge([OUTLET], first=datetime(2025, 3, 3).date(), last=datetime(2025, 3, 3).date()).hours
    so2 = hours.filter(pc.and_(pc.equal(hours["code"], "a21026"), pc.equal(hours["hour"], datetime(2025, 3, 3, 10))))
    return so2["exceeded"].to_pylist()


def test_the_engine_applies_a_mark_on_its_next_run_and_stops_when_it_is_withdrawn(db: Path) -> None:
    store_exceedance_hour(db)
    assert exceeded_so2_hours(db) == [True]
    # a calibration mark over 10:00-10:30: 30 of the 60 minutes invalid (marking_policy: data_valid = false),
    # 30 valid minutes < the 45 an hour needs (HJ 75-2017): the hour is invalid, so not an exceedance
    code, out, err = run("marks", "add", "--outlet", OUTLET, "--code", "a21026", "--type", "calibration",
                         "--from", "2025-03-03T10:00", "--to", "2025-03-03T10:30", "--reason", "zero/span",
                         "--db", str(db), "--format", "json")
    assert code == 0, err
    assert exceeded_so2_hours(db) == [False]
    run("marks", "withdraw", str(json.loads(out)["mark"]["mark_id"]), "--reason", "not done after all", "--db", str(db))
    assert exceeded_so2_hours(db) == [True]
