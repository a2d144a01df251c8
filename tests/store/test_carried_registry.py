"""A store carries the registry it was filled with."""

from __future__ import annotations

from pathlib import Path

import pytest

from ultralow.registry import RegistryError
from ultralow.store import Store, resolve_registry, stored_registry

TEXT = """\
[[bases]]
id = "b1"
name = "Base"
country = "CN"

[[outlets]]
id = "o1"
base = "b1"
name = "Stack"
mn = "MN1"
pw = "123456"
source_type = "potline"
limit_sets = []
"""


def test_config_file_is_kept_in_the_store_and_used_when_absent(tmp_path: Path) -> None:
    config = tmp_path / "ultralow.toml"
    config.write_text(TEXT, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        assert resolve_registry(config, store).outlet("o1").mn == "MN1"
        resolve_registry(config, store)  # same text: no second version
        assert store.con.execute("SELECT count(*) FROM registry").fetchone() == (1,)
        config.write_text(TEXT.replace("MN1", "MN2"), encoding="utf-8")
        resolve_registry(config, store)
        assert store.con.execute("SELECT max(version) FROM registry").fetchone() == (2,)
    config.unlink()
    with Store(tmp_path / "s.duckdb") as store:
        carried = resolve_registry(config, store)
        assert carried.outlet("o1").mn == "MN2"
        stored = stored_registry(store)
        assert stored is not None and stored.text == carried.text


def test_no_config_and_no_carried_registry(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(RegistryError) as caught:
        resolve_registry(tmp_path / "ultralow.toml", store)
    assert "ultralow.toml:0: file: not found, and the store" in caught.value.problems[0]
