"""HJ 212 log files: one packet per line, as loggers and receivers write them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ultralow.hj212 import StreamFramer, decode_frame
from ultralow.ingest.received import Received

SOURCE = "hj212-file"


def parse_hj212_log(data: bytes, label: str, received_at: datetime) -> Iterator[Received]:
    """One :class:`Received` per frame found, located as ``label:line``.

    A line holding anything besides frames (junk, a cut packet without CRC) also yields an unframed item,
    so that it is quarantined rather than dropped. The line end is the file's, not the packet's, so each
    line is framed as if it ended with CR LF (the codec's framing, as in ``ultralow hj212 decode``).
    """
    for number, line in enumerate(data.split(b"\n"), start=1):
        line = line.rstrip(b"\r \t")
        if not line.strip():
            continue
        framer = StreamFramer()
        frames = [*framer.feed(line + b"\r\n"), *framer.flush()]
        location = f"{label}:{number}"
        for frame in frames:
            yield Received(frame.raw, decode_frame(frame), "file", received_at, SOURCE, location)
        if not frames or framer.junk_bytes:
            yield Received(line, None, "file", received_at, SOURCE, location)


def read_hj212_log(path: str | Path, received_at: datetime) -> list[Received]:
    """The frames of the log file at ``path`` (OSError when it cannot be read)."""
    return list(parse_hj212_log(Path(path).read_bytes(), str(path), received_at))
