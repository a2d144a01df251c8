"""The outlets of the registry with their data-logger identity and what the store last heard from them.

``last_frame_at`` is the receive time (UTC) of the newest HJ 212 frame from the outlet's MN in
``raw_frames``; ``last_data_time`` the newest plant-local data time of its current readings (any kind,
from the receiver or from files). ``online`` is only known while a receiver runs: true when a frame came
in within the online window, false otherwise, null when no receiver is known to run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

import pyarrow as pa

from ultralow.registry import Registry
from ultralow.store import Store

ONLINE_WINDOW_S: Final = 300  # a logger uploads minute data every minute; five missed minutes is offline

STATUS_SCHEMA: Final = pa.schema([
    ("outlet_id", pa.string()),
    ("base", pa.string()),
    ("name", pa.string()),
    ("source_type", pa.string()),
    ("mn", pa.string()),
    ("limit_sets", pa.list_(pa.string())),
    ("last_frame_at", pa.timestamp("us", tz="UTC")),
    ("last_data_time", pa.timestamp("us")),
    ("utc_offset_min", pa.int16()),
    ("online", pa.bool_()),
])


def outlets_status(store: Store, registry: Registry, *, now: datetime | None = None,
                   receiver_running: bool | None = None, online_window_s: int = ONLINE_WINDOW_S) -> pa.Table:
    """One row per registry outlet (registry order), see the module docstring."""
    with store.lock:
        store.con.complete()
        frames = dict(store.con.execute(
            "SELECT mn, max(received_at) FROM raw_frames WHERE mn IS NOT NULL GROUP BY mn").fetchall())
        data = dict(store.con.execute(
            "SELECT outlet_id, max(data_time) FROM readings GROUP BY outlet_id").fetchall())
    now = now or datetime.now(UTC)
    window = timedelta(seconds=online_window_s)
    rows = []
    for o in registry.outlets:
        last_frame = frames.get(o.mn)
        if last_frame is not None and last_frame.tzinfo is None:
            last_frame = last_frame.replace(tzinfo=UTC)
        online: bool | None = None
        if receiver_running is not None:
            online = bool(receiver_running and last_frame is not None and now - last_frame <= window)
        rows.append({"outlet_id": o.id, "base": o.base, "name": o.name, "source_type": o.source_type, "mn": o.mn,
                     "limit_sets": list(o.limit_sets), "last_frame_at": last_frame,
                     "last_data_time": data.get(o.id), "utc_offset_min": o.utc_offset_min, "online": online})
    return pa.Table.from_pylist(rows, schema=STATUS_SCHEMA)
