"""Quarantine for unauthenticated traffic: samples per address, one counter row for the rest, a daily quota.

A frame from a registered logger that the pipeline refuses is evidence and is kept whole. Traffic that
cannot prove an identity (unknown MN, wrong PW, bad CRC, junk frames) is different: a stranger can send it
at line rate. Per address and window, the first few distinct frames are kept whole; identical resends
and everything past the samples are counted into one summary row per address and window, which holds the
count, the bytes, the reasons and the first and last of those frames (each cut to ``SAMPLE_BYTES``). All
raw bytes kept for unauthenticated traffic count against a daily quota; past it only counts are written.
Memory is bounded too: at most ``MAX_ADDRESSES`` windows are open, further addresses share one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from ultralow.receiver.limits import ReceiverLimits
from ultralow.store import QuarantineRow

SAMPLE_BYTES: Final = 2048  # of the first and last frame in a summary row
MAX_ADDRESSES: Final = 4096  # open windows; more addresses are counted under OTHER
MAX_DIGESTS: Final = 64  # distinct frames remembered per window for de-duplication
MAX_REASONS: Final = 16
OTHER: Final = "(other addresses)"
SUMMARY_SOURCE: Final = "tcp-summary"


@dataclass(slots=True)
class _Window:
    host: str
    opened_s: float
    samples: int = 0
    digests: set[bytes] = field(default_factory=set)
    count: int = 0  # frames counted, not kept whole
    size_bytes: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    first: tuple[datetime, bytes] | None = None
    last: tuple[datetime, bytes] | None = None


def _reason_kind(reason: str) -> str:
    """The reason without the frame-specific part (``unknown MN '…'`` → ``unknown MN``)."""
    for marker in (" '", ' "', ": stated", " for MN", " is not in the peers"):
        cut = reason.find(marker)
        if cut > 0:
            return reason[:cut]
    return reason[:80]


class QuarantineGate:
    """Decides, per unauthenticated frame, whether it is kept whole; gathers the rest into summaries."""

    def __init__(self, limits: ReceiverLimits) -> None:
        self.limits = limits
        self._windows: dict[str, _Window] = {}
        self._day: str | None = None
        self.quota_used_bytes = 0
        self.kept = 0
        self.counted = 0
        self.summaries = 0

    def offer(self, host: str, raw: bytes, reason: str, received_at: datetime, now_s: float, peer: str,
              location: str) -> QuarantineRow | None:
        """The row to write now for this frame, or None when it was only counted."""
        self._roll_day(received_at)
        window = self._window(host, now_s)
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        fresh = digest not in window.digests
        if fresh and window.samples < self.limits.quarantine_samples_per_address and \
                self.quota_used_bytes + len(raw) <= self.limits.quarantine_quota_bytes:
            window.samples += 1
            if len(window.digests) < MAX_DIGESTS:
                window.digests.add(digest)
            self.quota_used_bytes += len(raw)
            self.kept += 1
            return QuarantineRow(received_at, "tcp", peer, location, reason, raw)
        self.counted += 1
        window.count += 1
        window.size_bytes += len(raw)
        kind = _reason_kind(reason) + (" (repeated frame)" if not fresh else "")
        if kind in window.reasons or len(window.reasons) < MAX_REASONS:
            window.reasons[kind] += 1
        sample = (received_at, raw[:SAMPLE_BYTES])
        if window.first is None:
            window.first = sample
        else:
            window.last = sample
        return None

    def close_windows(self, now_s: float, every: bool = False) -> list[QuarantineRow]:
        """Summary rows of the windows that have run their time (``every``: all of them, at stop)."""
        rows: list[QuarantineRow] = []
        for host in [h for h, w in self._windows.items()
                     if every or now_s - w.opened_s >= self.limits.quarantine_window_s]:
            window = self._windows.pop(host)
            if window.count:
                rows.append(self._summary(window, now_s))
        return rows

    @property
    def open_windows(self) -> int:
        return len(self._windows)

    # -- internals -------------------------------------------------------------------------------
    def _window(self, host: str, now_s: float) -> _Window:
        window = self._windows.get(host)
        if window is None:
            if len(self._windows) >= MAX_ADDRESSES:
                host = OTHER
                window = self._windows.get(host)
            if window is None:
                window = self._windows[host] = _Window(host, now_s)
        return window

    def _roll_day(self, received_at: datetime) -> None:
        day = received_at.date().isoformat()
        if day != self._day:
            self._day = day
            self.quota_used_bytes = 0

    def _summary(self, window: _Window, now_s: float) -> QuarantineRow:
        if window.first is None:
            raise ValueError("a window with nothing counted has no summary")
        seconds = now_s - window.opened_s
        reasons = "; ".join(f"{kind} x{n}" for kind, n in window.reasons.most_common())
        first_at, first = window.first
        last_at, last = window.last or window.first
        raw = first + b"\n...\n" + last if window.last is not None else first
        quota = self.limits.quarantine_quota_bytes
        if self.quota_used_bytes + len(raw) > quota:
            raw, kept = b"", "quota of unauthenticated bytes used up: no sample kept"
        else:
            self.quota_used_bytes += len(raw)
            kept = (f"first ({first_at.isoformat(timespec='milliseconds')}) and last "
                    f"({last_at.isoformat(timespec='milliseconds')}) kept, {SAMPLE_BYTES} bytes at most each")
        self.summaries += 1
        reason = (f"rate-limited unauthenticated traffic from {window.host}: {window.count} frames, "
                  f"{window.size_bytes} bytes in {seconds:.0f} s beyond {window.samples} kept whole; {reasons}; {kept}")
        return QuarantineRow(last_at, SUMMARY_SOURCE, window.host, f"{window.host} summary", reason, raw)
