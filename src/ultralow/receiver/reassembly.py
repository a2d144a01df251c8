"""Sub-packet sets (Flag D, PNUM/PNO; HJ 212-2017 C.47-C.50) gathered by (MN, CN, DataTime).

Each sub-packet is stored and acknowledged on its own as soon as it is durable (a logger may wait for the
9014 of PNO 1 before it sends PNO 2); this module follows each set to completion, merges the parsed
fields (never the CP text) and reports sets that stay incomplete past a timeout. Pure: the caller
passes the clock.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from ultralow.hj212 import Packet

SetKey = tuple[str, str, str]  # (MN, CN, DataTime text)


@dataclass(slots=True)
class SubPacketSet:
    """The sub-packets of one split upload seen so far."""

    key: SetKey
    pnum: int
    first_seen_s: float
    parts: dict[int, Packet] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return all(number in self.parts for number in range(1, self.pnum + 1))

    @property
    def missing(self) -> list[int]:
        return [number for number in range(1, self.pnum + 1) if number not in self.parts]

    def merged_values(self) -> dict[str, dict[str, str]]:
        """Factor code -> suffix -> text over all parts in PNO order (the first text of a suffix wins)."""
        merged: dict[str, dict[str, str]] = {}
        for number in sorted(self.parts):
            for code, suffixes in self.parts[number].values.items():
                slot = merged.setdefault(code, {})
                for suffix, text in suffixes.items():
                    slot.setdefault(suffix, text)
        return merged

    def split_factors(self) -> list[str]:
        """Codes whose items arrived in more than one sub-packet (an encoder that cut a factor apart)."""
        seen: dict[str, int] = {}
        for part in self.parts.values():
            for code in part.values:
                seen[code] = seen.get(code, 0) + 1
        return sorted(code for code, count in seen.items() if count > 1)


def set_key(packet: Packet) -> SetKey | None:
    """The set a sub-packet belongs to, or None when the packet is not a usable sub-packet."""
    if packet.flag is None or not packet.flag.split or packet.pnum is None or packet.pno is None:
        return None
    if not 1 <= packet.pno <= packet.pnum:
        return None
    return (packet.mn or "", packet.cn or "", packet.globals.get("DataTime", "").strip())


class SubPacketAssembler:
    """Open sets by key, oldest first; at most ``max_open`` sets are held (the oldest is dropped)."""

    def __init__(self, timeout_s: float, max_open: int = 10_000) -> None:
        self.timeout_s = timeout_s
        self.max_open = max_open
        self._open: OrderedDict[SetKey, SubPacketSet] = OrderedDict()

    @property
    def open_sets(self) -> int:
        return len(self._open)

    def add(self, packet: Packet, now_s: float) -> tuple[SubPacketSet | None, list[SubPacketSet]]:
        """Record one stored sub-packet.

        Returns the set if this packet completed it, and the sets pushed out to respect ``max_open``.
        A resent part replaces the earlier copy; a PNUM that changes within a set starts the set anew.
        """
        key = set_key(packet)
        if key is None:
            return None, []
        assert packet.pnum is not None and packet.pno is not None  # checked by set_key
        current = self._open.get(key)
        if current is None or current.pnum != packet.pnum:
            current = SubPacketSet(key, packet.pnum, now_s)
            self._open[key] = current
            self._open.move_to_end(key)
        current.parts[packet.pno] = packet
        if current.complete:
            del self._open[key]
            return current, []
        dropped: list[SubPacketSet] = []
        while len(self._open) > self.max_open:
            dropped.append(self._open.popitem(last=False)[1])
        return None, dropped

    def expire(self, now_s: float) -> list[SubPacketSet]:
        """Remove and return the sets still incomplete ``timeout_s`` after their first part."""
        expired: list[SubPacketSet] = []
        while self._open:
            key, oldest = next(iter(self._open.items()))
            if now_s - oldest.first_seen_s < self.timeout_s:
                break
            del self._open[key]
            expired.append(oldest)
        return expired
