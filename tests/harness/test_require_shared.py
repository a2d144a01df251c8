"""The ``ULTRALOW_REQUIRE_SHARED`` switch of tests/conftest.py turns shared-folder skips into failures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


def _run(folder: Path, require: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ULTRALOW_REQUIRE_SHARED"}
    if require is not None:
        env["ULTRALOW_REQUIRE_SHARED"] = require
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_shared_skips_fail_only_when_required(tmp_path: Path) -> None:
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "test_probe.py").write_text(
        "import pytest\n\n"
        "def test_needs_shared():\n    pytest.skip('shared/reference/hj212-vectors.md not found')\n\n"
        "def test_other_skip():\n    pytest.skip('needs a GPU')\n", encoding="utf-8")
    quiet = _run(tmp_path, None)
    assert quiet.returncode == 0, quiet.stdout
    assert "2 skipped" in quiet.stdout
    strict = _run(tmp_path, "1")
    assert strict.returncode == 1, strict.stdout
    assert "1 failed" in strict.stdout and "1 skipped" in strict.stdout
    assert "ULTRALOW_REQUIRE_SHARED=1, but this test skipped" in strict.stdout
