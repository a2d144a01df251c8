"""Conformance with the text of HJ 212-2017 / HJ/T 212-2005 on the packet forms other implementations and
real captures show: one framing path for decode and ingest, defects that name the real fault, the
standard's own checks, repeated keys, sub-packets re-encoded as they are.

Packets are written here in the same shapes and framed with the standard's CRC (``frame``), so the
expected length and CRC are right by construction and only the named fault is wrong.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from hj212_reference import reference_dir

from ultralow.cli.hj212 import read_packets
from ultralow.hj212 import Message, crc_hj212, decode, decode_stream, encode_split, frame
from ultralow.ingest.hj212_log import parse_hj212_log

SEG = (
    "QN=20250303100020123;ST=22;CN=2011;PW=123456;MN=ABC0000001;Flag=5;"
    "CP=&&DataTime=20250303100000;a21026-Rtd=14.2,a21026-Flag=N&&"
)
GOOD = frame(SEG)  # ends in CR LF
BODY = GOOD[:-2]  # ##LLLL…CRC without its terminator
AT = datetime(2025, 3, 3, tzinfo=UTC)


def _defects(data: bytes) -> list[tuple[bool, list[str]]]:
    return [(p.ok, p.defects) for p in decode_stream(data)]


def _both_paths(log: bytes) -> tuple[list[tuple[str | None, list[str]]], list[tuple[str | None, list[str]]]]:
    cli = [(p.crc_variant.value if p.crc_variant else None, p.defects) for p in read_packets(io.BytesIO(log))]
    ingest = [
        (r.packet.crc_variant.value if r.packet.crc_variant else None, r.packet.defects)
        for r in parse_hj212_log(log, "x.log", AT)
        if r.packet is not None
    ]
    return cli, ingest


# -- 1. decode and ingest read a log the same way ------------------------------------------------------
def test_cr_cr_lf_log_lines_decode_cleanly_through_both_paths() -> None:
    log = BODY + b"\r\r\n" + BODY + b"\r\r\n"  # a text-mode write of CR LF packets
    cli, ingest = _both_paths(log)
    assert cli == ingest == [("hj212", []), ("hj212", [])]


def test_the_capture_file_gives_the_same_verdicts_through_decode_and_ingest() -> None:
    lines = (reference_dir() / "hj212-real-captures.jsonl").read_text(encoding="utf-8").splitlines()
    captures = [json.loads(line) for line in lines]
    log = b"".join(c["raw"].encode("utf-8") + b"\r\n" for c in captures)
    cli, ingest = _both_paths(log)
    assert cli == ingest and len(cli) == len(captures) == 4810
    expected = [c["expected"]["crc_variant_independent"] for c in captures]
    assert [variant for variant, _ in cli] == expected


# -- 2. frames glued without CR LF --------------------------------------------------------------------
def test_glued_frames_are_all_recovered_with_missing_crlf() -> None:
    packets = decode_stream(BODY * 3 + GOOD)
    assert [(p.ok, p.defects) for p in packets] == [(True, ["missing_crlf"])] * 3 + [(True, [])]
    assert all(p.values == {"a21026": {"Rtd": "14.2", "Flag": "N"}} for p in packets)


def test_glued_frames_on_one_log_line() -> None:
    cli, ingest = _both_paths(BODY * 4 + b"\n")
    assert cli == ingest == [("hj212", ["missing_crlf"])] * 3 + [("hj212", [])]


# -- 3. diagnoses that name the real fault -----------------------------------------------------------
def test_length_one_byte_too_large_is_a_length_mismatch() -> None:
    segment = SEG.encode()
    wrong = b"##%04d" % (len(segment) + 1) + segment + b"%04X" % crc_hj212(segment) + b"\r\n"
    assert _defects(wrong) == [(True, ["length_mismatch"])]


def test_length_one_byte_too_small_is_a_length_mismatch() -> None:
    segment = SEG.encode()
    wrong = b"##%04d" % (len(segment) - 1) + segment + b"%04X" % crc_hj212(segment) + b"\r\n"
    assert _defects(wrong) == [(True, ["length_mismatch"])]


def test_a_cut_frame_is_truncated_and_its_text_is_not_read_as_a_crc() -> None:
    packet = decode_stream(b"##0079QN=2\r\n")[0]
    assert "truncated" in packet.defects and "crc_malformed" not in packet.defects
    assert packet.crc_stated is None and packet.crc_variant is None
    assert packet.qn == "2"  # the lenient reader still gives what is there


def test_literal_backslash_r_backslash_n_after_a_valid_crc_is_junk_only() -> None:
    assert _defects(BODY + b"\\r\\n\r\n") == [(True, ["junk_after_crc"])]
    cli, ingest = _both_paths(BODY + b"\\r\\n\n")
    assert cli == ingest == [("hj212", ["junk_after_crc"])]


def test_a_truncated_frame_does_not_hide_the_frame_after_it() -> None:
    packets = decode_stream(b"##0079QN=2\r\n" + GOOD)
    assert [(p.ok, "truncated" in p.defects) for p in packets] == [(False, True), (True, False)]


# -- 4. checks the standard makes ------------------------------------------------------------------
def test_datatime_with_17_digits_is_read_and_flagged() -> None:
    packet = decode(frame(SEG.replace("DataTime=20250303100000", "DataTime=20250303100000123")))
    assert packet.data_time == datetime(2025, 3, 3, 2, 0, 0, 123000, tzinfo=UTC)  # 10:00:00.123 at UTC+8
    assert packet.defects == ["datatime_not_14_digits"]


def test_cp_over_950_characters_is_flagged() -> None:
    def with_cp_of(chars: int) -> list[str]:
        head = "DataTime=20250303100000;a21026-Info=//"
        cp = head + "x" * (chars - len(head) - 2) + "//"
        assert len(cp) == chars
        return decode(frame(SEG.split("CP=&&")[0] + f"CP=&&{cp}&&")).defects

    assert with_cp_of(950) == []  # Table 3: 0 <= n <= 950
    assert with_cp_of(951) == ["oversize_cp"]


# -- 5. repeated keys -------------------------------------------------------------------------------
def test_the_2005_polid_list_is_not_a_defect_and_keeps_every_value() -> None:
    packet = decode(frame("ST=32;CN=1021;PW=123456;MN=M1;CP=&&PolId=101;PolId=102&&"))
    assert packet.repeated == {"PolId": ["101", "102"]}
    assert packet.globals == {"PolId": "101"}  # the documented key keeps the first
    assert "duplicate_key" not in packet.defects
    assert packet.to_json()["repeated"] == {"PolId": ["101", "102"]}


def test_the_2005_ctime_list_is_not_a_defect() -> None:
    packet = decode(frame("ST=32;CN=3014;PW=123456;MN=M1;CP=&&PolId=101;CTime=04,CTime=10,CTime=14&&"))
    assert packet.repeated == {"CTime": ["04", "10", "14"]} and "duplicate_key" not in packet.defects


def test_a_repeated_factor_key_in_data_is_reported_with_every_value() -> None:
    # 59 frames of one real capture repeat B01-Rtd three times
    packet = decode(frame(SEG.replace("a21026-Rtd=14.2,", "a21026-Rtd=14.2,a21026-Rtd=14.5,a21026-Rtd=14.9,")))
    assert packet.repeated == {"a21026-Rtd": ["14.2", "14.5", "14.9"]}
    assert packet.values["a21026"]["Rtd"] == "14.2"  # the store takes the first value
    assert "duplicate_key" in packet.defects


# -- 6. a device's sub-packet is encoded as it is ----------------------------------------------------
def test_encode_keeps_an_existing_sub_packet_whole() -> None:
    values = {f"a{n:05d}": {"Avg": f"{n}.25", "Flag": "N"} for n in range(45)}
    message = Message(cn="2061", qn="20250303110000000", pw="123456", mn="M1", pnum=2, pno=1,
                      globals={"DataTime": "20250303100000"}, values=values)
    frames = encode_split(message)
    assert len(frames) == 1 and len(frames[0]) > 1024 + 12
    packet = decode(frames[0])
    assert (packet.pnum, packet.pno, packet.ok) == (2, 1, True)


# -- 7. no frame ------------------------------------------------------------------------------------
def test_a_line_without_a_frame_gives_a_no_frame_object() -> None:
    packets = list(read_packets(io.BytesIO(b"hello\n")))
    assert [p.to_json()["defects"] for p in packets] == [["no_frame"]]


def test_every_defect_name_is_documented_in_the_readme() -> None:
    import importlib
    import re
    from pathlib import Path

    decode_module = importlib.import_module("ultralow.hj212.decode")  # the package's `decode` is the function
    names = re.findall(r"``([a-z0-9_]+)``", decode_module.__doc__ or "")
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("#### Defects"):]
    assert len(names) == 37  # the 33 defect names before the conformance work, and four new ones
    assert [name for name in names if f"`{name}`" not in table] == []


# -- 3 (stream path). blanks after a verified CRC are trailing whitespace, not junk -------------------
def test_blanks_between_a_valid_crc_and_cr_lf_on_a_stream_are_trailing_whitespace() -> None:
    # the CRC written out by hand with the standard's algorithm (Appendix A, crc.crc_hj212) over the
    # segment's UTF-8 bytes, upper-case hex, after ##LLLL with LLLL the segment's byte count
    segment = SEG.encode("utf-8")
    body = b"##%04d" % len(segment) + segment + b"%04X" % crc_hj212(segment)
    assert body == BODY  # the same bytes frame() builds
    assert _defects(body + b"  \r\n") == [(True, ["trailing_whitespace"])]
    assert _defects(body + b" \t\n") == [(True, ["lf_only", "trailing_whitespace"])]
    assert _defects(body + b"  " + GOOD) == [(True, ["trailing_whitespace", "missing_crlf"]), (True, [])]
    assert _defects(body + b"  ") == [(True, ["trailing_whitespace", "missing_terminator"])]
    # other bytes stay junk: the literal four characters \r\n, a doubled CR
    assert _defects(body + b"\\r\\n\r\n") == [(True, ["junk_after_crc"])]
    assert _defects(body + b"\r\r\n") == [(True, ["junk_after_crc"])]
    # in a log file the blanks belong to the line end, so both log paths give no defect
    cli, ingest = _both_paths(body + b"  \r\n")
    assert cli == ingest == [("hj212", [])]


# -- the receiver's path: one byte per read gives the same verdicts as the whole buffer ----------------
def test_every_conformance_shape_frames_the_same_fed_one_byte_at_a_time() -> None:
    from ultralow.hj212 import StreamFramer, split_frames

    segment = SEG.encode("utf-8")
    crc = b"%04X" % crc_hj212(segment)  # the standard's CRC of the segment, upper-case hex
    shapes = {  # each followed by a good frame, which must come out clean after it
        "length + 1": b"##%04d" % (len(segment) + 1) + segment + crc + b"\r\n",
        "length - 1": b"##%04d" % (len(segment) - 1) + segment + crc + b"\r\n",
        "cut": b"##0079QN=2\r\n",
        "cut, no line end": GOOD[:70],
        "literal \\r\\n": BODY + b"\\r\\n\r\n",
        "glued": BODY * 3,
        "blanks": BODY + b"  \r\n",
        "doubled CR": BODY + b"\r\r\n",
    }
    for name, shape in shapes.items():
        data = shape + GOOD
        whole = [(f.raw, f.crc_text, f.defects) for f in split_frames(data)]
        framer = StreamFramer()
        frames = [frame for i in range(len(data)) for frame in framer.feed(data[i : i + 1])] + framer.flush()
        assert [(f.raw, f.crc_text, f.defects) for f in frames] == whole, name
        assert whole[-1] == (GOOD, GOOD[-6:-2].decode(), []), name
