"""A batch prepared away from the store (worker processes) commits as ``Pipeline.accept`` stores it."""

from __future__ import annotations

import pickle

from ingest_support import packet_bytes, received

from ultralow.ingest import Pipeline
from ultralow.ingest.prepared import PreparedBatch, prepare


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
