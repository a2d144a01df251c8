"""HJ 212 log files: one packet per line, bad lines located by line number."""

from __future__ import annotations

from pathlib import Path

from ingest_support import RECEIVED_AT, packet_bytes

from ultralow.ingest import Pipeline
from ultralow.ingest.files import detect_format, ingest_file
from ultralow.ingest.hj212_log import parse_hj212_log
from ultralow.store import Store


def log_text() -> bytes:
    good = packet_bytes().rstrip(b"\r\n")
    later = packet_bytes(data_time="20250303100100", qn="20250303100120000").rstrip(b"\r\n")
    bad_crc = bytearray(packet_bytes(data_time="20250303100200", qn="20250303100220000").rstrip(b"\r\n"))
    bad_crc[-4:] = b"FFFF"  # an HJ 212 CRC never ends in FF (its low byte is one of 00 01 40 41 80 81 C0 C1)
    # line 1 good, line 2 blank, line 3 bad CRC, line 4 junk, line 5 good (LF line ends, as logs are written)
    return b"\n".join([good, b"", bytes(bad_crc), b"AT+CSQ OK", later]) + b"\n"


def test_lines_are_located(tmp_path: Path) -> None:
    items = list(parse_hj212_log(log_text(), "x.log", RECEIVED_AT))
    assert [(i.location, i.packet is not None) for i in items] == [
        ("x.log:1", True), ("x.log:3", True), ("x.log:4", False), ("x.log:5", True)]
    assert items[0].raw.endswith(b"\r\n")  # framed as if the line ended with CR LF
    assert items[2].raw == b"AT+CSQ OK"


def test_log_file_through_the_pipeline_and_again(tmp_path: Path, pipeline: Pipeline, store: Store) -> None:
    path = tmp_path / "logger.log"
    path.write_bytes(log_text())
    assert detect_format(path) == "hj212"
    first = ingest_file(pipeline, path, RECEIVED_AT)
    assert (first.rows, first.frames, first.stored, first.quarantined, first.duplicates) == (4, 2, 2, 2, 0)
    assert first.problems[0].startswith(f"{path}:3: CRC mismatch: stated FFFF, HJ 212 CRC is ")
    assert first.problems[1] == f"{path}:4: not an HJ 212 frame"
    counts = store.con.execute(
        "SELECT (SELECT count(*) FROM readings), (SELECT count(*) FROM raw_frames), (SELECT count(*) FROM quarantine)"
    ).fetchone()
    assert counts == (2, 2, 2)

    again = ingest_file(pipeline, path, RECEIVED_AT)
    assert (again.frames, again.stored, again.duplicates, again.quarantined) == (0, 0, 2, 2)
    assert store.con.execute(
        "SELECT (SELECT count(*) FROM readings), (SELECT count(*) FROM raw_frames), (SELECT count(*) FROM quarantine)"
    ).fetchone() == counts
    assert store.con.execute("SELECT location, source FROM quarantine ORDER BY id").fetchall() == [
        (f"{path}:3", "hj212-file"), (f"{path}:4", "hj212-file")]
