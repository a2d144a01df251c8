"""Start ``ultralow serve`` as a separate process and know when it listens (tests, benchmarks, tools).

A test harness, kept out of the runtime package; ``benchmarks/`` and ``tools/`` put this folder on their
import path.

The child's JSON-lines log goes to a file, never to a pipe nobody drains; the ``listening`` event there
gives the port it bound.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SERVE_ENTRY = "from ultralow.cli import main; main()"


class ServeProcess:
    """One ``ultralow serve`` child process."""

    def __init__(self, db: Path, config: Path, log: Path, port: int = 0, host: str = "127.0.0.1",
                 extra_args: tuple[str, ...] = ()) -> None:
        self.db = db
        self.config = config
        self.log = log
        self.host = host
        self.requested_port = port
        self.extra_args = extra_args
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    def start(self, timeout_s: float = 60.0) -> ServeProcess:
        """Start the process and wait for its ``listening`` event; RuntimeError if it exits or times out."""
        self._log_offset = self.log.stat().st_size if self.log.exists() else 0
        args = [sys.executable, "-c", SERVE_ENTRY, "serve", "--db", str(self.db), "--config", str(self.config),
                "--hj212-host", self.host, "--hj212-port", str(self.requested_port), *self.extra_args]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            event = self._find_event("listening")
            if event is not None:
                self.port = int(str(event["port"]))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"ultralow serve exited with {self.proc.returncode}: {self.tail()}")
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"ultralow serve did not listen within {timeout_s:g} s: {self.tail()}")

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise RuntimeError("ultralow serve was not started")
        return self.proc.pid

    def kill(self) -> int:
        """SIGKILL: no flush, no goodbye (a crash)."""
        return self._signal(signal.SIGKILL)

    def terminate(self, timeout_s: float = 60.0) -> int:
        """SIGTERM (graceful stop) and wait; the exit code."""
        return self._signal(signal.SIGTERM, timeout_s)

    def tail(self, lines: int = 20) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def events(self, name: str) -> list[dict[str, object]]:
        """Events of this start (not of earlier starts sharing the log file)."""
        with self.log.open("rb") as handle:
            handle.seek(self._log_offset)
            text = handle.read().decode("utf-8", errors="replace")
        out = []
        for line in text.splitlines():
            if line.startswith("{"):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if record.get("event") == name:
                    out.append(record)
        return out

    def _find_event(self, name: str) -> dict[str, object] | None:
        found = self.events(name)
        return found[0] if found else None

    def _signal(self, sig: signal.Signals, timeout_s: float = 30.0) -> int:
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
        return self.proc.wait(timeout=timeout_s)
