"""Suite-wide switches.

``ULTRALOW_REQUIRE_SHARED=1`` (set by ``.ci/run``): a test that skips because the shared folder beside the
checkout (``../shared``: reference vectors, corpus) is missing fails instead, so that CI cannot pass
silently without the data those tests check against. A skip counts as shared-dependent when its reason
mentions "shared".
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

REQUIRE_SHARED_ENV = "ULTRALOW_REQUIRE_SHARED"


def require_shared() -> bool:
    return os.environ.get(REQUIRE_SHARED_ENV, "") not in ("", "0")


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.skipped and require_shared() and "shared" in _reason(report).lower():
        report.outcome = "failed"
        report.longrepr = f"{REQUIRE_SHARED_ENV}=1, but this test skipped: {_reason(report)}"
