"""Who may send: authentication of each frame against the registry, and back-off for password guessers.

A frame authenticates when its CRC verifies, its MN is registered, its PW is that outlet's and, when the
outlet lists ``peers``, the sending address is in one of them. Failed authentications are counted per
(address, MN) and per address over a sliding window; past either threshold the address is refused for a
back-off period that doubles with each further refusal (bounds in ``data/bounds.toml``). State is bounded:
at most ``MAX_TRACKED`` addresses are followed (the least recently failed are forgotten first).
"""

from __future__ import annotations

import ipaddress
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

from ultralow.hj212 import Packet
from ultralow.receiver.limits import ReceiverLimits
from ultralow.registry import Outlet, Registry

MAX_TRACKED: Final = 65_536  # addresses with failures or a back-off followed at once
MAX_TRACKED_MNS: Final = 64  # MNs followed per address (an MN-rotating guesser hits the address bound)

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Verdict:
    """``authenticated``: registered MN, right PW, allowed address. ``auth_failure``: the frame claimed an
    identity it could not prove (counted for back-off). ``reason``: why it is refused (None when it is
    authenticated; the pipeline may still refuse it for its content)."""

    authenticated: bool
    auth_failure: bool
    reason: str | None
    outlet: Outlet | None = None


def parse_peers(peers: Iterable[str]) -> tuple[IpNetwork, ...]:
    return tuple(ipaddress.ip_network(text, strict=False) for text in peers)


class Authenticator:
    """Checks frames against the registry (MN, PW, ``peers``); ``reason_of`` names other faults."""

    def __init__(self, registry: Registry, reason_of: Callable[[Packet], str | None]) -> None:
        self.registry = registry
        self.reason_of = reason_of
        self._peers: dict[str, tuple[IpNetwork, ...]] = {
            o.mn: parse_peers(o.peers) for o in registry.outlets if o.peers
        }

    def verdict(self, packet: Packet, host: str) -> Verdict:
        if packet.crc_variant is None or packet.mn is None:  # no identity can be read from it
            return Verdict(False, False, self.reason_of(packet) or "not authenticated")
        outlet = self.registry.outlet_by_mn(packet.mn)
        if outlet is None:
            return Verdict(False, True, f"unknown MN {packet.mn!r}")
        if packet.pw != outlet.pw:
            return Verdict(False, True, f"wrong PW for MN {packet.mn}")
        allowed = self._peers.get(outlet.mn)
        if allowed is not None and not _in_networks(host, allowed):
            return Verdict(False, True, f"address {host} is not in the peers of outlet {outlet.id}")
        return Verdict(True, False, None, outlet)


def _in_networks(host: str, networks: tuple[IpNetwork, ...]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


@dataclass(slots=True)
class _Address:
    failures: deque[float] = field(default_factory=deque)  # times of failures over all MNs
    by_mn: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)
    strikes: int = 0  # back-off periods given so far
    banned_until_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Backoff:
    """A refusal period that just started for ``host``."""

    host: str
    mn: str
    failures: int
    seconds: float
    strikes: int


class Backoffs:
    """Failed-authentication counts and back-off periods per address (the caller passes the clock)."""

    def __init__(self, limits: ReceiverLimits) -> None:
        self.limits = limits
        self._addresses: OrderedDict[str, _Address] = OrderedDict()
        self.failures = 0
        self.backoffs = 0
        self.refused_connections = 0

    def banned_for(self, host: str, now_s: float) -> float:
        """Seconds left of ``host``'s refusal period (0: not refused)."""
        state = self._addresses.get(host)
        return max(0.0, state.banned_until_s - now_s) if state is not None else 0.0

    def failed(self, host: str, mn: str, now_s: float) -> Backoff | None:
        """Count one failed authentication; the back-off it starts, if it crosses a threshold."""
        self.failures += 1
        limits = self.limits
        state = self._addresses.pop(host, None) or _Address()
        self._addresses[host] = state  # most recent last
        while len(self._addresses) > MAX_TRACKED:
            self._addresses.popitem(last=False)
        horizon = now_s - limits.auth_failure_window_s
        state.failures.append(now_s)
        while state.failures and state.failures[0] < horizon:
            state.failures.popleft()
        per_mn = state.by_mn.pop(mn, None) or deque()
        state.by_mn[mn] = per_mn
        while len(state.by_mn) > MAX_TRACKED_MNS:
            state.by_mn.popitem(last=False)
        per_mn.append(now_s)
        while per_mn and per_mn[0] < horizon:
            per_mn.popleft()
        if state.banned_until_s > now_s:
            return None
        if len(per_mn) < limits.auth_failures_per_mn and len(state.failures) < limits.auth_failures_per_address:
            return None
        seconds = min(limits.auth_backoff_max_s, limits.auth_backoff_s * 2 ** min(state.strikes, 30))
        state.strikes += 1
        state.banned_until_s = now_s + seconds
        count = len(state.failures)
        state.failures.clear()
        state.by_mn.clear()
        self.backoffs += 1
        return Backoff(host, mn, count, seconds, state.strikes)

    def expire(self, now_s: float) -> None:
        """Forget addresses with no failure within the window and no refusal running (strikes are kept
        while a back-off period is at most the longest one old, so a returning guesser waits longer)."""
        horizon = now_s - max(self.limits.auth_failure_window_s, self.limits.auth_backoff_max_s)
        stale = [host for host, state in self._addresses.items()
                 if state.banned_until_s < horizon and (not state.failures or state.failures[-1] < horizon)]
        for host in stale:
            del self._addresses[host]

    @property
    def refusing(self) -> int:
        """Addresses being tracked (with failures or a back-off)."""
        return len(self._addresses)
