"""Sub-packet sets (Flag D, PNUM/PNO; HJ 212-2017 C.47-C.50) gathered by (MN, CN, DataTime).

Each sub-packet is stored and acknowledged on its own as soon as it is durable (a logger may wait for the
9014 of PNO 1 before it sends PNO 2); this module follows each set to completion, merges the parsed
fields (never the CP text) and reports sets that stay incomplete past a timeout. Pure: the caller
passes the clock.

Nothing here costs in proportion to a number the sender states: a set holds only the parts that arrived,
completion is a count, and the missing parts are summarised as a count and the first few ranges
(:meth:`SubPacketSet.missing_summary`), never listed.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from ultralow.hj212 import Packet

SetKey = tuple[str, str, str]  # (MN, CN, DataTime text)
MISSING_RANGES_SHOWN = 8


@dataclass(slots=True)
class SubPacketSet:
    """The sub-packets of one split upload seen so far."""

    key: SetKey
    pnum: int
    first_seen_s: float
    parts: dict[int, Packet] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return len(self.parts) == self.pnum  # parts are keyed by PNO in 1..PNUM (set_key checks it)

    def missing_summary(self, max_ranges: int = MISSING_RANGES_SHOWN) -> dict[str, object]:
        """The missing part numbers as ``{"count", "ranges": [[first, last], ...], "more_ranges"}``: the
        first ``max_ranges`` gaps, in time and space proportional to the parts received, not to PNUM."""
        ranges: list[list[int]] = []
        more = False
        expected = 1
        for number in [*sorted(self.parts), self.pnum + 1]:
            if number > expected:
                if len(ranges) < max_ranges:
                    ranges.append([expected, number - 1])
                else:
                    more = True
                    break
            expected = number + 1
        return {"count": self.pnum - len(self.parts), "ranges": ranges, "more_ranges": more}

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


def set_key(packet: Packet, max_pnum: int | None = None) -> SetKey | None:
    """The set a sub-packet belongs to, or None when the packet is not a usable sub-packet (PNO outside
    1..PNUM, or PNUM above ``max_pnum``)."""
    if packet.flag is None or not packet.flag.split or packet.pnum is None or packet.pno is None:
        return None
    if not 1 <= packet.pno <= packet.pnum or (max_pnum is not None and packet.pnum > max_pnum):
        return None
    return (packet.mn or "", packet.cn or "", packet.globals.get("DataTime", "").strip())


class SubPacketAssembler:
    """Open sets by key, oldest first; at most ``max_open`` sets are held (the oldest is dropped)."""

    def __init__(self, timeout_s: float, max_open: int = 10_000, max_pnum: int | None = None) -> None:
        self.timeout_s = timeout_s
        self.max_open = max_open
        self.max_pnum = max_pnum
        self._open: OrderedDict[SetKey, SubPacketSet] = OrderedDict()

    @property
    def open_sets(self) -> int:
        return len(self._open)

    def add(self, packet: Packet, now_s: float) -> tuple[SubPacketSet | None, list[SubPacketSet]]:
        """Record one stored sub-packet.

        Returns the set if this packet completed it, and the sets pushed out to respect ``max_open``.
        A resent part replaces the earlier copy; a PNUM that changes within a set starts the set anew.
        """
        key = set_key(packet, self.max_pnum)
        if key is None or packet.pnum is None or packet.pno is None:  # set_key checked both
            return None, []
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
