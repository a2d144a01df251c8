"""Structured logs: one JSON object per line, rate-limited per event name."""

from __future__ import annotations

import io
import json

from ultralow.receiver.events import EventLog


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_events_are_json_lines_and_limited_per_name_and_second() -> None:
    stream = io.StringIO()
    clock = Clock()
    log = EventLog(stream=stream, per_second=2, clock=clock)
    for i in range(5):
        log.emit("quarantine", peer="127.0.0.1:5000", n=i)
    log.emit("connect", peer="127.0.0.1:5001")  # another name has its own budget
    clock.now += 1.0
    log.emit("quarantine", peer="127.0.0.1:5000", n=5)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["event"], line.get("n")) for line in lines] == [
        ("quarantine", 0), ("quarantine", 1), ("connect", None), ("quarantine", 5)]
    assert lines[-1]["suppressed_before"] == 3  # n = 2, 3, 4 were counted, not written
    assert log.counts == {"quarantine": 6, "connect": 1}
    assert all("ts" in line for line in lines)
