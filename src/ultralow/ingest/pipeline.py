"""The one path every transport feeds: validate, then store frames, readings and quarantine in one commit.

``Pipeline.accept`` takes received frames (TCP receiver, HJ 212 log files); ``Pipeline.accept_rows``
takes readings already validated by a long-format reader (CSV, Parquet). Both end in the same writers
(:mod:`ultralow.store`) and commit before returning, so what they report is durable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import duckdb
import numpy as np
import pyarrow as pa

from ultralow.hj212 import CodeTables, code_tables
from ultralow.ingest.parquet_direct import DirectFile, file_stamp
from ultralow.ingest.prepared import PreparedBatch, check, frame_id_map, prepare, readings_for
from ultralow.ingest.received import Outcome, Received
from ultralow.registry import Outlet, Registry
from ultralow.store import QuarantineRow, Store, append_clear_select, write_readings
from ultralow.store.frames import (
    FrameDuplicates,
    append_frame_table,
    append_quarantine,
    find_frame_duplicates,
    frames_distinct,
)
from ultralow.store.store import register, unregister

# The receiver's idle tick checkpoints a WAL at least this big (a smaller one waits for the next quiet moment
# or for the store to close).
IDLE_CHECKPOINT_WAL_BYTES: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class RowsOutcome:
    """What :meth:`Pipeline.accept_rows` did: readings written (of which revisions), duplicates skipped,
    rejected rows quarantined (``quarantined_new``: not already in quarantine)."""

    rows: int
    stored: int
    revisions: int
    duplicates: int
    quarantined: int
    quarantined_new: int


class Pipeline:
    """Validation and storage of received HJ 212 frames and long-format readings."""

    def __init__(self, store: Store, registry: Registry, tables: CodeTables | None = None) -> None:
        self.store = store
        self.registry = registry
        self.tables = tables if tables is not None else code_tables()

    # -- checks --------------------------------------------------------------------------------------
    def check(self, item: Received) -> tuple[str | None, Outlet | None, str | None]:
        """(reason to quarantine or None, the outlet, the reading kind or None for non-data frames)."""
        return check(self.registry, item)

    # -- frames --------------------------------------------------------------------------------------
    def accept(self, items: Sequence[Received]) -> list[Outcome]:
        """Validate and store ``items``; one outcome each, same order. Durable when it returns.

        ``accept([])`` stores nothing: it is the receiver's idle tick, in which the store checkpoints its
        write-ahead log (see :meth:`ultralow.store.Store.checkpoint_if_due`).
        """
        if not items:
            self.store.checkpoint_if_due(IDLE_CHECKPOINT_WAL_BYTES)
            return []
        return self.commit(prepare(self.registry, self.tables, items))

    def commit(self, batch: PreparedBatch) -> list[Outcome]:
        """Store a prepared batch (:func:`ultralow.ingest.prepared.prepare`): frames not already stored,
        their readings, and the quarantine rows, in one transaction; one outcome per item.

        Columnar: the batch's frames are one Arrow table; when the store's Watermarks prove that none can
        be stored yet and no two have the same bytes (one hash kernel), they are appended as they are;
        otherwise one query finds, per frame, a stored copy and the batch's first copy."""
        outcomes: list[Outcome | None] = [None] * batch.count
        marks = self.store.watermarks
        frames = batch.frames
        accepted = frames.num_rows
        with self.store.lock:
            con = self.store.con
            clear = marks.frame_ranges_clear(con, batch.frame_ranges)
            duplicates: FrameDuplicates | None = None
            new: np.ndarray | None = None  # accepted positions of the frames to store (None: all)
            if not (clear and frames_distinct(frames)):
                duplicates = find_frame_duplicates(con, frames, look_in_store=not clear)
                new = duplicates.new
                if len(new) == accepted:
                    new = None
            with self.store.transaction():
                count = accepted if new is None else len(new)
                ids = append_frame_table(con, self.store.next_ids("raw_frames", count),
                                         frames if new is None else frames.take(new))
                mapping = ids if new is None else frame_id_map(accepted, new, ids)
                readings = readings_for(batch.readings, mapping)
                values_refused = [self._value_refusal(frames, batch, p, reason, int(mapping[p]))
                                  for p, reason in batch.value_refusals if mapping[p] >= 0]
                written = write_readings(con, readings, by_frame=True, marks=marks, distinct=batch.distinct,
                                         ranges=batch.ranges)
                quarantined = [r for _, r in batch.refused] + values_refused
                append_quarantine(con, self.store.next_ids("quarantine", len(quarantined)), quarantined)
            marks.raise_frames(batch.frame_ranges.marks())  # committed: the bounds may rise
            marks.raise_readings(written.bounds)
        inserted = written.inserted_by_frame
        positions = batch.positions
        candidates = batch.candidates
        for position, frame_id in zip(range(accepted) if new is None else new.tolist(), ids.tolist(), strict=True):
            rows = inserted.get(frame_id, 0)
            outcomes[positions[position]] = Outcome("duplicate" if candidates[position] > 0 and rows == 0 else "stored",
                                                    None, rows, frame_id)
        if duplicates is not None:
            ids_of = mapping.tolist()
            for position, (stored, first) in enumerate(zip(duplicates.stored.tolist(), duplicates.first.tolist(),
                                                           strict=True)):
                if stored >= 0:
                    outcomes[positions[position]] = Outcome("duplicate", None, 0, stored)
                elif first != position:  # a later copy of one of the batch's own frames
                    outcomes[positions[position]] = Outcome("duplicate", None, 0, ids_of[first])
        for index, refusal in batch.refused:
            outcomes[index] = Outcome("quarantined", refusal.reason, 0, None)
        return [o for o in outcomes if o is not None]

    @staticmethod
    def _value_refusal(frames: pa.Table, batch: PreparedBatch, position: int, reason: str,
                       frame_id: int) -> QuarantineRow:
        """The quarantine row of a stored frame's unreadable value (the frame named by its id)."""
        return QuarantineRow(frames["received_at"][position].as_py(), batch.sources[position],
                             frames["peer"][position].as_py(), batch.locations[position],
                             f"frame {frame_id}: {reason}", frames["raw"][position].as_py())

    # -- long-format rows ----------------------------------------------------------------------------
    def accept_rows(self, readings: pa.Table, rejected: Sequence[QuarantineRow]) -> RowsOutcome:
        """Store validated candidate readings (``ultralow.store.CANDIDATE_SCHEMA``) and quarantine the
        rejected rows, in one transaction."""
        with self.store.transaction() as con:
            # Big batches of any outlets and times: the writer's own check (one query) is cheaper here than
            # working out the batch's bounds, so the bounds are forgotten instead of raised (and learnt again
            # from the store when next needed), before the commit and under the store's lock. Quarantine
            # rows alone (the receiver's strangers) write no reading: the bounds stay.
            if readings.num_rows:
                self.store.watermarks.forget_readings()
            written = write_readings(con, readings)
            new_quarantine = append_quarantine(con, self.store.next_ids("quarantine", len(rejected)), rejected)
        return RowsOutcome(
            rows=readings.num_rows + len(rejected),
            stored=written.inserted,
            revisions=written.revisions,
            duplicates=written.duplicates,
            quarantined=len(rejected),
            quarantined_new=new_quarantine,
        )

    def accept_parquet(self, direct: DirectFile) -> RowsOutcome | None:
        """Store a Parquet file proved clean (:mod:`ultralow.ingest.parquet_direct`) in one statement and one
        transaction; None, with nothing written, when a stored reading may share a key with it, the file
        changed or DuckDB could not read it (the caller then takes the batch path, which reports why)."""
        try:
            with self.store.transaction() as con:
                register(con, "_ul_outlets", self.registry.mn_table())
                try:
                    written = append_clear_select(con, direct.select_sql, direct.params, direct.low, direct.high,
                                                  direct.outlet_ids, direct.kinds)
                    if written != direct.rows or file_stamp(direct.path) != direct.stamp:
                        raise _Declined()
                    # written without raising the bounds (as accept_rows): forgotten before the commit
                    self.store.watermarks.forget_readings()
                finally:
                    unregister(con, "_ul_outlets")
        except (_Declined, duckdb.Error, OSError):
            return None
        return RowsOutcome(rows=direct.rows, stored=written, revisions=0, duplicates=0, quarantined=0,
                           quarantined_new=0)


class _Declined(Exception):
    """The direct insert found a possible collision or a changed file: rolled back."""
