"""One local SparkSession for the whole test session (started only by tests that ask for it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from ultralow.cems.engine import spark_session

    session = spark_session("ultralow-tests")
    yield session
    session.stop()
