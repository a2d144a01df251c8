"""HJ 212 log files: one packet per line, as loggers and receivers write them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ultralow.hj212 import decode_frame
from ultralow.hj212.log import read_log_lines
from ultralow.ingest.received import Received

SOURCE = "hj212-file"


def parse_hj212_log(data: bytes, label: str, received_at: datetime) -> Iterator[Received]:
    """One :class:`Received` per frame found, located as ``label:line``.

    A line holding anything besides frames (junk, a cut packet without CRC) also yields an unframed item,
    so that it is quarantined rather than dropped. Lines are framed by :func:`ultralow.hj212.log.read_log_lines`,
    the same path as ``ultralow hj212 decode``.
    """
    for line in read_log_lines(data):
        location = f"{label}:{line.number}"
        for frame in line.frames:
            yield Received(frame.raw, decode_frame(frame), "file", received_at, SOURCE, location)
        if line.junk:
            yield Received(line.text, None, "file", received_at, SOURCE, location)


def read_hj212_log(path: str | Path, received_at: datetime) -> list[Received]:
    """The frames of the log file at ``path`` (OSError when it cannot be read)."""
    return list(parse_hj212_log(Path(path).read_bytes(), str(path), received_at))
