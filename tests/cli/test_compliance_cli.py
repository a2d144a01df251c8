"""``ultralow compliance``: minute data in through ``ultralow ingest`` (long-format CSV), one JSON document
out, hand-computed values, exit codes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

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

[[outlets]]
id = "p1"
base = "sd"
name = "Potline 1"
mn = "MN0000000002"
pw = "123456"
source_type = "potline"
limit_sets = ["GB25465-2010"]
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def csv_rows() -> str:
    lines = ["mn,data_time,code,value,flag"]
    start = dt.datetime(2025, 3, 3, 10)
    for m in range(120):
        t = (start + dt.timedelta(minutes=m)).strftime("%Y%m%d%H%M%S")
        hour = m // 60
        # unit 1: 10:00 SO2 30 at O2 10 % (measured < 35, corrected 30 x 15 / 11 = 40.909 > 35);
        #         11:00 SO2 20 at O2 9 % with only 44 N minutes (invalid)
        so2_flag = "N" if hour == 0 or m % 60 < 44 else "D"
        lines.append(f"MN0000000001,{t},a21026,{30 if hour == 0 else 20},{so2_flag}")
        lines.append(f"MN0000000001,{t},a19001,{10 if hour == 0 else 9},N")
        lines.append(f"MN0000000001,{t},a00000,100,N")
        # potline: PM 25 at O2 20.8 %, judged measured against 20
        lines.append(f"MN0000000002,{t},a34013,25,N")
        lines.append(f"MN0000000002,{t},a19001,20.8,N")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    base = tmp_path_factory.mktemp("compliance")
    config, csv, db = base / "ultralow.toml", base / "minutes.csv", base / "s.duckdb"
    config.write_text(REGISTRY, encoding="utf-8")
    csv.write_text(csv_rows(), encoding="utf-8")
    code, _, err = run("ingest", str(csv), "--db", str(db), "--config", str(config))
    assert code == 0, err
    return str(db), str(config)


def test_json_document(store: tuple[str, str]) -> None:
    db, config = store
    code, out, err = run("compliance", "--db", db, "--config", config, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)  # exactly one JSON document on stdout
    assert {"hours", "summary", "events", "findings"} <= doc.keys()
    required = {"outlet", "code", "hour", "valid_minutes", "valid", "measured_mg_m3", "o2_pct", "corrected_mg_m3",
                "limit_mg_m3", "limit_set", "exceeded"}
    assert all(required <= row.keys() for row in doc["hours"])
    hours = {(h["outlet"], h["code"], h["hour"]): h for h in doc["hours"]}
    # the period defaults to the data's days: 2025-03-03, 24 clock hours per outlet and pollutant
    assert len([k for k in hours if k[:2] == ("u1", "a21026")]) == 24
    ten = hours[("u1", "a21026", "2025-03-03T10:00:00+08:00")]
    assert (ten["valid"], ten["measured_mg_m3"], ten["o2_pct"], ten["limit_mg_m3"], ten["limit_set"],
            ten["exceeded"]) == (True, 30.0, 10.0, 35.0, "ultra-low-2015", True)
    assert ten["corrected_mg_m3"] == pytest.approx(40.909091, abs=1e-6)
    eleven = hours[("u1", "a21026", "2025-03-03T11:00:00+08:00")]
    assert (eleven["valid_minutes"], eleven["valid"], eleven["corrected_mg_m3"], eleven["exceeded"]) == (
        44, False, None, False)
    pm = hours[("p1", "a34013", "2025-03-03T10:00:00+08:00")]
    assert (pm["corrected_mg_m3"], pm["limit_mg_m3"], pm["exceeded"], pm["limit_status"]) == (
        25.0, 20.0, True, "unverified")
    summary = {(s["outlet"], s["code"]): s for s in doc["summary"]}
    so2 = summary[("u1", "a21026")]
    assert (so2["hours_operating"], so2["hours_valid"], so2["hours_exceeded"], so2["compliance_rate"]) == (24, 1, 1, 0.0)
    assert so2["capture_rate"] == pytest.approx(1 / 24)
    assert so2["max_corrected_mg_m3"] == pytest.approx(40.909091, abs=1e-6)
    assert [(e["outlet"], e["start"], e["end"]) for e in doc["events"] if e["code"] == "a21026"] == [
        ("u1", "2025-03-03T10:00:00+08:00", "2025-03-03T11:00:00+08:00")]
    assert any(f["finding"] == "data_availability" and f["start"] == "2025-03-03T11:00:00+08:00"
               for f in doc["findings"])
    assert doc["evidence"]["software"].startswith("ultralow ")
    assert doc["evidence"]["period"]["from"] == "2025-03-03"
    assert any(r["id"] == "hour_min_valid_minutes" and r["status"] == "verified" for r in doc["evidence"]["rules"])


def test_outlet_and_period_options_and_csv(store: tuple[str, str]) -> None:
    db, config = store
    code, out, _ = run("compliance", "--db", db, "--config", config, "--outlet", "p1", "--from", "2025-03-03",
                       "--to", "2025-03-04", "--format", "csv")
    assert code == 0
    assert out.startswith("\ufeff")  # UTF-8 with BOM: Excel then reads Chinese text as UTF-8
    lines = out[1:].splitlines()
    assert lines[0].startswith("outlet,code,hour,valid_minutes,valid,")
    assert {line.split(",")[4] for line in lines[1:]} <= {"true", "false"}
    assert len(lines) == 1 + 48  # one pollutant of p1 x 48 clock hours
    assert {line.split(",")[0] for line in lines[1:]} == {"p1"}


def test_table_output(store: tuple[str, str]) -> None:
    db, config = store
    code, out, _ = run("compliance", "--db", db, "--config", config)
    assert code == 0
    assert "Summary per outlet and pollutant" in out and "Exceedance events" in out


def test_errors_name_what_and_where(store: tuple[str, str], tmp_path: Path) -> None:
    db, config = store
    code, _, err = run("compliance", "--db", str(tmp_path / "none.duckdb"), "--config", config)
    assert code == 1 and "none.duckdb: store not found" in err
    code, _, err = run("compliance", "--db", db, "--config", config, "--outlet", "nope")
    assert code == 2 and "--outlet: 'nope' is not an outlet" in err
    code, _, err = run("compliance", "--db", db, "--config", config, "--from", "3 March")
    assert code == 2 and "is not a date" in err
    code, _, err = run("compliance", "--db", db, "--config", config, "--from", "2025-03-05", "--to", "2025-03-04")
    assert code == 2 and "after --to" in err  # a usage error
