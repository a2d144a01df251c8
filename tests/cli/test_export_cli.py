"""``ultralow export --parquet DIR`` and ``--hours FILE``; ``ultralow outlets``."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from ultralow.app import SCHEMA_VERSION
from ultralow.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ultralow.toml"
MN = "010000A8900016F000169DC0"


def test_export_after_ingest(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    # two months, one outlet: Dec 2024 (2 rows) and Jan 2025 (1 row)
    csv.write_text(f"mn,data_time,code,value,flag\n{MN},20241231235900,a21026,1,N\n{MN},20241231235900,a21002,2,N\n"
                   f"{MN},20250101000000,a21026,3,N\n", encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(csv), "--db", db, "--config", str(EXAMPLE)]).exit_code == 0
    out = tmp_path / "lake"
    result = runner.invoke(main, ["export", "--parquet", str(out), "--db", db, "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"schema_version": SCHEMA_VERSION, "directory": str(out), "rows": 3,
                                         "files": 2, "partitions": 2}
    assert sorted(str(p.parent.relative_to(out)) for p in out.rglob("*.parquet")) == [
        "year=2024/month=12/outlet_id=sd-power-u1", "year=2025/month=1/outlet_id=sd-power-u1"]

    again = runner.invoke(main, ["export", "--parquet", str(out), "--db", db])
    assert again.exit_code == 1
    assert "directory is not empty" in again.stderr


def _store_with_two_hours(tmp_path: Path) -> str:
    """sd-power-u1 (example registry): SO2 at 10 mg/m3 every minute of 2025-01-01 00:00-01:59."""
    lines = ["mn,data_time,code,value,flag"]
    for hour in (0, 1):
        for minute in range(60):
            lines.append(f"{MN},20250101{hour:02d}{minute:02d}00,a21026,10,N")
    csv = tmp_path / "two-hours.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    result = CliRunner().invoke(main, ["ingest", str(csv), "--db", db, "--config", str(EXAMPLE)])
    assert result.exit_code == 0, result.stderr
    return db


def test_export_hours_is_the_file_claims_check_reads(tmp_path: Path) -> None:
    db = _store_with_two_hours(tmp_path)
    runner = CliRunner()
    target = tmp_path / "hours.parquet"
    result = runner.invoke(main, ["export", "--hours", str(target), "--db", db, "--config", str(EXAMPLE),
                                  "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == SCHEMA_VERSION
    # one local day judged (2025-01-01): 24 clock hours x the outlets of the example registry's
    # selection that have pollutant rows; sd-power-u1's SO2 hours 00:00 and 01:00 are valid
    hours = pq.read_table(target)
    assert doc["hours"]["rows"] == hours.num_rows
    assert {"outlet_id", "code", "hour", "base", "source_type"} <= set(hours.column_names)
    so2 = [r for r in hours.to_pylist() if r["outlet_id"] == "sd-power-u1" and r["code"] == "a21026"]
    assert len(so2) == 24
    assert not target.with_name(".hours.parquet.partial").exists()

    again = runner.invoke(main, ["export", "--hours", str(target), "--db", db, "--config", str(EXAMPLE)])
    assert again.exit_code == 2 and "exists" in again.stderr

    csv_target = tmp_path / "hours.csv"
    assert runner.invoke(main, ["export", "--hours", str(csv_target), "--db", db, "--config", str(EXAMPLE),
                                "--outlet", "sd-power-u1"]).exit_code == 0
    raw = csv_target.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the BOM
    text = raw.decode("utf-8-sig")
    assert ",true," in text or ",false," in text
    assert "True" not in text and "False" not in text

    checked = runner.invoke(main, ["claims", "check", "--hours", str(target), str(tmp_path / "none.txt")])
    assert "store" not in checked.stderr


def test_claims_check_hours_names_the_file_not_the_store(tmp_path: Path) -> None:
    text = tmp_path / "claim.txt"
    text.write_text("SO2 emission concentration was 10 mg/m3.\n", encoding="utf-8")
    bogus = tmp_path / "hours.csv"
    bogus.write_text("not parquet\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["claims", "check", "--hours", str(bogus), str(text)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"{bogus}: not a Parquet file")
    assert "ultralow.duckdb" not in result.stderr


def test_export_never_creates_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    result = CliRunner().invoke(main, ["export", "--parquet", str(tmp_path / "lake"), "--db", str(missing)])
    assert result.exit_code == 1
    assert "store not found" in result.stderr
    assert not missing.exists()


def test_export_to_an_unwritable_place_is_one_line(tmp_path: Path) -> None:
    db = _store_with_two_hours(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "--parquet", str(blocker / "sub"), "--db", db])
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith(f"{blocker / 'sub'}")


def test_export_without_a_target_is_a_usage_error(tmp_path: Path) -> None:
    db = _store_with_two_hours(tmp_path)
    assert CliRunner().invoke(main, ["export", "--db", db]).exit_code == 2


def test_outlets_lists_mn_limit_sets_and_last_frame(tmp_path: Path) -> None:
    db = _store_with_two_hours(tmp_path)
    result = CliRunner().invoke(main, ["outlets", "--db", db, "--config", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == SCHEMA_VERSION and doc["receiver_running"] is False
    row = next(r for r in doc["outlets"] if r["outlet_id"] == "sd-power-u1")
    assert row["mn"] == MN and row["limit_sets"] == ["GB13223-2011", "ultra-low-2015"]
    assert row["last_frame_at"] is None  # from a file, not a frame
    assert row["last_data_time"] == "2025-01-01T01:59:00+08:00"
    assert row["online"] is None  # no receiver holds the store
    table = CliRunner().invoke(main, ["outlets", "--db", db, "--config", str(EXAMPLE)], env={"COLUMNS": "80"})
    assert table.exit_code == 0
    assert MN in table.stdout  # never cut
    assert all(len(line) <= 80 for line in table.stdout.splitlines())
