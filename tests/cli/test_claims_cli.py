"""``ultralow claims extract|check``: output documents, formats, exit codes and the evidence from a store."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ultralow.claims.model import CLAIM_KEYS
from ultralow.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "claims"))
from hours_support import hours_table  # noqa: E402

TEXT = ("After the ultra-low emission of thermal power generators, the sulfur dioxide and nitrogen oxides emission "
        "concentrations are respectively about 15 mg/m3 and 25 mg/m3, far better than the emission standards of "
        "natural gas generator sets of 35 mg/m3 and 50 mg/m3. The group has paid more than 90 billion Yuan in taxes.\n")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_extract_prints_one_json_document_with_exactly_the_keys(text_file: Path) -> None:
    code, out, err = run("claims", "extract", str(text_file), "--format", "json")
    assert code == 0 and err == ""
    document = json.loads(out)
    assert list(document) == ["schema_version", "document", "claims"] and document["document"] == str(text_file)
    claims = document["claims"]
    assert [tuple(c) for c in claims] == [CLAIM_KEYS] * 3
    assert [(c["metric"], c["value"], c["unit"], c["qualifier"]) for c in claims] == [
        ("so2_concentration", 15.0, "mg/m3", "about"), ("nox_concentration", 25.0, "mg/m3", "about"),
        ("taxes_paid", 9.0e10, "CNY", "more_than")]
    assert claims[0]["compared_to"] == {"value": 35.0, "unit": "mg/m3",
                                        "standard": "emission standards of natural gas generator sets"}
    start, end = claims[2]["span"]
    assert TEXT[start:end] == "90 billion Yuan"


def test_extract_table_and_errors(text_file: Path, tmp_path: Path) -> None:
    code, out, _ = run("claims", "extract", str(text_file), "--format", "table")
    assert code == 0 and "3 claims" in out and "CNY" in out and "mg/m3" in out
    code, out, err = run("claims", "extract", str(tmp_path / "missing.txt"))
    assert code == 1 and out == ""
    assert err.splitlines() == [f"{tmp_path / 'missing.txt'}: no such file", "1 problem"]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"taxes \xff\xfe 5 million yuan")
    code, _, err = run("claims", "extract", str(bad))
    assert code == 1 and err.startswith(f"{bad}: not UTF-8 text (byte 6)")
    assert run("claims", "extract", str(text_file), "--format", "xml")[0] == 2  # usage error


def _hours_file(tmp_path: Path) -> Path:
    # coal SO2 hours 14, 16, 15, 17: mean 15.5; NOx 24, 26: mean 25
    table = hours_table([("u1", "coal_boiler", "a21026", [14.0, 16.0, 15.0, 17.0]),
                         ("u1", "coal_boiler", "a21002", [24.0, 26.0])],
                        limits={"coal_boiler": (35.0, "ultra-low-2015")})
    path = tmp_path / "hours.parquet"
    pq.write_table(table, path)
    return path


def test_check_with_hours_file_gives_verdicts_evidence_and_findings(text_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.md"
    other.write_text("The group employs 43,000 people.\n\nOur 100,000 employees.\n", encoding="utf-8")
    code, out, _ = run("claims", "check", str(text_file), str(other), "--hours", str(_hours_file(tmp_path)),
                       "--format", "json")
    assert code == 0
    report = json.loads(out)
    by_metric = {c["metric"]: c for c in report["claims"]}
    so2 = by_metric["so2_concentration"]
    # |15.5 - 15| <= 15 % of 15; the cited 35 is the natural-gas gas-turbine limit, the units are coal boilers
    assert so2["verdict"] == "partly_supported"
    assert so2["evidence"]["value"] == 15.5 and so2["evidence"]["outlets"] == ["u1"]
    assert "gas_turbine" in so2["reason"] and "coal_boiler" in so2["reason"]
    assert by_metric["taxes_paid"]["verdict"] == "no_evidence"
    assert report["summary"]["partly_supported"] == 2 and report["summary"]["no_evidence"] == 3
    [finding] = report["consistency"]
    assert finding["metric"] == "employees" and finding["kind"] == "open_inconsistency"


def test_check_html_is_escaped(tmp_path: Path) -> None:
    doc = tmp_path / "x.html"
    doc.write_text("<p>We donated RMB 5 million to &lt;script&gt;alert(1)&lt;/script&gt; schools.</p>", encoding="utf-8")
    code, out, _ = run("claims", "check", str(doc), "--hours", str(_hours_file(tmp_path)), "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_check_without_store(text_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ultralow.duckdb here
    code, out, err = run("claims", "check", str(text_file), "--format", "json")
    assert code == 0 and "no store at ultralow.duckdb" in err
    verdicts = {c["metric"]: c["verdict"] for c in json.loads(out)["claims"]}
    assert verdicts["so2_concentration"] == "no_evidence"
    code, _, err = run("claims", "check", str(text_file), "--db", str(tmp_path / "none.duckdb"))
    assert code == 1 and err.splitlines() == [f"{tmp_path / 'none.duckdb'}: no such store", "1 problem"]


REGISTRY = """\
[group]
name = "Claim check test group"

[[bases]]
id = "power"
name = "Power plant"
country = "CN"

[[outlets]]
id = "u1"
base = "power"
name = "Unit 1 boiler stack"
mn = "MNCOAL0000000001"
pw = "123456"
source_type = "coal_boiler"
limit_sets = ["GB13223-2011", "ultra-low-2015"]
"""


def test_check_runs_the_compliance_engine_on_a_store(text_file: Path, tmp_path: Path) -> None:
    """A real store filled by ``ultralow ingest``; the claim check runs the compliance engine on it."""
    config = tmp_path / "ultralow.toml"
    config.write_text(REGISTRY, encoding="utf-8")
    lines = ["mn,data_time,code,value,flag"]
    start = datetime(2025, 3, 3)
    # four clock hours of minute values, constant within each hour; O2 6 % = the coal reference O2, so the
    # corrected value equals the measured one ((21 - 6) / (21 - 6) = 1): SO2 hours 14, 16, 15, 17 -> mean 15.5
    for h, (so2, nox) in enumerate([(14, 24), (16, 26), (15, 25), (17, 25)]):
        for m in range(60):
            t = (start + timedelta(hours=h, minutes=m)).strftime("%Y%m%d%H%M%S")
            for code_, v in (("a21026", so2), ("a21002", nox), ("a34013", 1.0), ("a19001", 6.0), ("a00000", 5.0e5)):
                lines.append(f"MNCOAL0000000001,{t},{code_},{v},N")
    csv = tmp_path / "minutes.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    assert run("ingest", str(csv), "--db", db, "--config", str(config))[0] == 0
    code, out, err = run("claims", "check", str(text_file), "--db", db, "--config", str(config), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    so2 = next(c for c in report["claims"] if c["metric"] == "so2_concentration")
    assert so2["evidence"]["statistics"]["mean"] == pytest.approx(15.5)
    assert so2["evidence"]["statistics"]["hours"] == 4
    assert so2["verdict"] == "partly_supported"
    assert report["evidence"]["engine"] == "ultralow.cems.run"


def test_check_tables_follow_the_terminal_width(tmp_path: Path) -> None:
    text = tmp_path / "claim.txt"
    text.write_text("In 2024 we donated more than 13.5 million yuan and planted 40,000 trees.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["claims", "check", str(text), "--db", str(tmp_path / "none.duckdb")],
                                env={"COLUMNS": "80"})
    assert all(len(line) <= 80 for line in result.stdout.splitlines()), result.stdout
