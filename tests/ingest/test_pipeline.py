"""Pipeline.accept on a real store file: what is stored, what is a duplicate, what is quarantined."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
from ingest_support import RECEIVED_AT, packet_bytes, received

from ultralow.hj212 import Flag, code_tables, crc_modbus
from ultralow.ingest import Pipeline, Received
from ultralow.ingest.pipeline import IDLE_CHECKPOINT_WAL_BYTES
from ultralow.registry import Registry
from ultralow.store import CANDIDATE_SCHEMA, Store


def readings(store: Store) -> list[tuple[object, ...]]:
    return store.con.execute(
        "SELECT outlet_id, code, kind, data_time, utc_offset_min, revision, value, min, max, cou, zs, flag, "
        "source FROM readings ORDER BY ALL"
    ).fetchall()


def quarantine_reasons(store: Store) -> list[str]:
    return [r for (r,) in store.con.execute("SELECT reason FROM quarantine ORDER BY id").fetchall()]


def modbus_packet(mn: str) -> bytes:
    """A 2005-style real-time packet whose CRC is CRC-16/MODBUS, high byte first."""
    segment = f"ST=31;CN=2011;PW=123456;MN={mn};CP=&&DataTime=20250303100000;02-Rtd=18.1,02-Flag=N&&".encode()
    return b"##%04d" % len(segment) + segment + f"{crc_modbus(segment):04X}".encode() + b"\r\n"


def test_minute_packet_is_stored_with_its_values(pipeline: Pipeline, store: Store) -> None:
    raw = packet_bytes()
    [outcome] = pipeline.accept([received(raw)])
    assert (outcome.status, outcome.rows, outcome.frame_id) == ("stored", 1, 1)
    assert readings(store) == [
        ("u1", "a21026", "minute", datetime(2025, 3, 3, 10, 0), 480, 0, 12.5, 10.0, 15.0, None, 13.0, "N", "tcp")
    ]
    frame = store.con.execute(
        "SELECT frame_id, peer, mn, cn, qn, raw, received_at = ? FROM raw_frames", [RECEIVED_AT]
    ).fetchone()
    assert frame == (1, "127.0.0.1:5000", "MN0001", "2051", "20250303100020123", raw, True)


def test_committed_when_accept_returns(registry: Registry, store_path: Path) -> None:
    store = Store(store_path)
    Pipeline(store, registry).accept([received(packet_bytes())])
    store.close()
    with Store(store_path) as reopened:
        assert reopened.con.execute("SELECT count(*) FROM readings").fetchone() == (1,)
        assert reopened.con.execute("SELECT count(*) FROM raw_frames").fetchone() == (1,)


def test_resend_is_a_duplicate_and_stores_nothing_new(pipeline: Pipeline, store: Store) -> None:
    raw = packet_bytes()
    pipeline.accept([received(raw)])
    [again] = pipeline.accept([received(raw)])
    assert (again.status, again.rows, again.frame_id) == ("duplicate", 0, 1)
    assert store.con.execute("SELECT count(*), count(DISTINCT frame_id) FROM raw_frames").fetchone() == (1, 1)
    assert len(readings(store)) == 1


def test_same_values_with_a_new_qn_keep_the_frame_but_no_reading(pipeline: Pipeline, store: Store) -> None:
    pipeline.accept([received(packet_bytes())])
    [again] = pipeline.accept([received(packet_bytes(qn="20250303100120999"))])
    assert (again.status, again.rows, again.frame_id) == ("duplicate", 0, 2)
    assert store.con.execute("SELECT count(*) FROM raw_frames").fetchone() == (2,)
    assert len(readings(store)) == 1


def test_a_later_different_value_is_revision_1(pipeline: Pipeline, store: Store) -> None:
    pipeline.accept([received(packet_bytes())])
    changed = packet_bytes(qn="20250303110000000", values={"a21026": {"Avg": "12.9", "Flag": "N"}})
    [outcome] = pipeline.accept([received(changed)])
    assert (outcome.status, outcome.rows) == ("stored", 1)
    current = store.con.execute("SELECT revision, value, min FROM readings_current").fetchall()
    assert current == [(1, 12.9, None)]


def test_same_packet_twice_in_one_batch(pipeline: Pipeline, store: Store) -> None:
    raw = packet_bytes()
    first, second = pipeline.accept([received(raw), received(raw)])
    assert (first.status, second.status, second.frame_id) == ("stored", "duplicate", first.frame_id)
    assert store.con.execute("SELECT count(*) FROM raw_frames").fetchone() == (1,)


def test_unknown_mn_and_wrong_pw_are_quarantined_with_their_bytes(pipeline: Pipeline, store: Store) -> None:
    unknown = packet_bytes(mn="MN9999")
    wrong_pw = packet_bytes(pw="000000")
    outcomes = pipeline.accept([received(unknown, "peer@0"), received(wrong_pw, "peer@1")])
    assert [(o.status, o.reason) for o in outcomes] == [
        ("quarantined", "unknown MN 'MN9999'"), ("quarantined", "wrong PW for MN MN0001")]
    rows = store.con.execute("SELECT source, peer, location, raw FROM quarantine ORDER BY id").fetchall()
    assert rows == [("tcp", "127.0.0.1:5000", "peer@0", unknown), ("tcp", "127.0.0.1:5000", "peer@1", wrong_pw)]
    assert readings(store) == []
    assert store.con.execute("SELECT count(*) FROM raw_frames").fetchone() == (0,)


def test_bad_crc_is_quarantined(pipeline: Pipeline, store: Store) -> None:
    raw = bytearray(packet_bytes())
    raw[-6:-2] = b"0000" if raw[-6:-2] != b"0000" else b"0001"
    [outcome] = pipeline.accept([received(bytes(raw))])
    assert outcome.status == "quarantined"
    assert outcome.reason is not None and outcome.reason.startswith("CRC mismatch: stated 0000, HJ 212 CRC is ")


def test_modbus_crc_only_where_the_registry_allows_it(pipeline: Pipeline, store: Store) -> None:
    allowed, refused = pipeline.accept([received(modbus_packet("4201003")), received(modbus_packet("MN0001"))])
    assert allowed.status == "stored"
    assert (refused.status, refused.reason) == ("quarantined", "CRC is modbus_hilo, not allowed for MN MN0001")
    # the 2005 code 02 is SO2, a21026 in HJ 212-2017 (factor table B.2); CN 2011 is a real-time value
    assert readings(store) == [
        ("legacy", "a21026", "rtd", datetime(2025, 3, 3, 10, 0), 480, 0, 18.1, None, None, None, None, "N", "tcp")
    ]


def test_kinds_by_cn_and_local_time_of_the_base(pipeline: Pipeline, store: Store) -> None:
    values = {"a34013": {"Avg": "2.5", "Flag": "N"}}
    day = packet_bytes(cn="2031", mn="MN0003", pw="654321", data_time="20250303000000", values=values)
    hour = packet_bytes(cn="2061", mn="MN0003", pw="654321", data_time="20250303100000", values=values)
    rtd = packet_bytes(cn="2011", mn="MN0003", pw="654321", data_time="20250303100512",
                       values={"a34013": {"Rtd": "2.7", "ZsRtd": "2.9", "Flag": "N"}})
    assert [o.status for o in pipeline.accept([received(day), received(hour), received(rtd)])] == ["stored"] * 3
    rows = store.con.execute("SELECT kind, data_time, utc_offset_min, value, zs FROM readings ORDER BY kind").fetchall()
    # Africa/Conakry is UTC+0: offset 0 min; the DataTime is stored as sent (plant clock)
    assert rows == [("day", datetime(2025, 3, 3, 0, 0), 0, 2.5, None),
                    ("hour", datetime(2025, 3, 3, 10, 0), 0, 2.5, None),
                    ("rtd", datetime(2025, 3, 3, 10, 5, 12), 0, 2.7, 2.9)]


def test_nulls_stay_null_and_flags_are_kept_as_sent(pipeline: Pipeline, store: Store) -> None:
    values = {"a21026": {"Avg": "", "Flag": "D"}, "a21002": {"Avg": "n/a", "Flag": "F"},
              "a19001": {"Avg": "6.2"}}
    pipeline.accept([received(packet_bytes(values=values))])
    rows = store.con.execute("SELECT code, value, flag FROM readings ORDER BY code").fetchall()
    assert rows == [("a19001", 6.2, None), ("a21002", None, "F"), ("a21026", None, "D")]


def test_heartbeat_and_time_request_keep_the_frame_without_readings(pipeline: Pipeline, store: Store) -> None:
    heartbeat = packet_bytes(cn="9015", data_time="", values={}, flag=Flag(2, False, False))
    time_request = packet_bytes(cn="1013", data_time="", values={}, qn="20250303100100000")
    outcomes = pipeline.accept([received(heartbeat), received(time_request)])
    assert [(o.status, o.rows) for o in outcomes] == [("stored", 0), ("stored", 0)]
    assert store.con.execute("SELECT cn FROM raw_frames ORDER BY frame_id").fetchall() == [("9015",), ("1013",)]
    assert readings(store) == []


def test_data_packet_without_datatime_is_quarantined(pipeline: Pipeline) -> None:
    [outcome] = pipeline.accept([received(packet_bytes(data_time=""))])
    assert (outcome.status, outcome.reason) == ("quarantined", "CN 2051 without a valid DataTime")


def test_unframed_bytes_and_malformed_cp_are_quarantined(pipeline: Pipeline, store: Store) -> None:
    junk = Received(b"http://dtu.example/hb", None, "127.0.0.1:5000", RECEIVED_AT, "tcp", "peer@10")
    bare = packet_bytes(values={"a21026": {"Avg": "1.0"}}).replace(b"a21026-Avg=1.0", b"a21026-Avg=1.0;junk")
    from ultralow.hj212 import frame  # re-frame so that only the CP is wrong, not the CRC
    segment = bare[6:-6]
    outcomes = pipeline.accept([junk, received(frame(segment))])
    assert [(o.status, o.reason) for o in outcomes] == [
        ("quarantined", "not an HJ 212 frame"), ("quarantined", "malformed: cp_item_without_value")]
    assert quarantine_reasons(store) == ["not an HJ 212 frame", "malformed: cp_item_without_value"]


def test_a_repeated_cp_key_is_stored_with_its_first_value_and_the_raw_frame_keeps_both(
    pipeline: Pipeline, store: Store
) -> None:
    # real loggers repeat keys (59 frames of one capture send B01-Rtd three times): the documented rule is
    # that the readings take the first value; the raw frame, stored beside them, keeps every value
    duplicated = packet_bytes(values={"a21026": {"Avg": "1.0"}}).replace(b"a21026-Avg=1.0", b"a21026-Avg=1.0,a21026-Avg=2.0")
    from ultralow.hj212 import frame
    raw = frame(duplicated[6:-6])
    [outcome] = pipeline.accept([received(raw)])
    assert outcome.status == "stored"
    values = store.con.execute("SELECT value FROM readings WHERE code = 'a21026'").fetchall()
    assert values == [(1.0,)]
    [(kept,)] = store.con.execute("SELECT raw FROM raw_frames").fetchall()
    assert b"a21026-Avg=1.0,a21026-Avg=2.0" in kept


def test_outcomes_keep_the_order_of_a_mixed_batch(pipeline: Pipeline, registry: Registry) -> None:
    good = packet_bytes()
    bad = packet_bytes(mn="MN9999")
    other = packet_bytes(data_time="20250303100100", qn="20250303100120000")
    statuses = [o.status for o in pipeline.accept([received(bad), received(good), received(other), received(good)])]
    assert statuses == ["quarantined", "stored", "stored", "duplicate"]


def test_a_resent_frame_without_qn_is_found_by_its_datatime(pipeline: Pipeline, store: Store) -> None:
    raw = modbus_packet("4201003")  # a 2005-style packet: no QN in the header
    first = pipeline.accept([received(raw)])[0]
    [again] = pipeline.accept([received(raw)])
    assert (again.status, again.frame_id) == ("duplicate", first.frame_id)
    assert store.con.execute("SELECT count(*), any_value(data_time) FROM raw_frames").fetchone() == (
        1, datetime(2025, 3, 3, 10, 0))


def test_two_values_of_one_key_in_one_batch_are_revisions_0_and_1(pipeline: Pipeline, store: Store) -> None:
    first = packet_bytes(values={"a21026": {"Avg": "12.5", "Flag": "N"}})
    second = packet_bytes(values={"a21026": {"Avg": "12.9", "Flag": "N"}}, qn="20250303100120000")
    outcomes = pipeline.accept([received(first), received(second)])
    assert [(o.status, o.rows) for o in outcomes] == [("stored", 1), ("stored", 1)]
    rows = store.con.execute("SELECT revision, value FROM readings ORDER BY revision").fetchall()
    assert rows == [(0, 12.5), (1, 12.9)]  # arrival order within the batch


def test_a_resend_after_newer_data_is_still_found(pipeline: Pipeline, store: Store) -> None:
    # 10:00 then 10:01 stored; the 10:00 packet again lies below what the store holds for MN0001 and u1,
    # so it goes through the exact checks: the frame and its reading are duplicates
    ten = packet_bytes()
    pipeline.accept([received(ten)])
    pipeline.accept([received(packet_bytes(data_time="20250303100100", qn="20250303100120000"))])
    [again] = pipeline.accept([received(ten)])
    assert (again.status, again.frame_id) == ("duplicate", 1)
    # the same reading under a new QN: a new frame, no new reading
    [renamed] = pipeline.accept([received(packet_bytes(qn="20250303100059000"))])
    assert (renamed.status, renamed.rows, renamed.frame_id) == ("duplicate", 0, 3)
    assert store.con.execute("SELECT count(*) FROM readings").fetchone() == (2,)


def test_empty_accept_is_the_idle_tick_that_checkpoints(pipeline: Pipeline, store: Store) -> None:
    # every factor of the code table (only those are stored) in each packet: 600 packets write well over
    # 1 MiB to the WAL
    codes = sorted(code_tables().factors)
    values = {code: {"Min": "10.0", "Avg": "12.5", "Max": "15.0", "Flag": "N"} for code in codes}
    items = [received(packet_bytes(values=values, data_time=f"202503031{i // 60:01d}{i % 60:02d}00",
                                   qn=f"2025030310{i:07d}")) for i in range(600)]
    assert all(o.status == "stored" for o in pipeline.accept(items))
    assert store.wal_bytes > IDLE_CHECKPOINT_WAL_BYTES
    assert pipeline.accept([]) == []
    assert store.wal_bytes < IDLE_CHECKPOINT_WAL_BYTES  # checkpointed: the rows are in the file now
    assert store.con.execute("SELECT count(*) FROM readings").fetchone() == (600 * len(codes),)


def test_rows_from_a_file_are_seen_by_later_packets(pipeline: Pipeline, store: Store) -> None:
    pipeline.accept([received(packet_bytes())])  # u1 at 10:00: the store's bounds for u1 now known
    file_row = {"outlet_id": "u1", "code": "a21026", "kind": "minute", "data_time": datetime(2025, 3, 3, 10, 5),
                "utc_offset_min": 480, "value": 1.0, "min": None, "max": None, "cou": None, "zs": None,
                "flag": "N", "source": "csv", "frame_id": None, "received_at": RECEIVED_AT, "seq": 0}
    assert pipeline.accept_rows(pa.Table.from_pylist([file_row], schema=CANDIDATE_SCHEMA), []).stored == 1
    # the same value at 10:05 over TCP: already stored by the file, so no new reading
    same = packet_bytes(data_time="20250303100500", qn="20250303100520000", values={"a21026": {"Avg": "1.0", "Flag": "N"}})
    [outcome] = pipeline.accept([received(same)])
    assert (outcome.status, outcome.rows) == ("duplicate", 0)
    assert store.con.execute("SELECT count(*) FROM readings WHERE data_time = '2025-03-03 10:05:00'").fetchone() == (1,)


def test_unknown_factor_code_and_flag_are_quarantined_with_the_reason(pipeline: Pipeline, store: Store) -> None:
    """The frame is kept as sent; only its values that the code tables know are stored."""
    raw = packet_bytes(values={"a21026": {"Avg": "12.5", "Flag": "N"}, "a99999": {"Avg": "1.0", "Flag": "N"},
                               "a21002": {"Avg": "30.0", "Flag": "X"}})
    [outcome] = pipeline.accept([received(raw, "peer@7")])
    assert (outcome.status, outcome.rows) == ("stored", 1)
    assert store.con.execute("SELECT code FROM readings").fetchall() == [("a21026",)]
    rows = store.con.execute("SELECT location, reason, raw FROM quarantine ORDER BY id").fetchall()
    assert rows == [
        ("peer@7", f"frame {outcome.frame_id}: unknown factor code 'a99999' (not in the HJ 212 code table): "
                   "value not stored", raw),
        ("peer@7", f"frame {outcome.frame_id}: a21002: unknown data flag 'X' (not an HJ 212 flag): value not stored",
         raw),
    ]
