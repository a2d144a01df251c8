"""``ultralow demo`` (serving) creates a dashboard login and prints it with the URL; the login works."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ops_helpers import Browserless

pytestmark = pytest.mark.slow
ENTRY = "from ultralow.cli import main; main()"
HINT = re.compile(r"dashboard: (http://127\.0\.0\.1:\d+)/ops/ \(login: (\S+) / (\S+), role admin\)")


def test_the_serving_demo_prints_a_login_that_works(tmp_path: Path) -> None:
    log = tmp_path / "demo.log"
    with log.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", ENTRY, "demo", "--days", "1", "--outlets", "1", "--db",
                                 str(tmp_path / "demo.duckdb"), "--hj212-port", "0", "--http-port", "0"],
                                cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 180
        found = None
        while found is None and time.monotonic() < deadline:
            found = HINT.search(log.read_text(encoding="utf-8", errors="replace"))
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
        assert found is not None, log.read_text()
        url, name, password = found.groups()
        user = Browserless(url)
        assert user.login(name, password).status_code == 303
        assert "Live stacks" in user.get("/ops/live").text
        assert user.get("/ops/audit").status_code == 200  # the demo login is an admin
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0, log.read_text()
