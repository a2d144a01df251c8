"""The half of the pipeline that needs no store: check each received frame and build its readings.

:func:`prepare` does all the per-frame Python work of :meth:`ultralow.ingest.Pipeline.accept` (the checks
against the registry, one row per factor) and hands :meth:`ultralow.ingest.Pipeline.commit` a
:class:`PreparedBatch`: the frames to store and their candidate readings, each as one Arrow table (columnar
end to end: the writer dedupes and appends them with a few vectorised statements). It is picklable, so the receiver's worker processes (``ultralow serve --workers``) prepare batches
in parallel and the one process that holds the store only commits them.

Readings are built for every accepted frame before the store has said which are duplicates: their
``frame_id`` column holds the frame's position among the batch's accepted frames, which the commit maps to
the ids it assigns (and drops the rows of frames found to be duplicates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ultralow.hj212 import CodeTables, CrcVariant
from ultralow.ingest.packet_rows import KIND_BY_CN, RowBuffer
from ultralow.ingest.received import Received
from ultralow.registry import Outlet, Registry
from ultralow.store import CANDIDATE_SCHEMA, QuarantineRow
from ultralow.store.frames import FRAME_COLUMNS, frame_table
from ultralow.store.watermarks import FrameRanges

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


def check(registry: Registry, item: Received) -> tuple[str | None, Outlet | None, str | None]:
    """(reason to quarantine or None, the outlet, the reading kind or None for non-data frames)."""
    packet = item.packet
    if packet is None:
        return "not an HJ 212 frame", None, None
    outlet = registry.outlet_by_mn(packet.mn) if packet.mn is not None else None
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


@dataclass(slots=True)
class PreparedBatch:
    """``count`` received items, checked: the refused ones as quarantine rows, the accepted ones as frames
    (``positions``: their index among the items; ``frames``: one FRAME_COLUMNS row each, in that order)
    with their candidate readings."""

    count: int
    refused: list[tuple[int, QuarantineRow]] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    frames: pa.Table = field(default_factory=FRAME_COLUMNS.empty_table)
    sources: list[str] = field(default_factory=list)
    locations: list[str | None] = field(default_factory=list)
    # rows per accepted frame (0: not a data frame, or none of its values readable)
    candidates: list[int] = field(default_factory=list)
    # (accepted position, reason): values of a stored frame that cannot be read, quarantined with it
    value_refusals: list[tuple[int, str]] = field(default_factory=list)
    readings: pa.Table = field(default_factory=CANDIDATE_SCHEMA.empty_table)
    distinct: bool = True
    # earliest and latest data_time (µs) per (outlet_id, kind) of the readings, for the store's watermarks
    ranges: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    # per MN, the QN and DataTime ranges of the keyed frames, for the store's frame Watermarks
    frame_ranges: FrameRanges = field(default_factory=FrameRanges)

    @property
    def accepted(self) -> int:
        return len(self.positions)

    @staticmethod
    def concat(batches: Sequence[PreparedBatch]) -> PreparedBatch:
        """One batch of several (items and accepted frames renumbered in order)."""
        if len(batches) == 1:
            return batches[0]
        out = PreparedBatch(count=0)
        tables = []
        frames = []
        rows = 0  # readings so far
        for batch in batches:
            items, accepted = out.count, len(out.positions)
            out.refused += [(items + index, row) for index, row in batch.refused]
            out.positions += [items + index for index in batch.positions]
            frames.append(batch.frames)
            out.frame_ranges.merge(batch.frame_ranges)
            out.sources += batch.sources
            out.locations += batch.locations
            out.candidates += batch.candidates
            out.value_refusals += [(accepted + pos, reason) for pos, reason in batch.value_refusals]
            table = batch.readings
            if accepted and table.num_rows:
                column = table.schema.get_field_index("frame_id")
                table = table.set_column(column, "frame_id",
                                         pa.array(table["frame_id"].to_numpy() + accepted, pa.int64()))
            if rows and table.num_rows:  # arrival order across the batches: revisions follow it
                column = table.schema.get_field_index("seq")
                table = table.set_column(column, "seq", pa.array(table["seq"].to_numpy() + rows, pa.int64()))
            rows += table.num_rows
            tables.append(table)
            out.distinct = out.distinct and batch.distinct
            out.count += batch.count
            for group, (low, high) in batch.ranges.items():
                seen = out.ranges.get(group)
                if seen is None:
                    out.ranges[group] = (low, high)
                else:
                    # rows of two batches may share a key only within one (outlet_id, kind): an MN on two
                    # connections (two workers); then the writer checks
                    out.distinct = False
                    out.ranges[group] = (min(seen[0], low), max(seen[1], high))
        out.readings = pa.concat_tables(tables)
        out.frames = pa.concat_tables(frames)
        return out


def prepare(registry: Registry, tables: CodeTables, items: Sequence[Received]) -> PreparedBatch:
    """Check ``items`` and build the readings of the accepted data frames (no store needed)."""
    batch = PreparedBatch(count=len(items))
    buffer = RowBuffer()
    # the accepted frames' columns
    received: list[datetime] = []
    peers: list[str | None] = []
    mns: list[str | None] = []
    cns: list[str | None] = []
    qns: list[str | None] = []
    raws: list[bytes] = []
    data_times: list[datetime | None] = []
    frame_ranges = batch.frame_ranges
    for index, item in enumerate(items):
        reason, outlet, kind = check(registry, item)
        packet = item.packet
        if reason is not None or outlet is None or packet is None:
            batch.refused.append((index, QuarantineRow(item.received_at, item.source, item.peer, item.location,
                                                       reason or "refused", item.raw)))
            continue
        position = len(batch.positions)
        batch.positions.append(index)
        data_time: datetime | None = packet.data_time.replace(tzinfo=None) if packet.data_time is not None else None
        received.append(item.received_at)
        peers.append(item.peer)
        mns.append(packet.mn)
        cns.append(packet.cn)
        qns.append(packet.qn)
        raws.append(item.raw)
        data_times.append(data_time)
        frame_ranges.add(packet.mn, packet.qn, data_time)
        batch.sources.append(item.source)
        batch.locations.append(item.location)
        rows = 0
        if kind is not None:
            reasons: list[str] = []
            rows = buffer.add_packet(packet, kind, outlet.id, outlet.utc_offset_min, item.source, position,
                                     item.received_at, tables, reasons)
            batch.value_refusals += [(position, r) for r in reasons]
        batch.candidates.append(rows)
    batch.frames = frame_table(received, peers, mns, cns, qns, raws, data_times)
    if len(buffer):
        batch.readings = buffer.table()
        batch.ranges = buffer.ranges()
    batch.distinct = buffer.distinct
    return batch


def warm_up() -> None:
    """Pay the one-off costs of a process's first batch before it serves: pyarrow imports pandas on its
    first conversion of a NumPy array (about 200 ms) and sets up its hash kernels on the first
    ``count_distinct`` (about 60 ms). Paid by the first batch they held up every logger's first
    acknowledgement: the benchmark's first 2,000 acks waited 358-523 ms (median) against ~155 ms after."""
    pa.array(np.zeros(1))
    pc.count_distinct(pa.array([b""], pa.binary()))
    pa.array(["1"], pa.string()).cast(pa.float64())


def frame_id_map(accepted: int, new_positions: Sequence[int] | np.ndarray,
                 ids: Sequence[int] | np.ndarray) -> np.ndarray:
    """accepted position -> frame id assigned (-1: the frame was a duplicate and got none)."""
    mapping = np.full(accepted, -1, dtype=np.int64)
    if len(new_positions):
        mapping[np.asarray(new_positions, dtype=np.int64)] = np.asarray(ids, dtype=np.int64)
    return mapping


def readings_for(table: pa.Table, mapping: np.ndarray) -> pa.Table:
    """The readings of the frames that got an id, with that id as their ``frame_id``."""
    if table.num_rows == 0:
        return table
    ids = mapping[table["frame_id"].to_numpy()]
    keep = ids >= 0
    if not keep.all():
        table = table.filter(pa.array(keep))
        ids = ids[keep]
    column = table.schema.get_field_index("frame_id")
    return table.set_column(column, "frame_id", pa.array(ids, pa.int64()))
