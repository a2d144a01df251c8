"""The live feed: the receiver's observer hook turned into server-sent events for every open live view.

``LiveFeed.observe`` runs on the receiver's event loop for every frame the store took, after its commit
and before its acknowledgement goes out; it turns the packet into one small JSON message and hands it to
each subscriber's queue on the subscriber's own loop (``call_soon_threadsafe``), so the receiver never
waits for a browser. A subscriber that falls behind by ``QUEUE_LIMIT`` messages is dropped (its browser
reconnects and reloads the state).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Protocol

from ultralow.hj212 import Packet
from ultralow.ingest import Outcome
from ultralow.registry import Registry

QUEUE_LIMIT: Final = 2000
PEER_REFRESH_S: Final = 2.0
KIND_BY_CN: Final = {"2011": ("rtd", "Rtd"), "2051": ("minute", "Avg"), "2061": ("hour", "Avg")}
CLOSED: Final = "closed"


class ReceiverView(Protocol):
    @property
    def connections(self) -> Any: ...


@dataclass(eq=False)
class Subscriber:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    dropped: bool = False

    def offer(self, text: str) -> None:
        """On the subscriber's loop."""
        if self.dropped:
            return
        if self.queue.full():
            self.dropped = True
            self.queue.get_nowait()
            self.queue.put_nowait(CLOSED)  # the stream ends; the browser reconnects
            return
        self.queue.put_nowait(text)


def _number(text: str | None) -> float | None:
    try:
        return None if text is None else float(text)
    except ValueError:
        return None


class LiveFeed:
    """Fan-out of packet messages and monitor messages (hours, alarms) to the live views."""

    def __init__(self, registry: Registry, receiver: ReceiverView | None = None) -> None:
        self.registry = registry
        self.receiver = receiver
        self.closed = False
        self._subscribers: set[Subscriber] = set()
        self._lock = threading.Lock()
        self._peers: dict[str, str] = {}
        self._peers_at = 0.0
        self.listeners: list[Callable[[str, datetime], None]] = []  # (outlet_id, data_time) of data packets
        self.devices: dict[str, dict[str, Any]] = {}  # outlet_id → last_packet_at, peer
        self.published = 0

    # -- the receiver side -----------------------------------------------------------------------
    def observe(self, packet: Packet, outcome: Outcome) -> None:
        """The receiver's observer: one ``values`` message per data packet of a registered outlet."""
        if packet.mn is None or packet.cn not in KIND_BY_CN:
            return
        outlet = self.registry.outlet_by_mn(packet.mn)
        if outlet is None:
            return
        kind, suffix = KIND_BY_CN[str(packet.cn)]
        values = {}
        for code, fields in packet.values.items():
            value = fields.get(suffix)
            if value is None and kind == "rtd":
                value = fields.get("Avg")
            values[code] = {"value": _number(value), "flag": fields.get("Flag")}
        received = datetime.now(UTC)
        device = {"last_packet_at": received.isoformat(timespec="seconds"), "peer": self.peer_of(packet.mn),
                  "connected": True}
        self.devices[outlet.id] = device
        if device["peer"] is None:  # a first frame: its connection learns the MN once the frame is settled
            try:
                asyncio.get_running_loop().call_soon(self._late_peer, outlet.id, packet.mn)
            except RuntimeError:
                pass
        data_time = packet.data_time  # the plant's clock time; the store keeps it without the offset
        if data_time is not None and data_time.tzinfo is not None:
            data_time = data_time.replace(tzinfo=None)
        self.publish({"type": "values", "outlet_id": outlet.id, "kind": kind, "cn": packet.cn, "qn": packet.qn,
                      "data_time": None if data_time is None else data_time.isoformat(), "values": values,
                      "device": device, "status": outcome.status, "sent_ms": time.time() * 1000.0})
        if data_time is not None and kind in ("rtd", "minute"):
            for listener in self.listeners:
                listener(outlet.id, data_time)

    def _late_peer(self, outlet_id: str, mn: str) -> None:
        self._peers_at = 0.0
        peer = self.peer_of(mn)
        if peer is not None:
            device = {**self.devices.get(outlet_id, {}), "peer": peer, "connected": True}
            self.devices[outlet_id] = device
            self.publish({"type": "device", "outlet_id": outlet_id, "device": device})

    def peer_of(self, mn: str) -> str | None:
        """The address of the connection an MN last sent on (from the receiver's connections)."""
        now = time.monotonic()
        if mn not in self._peers or now - self._peers_at > PEER_REFRESH_S:
            # called for a frame the store took: its connection may not count as authenticated until the
            # reply is settled, so every open connection that carried the MN counts here
            self._peers = self.connected(authenticated_only=False)
            self._peers_at = now
        return self._peers.get(mn)

    def connected(self, *, authenticated_only: bool = True) -> dict[str, str]:
        """MN → peer address of every open (authenticated) connection."""
        if self.receiver is None:
            return {}
        out: dict[str, str] = {}
        for _ in range(3):  # the set may change under us when called off the receiver's loop
            try:
                for conn in list(self.receiver.connections):
                    if (getattr(conn, "authenticated", False) or not authenticated_only) \
                            and getattr(conn, "close_reason", None) is None:
                        for mn in list(conn.sessions):
                            out[mn] = conn.peer
                return out
            except RuntimeError:
                continue
        return out

    # -- the browser side ------------------------------------------------------------------------
    def subscribe(self) -> Subscriber:
        sub = Subscriber(asyncio.get_running_loop())
        with self._lock:
            self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(sub)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def publish(self, message: dict[str, Any]) -> None:
        """Send ``message`` to every subscriber (from any thread)."""
        text = json.dumps(message, separators=(",", ":"), default=str)
        with self._lock:
            subs = list(self._subscribers)
        self.published += 1
        for sub in subs:
            try:
                sub.loop.call_soon_threadsafe(sub.offer, text)
            except RuntimeError:  # its loop is closed
                self.unsubscribe(sub)

    def close(self) -> None:
        """End every stream (before the web server waits for its connections to close)."""
        self.closed = True
        with self._lock:
            subs = list(self._subscribers)
        for sub in subs:
            try:
                sub.loop.call_soon_threadsafe(sub.offer, CLOSED)
            except RuntimeError:
                pass
