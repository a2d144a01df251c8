"""``ultralow qa import|list`` and what QA records do to a judgement: drift beyond the out-of-control limit
invalidates the parameter's hours until the next passed check; an overdue comparison test is a finding."""

from __future__ import annotations

import datetime as dt
import json
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
QA = """outlet,code,kind,checked_at,drift_pct,passed,reference
u1,a21026,span_drift,2025-03-01T08:00:00,2.0,,daily auto calibration
u1,a21026,span_drift,2025-03-01T10:30:00,-12.5,,daily auto calibration
u1,a21026,zero_drift,2025-03-01T11:00:00,1.0,,daily auto calibration
u1,a21026,span_drift,2025-03-01T13:15:00,3.0,,repeat after adjustment
u1,a21026,comparison,2024-08-01T10:00:00,,true,report 2024-031
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("i17-qa")
    config, csv, db, qa = base / "ultralow.toml", base / "minutes.csv", base / "s.duckdb", base / "qa.csv"
    config.write_text(REGISTRY, encoding="utf-8")
    lines = ["mn,data_time,code,value,flag"]
    for m in range(2 * 24 * 60):  # 1 and 2 March 2025, every factor N
        stamp = (dt.datetime(2025, 3, 1) + dt.timedelta(minutes=m)).strftime("%Y%m%d%H%M%S")
        lines += [f"MN0000000001,{stamp},a21026,20,N", f"MN0000000001,{stamp},a19001,6,N",
                  f"MN0000000001,{stamp},a00000,100,N"]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run("ingest", str(csv), "--db", str(db), "--config", str(config))
    assert code == 0, err
    qa.write_text(QA, encoding="utf-8")
    return db, config, qa


def test_bad_file_names_line_and_column_and_imports_nothing(store: tuple[Path, Path, Path], tmp_path: Path) -> None:
    db, config, _ = store
    bad = tmp_path / "bad.csv"
    bad.write_text("outlet,code,kind,checked_at,drift_pct,passed,reference\n"
                   "u1,a21026,span_drift,2025-03-01T08:00:00,2.0,,ok\n"
                   "u9,a21026,span_drift,2025-03-01T09:00:00,2.0,,\n"
                   "u1,a21026,drift,yesterday,,,\n", encoding="utf-8")
    code, _, err = run("qa", "import", str(bad), "--db", str(db), "--config", str(config))
    assert code == 1
    assert f"{bad}:3:1: outlet: not an outlet of the registry ('u9')" in err
    assert f"{bad}:4:3: kind: must be one of zero_drift, span_drift, comparison ('drift')" in err
    assert f"{bad}:4:4: checked_at: not an ISO 8601 date-time ('yesterday')" in err
    code, out, _ = run("qa", "list", "--db", str(db), "--format", "json")
    assert code == 0 and json.loads(out)["qa_records"] == []  # the good row 2 was not imported either


def test_drift_out_of_control_invalidates_hours_and_overdue_comparison(store: tuple[Path, Path, Path]) -> None:
    db, config, qa = store
    code, _, err = run("qa", "import", str(qa), "--db", str(db), "--config", str(config))
    assert code == 0, err
    assert "5 QA record(s) imported" in err
    code, out, _ = run("qa", "list", "--db", str(db), "--format", "json")
    assert [r["kind"] for r in json.loads(out)["qa_records"]][:2] == ["comparison", "span_drift"]
    with Application.open(db, config) as app:
        judgement = app.judge()
    hours = {(r["code"], r["hour"]): r for r in judgement.hours.to_pylist()}
    so2 = {h: hours[("a21026", dt.datetime(2025, 3, 1, h))] for h in (9, 10, 11, 12, 13)}
    # span drift -12.5 % F.S.: |-12.5| > 10 (gas CEMS out-of-control span limit) -> out of control from 10:30
    # until the next passed span check at 13:15 (the passed zero check at 11:00 is another kind).
    # 10:00 keeps 30 valid minutes, 11:00 and 12:00 none, 13:00 has 13:15-13:59 = 45 -> valid again.
    assert [(so2[h]["valid"], so2[h]["invalid_reason"]) for h in (9, 10, 11, 12, 13)] == [
        (True, None), (False, "out_of_control"), (False, "out_of_control"), (False, "out_of_control"), (True, None)]
    assert so2[13]["valid_minutes"] == 45
    # O2 is another parameter: untouched, so the valid SO2 hour 13:00 is judged (O2 6 % = reference)
    assert (so2[13]["judgeable"], so2[13]["corrected_mg_m3"]) == (True, 20.0)
    # out of control -> HJ 75 Table A; alpha = 45 / 48 = 0.9375 >= 0.9 and N = 3 <= 24 -> A-90-short
    assert (so2[11]["alpha"], so2[11]["substitution_rule"]) == (pytest.approx(45 / 48), "A-90-short")
    found = {f["finding"]: f for f in judgement.tables["findings"].to_pylist() if f["code"] == "a21026"}
    window = found["qa_out_of_control"]
    # 10:30 to 13:15 = 2.75 h, counted as 3 clock hours touched; value: the drift
    assert (window["start"], window["end"], window["hours"], window["value"]) == (
        dt.datetime(2025, 3, 1, 10, 30), dt.datetime(2025, 3, 1, 13, 15), 3, -12.5)
    overdue = found["comparison_overdue"]
    # last passed comparison 2024-08-01 10:00 + 183 days = 2025-01-31 10:00; none since; at the period's end
    # (2025-03-03 00:00) 213 days have passed
    assert (overdue["start"], overdue["end"], overdue["value"]) == (
        dt.datetime(2025, 1, 31, 10), dt.datetime(2025, 3, 3), 213.0)
    assert judgement.evidence()["inputs"]["qa_records"] == 5
