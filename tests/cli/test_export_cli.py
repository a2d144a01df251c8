"""``ultralow export --parquet DIR``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

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
    assert json.loads(result.stdout) == {"directory": str(out), "rows": 3, "files": 2, "partitions": 2}
    assert sorted(str(p.parent.relative_to(out)) for p in out.rglob("*.parquet")) == [
        "year=2024/month=12/outlet_id=sd-power-u1", "year=2025/month=1/outlet_id=sd-power-u1"]

    again = runner.invoke(main, ["export", "--parquet", str(out), "--db", db])
    assert again.exit_code == 1
    assert "directory is not empty" in again.stderr
