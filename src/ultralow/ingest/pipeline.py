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
import pyarrow as pa

from ultralow.hj212 import CodeTables, CrcVariant, Packet, code_tables
from ultralow.ingest.packet_rows import KIND_BY_CN, RowBuffer
from ultralow.ingest.parquet_direct import DirectFile, file_stamp
from ultralow.ingest.received import Outcome, Received
from ultralow.registry import Outlet, Registry
from ultralow.store import FrameRow, QuarantineRow, Store, append_clear_select, write_readings
from ultralow.store.frames import FrameKey, append_frames, append_quarantine, find_stored_frames, frame_key
from ultralow.store.store import register, unregister
from ultralow.store.watermarks import FrameMarks

# Defects after which the content of a frame cannot be trusted (the others are tolerated and the frame
# is kept as sent). CRC defects are judged separately, with the per-MN Modbus allowance. A repeated CP key
# (``duplicate_key``) is tolerated: the readings take its first value, the raw frame keeps every one.
MALFORMED: Final = frozenset(
    {
        "no_frame", "truncated", "crc_malformed", "invalid_utf8", "missing_cn", "missing_mn", "missing_cp",
        "cp_unterminated", "cp_item_without_value", "duplicate_header_key", "bad_flag",
        "split_without_pnum", "bad_pnum", "bad_pno", "header_item_without_value",
    }
)

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


@dataclass(frozen=True, slots=True)
class _Accepted:
    index: int
    item: Received
    packet: Packet
    outlet: Outlet
    kind: str | None


class Pipeline:
    """Validation and storage of received HJ 212 frames and long-format readings."""

    def __init__(self, store: Store, registry: Registry, tables: CodeTables | None = None) -> None:
        self.store = store
        self.registry = registry
        self.tables = tables if tables is not None else code_tables()

    # -- checks --------------------------------------------------------------------------------------
    def check(self, item: Received) -> tuple[str | None, Outlet | None, str | None]:
        """(reason to quarantine or None, the outlet, the reading kind or None for non-data frames)."""
        packet = item.packet
        if packet is None:
            return "not an HJ 212 frame", None, None
        outlet = self.registry.outlet_by_mn(packet.mn) if packet.mn is not None else None
        variant = packet.crc_variant
        if variant is None:
            if packet.crc_stated is None:
                return "malformed: no CRC (" + ", ".join(packet.defects or ["no_frame"]) + ")", None, None
            expected = f"{packet.crc_computed:04X}" if packet.crc_computed is not None else "?"
            return f"CRC mismatch: stated {packet.crc_stated}, HJ 212 CRC is {expected}", None, None
        if variant is not CrcVariant.HJ212 and (outlet is None or variant.value not in outlet.crc_variants):
            who = f"MN {packet.mn}" if outlet is not None else "an unknown MN"
            return f"CRC is {variant.value}, not allowed for {who}", None, None
        bad = [d for d in packet.defects if d in MALFORMED]
        if bad:
            return "malformed: " + ", ".join(bad), None, None
        if outlet is None:
            return f"unknown MN {packet.mn!r}", None, None
        if packet.pw != outlet.pw:
            return f"wrong PW for MN {packet.mn}", None, None
        kind = KIND_BY_CN.get(packet.cn or "")
        if kind is not None and packet.data_time is None:
            return f"CN {packet.cn} without a valid DataTime", None, None
        return None, outlet, kind

    # -- frames --------------------------------------------------------------------------------------
    def accept(self, items: Sequence[Received]) -> list[Outcome]:
        """Validate and store ``items``; one outcome each, same order. Durable when it returns.

        ``accept([])`` stores nothing: it is the receiver's idle tick, in which the store checkpoints its
        write-ahead log (see :meth:`ultralow.store.Store.checkpoint_if_due`).
        """
        if not items:
            self.store.checkpoint_if_due(IDLE_CHECKPOINT_WAL_BYTES)
            return []
        outcomes: list[Outcome | None] = [None] * len(items)
        refused: list[tuple[int, QuarantineRow]] = []
        accepted: list[_Accepted] = []
        for index, item in enumerate(items):
            reason, outlet, kind = self.check(item)
            if reason is not None or outlet is None or item.packet is None:
                refused.append((index, QuarantineRow(item.received_at, item.source, item.peer, item.location,
                                                     reason or "refused", item.raw)))
            else:
                accepted.append(_Accepted(index, item, item.packet, outlet, kind))
        marks = self.store.watermarks
        with self.store.lock:
            con = self.store.con
            rows = [FrameRow(a.item.received_at, a.item.peer, a.packet.mn, a.packet.cn, a.packet.qn, a.item.raw,
                             a.packet.data_time.replace(tzinfo=None) if a.packet.data_time is not None else None)
                    for a in accepted]
            keys = [frame_key(row) for row in rows]
            # frames above everything the store holds for their MN need no lookup (Watermarks)
            clear = marks.frames_clear(con, [(k[1], row.qn, row.data_time) for k, row in zip(keys, rows, strict=True)
                                             if k is not None])
            stored = {} if clear else find_stored_frames(con, rows)
            new: list[tuple[_Accepted, FrameRow]] = []
            seen: dict[FrameKey, int] = {}
            frame_marks = FrameMarks()
            for a, row, key in zip(accepted, rows, keys, strict=True):
                if key is not None and key in stored:
                    outcomes[a.index] = Outcome("duplicate", None, 0, stored[key])
                elif key is not None and key in seen:
                    outcomes[a.index] = Outcome("duplicate", None, 0, -1 - seen[key])  # resolved below
                else:
                    if key is not None:
                        seen[key] = len(new)
                        frame_marks.add(key[1], row.qn, row.data_time)
                    new.append((a, row))
            with self.store.transaction():
                ids = append_frames(con, self.store.next_ids("raw_frames", len(new)), [row for _, row in new])
                buffer = RowBuffer()
                candidates: dict[int, int] = {}
                values_refused: list[QuarantineRow] = []
                for (a, _), frame_id in zip(new, ids, strict=True):
                    if a.kind is not None:
                        reasons: list[str] = []
                        candidates[frame_id] = buffer.add_packet(
                            a.packet, a.kind, a.outlet.id, a.outlet.utc_offset_min, a.item.source, frame_id,
                            a.item.received_at, self.tables, reasons,
                        )
                        values_refused.extend(  # the frame is stored; the values that cannot be read are not
                            QuarantineRow(a.item.received_at, a.item.source, a.item.peer, a.item.location,
                                          f"frame {frame_id}: {reason}", a.item.raw) for reason in reasons)
                written = write_readings(con, buffer.table(), by_frame=True, marks=marks, distinct=buffer.distinct)
                quarantined = [r for _, r in refused] + values_refused
                append_quarantine(con, self.store.next_ids("quarantine", len(quarantined)), quarantined)
            marks.raise_frames(frame_marks)  # committed: the bounds may rise
            marks.raise_readings(written.bounds)
        for (a, _), frame_id in zip(new, ids, strict=True):
            inserted = written.inserted_by_frame.get(frame_id, 0)
            duplicate = candidates.get(frame_id, 0) > 0 and inserted == 0
            outcomes[a.index] = Outcome("duplicate" if duplicate else "stored", None, inserted, frame_id)
        for index, outcome in enumerate(outcomes):
            if outcome is not None and outcome.frame_id is not None and outcome.frame_id < 0:
                outcomes[index] = Outcome("duplicate", None, 0, ids[-1 - outcome.frame_id])
        for index, refusal in refused:
            outcomes[index] = Outcome("quarantined", refusal.reason, 0, None)
        return [o for o in outcomes if o is not None]

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
        outlets = pa.table({
            "mn": [o.mn for o in self.registry.outlets],
            "outlet_id": [o.id for o in self.registry.outlets],
            "utc_offset_min": pa.array([o.utc_offset_min for o in self.registry.outlets], pa.int16()),
        })
        try:
            with self.store.transaction() as con:
                register(con, "_ul_outlets", outlets)
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
