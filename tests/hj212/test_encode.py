"""Encoder: UTF-8 byte length, upper-case CRC, sub-packets above 1024 bytes, the 9999-byte ceiling."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ultralow.hj212 import (
    Flag,
    Message,
    decode,
    encode,
    encode_segment,
    encode_split,
    format_data_time,
    format_qn,
    frame,
)
from ultralow.hj212.crc import crc_hj212_reference


def test_frame_layout() -> None:
    segment = "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"
    framed = frame(segment)
    # '##' + 4-digit length + segment + CRC (Appendix A: 1C80) + CR LF
    assert framed == b"##0101" + segment.encode() + b"1C80\r\n"


def test_length_counts_utf8_bytes() -> None:
    segment = "QN=1;CP=&&i11001-Info=//清洗//&&"
    assert len(segment) == 30 and len(segment.encode("utf-8")) == 34  # two CJK chars: 3 bytes each, not 1
    assert frame(segment)[2:6] == b"0034"


def test_crc_is_upper_case_hex() -> None:
    # find a segment whose CRC has letters, then check they are written in upper case
    for n in range(200):
        segment = f"QN={n};CP=&&&&".encode()
        if re.search(r"[A-F]", f"{crc_hj212_reference(segment):04X}"):
            break
    framed = frame(segment)
    assert framed[-6:-2] == f"{crc_hj212_reference(segment):04X}".encode()
    assert framed[-6:-2].upper() == framed[-6:-2] and re.search(rb"[A-F]", framed[-6:-2])


def test_length_ceiling() -> None:
    assert len(frame("x" * 9999)) == 9999 + 12
    with pytest.raises(ValueError, match="9999"):
        frame("x" * 10_000)
    with pytest.raises(ValueError, match="9999"):
        encode(Message(cn="2011", values={"a": {"Info": "y" * 10_000}}))


def test_segment_order_and_absent_fields() -> None:
    message = Message(cn="2011", st="31", qn=None, pw="123456", mn="M", flag=None,
                      globals={"DataTime": "20250303100000"}, values={"a21026": {"Rtd": "1.0", "Flag": "N"}},
                      extra_header=[("XX", "1")])
    assert encode_segment(message) == "ST=31;CN=2011;PW=123456;MN=M;XX=1;CP=&&DataTime=20250303100000;a21026-Rtd=1.0,a21026-Flag=N&&"
    assert encode_segment(Message(cn="9014", st="91")) == "ST=91;CN=9014;Flag=5;CP=&&&&"  # default Flag: 2017 + ack


def test_format_qn_and_data_time_in_china_time() -> None:
    when = datetime(2025, 3, 3, 2, 0, 20, 123_456, tzinfo=UTC)  # 10:00:20.123 in UTC+8
    assert format_qn(when) == "20250303100020123"
    assert format_data_time(when) == "20250303100020"
    local = datetime(2025, 3, 3, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    assert format_data_time(local) == "20250303100000"


def _big_hour(factors: int = 40) -> Message:
    values = {f"a{n:05d}": {"Cou": f"{n}.123", "Min": f"{n}.1", "Avg": f"{n}.2", "Max": f"{n}.3", "Flag": "N"}
              for n in range(factors)}
    return Message(cn="2061", st="31", qn="20250303110000999", pw="123456", mn="010000A8900016F000169DC0",
                   flag=Flag(1, False, True), globals={"DataTime": "20250303100000"}, values=values)


def test_split_above_1024_bytes() -> None:
    message = _big_hour()
    whole = len(encode_segment(message).encode())
    assert whole > 2 * 1024
    frames = encode_split(message)
    assert len(frames) >= 3
    packets = [decode(f) for f in frames]
    merged: dict[str, dict[str, str]] = {}
    for number, packet in enumerate(packets, start=1):
        assert packet.ok and packet.defects == []
        assert len(packet.segment) <= 1024
        assert packet.flag == Flag(1, True, True)  # D set, A kept
        assert (packet.pnum, packet.pno) == (len(frames), number)
        assert packet.globals == {"DataTime": "20250303100000"}  # DataTime repeated in every sub-packet
        assert not set(packet.values) & set(merged)  # a factor is never cut apart
        merged.update(packet.values)
    assert merged == message.values and list(merged) == list(message.values)
    # each sub-packet its own QN (C.47-C.50: ...534, ...535): the base QN plus 0, 1, 2... ms,
    # here crossing a second: 20250303110000999 + 1 ms = 20250303110001000
    assert [p.qn for p in packets[:3]] == ["20250303110000999", "20250303110001000", "20250303110001001"]


def test_split_respects_a_smaller_limit_and_leaves_small_messages_whole() -> None:
    message = _big_hour(12)
    for limit in (300, 500, 800):
        frames = encode_split(message, limit=limit)
        assert all(len(decode(f).segment) <= limit for f in frames)
    single = encode_split(_big_hour(2))
    assert len(single) == 1 and decode(single[0]).flag == Flag(1, False, True) and decode(single[0]).pnum is None


def test_split_refuses_what_cannot_fit() -> None:
    with pytest.raises(ValueError, match="factor a00000"):
        encode_split(Message(cn="3020", qn="20250303110000999", values={"a00000": {"Info": "z" * 2000}}))
    with pytest.raises(ValueError, match="header and globals"):
        encode_split(Message(cn="2061", qn="1", globals={"Note": "w" * 2000}, values={"a": {"Rtd": "1"}}))
