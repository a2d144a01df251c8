"""The Store itself: the checkpoint setting it applies and the checkpoint it runs on request."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ultralow.store import Store
from ultralow.store.frames import FrameRow, append_frames
from ultralow.store.store import WAL_CHECKPOINT_BYTES


def test_a_writable_store_checkpoints_only_past_its_wal_limit(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        setting = store.con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()
        assert WAL_CHECKPOINT_BYTES == 256 * 2**20 and setting == ("256.0 MiB",)


def test_checkpoint_if_due_moves_the_wal_into_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    frames = [FrameRow(datetime(2025, 3, 3, 2, 0, tzinfo=UTC), "peer", "MN1", "2051", f"q{i:05d}", b"x" * 1000)
              for i in range(300)]
    with Store(path) as store:
        with store.transaction() as con:
            append_frames(con, 1, frames)
        wal = store.wal_bytes
        assert wal > 300 * 1000  # the committed frames are in the WAL (300 x 1,000 bytes of raw alone)
        assert not store.checkpoint_if_due(wal + 1)  # below the asked size: nothing done
        assert store.wal_bytes == wal
        assert store.checkpoint_if_due(1)
        assert store.wal_bytes == 0
        assert not store.checkpoint_if_due(1)
        assert store.con.execute("SELECT count(*), sum(octet_length(raw)) FROM raw_frames").fetchone() == (300, 300_000)
