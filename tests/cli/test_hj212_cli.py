"""``ultralow hj212 decode|encode`` run as a real subprocess, on the shared reference vectors."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from ultralow.cli import main

KEYS = ["ok", "crc_variant", "defects", "qn", "st", "cn", "pw", "mn", "flag", "pnum", "pno", "data_time", "globals",
        "values", "repeated"]
UTC8 = timezone(timedelta(hours=8))


def _reference() -> ModuleType:
    """tests/hj212/hj212_reference.py, which reads the shared vector file (one reader for both test folders)."""
    if "hj212_reference" in sys.modules:
        return sys.modules["hj212_reference"]
    path = Path(__file__).resolve().parents[1] / "hj212" / "hj212_reference.py"
    spec = importlib.util.spec_from_file_location("hj212_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hj212_reference"] = module
    spec.loader.exec_module(module)
    return module


def _ultralow(*args: str, data: bytes) -> subprocess.CompletedProcess[bytes]:
    exe = Path(sys.executable).with_name("ultralow")
    command = [str(exe)] if exe.exists() else [sys.executable, "-c", "from ultralow.cli import main; main()"]
    return subprocess.run([*command, *args], input=data, capture_output=True, timeout=120, check=False)


def _json_lines(out: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.decode("utf-8").splitlines()]


def _check(obj: dict[str, Any], v: Any) -> None:
    assert list(obj) == KEYS  # exactly these keys, in this order
    stated, computed, valid = v.crc
    assert obj["ok"] is valid
    assert obj["crc_variant"] == ("hj212" if valid else None)
    assert isinstance(obj["defects"], list) and all(isinstance(d, str) for d in obj["defects"])
    assert ("crc_mismatch" in obj["defects"]) is (not valid)
    assert obj["qn"] == v.qn
    assert (obj["st"], obj["cn"]) == v.pair("ST / CN")
    assert (obj["pw"], obj["mn"]) == v.pair("PW / MN")
    flag = v.flag
    assert obj["flag"] == (None if flag is None else {"version": flag[1], "split": bool(flag[2]), "ack": bool(flag[3])})
    pnum_pno = v.pnum_pno
    assert (obj["pnum"], obj["pno"]) == (pnum_pno if pnum_pno is not None else (None, None))
    text = v.data_time
    if text is None:
        assert obj["data_time"] is None
    else:
        when = datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC8)
        when += timedelta(milliseconds=int(text[14:] or 0))
        assert obj["data_time"] == when.isoformat() and str(obj["data_time"]).endswith("+08:00")
        assert obj["globals"]["DataTime"] == text
    listed, count = v.cp_items
    items = [f"{k}={val}" for k, val in obj["globals"].items() if k != "DataTime"]
    items += [f"{code}-{suffix}={val}" for code, s in obj["values"].items() for suffix, val in s.items()]
    assert set(listed) <= set(items)
    assert len(items) == count  # no vector repeats a key, so the structured view holds every item
    for value in [*obj["globals"].values(), *(x for s in obj["values"].values() for x in s.values())]:
        assert isinstance(value, str)


def test_decode_every_vector_one_per_line(tmp_path: Path) -> None:
    vectors = _reference().vectors()
    path = tmp_path / "vectors.txt"
    path.write_bytes(b"".join(v.packet.encode() + b"\n" for v in vectors))  # a file of lines, no CR
    result = _ultralow("hj212", "decode", str(path), data=b"")
    assert result.returncode == 0, result.stderr
    objects = _json_lines(result.stdout)
    assert len(objects) == len(vectors) == 20
    for obj, vector in zip(objects, vectors, strict=True):
        _check(obj, vector)
        assert "lf_only" not in obj["defects"]  # the file's line ends, not the packets'


def test_decode_a_raw_stream_from_stdin() -> None:
    reference = _reference()
    vectors = reference.vectors()
    utf8_log = next(text for purpose, text in reference.derived_vectors().items() if purpose.startswith("UTF-8 log"))
    stream = b"DTU banner\r\n" + b"".join(v.framed for v in vectors) + utf8_log.encode() + b"\r\n"  # CR LF framing
    result = _ultralow("hj212", "decode", "-", data=stream)
    assert result.returncode == 0, result.stderr
    objects = _json_lines(result.stdout)
    assert len(objects) == 22  # the banner line, 20 vectors, the UTF-8 log line
    banner = objects.pop(0)
    assert banner["ok"] is False and banner["defects"] == ["no_frame"]  # a line without a frame is reported
    for obj, vector in zip(objects, vectors, strict=False):
        _check(obj, vector)
    last = objects[-1]
    assert last["ok"] is True and last["defects"] == []  # LLLL 0152 counts UTF-8 bytes
    assert last["values"] == {"i11001": {"Info": "//清洗管路//"}}


def test_encode_turns_the_json_back_into_packets() -> None:
    vectors = [v for v in _reference().vectors() if v.crc[2]]  # the CRC-valid ones
    decoded = _ultralow("hj212", "decode", data=b"".join(v.framed for v in vectors)).stdout
    encoded = _ultralow("hj212", "encode", data=decoded)
    assert encoded.returncode == 0, encoded.stderr
    again = _ultralow("hj212", "decode", data=encoded.stdout)
    before, after = _json_lines(decoded), _json_lines(again.stdout)
    assert len(before) == len(after) == len(vectors)
    for old, new in zip(before, after, strict=True):
        assert new["ok"] is True
        for key in ("qn", "st", "cn", "pw", "mn", "flag", "pnum", "pno", "data_time", "globals", "values"):
            assert new[key] == old[key], key


def test_encode_splits_long_messages() -> None:
    values = {f"a{n:05d}": {"Avg": f"{n}.25", "Flag": "N"} for n in range(60)}
    line = json.dumps({"cn": "2061", "st": "31", "qn": "20250303110000000", "pw": "123456", "mn": "M1",
                       "flag": {"version": 1, "split": False, "ack": True}, "data_time": "2025-03-03T10:00:00+08:00",
                       "values": values})
    result = _ultralow("hj212", "encode", "--split-above", "400", data=line.encode() + b"\n")
    assert result.returncode == 0, result.stderr
    parts = _json_lines(_ultralow("hj212", "decode", data=result.stdout).stdout)
    assert len(parts) > 1
    assert all(p["ok"] and p["flag"] == {"version": 1, "split": True, "ack": True} for p in parts)
    assert [p["pno"] for p in parts] == list(range(1, len(parts) + 1))
    assert all(p["globals"] == {"DataTime": "20250303100000"} for p in parts)
    merged: dict[str, Any] = {}
    for p in parts:
        merged.update(p["values"])
    assert merged == values


def test_encode_reports_bad_lines_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"cn": "2011", "values": {"a": {"Rtd": "1"}}}\n[1]\n{"qn": "x"}\n{"cn": "2011", "values": {"a": 5}}\n'
                    'not json\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["hj212", "encode", str(path)])
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"{path}:2: ") and errors[1] == f"{path}:3: missing key 'cn'"
    assert errors[2].startswith(f"{path}:4: values.a") and errors[3].startswith(f"{path}:5: ")
    assert errors[4] == "4 line(s) could not be encoded"
    assert result.stdout_bytes.startswith(b"##") and result.stdout_bytes.count(b"\r\n") == 1  # the good line is still encoded


def test_decode_table_format() -> None:
    vectors = _reference().vectors()
    result = CliRunner().invoke(main, ["hj212", "decode", "--format", "table"], input=vectors[0].framed)
    assert result.exit_code == 0 and "1062" in result.stdout


@pytest.mark.parametrize("args", [["hj212", "decode", "/nonexistent/file"], ["hj212", "decode", "--format", "xml"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert CliRunner().invoke(main, args).exit_code == 2


def test_a_line_without_a_frame_is_named_and_exits_1(tmp_path: Path) -> None:
    text = tmp_path / "typed.txt"
    text.write_text("QN=20250101;ST=22;CN=2011;CP=&&a21026-Rtd=1&&\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["hj212", "decode", str(text)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{text}:1: no HJ 212 frame on this line (no ## header)",
                                          "1 line(s) without an HJ 212 frame"]


def test_decode_table_keeps_mns_whole_at_80_columns() -> None:
    vectors = _reference().vectors()
    stream = b"".join(v.framed for v in vectors)
    result = CliRunner().invoke(main, ["hj212", "decode", "--format", "table"], input=stream, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    import re

    mns = {m.group(1) for v in vectors for m in [re.search(r";MN=([^;]+);", v.packet)] if m}
    assert mns
    for mn in mns:
        assert mn in result.stdout, mn
    assert "…" not in result.stdout


def test_decode_of_the_capture_file_gives_the_framing_and_crc_verdicts_of_the_ingest_log_reader(
    tmp_path: Path,
) -> None:
    """Issue 15: the real captures, one a line, through the ``hj212 decode`` command and through
    ``ultralow ingest``'s HJ 212 log reader: the same frames, CRC variants and defects, line by line."""
    from ultralow.ingest.hj212_log import parse_hj212_log

    captures_path = _reference().reference_dir() / "hj212-real-captures.jsonl"
    captures = [json.loads(line) for line in captures_path.read_text(encoding="utf-8").splitlines()]
    log = tmp_path / "captures.log"
    log.write_bytes(b"".join(c["raw"].encode("utf-8") + b"\r\n" for c in captures))
    result = CliRunner().invoke(main, ["hj212", "decode", str(log)])
    assert result.exit_code == 0, result.output
    printed = [(o["crc_variant"], o["defects"]) for o in map(json.loads, result.stdout.splitlines())]
    received = [
        (r.packet.crc_variant.value if r.packet.crc_variant else None, r.packet.defects)
        for r in parse_hj212_log(log.read_bytes(), str(log), datetime(2025, 1, 1, tzinfo=UTC8))
        if r.packet is not None
    ]
    assert printed == received and len(printed) == len(captures) == 4810
    # the CRC verdicts of an independent CRC implementation: 4,807 HJ 212 and 3 Modbus (low byte first)
    assert [variant for variant, _ in printed] == [c["expected"]["crc_variant_independent"] for c in captures]
    assert sum(variant == "hj212" for variant, _ in printed) == 4807


def test_a_devices_sub_packet_goes_through_decode_and_encode_unchanged() -> None:
    """Issue 15 item 6: a valid 1,045-byte sub-packet 1 of 2 is encoded as it is, not re-split into
    PNO 1 and 2 of 2 (which would collide with the device's own second part)."""
    from ultralow.hj212 import crc_hj212

    head = "QN=20250303110000000;ST=31;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=7;PNUM=2;PNO=1;CP=&&"
    groups = [f"a{n:05d}-Avg={n}.25,a{n:05d}-Flag=N" for n in range(30)]  # 1,043 bytes in all
    segment = head + ";".join(["DataTime=20250303100000", *groups]) + "&&"
    segment = segment.replace("a00000-Avg=0.25", "a00000-Avg=0.2222", 1)  # two more digits: 1,045
    data = segment.encode("utf-8")
    assert len(data) == 1045  # above the standard's 1024: a device's real sub-packet size
    # framed by hand: ##, LLLL = byte count, segment, the standard's CRC (Appendix A) in upper-case hex, CR LF
    raw = b"##1045" + data + b"%04X" % crc_hj212(data) + b"\r\n"
    decoded = CliRunner().invoke(main, ["hj212", "decode"], input=raw)
    [obj] = _json_lines(decoded.stdout_bytes)
    assert (obj["ok"], obj["pnum"], obj["pno"], obj["defects"]) == (True, 2, 1, ["oversize_segment"])
    encoded = CliRunner().invoke(main, ["hj212", "encode"], input=decoded.stdout)
    assert encoded.exit_code == 0 and encoded.stdout_bytes == raw  # one frame, byte for byte the device's
