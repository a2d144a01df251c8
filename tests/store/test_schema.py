"""Store schema: versioned migrations on a real DuckDB file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from ultralow.store import LATEST_VERSION, MIGRATIONS, Store, StoreError, current_version, migrate


def test_new_store_has_every_migration(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        versions = [v for (v,) in store.con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
        tables = {t for (t,) in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    # versions are reserved per area, so gaps are fine: applied in order, each once
    assert versions == [m.version for m in MIGRATIONS] == sorted({m.version for m in MIGRATIONS})
    assert versions[-1] == LATEST_VERSION
    assert {"raw_frames", "readings", "quarantine", "registry", "schema_version", "readings_current"} <= tables


def test_migration_from_version_1_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    assert migrate(con, target=1) == [1]
    con.execute(
        "INSERT INTO readings VALUES ('o1', 'a21026', 'minute', TIMESTAMP '2025-03-03 10:00:00', 480, 0, 12.5, "
        "NULL, NULL, NULL, NULL, 'N', 'csv', NULL, TIMESTAMPTZ '2025-03-03 02:01:00+00')"
    )
    assert current_version(con) == 1
    con.close()

    with Store(path) as store:
        assert current_version(store.con) == LATEST_VERSION
        assert store.con.execute("SELECT count(*) FROM registry").fetchone() == (0,)
        # version 3 added raw_frames.data_time
        columns = [c for (c,) in store.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'raw_frames' ORDER BY ordinal_position"
        ).fetchall()]
        assert columns == ["frame_id", "received_at", "peer", "mn", "cn", "qn", "raw", "data_time"]
        assert store.con.execute("SELECT outlet_id, value, flag FROM readings_current").fetchall() == [
            ("o1", 12.5, "N")
        ]
    with Store(path) as store:  # opening again applies nothing more
        assert store.con.execute("SELECT count(*) FROM schema_version").fetchone() == (len(MIGRATIONS),)


def test_store_newer_than_the_software_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version VALUES (?, ?)", [LATEST_VERSION + 1, datetime.now(UTC)])
    con.close()
    with pytest.raises(RuntimeError, match="newer than this software"):
        Store(path)


def test_read_only_open_of_an_unmigrated_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=1)
    con.close()
    with pytest.raises(StoreError, match="old.duckdb: schema version 1"):
        Store(path, read_only=True)
