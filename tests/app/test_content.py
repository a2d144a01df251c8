"""The store's content hash: the same facts give the same hash whenever they were stored; any changed fact
changes it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ultralow.app import Application
from ultralow.app.content import content_hash
from ultralow.cli import main

REGISTRY = """
[[bases]]
id = "sd"
name = "Shandong"
country = "CN"

[[outlets]]
id = "u1"
base = "sd"
name = "Unit 1"
mn = "MN0000000001"
pw = "123456"
source_type = "coal_boiler"
limit_sets = ["GB13223-2011"]
"""


def store_of(folder: Path, name: str, so2: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ultralow.toml").write_text(REGISTRY, encoding="utf-8")
    csv = folder / f"{name}.csv"
    csv.write_text("mn,data_time,code,value,flag\n"
                   f"MN0000000001,20250303100000,a21026,{so2},N\n"
                   "MN0000000001,20250303100100,a21026,21,N\n", encoding="utf-8")
    db = folder / f"{name}.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(csv), "--db", str(db), "--config",
                                       str(folder / "ultralow.toml")])
    assert result.exit_code == 0, result.stderr
    return db


def digest(db: Path) -> tuple[str, dict[str, tuple[int, int] | None]]:
    with Application.open(db) as app:
        h = content_hash(app.store)
    return h.sha256, h.tables


def test_same_facts_same_hash_and_a_changed_value_changes_it(tmp_path: Path) -> None:
    first, tables = digest(store_of(tmp_path / "a", "a", 20))
    again, _ = digest(store_of(tmp_path / "b", "a", 20))  # stored later (other received_at), same facts
    other, _ = digest(store_of(tmp_path / "c", "a", 20.5))
    assert first == again and first != other
    assert len(first) == 64
    assert tables["readings"] is not None and tables["readings"][0] == 2  # two minute readings
    assert tables["marks"] in (None, (0, 0))  # no marks: an empty table, or none in an older store (absent)
