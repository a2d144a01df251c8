"""The reading commands' DuckDB memory cap (ultralow.app.setup): the default cap while the engine runs, a
lower one while its tables are fetched into Arrow, the user's own cap left alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from ultralow.app import Application
from ultralow.app.setup import DEFAULT_READ_MEMORY, FETCH_READ_MEMORY, fetching, lift_memory_cap
from ultralow.registry import load_registry
from ultralow.store import Store, save_registry

ROOT = Path(__file__).resolve().parents[2]


def shown(size: str) -> str:
    """How DuckDB shows a memory_limit of ``size`` (it rounds to its own units: 1200MB is "1.1 GiB")."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{size}'")
    value = str(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
    con.close()
    return value


def limit(app: Application) -> str:
    return str(app.store.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        save_registry(store, load_registry(ROOT / "examples" / "ultralow.toml"))
    return path


def test_judging_fetches_under_the_lower_cap_and_restores_it(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ULTRALOW_DUCKDB_MEMORY", raising=False)
    seen: dict[str, str] = {}
    with Application.open(db) as app:
        assert limit(app) == shown(DEFAULT_READ_MEMORY)
        background = app.store.con.execute("SELECT current_setting('allocator_background_threads')").fetchall()
        assert background[0][0] is True  # memory DuckDB frees goes back to the system

        def progress(stage: str, _done: int, _total: int | None) -> None:
            seen.setdefault(stage, limit(app))

        app.judge(first=date(2025, 3, 3), last=date(2025, 3, 3), progress=progress)
        assert seen["engine"] == shown(DEFAULT_READ_MEMORY)
        assert seen["tables"] == shown(FETCH_READ_MEMORY)
        assert limit(app) == shown(DEFAULT_READ_MEMORY)  # back for whatever the command does next
        lift_memory_cap(app.store)
        with fetching(app.store):  # lifted: the fetch keeps DuckDB's own limit
            assert limit(app) != shown(FETCH_READ_MEMORY)


def test_a_users_cap_is_left_alone(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ULTRALOW_DUCKDB_MEMORY", "3GB")
    with Application.open(db) as app:
        with fetching(app.store):
            assert limit(app) == shown("3GB")
