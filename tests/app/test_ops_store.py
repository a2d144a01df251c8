"""The dashboard's services (ultralow.app.ops) on a real store: lockout and its expiry, sessions, marks
that the engine reads and that are withdrawn but never deleted, alarm candidates and events from
hand-worked figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from ultralow.app import UsageProblem
from ultralow.app.ops import OpsStore, load_settings
from ultralow.app.ops.alarms import candidates, events, running_corrected
from ultralow.registry import load_registry
from ultralow.store import Store, save_registry

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture()
def ops(tmp_path: Path) -> OpsStore:
    registry = load_registry(ROOT / "examples" / "ultralow.toml")
    store = Store(tmp_path / "ops.duckdb")
    save_registry(store, registry)
    return OpsStore(store, registry)


def test_lockout_after_the_fifth_failure_and_its_expiry(ops: OpsStore) -> None:
    ops.add_user("eng1", "operator", "correct-horse-1", actor="test", now=T0)
    for n in range(1, 5):
        result = ops.login("eng1", "wrong", now=T0 + timedelta(seconds=n))
        assert not result.ok and f"{5 - n} more failed attempt" in result.message
    locked = ops.login("eng1", "wrong", now=T0 + timedelta(seconds=5))
    # locked for lock_minutes = 15 from the fifth failure: until 08:15:05
    assert locked.locked_until == T0 + timedelta(minutes=15, seconds=5)
    assert "locked until 2026-01-05 08:15 UTC" in locked.message
    assert not ops.login("eng1", "correct-horse-1", now=T0 + timedelta(minutes=14)).ok
    later = ops.login("eng1", "correct-horse-1", now=T0 + timedelta(minutes=16))
    assert later.ok and later.token is not None
    assert ops.session(later.token, now=T0 + timedelta(minutes=17)) is not None
    # session_hours = 12: expired after 08:16 + 12 h
    assert ops.session(later.token, now=T0 + timedelta(hours=12, minutes=17)) is None
    actions = [r.action for r in reversed(ops.audit())]
    assert actions == ["user.add"] + ["login.failed"] * 5 + ["login.refused", "login"]


def test_marks_reach_the_engine_table_and_withdrawal_keeps_the_row(ops: OpsStore) -> None:
    mark = ops.add_mark("sd-power-u1", datetime(2025, 3, 3, 10), datetime(2025, 3, 3, 11), "calibration",
                        "zero/span", code="a21026", actor="eng1")
    engine_rows = ops.store.con.execute("SELECT outlet_id, code, start_time, end_time, mark_type, origin FROM marks"
                                        ).fetchall()
    assert engine_rows == [("sd-power-u1", "a21026", datetime(2025, 3, 3, 10), datetime(2025, 3, 3, 11),
                            "calibration", f"mark {mark.mark_id} by eng1")]
    withdrawn = ops.withdraw_mark(mark.mark_id, "entered on the wrong unit", actor="eng2")
    assert not withdrawn.in_force and withdrawn.withdrawn_by == "eng2"
    assert ops.store.con.execute("SELECT count(*) FROM marks").fetchone() == (0,)
    assert [m.mark_id for m in ops.marks()] == [mark.mark_id]  # still there, withdrawn
    with pytest.raises(UsageProblem, match="withdrawn already"):
        ops.withdraw_mark(mark.mark_id, "again", actor="eng2")
    with pytest.raises(UsageProblem) as bad:
        ops.add_mark("no-such", datetime(2025, 3, 3, 11), datetime(2025, 3, 3, 10), "coffee", " ", actor="eng1")
    assert len(bad.value.problems) == 4  # outlet, type, end before start, reason
    assert [r.action for r in ops.audit(action="mark")] == ["mark.withdraw", "mark.add"]


def test_running_mean_correction_is_the_engines_formula() -> None:
    # C = C' x (21 - O2ref) / (21 - O2) = 30 x (21 - 6) / (21 - 11) = 30 x 15 / 10 = 45
    assert running_corrected({"measured_mg_m3": 30.0, "o2_pct": 11.0, "o2_ref_pct": 6.0}) == pytest.approx(45.0)
    assert running_corrected({"measured_mg_m3": 30.0, "o2_pct": None, "o2_ref_pct": None}) == 30.0
    assert running_corrected({"measured_mg_m3": 30.0, "o2_pct": 21.0, "o2_ref_pct": 6.0}) is None


def hour_row(hour: datetime, **values: object) -> dict[str, object]:
    row: dict[str, object] = {"outlet_id": "sd-power-u1", "code": "a21026", "hour": hour, "utc_offset_min": 480,
                              "valid_minutes": 60, "valid": True, "status": "valid", "measured_mg_m3": None,
                              "o2_pct": None, "o2_ref_pct": 6.0, "corrected_mg_m3": None, "limit_mg_m3": 35.0,
                              "limit_set": "ultra-low-2015", "exceeded": False, "exempt": False, "mark_type": None}
    row.update(values)
    return row


def test_alarm_candidates_and_events(ops: OpsStore) -> None:
    h = datetime(2025, 3, 3, 10)
    hours = pa.Table.from_pylist([
        hour_row(h, corrected_mg_m3=40.0, exceeded=True),
        hour_row(h + timedelta(hours=1), corrected_mg_m3=52.5, exceeded=True),
        hour_row(h + timedelta(hours=2), corrected_mg_m3=20.0),
        # running hour 13:00, 20 valid minutes: 22 x 15 / (21 - 10) = 30.0 >= 0.9 x 35 = 31.5? no
        hour_row(h + timedelta(hours=3), valid_minutes=20, measured_mg_m3=22.0, o2_pct=10.0),
    ])
    now = {"sd-power-u1": h + timedelta(hours=3)}
    found = candidates(hours, now, load_settings())
    assert [(c["kind"], c["hour"].hour, c["value_mg_m3"]) for c in found] == [("exceedance", 10, 40.0),
                                                                            ("exceedance", 11, 52.5)]
    # 24 x 15 / 11 = 32.727… >= 31.5: an early warning
    warm = hours.set_column(7, "measured_mg_m3", pa.array([None, None, None, 24.0], pa.float64()))
    warning = [c for c in candidates(warm, now, load_settings()) if c["kind"] == "warning"]
    assert len(warning) == 1 and warning[0]["value_mg_m3"] == pytest.approx(32.727, abs=1e-3)
    assert warning[0]["threshold_mg_m3"] == pytest.approx(31.5)
    raised = ops.raise_alarms(found)
    assert len(raised) == 2 and ops.raise_alarms(found) == []  # once per kind, outlet, factor and hour
    [event] = events(ops.alarms())
    # two consecutive hours 10:00 and 11:00: 10:00-12:00, 2 h, peak 52.5 against 35
    assert (event.start, event.end, event.duration_h, event.peak_mg_m3, event.limit_mg_m3) == (
        h, h + timedelta(hours=2), 2, 52.5, 35.0)
    assert not event.acknowledged
    ops.acknowledge(raised[0].alarm_id, "checked the FGD", actor="eng1")
    ops.acknowledge(raised[1].alarm_id, "same event", actor="eng1")
    assert events(ops.alarms())[0].acknowledged
    with pytest.raises(UsageProblem):
        ops.acknowledge(raised[0].alarm_id, "   ", actor="eng1")
