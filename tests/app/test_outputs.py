"""The data dictionary (ultralow.app.outputs) against docs/data-dictionary.md and against what the commands
really write: every table column with its Arrow type, every top-level key of every JSON document."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ultralow.app import ROLLUP_SCHEMA, SCHEMA_VERSION, STATUS_SCHEMA, Application
from ultralow.app.outputs import BY_COMMAND, BY_TABLE, render
from ultralow.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ultralow.toml"
MN = "010000A8900016F000169DC0"  # sd-power-u1 of the example registry


def test_docs_file_is_the_generated_dictionary() -> None:
    text = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert text == render(), "regenerate: python -m ultralow.app.outputs > docs/data-dictionary.md"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two hours of SO2, NOx, PM, O2 and flow at sd-power-u1: enough for every engine table to have its types."""
    folder = tmp_path_factory.mktemp("outputs")
    lines = ["mn,data_time,code,value,flag"]
    for hour in (0, 1):
        for minute in range(60):
            stamp = f"20250101{hour:02d}{minute:02d}00"
            for code, value in (("a21026", 30), ("a21002", 40), ("a34013", 5), ("a19001", 6), ("a00000", 100)):
                lines.append(f"{MN},{stamp},{code},{value},N")
    csv = folder / "two-hours.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = folder / "s.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(csv), "--db", str(db), "--config", str(EXAMPLE)])
    assert result.exit_code == 0, result.stderr
    return db


def _types(schema: object) -> list[tuple[str, str]]:
    return [(f.name, str(f.type)) for f in schema]  # type: ignore[attr-defined]


def _dictionary(name: str) -> list[tuple[str, str]]:
    return [(f.name, f.type) for f in BY_TABLE[name].fields]


def test_engine_tables_have_the_dictionary_columns_and_types(store: Path) -> None:
    with Application.open(store, EXAMPLE) as app:
        judgement = app.judge(["sd-power-u1"])
    for name, table in judgement.tables.items():
        assert _types(table.schema) == _dictionary(name), name
    assert _types(judgement.limits.schema) == _dictionary("limits")
    assert _types(judgement.rollups.schema) == _dictionary("rollups") == _types(ROLLUP_SCHEMA)
    assert _types(STATUS_SCHEMA) == _dictionary("outlets")


def _json(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.stderr
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def _keys(command: str) -> list[str]:
    return list(BY_COMMAND[command].names)


def test_json_documents_have_the_dictionary_keys(store: Path, tmp_path: Path) -> None:
    db, config = str(store), str(EXAMPLE)
    compliance = _json("compliance", "--db", db, "--config", config, "--format", "json")
    assert list(compliance) == _keys("ultralow compliance --format json")
    assert compliance["schema_version"] == SCHEMA_VERSION
    for name in ("hours", "summary", "events", "findings", "days", "months", "ultra_low", "emissions"):
        rows = compliance[name]
        assert isinstance(rows, list)
        if rows:  # JSON rows: outlet_id written as outlet, the offset folded into the times
            expected = ["outlet" if c == "outlet_id" else c for c in BY_TABLE[name].names if c != "utc_offset_min"]
            assert list(rows[0]) == expected, name
    summary_only = _json("compliance", "--db", db, "--config", config, "--format", "json", "--summary-only")
    assert list(summary_only) == [k for k in _keys("ultralow compliance --format json") if k not in ("hours", "days")]

    outlets = _json("outlets", "--db", db, "--config", config, "--format", "json")
    assert list(outlets) == _keys("ultralow outlets --format json")
    rows = outlets["outlets"]
    assert isinstance(rows, list) and list(rows[0]) == list(BY_TABLE["outlets"].names)

    hours = tmp_path / "hours.parquet"
    export = _json("export", "--parquet", str(tmp_path / "lake"), "--hours", str(hours), "--db", db, "--config",
                   config, "--format", "json")
    assert list(export) == _keys("ultralow export --format json")
    assert pq.read_schema(hours).names == [*BY_TABLE["hours"].names, "base", "source_type"]

    csv = tmp_path / "again.csv"
    csv.write_text(f"mn,data_time,code,value,flag\n{MN},20250101000000,a21026,30,N\n", encoding="utf-8")
    ingest = _json("ingest", str(csv), "--db", db, "--config", config, "--format", "json")
    assert list(ingest) == _keys("ultralow ingest --format json")

    text = tmp_path / "claims.txt"
    text.write_text("Our SO2 emission concentration averaged 15 mg/m3 in 2025.\n", encoding="utf-8")
    claims = _json("claims", "check", str(text), "--db", db, "--config", config, "--format", "json")
    assert list(claims) == _keys("ultralow claims check --format json")
    extracted = _json("claims", "extract", str(text), "--format", "json")
    assert list(extracted) == _keys("ultralow claims extract --format json")
    assert extracted["schema_version"] == SCHEMA_VERSION


def test_simulate_document_has_the_dictionary_keys(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on: nothing is delivered, the document is still whole
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    document = _json("simulate", "--config", str(EXAMPLE), "--target", f"127.0.0.1:{port}", "--minutes", "1",
                     "--outlets", "sd-power-u1", "--give-up-after", "0.3", "--format", "json")
    assert list(document) == _keys("ultralow simulate --format json")
