"""``serve --workers``: each worker enforces its share of the bounds that count one client's doings."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ultralow.receiver.limits import ReceiverLimits
from ultralow.receiver.pool import SHARED_BOUNDS, WorkerPool, worker_limits


def test_each_worker_enforces_its_share_rounded_up() -> None:
    limits = ReceiverLimits(max_connections=1001, max_unauthenticated_per_address=5, auth_failures_per_mn=1,
                            quarantine_quota_bytes=10_000_000)
    share = worker_limits(limits, 2)
    assert share.max_connections == 501  # ceil(1001 / 2)
    assert share.max_unauthenticated_per_address == 3  # ceil(5 / 2): two workers hold at most 6
    assert share.auth_failures_per_mn == 1  # never below one
    assert share.quarantine_quota_bytes == 5_000_000
    # everything else (deadlines, timeouts, sizes) is the same in every worker
    untouched = [name for name in ReceiverLimits.__dataclass_fields__ if name not in SHARED_BOUNDS]
    assert all(getattr(share, name) == getattr(limits, name) for name in untouched)


def test_a_pool_has_at_least_two_workers() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        WorkerPool(None, "127.0.0.1", 0, ReceiverLimits(), None, 1)  # type: ignore[arg-type]


def test_a_worker_process_pays_the_first_batchs_imports_before_it_serves() -> None:
    # a spawned worker imports this module, not the CLI: pyarrow's first conversion of a NumPy array
    # would import pandas inside the first batch (about 200 ms of every logger's first acknowledgement)
    code = ("import sys; import ultralow.receiver.pool as pool; before = 'pandas' in sys.modules; "
            "pool.warm_up(); print(before, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["False", "True"]
