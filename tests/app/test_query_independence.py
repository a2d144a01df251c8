"""Results that do not depend on how they are asked: the substitution of an hour (alpha over the calendar
quarter, look-back from the store) is the same through three windows; provenance with a stable input hash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from ultralow.app import Application
from ultralow.cli import main

REGISTRY = """
[[bases]]
id = "sd"
name = "Shandong"
country = "CN"

[[outlets]]
id = "u1"
base = "sd"
name = "Unit 1"
mn = "MN0000000001"
pw = "123456"
source_type = "coal_boiler"
limit_sets = ["GB13223-2011", "ultra-low-2015"]
"""
FIRST = dt.datetime(2025, 3, 1)
DAYS = 10
PEAK = dt.datetime(2025, 3, 2, 5)  # SO2 80 mg/m3 for this one hour
GAP = (dt.datetime(2025, 3, 6, 10), dt.datetime(2025, 3, 6, 11))  # SO2 flagged D (fault) for these two hours


def csv_text() -> str:
    lines = ["mn,data_time,code,value,flag"]
    for m in range(DAYS * 24 * 60):
        t = FIRST + dt.timedelta(minutes=m)
        hour = t.replace(minute=0)
        so2 = 80.0 if hour == PEAK else 20.0
        flag = "D" if hour in GAP else "N"
        stamp = t.strftime("%Y%m%d%H%M%S")
        lines.append(f"MN0000000001,{stamp},a21026,{so2},{flag}")
        lines.append(f"MN0000000001,{stamp},a19001,6,N")
        lines.append(f"MN0000000001,{stamp},a00000,100,N")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("i17-window")
    config, csv, db = base / "ultralow.toml", base / "minutes.csv", base / "s.duckdb"
    config.write_text(REGISTRY, encoding="utf-8")
    csv.write_text(csv_text(), encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(csv), "--db", str(db), "--config", str(config)])
    assert result.exit_code == 0, result.stderr
    return db, config


def _hour(app: Application, first: dt.date, last: dt.date, hour: dt.datetime) -> dict:
    judgement = app.judge(first=first, last=last)
    rows = [r for r in judgement.hours.to_pylist() if r["code"] == "a21026" and r["hour"] == hour]
    assert len(rows) == 1
    return rows[0]


def test_same_hour_through_three_windows_gets_the_same_substitute(store: tuple[Path, Path]) -> None:
    db, config = store
    # Flow 100 m3/s = 360000 m3/h; the peak hour emits 80 x 360000 x 1e-6 = 28.8 kg (others 7.2 kg).
    # alpha over the quarter's data (1-10 March, 240 operating hours, 2 invalid) = 238 / 240 = 0.991667 >= 0.9,
    # gap N = 2 <= 24 -> Table B row B-90-short: max of the 180 valid hours before the failure (6 March 09:00);
    # 130 valid hours exist before it (5 days x 24 + 10), the 2 March 05:00 peak among them -> 28.8 kg.
    # Windows: the whole data; from 4 March (the peak lies before it); the gap's day alone.
    windows = [(dt.date(2025, 3, 1), dt.date(2025, 3, 10)), (dt.date(2025, 3, 4), dt.date(2025, 3, 10)),
               (dt.date(2025, 3, 6), dt.date(2025, 3, 6))]
    with Application.open(db, config) as app:
        for gap_hour in GAP:
            seen = [_hour(app, first, last, gap_hour) for first, last in windows]
            for row in seen:
                assert (row["valid"], row["invalid_reason"]) == (False, "fault")
                assert row["alpha"] == pytest.approx(238 / 240)
                assert row["substitution_rule"] == "B-90-short"
                assert row["substitute_kg"] == pytest.approx(28.8)
                assert row["emission_total_kg"] == pytest.approx(28.8)


def test_evidence_carries_provenance_and_a_stable_input_hash(store: tuple[Path, Path]) -> None:
    db, config = store
    with Application.open(db, config) as app:
        one = app.judge(first=dt.date(2025, 3, 4), last=dt.date(2025, 3, 10)).evidence()
        two = app.judge(first=dt.date(2025, 3, 4), last=dt.date(2025, 3, 10)).evidence()
    for key in ("run_at", "data_cut_off", "input_hash", "commit", "version", "basis"):
        assert key in one, key
    assert one["input_hash"] == two["input_hash"] and len(one["input_hash"]) == 64
    assert one["data_cut_off"] is not None and one["run_at"] is not None
    assert "standard state" in one["basis"]["concentration"] and "exclusive" in one["basis"]["intervals"]
    # the judged context: the quarter's days with data (1 to 10 March), whatever window was asked
    assert one["inputs"]["provenance"]["judged_context"] == {"from": "2025-03-01", "to": "2025-03-10",
                                                            "end_exclusive": "2025-03-11"}
