"""``ultralow ledger import/approve/history/list``, ``ghg``, ``cbam`` and ``kpi`` on a store carrying the demo
registry: refusals as file:line: column: message (exit 1), usage errors (exit 2), JSON documents, CSV and
tables within 80 columns."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ultralow.cli import main
from ultralow.demo.group import demo_registry
from ultralow.demo.ledgers import ledger_folder
from ultralow.store import Store, save_registry

KINDS = ("production", "process_parameters", "workforce", "donations", "revenue", "community_investment")


def run(*args: str):
    return CliRunner(env={"COLUMNS": "80"}).invoke(main, list(args))


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ledgers")
    db = folder / "s.duckdb"
    with Store(db) as store:
        save_registry(store, demo_registry())
    return db


@pytest.fixture(scope="module")
def loaded(store_path: Path) -> Path:
    source = ledger_folder()
    files = [str(source / f"{k}.csv") for k in KINDS]
    result = run("ledger", "import", *files, "--evidence", str(source / "evidence"), "--db", str(store_path),
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["totals"]["new_rows"] == doc["totals"]["rows"] > 0
    result = run("ledger", "approve", "--all-drafts", "--by", "Auditor Wang", "--db", str(store_path))
    assert result.exit_code == 0, result.stderr
    return store_path


def test_a_bad_file_is_refused_with_every_row_named(tmp_path, store_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "r.pdf").write_bytes(b"x")
    bad = tmp_path / "workforce.csv"
    bad.write_text(
        "year,base,gender,age_band,employment_type,origin,locality,contractor,headcount,evidence_document,"
        "entered_by,entered_at\n"
        "2025,atlantis,male,30_to_50,full_time,rural,local,no,5,r.pdf,clerk,2026-01-20\n"
        "2025,huimin,male,30_to_50,full_time,rural,local,no,-5,r.pdf,clerk,2026-01-20\n", encoding="utf-8")
    result = run("ledger", "import", str(bad), "--evidence", str(folder), "--db", str(store_path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{bad}:2: base: unknown base 'atlantis'")
    assert lines[1] == f"{bad}:3: headcount: -5 is negative (a count is >= 0)"
    assert lines[2] == "2 problems in the ledger file"
    listed = run("ledger", "list", "--kind", "workforce", "--year", "2024", "--db", str(store_path), "--format", "json")
    assert json.loads(listed.stdout)["rows"] == []


def test_usage_errors_exit_2(store_path):
    assert run("ledger", "approve", "--by", "x", "--db", str(store_path)).exit_code == 2
    assert run("ledger", "approve", "a", "--all-drafts", "--by", "x", "--db", str(store_path)).exit_code == 2
    assert run("ghg", "--db", str(store_path)).exit_code == 2  # --year is required
    assert run("ghg", "--year", "2025", "--regime", "ipcc", "--db", str(store_path)).exit_code == 2
    result = run("cbam", "--year", "2025", "--installation", "atlantis", "--db", str(store_path))
    assert result.exit_code == 2 and "--installation: 'atlantis' is not a base" in result.stderr
    assert run("ledger", "import", "x.csv", "--evidence", "/nonexistent", "--db", str(store_path)).exit_code == 2


def test_a_missing_store_is_not_created(tmp_path):
    db = tmp_path / "none.duckdb"
    result = run("ledger", "import", str(ledger_folder() / "trees.csv"), "--db", str(db))
    assert result.exit_code == 1 and "store not found" in result.stderr and not db.exists()
    assert run("kpi", "--year", "2025", "--db", str(db)).exit_code == 1 and not db.exists()


def test_reimport_changes_nothing(loaded):
    source = ledger_folder()
    result = run("ledger", "import", str(source / "workforce.csv"), "--evidence", str(source / "evidence"),
                 "--db", str(loaded), "--format", "json")
    totals = json.loads(result.stdout)["totals"]
    assert totals["unchanged"] == totals["rows"] and totals["new_rows"] == totals["new_revisions"] == 0


def test_approval_by_the_one_who_entered_is_refused(tmp_path):
    db = tmp_path / "a.duckdb"
    with Store(db) as store:
        save_registry(store, demo_registry())
    source = ledger_folder()
    assert run("ledger", "import", str(source / "trees.csv"), "--evidence", str(source / "evidence"),
               "--db", str(db)).exit_code == 0
    result = run("ledger", "approve", "--all-drafts", "--by", "demo-esg-clerk (synthetic)", "--db", str(db))
    assert result.exit_code == 1 and "the approver must be someone else" in result.stderr
    drafts = json.loads(run("ledger", "list", "--status", "draft", "--db", str(db), "--format", "json").stdout)
    assert len(drafts["rows"]) == 5


def test_correction_history(loaded, tmp_path):
    source = ledger_folder()
    shutil.copy(source / "donations_correction.csv", tmp_path / "donations_correction.csv")
    result = run("ledger", "import", str(tmp_path / "donations_correction.csv"), "--evidence",
                 str(source / "evidence"), "--db", str(loaded), "--format", "json")
    assert json.loads(result.stdout)["totals"]["new_revisions"] == 1
    row = "donations/2020-02-03/binzhou-charity-federation/covid-19-epidemic-prevention-and-control"
    doc = json.loads(run("ledger", "history", row, "--db", str(loaded), "--format", "json").stdout)
    revisions = doc["revisions"]
    assert [(r["revision"], r["replaces_revision"], r["status"], r["values"]["amount"]) for r in revisions] == [
        (1, None, "approved", 28_000_000), (2, 1, "draft", 30_000_000)]
    assert revisions[0]["approved_by"] == "Auditor Wang" and len(revisions[1]["evidence_sha256"]) == 64
    table = run("ledger", "history", row, "--db", str(loaded))
    assert table.exit_code == 0 and max(len(line) for line in table.stdout.splitlines()) <= 80
    assert run("ledger", "history", "donations/nothing", "--db", str(loaded)).exit_code == 1


def test_ghg_json_csv_and_table(loaded):
    doc = json.loads(run("ghg", "--year", "2025", "--db", str(loaded), "--format", "json").stdout)
    group = doc["group"]
    assert doc["regime"] == "hkex" and doc["gwp_set"] == "AR6"
    assert group["scope1_t_co2e"] > 0 and group["scope2_t_co2e"] > 0
    assert group["intensity_t_co2e_per_t_aluminium"] == pytest.approx(
        (group["scope1_t_co2e"] + group["scope2_t_co2e"]) / group["aluminium_t"])
    rows = list(csv.DictReader(io.StringIO(run("ghg", "--year", "2025", "--db", str(loaded), "--format", "csv")
                                           .stdout.lstrip("\ufeff"))))
    assert sum(float(r["co2e_t"]) for r in rows if r["scope"] == "1") == pytest.approx(group["scope1_t_co2e"])
    sar = json.loads(run("ghg", "--year", "2025", "--regime", "cn-ets", "--db", str(loaded), "--format", "json").stdout)
    assert sar["gwp_set"] == "SAR" and sar["group"]["scope2_t_co2e"] is None  # direct only
    table = run("ghg", "--year", "2025", "--db", str(loaded))
    assert table.exit_code == 0 and max(len(line) for line in table.stdout.splitlines()) <= 80


def test_cbam_json_has_the_importer_summary(loaded):
    doc = json.loads(run("cbam", "--year", "2026", "--db", str(loaded), "--format", "json").stdout)
    assert doc["installations"] == []  # the demo ledgers hold 2025
    doc = json.loads(run("cbam", "--year", "2025", "--installation", "zouping-north", "--db", str(loaded),
                         "--format", "json").stdout)
    [inst] = doc["installations"]
    assert inst["attributed_direct_t_co2e"] == pytest.approx(inst["direct_emissions_t_co2e"] - inst["em_el_prod_t_co2e"])
    assert inst["see_direct_t_co2e_per_t"] == pytest.approx(inst["attributed_direct_t_co2e"] / inst["aluminium_t"])
    assert inst["importer_summary"]["4_goods"][0]["cn_code"] == "7601"
    table = run("cbam", "--year", "2025", "--db", str(loaded))
    assert table.exit_code == 0 and max(len(line) for line in table.stdout.splitlines()) <= 80


def test_kpi_json_has_hkex_ids_with_values_and_evidence(loaded):
    result = run("kpi", "--year", "2025", "--no-engine", "--db", str(loaded), "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    kpis = {k["id"]: k for k in doc["kpis"]}
    assert {"A1.1", "A1.2", "A2.1", "B1.1", "B8.2", "D.Scope1", "D.Scope2"} <= set(kpis)
    assert kpis["B1.1"]["status"] == "reported" and kpis["B1.1"]["value"] == 100_480
    assert kpis["B1.1"]["evidence"]["ledger_rows"][0].startswith("workforce/2025/")
    assert kpis["D.Scope1"]["evidence"]["ghg_lines"] and kpis["A1.1"]["status"] == "explain"
    assert kpis["B2.1"]["status"] == "explain" and "no approved health_safety rows" in kpis["B2.1"]["reason"]
    rows = list(csv.DictReader(io.StringIO(run("kpi", "--year", "2025", "--no-engine", "--db", str(loaded),
                                               "--format", "csv").stdout.lstrip("\ufeff"))))
    assert [r["id"] for r in rows] == list(kpis)
    table = run("kpi", "--year", "2025", "--no-engine", "--db", str(loaded))
    assert table.exit_code == 0 and max(len(line) for line in table.stdout.splitlines()) <= 80
