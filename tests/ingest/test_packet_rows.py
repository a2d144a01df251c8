"""Packet -> candidate rows: one row per factor, numbers parsed, per-packet fields repeated, key clashes seen."""

from __future__ import annotations

from datetime import UTC, datetime

from ingest_support import packet_bytes

from ultralow.hj212 import code_tables, decode
from ultralow.ingest.packet_rows import RowBuffer
from ultralow.store import CANDIDATE_SCHEMA

RECEIVED = datetime(2025, 3, 3, 2, 0, 20, tzinfo=UTC)


def add(buffer: RowBuffer, raw: bytes, outlet: str = "u1", frame_id: int = 1) -> int:
    return buffer.add_packet(decode(raw), "minute", outlet, 480, "tcp", frame_id, RECEIVED, code_tables())


def test_rows_of_two_packets_as_one_table() -> None:
    buffer = RowBuffer()
    first = packet_bytes(values={"a21026": {"Min": "10.0", "Avg": "12.5", "Max": "15.0", "ZsAvg": "13.0", "Flag": "N"},
                                 "a19001": {"Avg": "6.2"}, "a34013": {"SampleTime": "20250303095500"}})
    second = packet_bytes(mn="MN0003", pw="654321", data_time="20250303100100",
                          values={"02": {"Avg": "inf", "Cou": "1.5e3", "Flag": "D"}})
    assert add(buffer, first) == 2  # a34013 carries only SampleTime: no reading
    assert add(buffer, second, outlet="calciner", frame_id=2) == 1
    table = buffer.table()
    assert table.schema == CANDIDATE_SCHEMA
    assert table.to_pylist() == [
        {"outlet_id": "u1", "code": "a21026", "kind": "minute", "data_time": datetime(2025, 3, 3, 10, 0),
         "utc_offset_min": 480, "value": 12.5, "min": 10.0, "max": 15.0, "cou": None, "zs": 13.0, "flag": "N",
         "source": "tcp", "frame_id": 1, "received_at": RECEIVED, "seq": 0},
        {"outlet_id": "u1", "code": "a19001", "kind": "minute", "data_time": datetime(2025, 3, 3, 10, 0),
         "utc_offset_min": 480, "value": 6.2, "min": None, "max": None, "cou": None, "zs": None, "flag": None,
         "source": "tcp", "frame_id": 1, "received_at": RECEIVED, "seq": 1},
        # 2005 code 02 is SO2, a21026 (HJ 212-2017 Table B.2); "inf" is not a finite number: null;
        # 1.5e3 = 1500.0
        {"outlet_id": "calciner", "code": "a21026", "kind": "minute", "data_time": datetime(2025, 3, 3, 10, 1),
         "utc_offset_min": 480, "value": None, "min": None, "max": None, "cou": 1500.0, "zs": None, "flag": "D",
         "source": "tcp", "frame_id": 2, "received_at": RECEIVED, "seq": 2},
    ]
    assert buffer.distinct


def test_key_clashes_within_a_batch_are_noticed() -> None:
    same_minute = RowBuffer()
    add(same_minute, packet_bytes())
    assert same_minute.distinct
    add(same_minute, packet_bytes(qn="20250303100120000"), frame_id=2)  # u1, minute, 10:00 again
    assert not same_minute.distinct
    both_codes = RowBuffer()  # 02 and a21026 are one factor: two rows of one key in one packet
    add(both_codes, packet_bytes(values={"02": {"Avg": "1.0"}, "a21026": {"Avg": "2.0"}}))
    assert not both_codes.distinct
    other_outlet = RowBuffer()
    add(other_outlet, packet_bytes())
    add(other_outlet, packet_bytes(mn="MN0003", pw="654321"), outlet="calciner", frame_id=2)
    assert other_outlet.distinct
