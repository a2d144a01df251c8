"""Fixtures for the ingest tests: a small registry, a real store file, a pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ingest_support import REGISTRY

from ultralow.ingest import Pipeline
from ultralow.registry import Registry, parse_registry
from ultralow.store import Store


@pytest.fixture
def registry() -> Registry:
    return parse_registry(REGISTRY, "test-registry.toml")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "ingest.duckdb"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    with Store(store_path) as s:
        yield s


@pytest.fixture
def pipeline(store: Store, registry: Registry) -> Pipeline:
    return Pipeline(store, registry)

