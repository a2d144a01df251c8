"""HJ 212 log files: one packet per line, as loggers and receivers write them.

The one framing path for ``ultralow hj212 decode`` and ``ultralow ingest``: a line end belongs to the
file, not to the packet, so every line is cut at its LF, stripped of the CRs and blanks a writer added
(``\\r\\n``, ``\\r\\r\\n`` from a text-mode write of a CR LF packet, trailing spaces) and framed as if it
ended with the standard's CR LF.  Several frames glued on one line are still found (LLLL is trusted).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ultralow.hj212.framing import Frame, StreamFramer


@dataclass(frozen=True, slots=True)
class LogLine:
    """One non-blank line of a log: its number (1-based), its text, the frames in it, and whether
    anything besides frames was on it (junk, or a line with no ``##`` at all)."""

    number: int
    text: bytes
    frames: list[Frame]
    junk: bool


def read_log_lines(data: bytes) -> Iterator[LogLine]:
    """Every non-blank line of ``data`` with the frames found on it."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        line = line.rstrip(b"\r \t")
        if not line.strip():
            continue
        framer = StreamFramer()
        frames = [*framer.feed(line + b"\r\n"), *framer.flush()]
        yield LogLine(number, line, frames, not frames or framer.junk_bytes > 0)
