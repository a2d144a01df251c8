"""What a transport hands to the pipeline, and what the pipeline answers for each item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ultralow.hj212 import Packet

Status = Literal["stored", "duplicate", "quarantined"]


@dataclass(frozen=True, slots=True)
class Received:
    """One frame as it arrived: its bytes, the decoded packet (None: the bytes could not be framed),
    the peer (``host:port`` or ``file``), the aware receive time, the transport (``tcp``, ``hj212-file``)
    and where it was found (``file:line`` or ``peer@offset``)."""

    raw: bytes
    packet: Packet | None
    peer: str
    received_at: datetime
    source: str
    location: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """The pipeline's answer for one item: ``stored`` or ``duplicate`` (both durable, acknowledge them)
    or ``quarantined`` (with ``reason``); ``rows`` readings written; ``frame_id`` of the raw frame."""

    status: Status
    reason: str | None = None
    rows: int = 0
    frame_id: int | None = None

    @property
    def acknowledge(self) -> bool:
        return self.status != "quarantined"
