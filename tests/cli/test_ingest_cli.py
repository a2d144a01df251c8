"""``ultralow ingest``: output, exit codes, idempotence, the carried registry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from ultralow.cli import main
from ultralow.hj212 import Flag, Message, crc_modbus, encode

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ultralow.toml"
MN = "010000A8900016F000169DC0"  # outlet sd-power-u1 in the example registry

CSV = f"""\
mn,data_time,code,value,flag
{MN},20250303100000,a21026,12.5,N
{MN},20250303100100,a21026,oops,N
{MN},20250303100200,a21026,13.5,N
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_json_document_and_rerun(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text(CSV, encoding="utf-8")
    db, config = str(tmp_path / "s.duckdb"), str(EXAMPLE)
    code, out, err = run("ingest", str(csv), "--db", db, "--config", config, "--format", "json")
    assert code == 0  # a quarantined row is a result, not a failure
    document = json.loads(out)  # exactly one JSON document on stdout
    [file] = document["files"]
    assert (file["rows"], file["stored"], file["quarantined"]) == (3, 2, 1)
    assert file["problems"] == [f"{csv}:3: non-numeric value 'oops'"]
    assert document["store"] == {"raw_frames": 0, "readings": 2, "readings_current": 2, "quarantine": 1}
    assert err.splitlines() == [f"{csv}:3: non-numeric value 'oops'", "1 problem"]

    code, out, _ = run("ingest", str(csv), "--db", db, "--config", config, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert (document["totals"]["stored"], document["totals"]["duplicates"]) == (0, 2)
    assert document["store"] == {"raw_frames": 0, "readings": 2, "readings_current": 2, "quarantine": 1}


def test_store_carries_its_registry(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text(CSV, encoding="utf-8")
    config = tmp_path / "ultralow.toml"
    shutil.copy(EXAMPLE, config)
    db = str(tmp_path / "s.duckdb")
    assert run("ingest", str(csv), "--db", db, "--config", str(config))[0] == 0
    config.unlink()
    # without --config (no ultralow.toml in the working folder) the store's own registry is used
    code, out, _ = run("ingest", str(csv), "--db", db, "--format", "json")
    assert code == 0 and json.loads(out)["totals"]["duplicates"] == 2
    # a --config that was given but is missing is an error, never silently replaced by the store's copy
    code, _, err = run("ingest", str(csv), "--db", db, "--config", str(config))
    assert code == 1
    assert err.splitlines()[0].startswith(f"{config}:0: file: not found (--config was given")


def test_failed_setup_creates_no_store(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text(CSV, encoding="utf-8")
    db = tmp_path / "new.duckdb"
    code, _, err = run("ingest", str(csv), "--db", str(db), "--config", str(tmp_path / "missing.toml"))
    assert code == 1 and "does not exist yet" in err
    assert not db.exists()
    # a registry that fails its limit-set check leaves nothing behind either
    typo = tmp_path / "typo.toml"
    typo.write_text(EXAMPLE.read_text(encoding="utf-8").replace('"ultra-low-2015"', '"ultralow-2015"'),
                    encoding="utf-8")
    code, _, err = run("ingest", str(csv), "--db", str(db), "--config", str(typo))
    assert code == 1 and "unknown set 'ultralow-2015'" in err
    line = next(n for n, text in enumerate(typo.read_text(encoding="utf-8").splitlines(), 1) if "ultralow-2015" in text)
    assert err.splitlines()[0].startswith(f"{typo}:{line}: outlet sd-power-u1: limit_sets: unknown set")
    assert not db.exists()


def test_missing_input_file_is_named_and_nothing_is_created(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    code, out, err = run("ingest", str(tmp_path / "nosuchfile.csv"), "--db", str(db), "--config", str(EXAMPLE))
    assert code == 1 and out == ""
    assert err.splitlines() == [f"{tmp_path / 'nosuchfile.csv'}: no such file", "1 problem in the input"]
    assert not db.exists()


def test_unreadable_file_exits_1_and_others_are_still_read(tmp_path: Path) -> None:
    good = tmp_path / "a.csv"
    good.write_text(CSV, encoding="utf-8")
    bad = tmp_path / "b.csv"
    bad.write_text("x,y\n1,2\n", encoding="utf-8")
    code, out, err = run("ingest", str(bad), str(good), "--db", str(tmp_path / "s.duckdb"), "--config", str(EXAMPLE),
                         "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert [f["path"] for f in document["files"]] == [str(good)]
    assert document["unreadable"][0].startswith(f"{bad}:1: header: missing column(s)")
    assert err.splitlines()[-1] == "2 problems"


def test_registry_errors_exit_1_with_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "ultralow.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8").replace('country = "GN"', 'contry = "GN"'), encoding="utf-8")
    csv = tmp_path / "a.csv"
    csv.write_text(CSV, encoding="utf-8")
    code, out, err = run("ingest", str(csv), "--db", str(tmp_path / "s.duckdb"), "--config", str(config))
    line = next(n for n, text in enumerate(config.read_text(encoding="utf-8").splitlines(), 1) if "contry" in text)
    assert code == 1 and out == ""
    assert f"{config}:{line}: bases[1].contry: unknown key" in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("ingest", "--db", str(tmp_path / "s.duckdb"))[0] == 2  # no FILE
    assert run("ingest", "x.csv", "--format", "yaml")[0] == 2


def hj212_log() -> bytes:
    """A DTU junk line, 3 minute packets of 2 factors, and a legacy packet with a Modbus CRC and no QN."""
    lines = [b"http://dtu.example/hb"]
    for minute in range(3):
        lines.append(encode(Message(
            cn="2051", qn=f"2025030310{minute:02d}20000", pw="123456", mn=MN, flag=Flag(1, False, True),
            globals={"DataTime": f"2025030310{minute:02d}00"},
            values={"a21026": {"Avg": "14.2", "Flag": "N"}, "a21002": {"Avg": "24.8", "Flag": "N"}},
        )).rstrip(b"\r\n"))
    segment = b"ST=31;CN=2011;PW=123456;MN=4201003;CP=&&DataTime=20250303100000;02-Rtd=18.1,02-Flag=N&&"
    lines.append(b"##%04d" % len(segment) + segment + f"{crc_modbus(segment):04X}".encode())
    return b"\n".join(lines) + b"\n"


def test_table_output_for_an_hj212_log(tmp_path: Path) -> None:
    log = tmp_path / "link.log"
    log.write_bytes(hj212_log())
    code, out, err = run("ingest", str(log), "--db", str(tmp_path / "s.duckdb"), "--config", str(EXAMPLE))
    assert code == 0
    assert "hj212" in out
    # 3 packets x 2 factors + 1 legacy factor (sd-power-legacy allows modbus_hilo) = 7 readings in 4 frames
    assert "store: 7 readings (0 revisions), 4 raw frames, 1 quarantined" in out
    assert err.splitlines() == [f"{log}:1: not an HJ 212 frame", "1 problem"]
    # again: nothing changes, not even for the legacy packet that has no QN
    code, out, _ = run("ingest", str(log), "--db", str(tmp_path / "s.duckdb"), "--config", str(EXAMPLE))
    assert code == 0
    assert "store: 7 readings (0 revisions), 4 raw frames, 1 quarantined" in out
