"""A batch prepared away from the store (worker processes) commits as ``Pipeline.accept`` stores it."""

from __future__ import annotations

import pickle
from datetime import datetime

from ingest_support import packet_bytes, received

from ultralow.hj212 import Flag
from ultralow.ingest import Pipeline
from ultralow.ingest.prepared import PreparedBatch, prepare
from ultralow.store.watermarks import micros


def test_prepared_batches_pickled_and_joined_commit_like_accept(pipeline: Pipeline) -> None:
    # worker A: a new frame, the same frame again, a wrong PW; worker B: that first frame once more
    # (an MN on two connections), a second new frame with two factors, an unknown factor code
    first = packet_bytes(qn="20250303100020123")
    two = packet_bytes(qn="20250303100120123", data_time="20250303100100", values={
        "a21026": {"Avg": "12.5", "Flag": "N"}, "a21002": {"Avg": "40.0", "Flag": "N"}})
    odd = packet_bytes(qn="20250303100220123", data_time="20250303100200", values={
        "a21026": {"Avg": "1.0", "Flag": "N"}, "zz999": {"Avg": "2.0", "Flag": "N"}})
    a = prepare(pipeline.registry, pipeline.tables,
                [received(first), received(first), received(packet_bytes(pw="000000", qn="20250303100020999"))])
    b = prepare(pipeline.registry, pipeline.tables, [received(first), received(two), received(odd)])
    joined = PreparedBatch.concat([pickle.loads(pickle.dumps(a)), pickle.loads(pickle.dumps(b))])
    assert joined.count == 6
    assert joined.positions == [0, 1, 3, 4, 5]  # item 2 (wrong PW) refused
    assert joined.candidates == [1, 1, 1, 2, 1]  # rows per accepted frame: zz999 is not a factor
    assert joined.distinct is False  # two workers' rows may share keys: the writer checks

    outcomes = pipeline.commit(joined)
    assert [o.status for o in outcomes] == ["stored", "duplicate", "quarantined", "duplicate", "stored", "stored"]
    ids = [o.frame_id for o in outcomes]
    # frames 1, 2, 3 are stored in order; every copy of the first one names frame 1
    assert ids == [1, 1, None, 1, 2, 3]
    assert [o.rows for o in outcomes] == [1, 0, 0, 0, 2, 1]
    con = pipeline.store.con
    assert con.execute("SELECT frame_id, count(*) FROM readings GROUP BY ALL ORDER BY 1").fetchall() == [
        (1, 1), (2, 2), (3, 1)]
    # the wrong PW and the unknown factor code (of frame 3, named by its id) went to quarantine
    reasons = sorted(r for (r,) in con.execute("SELECT reason FROM quarantine").fetchall())
    assert reasons == ["frame 3: unknown factor code 'zz999' (not in the HJ 212 code table): value not stored",
                       "wrong PW for MN MN0001"]


def test_columnar_commit_finds_stored_copies_batch_copies_and_keeps_keyless_frames(pipeline: Pipeline) -> None:
    heartbeat = Flag(2, False, False)
    a = packet_bytes(qn="20250303100020123")  # stored by the first batch
    b = packet_bytes(qn="20250303100120123", data_time="20250303100100")
    c = packet_bytes(qn="", data_time="20250303100200")  # no QN: found again by its DataTime
    keyless = packet_bytes(cn="9015", qn="", data_time="", values={}, flag=heartbeat)  # no QN, no DataTime
    assert [o.frame_id for o in pipeline.commit(prepare(pipeline.registry, pipeline.tables, [received(a)]))] == [1]

    batch = prepare(pipeline.registry, pipeline.tables,
                    [received(x) for x in (a, b, b, c, c, keyless, keyless)])
    outcomes = pipeline.commit(batch)
    # a: the stored frame 1; b and c stored as 2 and 3, their second copies name them; a frame with no
    # key is never a duplicate: both copies are kept (4 and 5), with no reading
    assert [(o.status, o.frame_id, o.rows) for o in outcomes] == [
        ("duplicate", 1, 0), ("stored", 2, 1), ("duplicate", 2, 0), ("stored", 3, 1), ("duplicate", 3, 0),
        ("stored", 4, 0), ("stored", 5, 0)]
    con = pipeline.store.con
    assert con.execute("SELECT frame_id, qn, cn FROM raw_frames ORDER BY frame_id").fetchall() == [
        (1, "20250303100020123", "2051"), (2, "20250303100120123", "2051"), (3, "", "2051"), (4, "", "9015"),
        (5, "", "9015")]
    # one a21026 reading per stored data frame (1, 2, 3), none for the copies
    assert con.execute("SELECT frame_id, count(*) FROM readings GROUP BY ALL ORDER BY 1").fetchall() == [
        (1, 1), (2, 1), (3, 1)]


def test_frame_ranges_travel_with_the_batch_and_raise_the_watermarks(pipeline: Pipeline) -> None:
    one = packet_bytes(qn="20250303100120123", data_time="20250303100100")
    two = packet_bytes(qn="20250303100020123")
    legacy = packet_bytes(mn="4201003", qn="", data_time="20250303100200")
    batch = PreparedBatch.concat([pickle.loads(pickle.dumps(prepare(pipeline.registry, pipeline.tables, items)))
                                  for items in ([received(one)], [received(two), received(legacy)])])
    # per MN the lowest and highest QN; 4201003 sends no QN: its DataTime 10:02 (µs since 1970, plant clock)
    assert batch.frame_ranges.qn == {"MN0001": ("20250303100020123", "20250303100120123")}
    ten_two = micros(datetime(2025, 3, 3, 10, 2))
    assert batch.frame_ranges.data_time_us == {"4201003": (ten_two, ten_two)}
    pipeline.commit(batch)
    marks = pipeline.store.watermarks
    # committed: QNs up to the highest are taken, a later one is clear; likewise 4201003's DataTime
    assert not marks.frames_clear(pipeline.store.con, [("MN0001", "20250303100120123", None)])
    assert marks.frames_clear(pipeline.store.con, [("MN0001", "20250303100120124", None)])
    assert not marks.frames_clear(pipeline.store.con, [("4201003", None, datetime(2025, 3, 3, 10, 2))])
    assert marks.frames_clear(pipeline.store.con, [("4201003", None, datetime(2025, 3, 3, 10, 3))])


def test_joined_batches_are_distinct_unless_they_share_an_outlet_and_kind(pipeline: Pipeline) -> None:
    def one(raw: bytes) -> PreparedBatch:
        return pickle.loads(pickle.dumps(prepare(pipeline.registry, pipeline.tables, [received(raw)])))

    # two workers, two outlets: no key can be shared, the writer appends without its own check
    apart = PreparedBatch.concat([one(packet_bytes()), one(packet_bytes(mn="MN0003", pw="654321"))])
    assert apart.distinct is True
    # the same outlet, minute and factor from two workers with different values: not distinct, and the
    # writer's check makes the later one (in arrival order across the batches) revision 1
    values = {"a21026": {"Avg": "13.0", "Flag": "N"}}
    shared = PreparedBatch.concat([one(packet_bytes()), one(packet_bytes(qn="20250303100020999", values=values))])
    assert shared.distinct is False
    assert [o.status for o in pipeline.commit(shared)] == ["stored", "stored"]
    # u1's frame again (a copy of frame 1), the calciner's new: frame 3
    assert [(o.status, o.frame_id) for o in pipeline.commit(apart)] == [("duplicate", 1), ("stored", 3)]
    rows = pipeline.store.con.execute(
        "SELECT outlet_id, revision, value, frame_id FROM readings ORDER BY frame_id").fetchall()
    # u1 at 10:00: revision 0 from frame 1, revision 1 from frame 2; the calciner's from frame 3
    assert rows == [("u1", 0, 12.5, 1), ("u1", 1, 13.0, 2), ("calciner", 0, 12.5, 3)]
