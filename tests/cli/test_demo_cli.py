"""``ultralow demo`` at a small size (--days 3 --outlets 5): the planted incidents are found, the store
carries its registry so other commands work on it, and without --no-serve the receiver keeps listening."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from ultralow.cli import main
from ultralow.hj212 import Flag, Message, decode, encode, format_qn
from ultralow.store import Store, stored_registry

ENTRY = "from ultralow.cli import main; main()"


@contextlib.contextmanager
def working_dir(path: Path):
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    """One small demo run shared by the tests below (in a folder without ultralow.toml)."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.duckdb"
    with working_dir(folder):
        result = CliRunner().invoke(main, ["demo", "--days", "3", "--outlets", "5", "--no-serve", "--db", str(db),
                                           "--format", "json", "--seed", "0"])
    assert result.exit_code == 0, result.stderr + repr(result.exception)
    return folder, db, result


def test_json_is_one_document_and_steps_are_timed(small_demo):
    _, db, result = small_demo
    doc = json.loads(result.stdout)  # exactly one JSON document on stdout
    assert doc["synthetic"] is True and doc["db"] == str(db)
    names = [s["name"] for s in doc["steps"]]
    assert names == ["fresh store", "generate", "bulk load", "stream", "count", "ledgers", "compliance", "summary",
                     "kpis, ghg, cbam", "claims", "report"]
    assert all(s["seconds"] >= 0 for s in doc["steps"])
    for number, name in enumerate(names, start=1):
        assert f"{number}. {name}: " in result.stderr  # one line per finished step with its time, on stderr
    assert doc["period"] == {"from": "2025-01-01", "to": "2025-01-03", "end_exclusive": "2025-01-04"}
    # the annual report of the demo year, in reports/ beside the store (where the site's Reports page looks)
    assert doc["report"]["available"] is True and doc["report"]["year"] == 2025
    for f in doc["report"]["files"]:
        assert Path(f["pdf"]).parent == db.parent / "reports" and Path(f["pdf"]).is_file() and f["pages"] > 5


def test_data_arrives_in_bulk_and_over_tcp(small_demo):
    _, db, result = small_demo
    doc = json.loads(result.stdout)
    # 5 outlets: 2 coal units, 1 calciner (SO2, NOx, PM, O2, flow: 5 codes each), the potline (SO2, PM, F, O2,
    # flow: 5) and an anode furnace (SO2, NOx, F, PM, O2, flow: 6) = 26 codes; 3 days less the streamed last
    # hour = 71 h x 60 min: 26 x 4260 = 110,760 rows
    assert doc["export"]["rows"] == 110_760
    assert doc["ingest"]["stored"] == 110_760 and doc["ingest"]["quarantined"] == 0
    stream = doc["stream"]
    assert stream["loggers"] == 5 and stream["hours"] == 1
    assert stream["acked"] == stream["packets"] > 5 * 120  # per logger 60 real-time + 60 minute + 1 hour packet
    assert stream["unacked"] == 0
    # the streamed hour's minutes judged and stored incrementally (an hours run): 5 outlets x 1 hour x their
    # judged pollutants (2 coal units 3, calciner 3, potline 3, anode furnace 4) = 16 rows; the compliance step's
    # full judgement agrees with every stored row on every final column
    assert stream["results"]["kind"] == "hours" and stream["results"]["outlets"] == 5
    assert stream["results_agree"]["equal"] == stream["results_agree"]["compared"] == stream["results"]["hours"] == 16
    with Store(db, read_only=True) as store:
        frames, tcp, minute = store.con.execute(
            "SELECT (SELECT count(*) FROM raw_frames), (SELECT count(*) FROM readings WHERE source = 'tcp'), "
            "(SELECT count(*) FROM readings WHERE kind = 'minute')").fetchone()
        carried = stored_registry(store)
    assert frames == stream["packets"]
    assert doc["store"]["readings"] == 110_760 + tcp
    # the streamed hour completes the minutes: 72 h x 60 min of every outlet's exported codes at least
    assert minute >= 26 * 72 * 60
    assert carried is not None and len(carried.outlets) == 5 and "synthetic" in carried.group_name.lower()


def _incident(doc: dict, kind: str) -> dict:
    return next(i for i in doc["incidents"] if i["kind"] == kind)


def test_the_bag_filter_breach_is_an_exceedance_event(small_demo):
    doc = json.loads(small_demo[2].stdout)
    breach = _incident(doc, "breach")
    # 300 minutes planted from a whole hour at PM 32-58 mg/m3: 5 clock hours above the GB 25465 potline
    # limit of 20 mg/m3, one event
    assert breach["outlet_id"] == "binzhou-port-pl2" and breach["found"]
    assert (breach["exceedance_events"], breach["exceedance_hours"]) == (1, 5)
    event = next(e for e in doc["worst_events"] if e["outlet_id"] == "binzhou-port-pl2")
    assert (event["code"], event["duration_h"], event["limit_mg_m3"]) == ("a34013", 5, 20.0)
    assert 32.0 <= event["peak_corrected_mg_m3"] <= 58.0


def test_the_fault_week_lowers_capture(small_demo):
    doc = json.loads(small_demo[2].stdout)
    fault = _incident(doc, "fault")
    # 3 days: the fault lasts 0.25 x 72 h = 18 h on SO2, NOx, PM and O2; at most 72 - 18 = 54 of 72
    # operating hours per pollutant can be valid: capture <= 54 / 72 = 0.75
    assert fault["outlet_id"] == "zouping-north-u2" and fault["found"]
    assert fault["capture_rate"] <= 0.75
    assert fault["findings"]["data_availability"] >= 18 * 3  # 18 h on each of the 3 pollutants
    others = [i["capture_rate"] for i in doc["incidents"] if i["kind"] in ("breach", "flat_line")]
    assert all(c > 0.9 for c in others)


def test_the_flat_line_is_a_data_quality_finding(small_demo):
    doc = json.loads(small_demo[2].stdout)
    flat = _incident(doc, "flat_line")
    # 0.15 x 4320 = 648 min from 0.75 x 72 h = hour 54 (06:00 on day 3): 10 full clock hours of one value
    assert flat["outlet_id"] == "beihai-alumina-cal1" and flat["found"]
    assert flat["findings"]["flat_line"] >= 10
    assert doc["findings"]["flat_line"]["hours"] >= 10


def test_the_stop_and_high_o2_start_up(small_demo):
    doc = json.loads(small_demo[2].stdout)
    stop = _incident(doc, "stop")
    assert stop["outlet_id"] == "zouping-south-u3" and stop["found"]
    # O2 falls linearly from 20.5 % to 15 % over the 180-minute start-up: the start-up's minutes in the clock
    # hour where the stop ends (00:48) average about 20.3 %, the next hour 20.5 - 5.5 x 41.5 / 179 = 19.2 %:
    # both at or above the 19 % high-O2 threshold
    assert stop["findings"].get("high_o2_operating", 0) >= 2
    # the stopped hours are not judged and not counted as missing: capture stays high
    assert stop["capture_rate"] > 0.9


def test_summary_per_base_and_source_type(small_demo):
    doc = json.loads(small_demo[2].stdout)
    rows = {(g["base"], g["source_type"]): g for g in doc["groups"]}
    total = rows[("ALL", "all")]
    assert total["outlets"] == 5
    assert sum(g["outlets"] for key, g in rows.items() if key[0] != "ALL") == 5
    assert total["hours_exceeded"] == sum(g["hours_exceeded"] for key, g in rows.items() if key[0] != "ALL")
    coal = rows[("zouping-north", "coal_boiler")]
    assert coal["ultra_low_ratio"] is not None and rows[("binzhou-port", "potline")]["ultra_low_ratio"] is None
    assert all(g["so2_t"] > 0 for g in rows.values())


def test_claim_check_runs_on_the_corpus(small_demo):
    _corpus()  # skips when the shared corpus is not beside the checkout
    claims = json.loads(small_demo[2].stdout)["claims"]
    assert claims["available"] is True
    assert sum(claims["summary"].values()) == len(claims["claims"]) > 0


def test_other_commands_work_on_the_demo_store_with_just_db(small_demo, tmp_path):
    folder, db, _ = small_demo
    runner = CliRunner()
    with working_dir(folder):
        exported = runner.invoke(main, ["export", "--db", str(db), "--parquet", str(tmp_path / "pq"),
                                        "--format", "json"])
        judged = runner.invoke(main, ["compliance", "--db", str(db), "--format", "json"])
        checked = runner.invoke(main, ["claims", "check", str(_corpus()), "--db", str(db), "--format", "json"])
    assert exported.exit_code == 0, exported.stderr
    assert json.loads(exported.stdout)["rows"] > 110_760
    assert judged.exit_code == 0, judged.stderr
    # 5 outlets x 3 days x 24 h = 360 outlet-hours; every outlet has at least PM, SO2 and NOx judged
    assert len({(h["outlet"], h["hour"]) for h in json.loads(judged.stdout)["hours"]}) == 5 * 3 * 24
    assert checked.exit_code == 0, checked.stderr
    verdicts = {c["metric"] for c in json.loads(checked.stdout)["claims"] if c["evidence"]}
    assert "so2_concentration" in verdicts  # judged against the demo store's hours, its registry carried


def _corpus() -> Path:
    from ultralow.claims import corpus_dir

    texts = sorted(corpus_dir().glob("*.txt"))
    if not texts:
        pytest.skip(f"the shared corpus is not beside the checkout ({corpus_dir()})")
    return texts[0]


def test_without_no_serve_the_receiver_keeps_listening(tmp_path):
    db = tmp_path / "serve.duckdb"
    log = tmp_path / "demo.log"
    with log.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", ENTRY, "demo", "--days", "1", "--outlets", "1", "--db",
                                 str(db), "--hj212-port", "0", "--no-report"], cwd=tmp_path, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
    try:
        port = _listening_port(log, proc)
        carried = _demo_outlet()
        when = datetime(2025, 1, 2, 0, 0)
        message = Message(cn="2051", st="31", qn=format_qn(when), pw=carried.pw, mn=carried.mn,
                          flag=Flag(version=1, split=False, ack=True),
                          globals={"DataTime": "20250102000000"}, values={"a34013": {"Avg": "3.21", "Flag": "N"}})
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(encode(message))
            reply = decode(sock.recv(1024))
        assert reply.cn == "9014" and reply.qn == message.qn  # stored, then acknowledged
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0, log.read_text()
    with Store(db, read_only=True) as store:
        row = store.con.execute("SELECT value FROM readings WHERE source = 'tcp' AND data_time = ?",
                                [when]).fetchone()
    assert row == (3.21,)


def _demo_outlet():
    from ultralow.demo.group import group_for_run
    from ultralow.demo.scenario import read_scenario

    return group_for_run(1, read_scenario().incident_outlets()).outlets[0]


def _listening_port(log: Path, proc: subprocess.Popen[bytes], timeout_s: float = 120.0) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("{") and '"listening"' in line:
                event = json.loads(line)
                if event.get("event") == "listening":
                    return int(event["port"])
        if proc.poll() is not None:
            raise AssertionError(f"demo exited with {proc.returncode}: {log.read_text()}")
        time.sleep(0.1)
    raise AssertionError(f"demo did not serve within {timeout_s} s: {log.read_text()}")


def test_a_store_that_is_not_a_demo_store_is_refused(tmp_path):
    other = tmp_path / "plant.duckdb"
    other.write_bytes(b"not a duckdb file")
    result = CliRunner().invoke(main, ["demo", "--db", str(other), "--no-serve", "--days", "1", "--outlets", "1"])
    assert result.exit_code == 1
    assert f"error: {other}: exists and is not a demo store" in result.stderr
    assert result.stdout == ""
    assert other.read_bytes() == b"not a duckdb file"


def test_ledgers_are_approved_and_the_planted_discrepancies_found(small_demo):
    _, db, result = small_demo
    ledgers = json.loads(result.stdout)["ledgers"]
    assert ledgers["synthetic"] is True and ledgers["year"] == 2025
    assert ledgers["approved"] == ledgers["imported"]["totals"]["rows"] > 0
    assert len(ledgers["correction_drafts"]) == 1  # the COVID-19 correction waits as a draft
    assert [p["found"] for p in ledgers["planted"]] == [True, True]
    assert ledgers["ghg"]["scope1_t_co2e"] > 0 and ledgers["ghg"]["scope2_t_co2e"] > 0
    assert all(r["see_direct_t_co2e_per_t"] > 0 for r in ledgers["cbam"])
    claims = {c["id"]: c for c in json.loads(result.stdout)["claims"]["claims"]}
    ledger_verdicts = [c["verdict"] for c in claims.values() if c["evidence"] and c["evidence"]["source"] == "ledgers"]
    assert "supported" in ledger_verdicts and "contradicted" in ledger_verdicts


def test_kpi_after_the_demo_has_the_hkex_ids_with_values_and_evidence(small_demo):
    _, db, _ = small_demo
    result = CliRunner().invoke(main, ["kpi", "--year", "2025", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    kpis = {k["id"]: k for k in json.loads(result.stdout)["kpis"]}
    for kpi_id in ("A1.1", "A1.2", "A2.1", "A2.2", "B1.1", "B2.1", "B3.1", "B8.2", "D.Scope1", "D.Scope2"):
        assert kpis[kpi_id]["status"] == "reported" and kpis[kpi_id]["value"] is not None, kpi_id
        assert kpis[kpi_id]["evidence"], kpi_id
    assert kpis["A1.1"]["evidence"]["outlets"]  # from the compliance engine's annual emissions
