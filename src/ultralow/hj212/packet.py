"""The decoded form of one HJ 212 packet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ultralow.hj212.cp import split_items
from ultralow.hj212.crc import CrcVariant

CHINA_TZ: Final = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class Flag:
    """The Flag field: bits ``V5..V0 D A`` (HJ 212-2017 Table 3)."""

    version: int
    split: bool
    ack: bool

    @classmethod
    def from_int(cls, value: int) -> Flag:
        return cls(version=value >> 2, split=bool(value & 2), ack=bool(value & 1))

    def to_int(self) -> int:
        return self.version << 2 | (2 if self.split else 0) | (1 if self.ack else 0)


FLAGS: Final = tuple(Flag.from_int(value) for value in range(256))  # immutable, shared by all packets


@dataclass(slots=True)
class Packet:
    """One frame, decoded leniently: every field that could be read, plus the defects found.

    Values are kept as the exact text sent; convert with :meth:`decimal` when a number is needed.
    """

    raw: bytes = b""
    segment: bytes = b""
    declared_length: int | None = None
    crc_stated: str | None = None
    crc_computed: int | None = None
    crc_variant: CrcVariant | None = None
    defects: list[str] = field(default_factory=list)
    header: list[tuple[str, str]] = field(default_factory=list)
    qn: str | None = None
    st: str | None = None
    cn: str | None = None
    pw: str | None = None
    mn: str | None = None
    flag: Flag | None = None
    pnum: int | None = None
    pno: int | None = None
    data_time: datetime | None = None
    globals: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    cp: str | None = None  # the CP body between ``CP=&&`` and ``&&`` (after decryption), None if absent
    # keys sent more than once → every value in order; ``values``/``globals`` keep the first
    repeated: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """A frame was found and its CRC matches the HJ 212 algorithm."""
        return self.crc_variant is CrcVariant.HJ212

    @property
    def version(self) -> int:
        """Protocol version from the Flag bits; a packet without Flag is treated as 2005 (0)."""
        return self.flag.version if self.flag is not None else 0

    @property
    def cp_items(self) -> list[tuple[str, str]]:
        """Every CP item in order, duplicates included (``values``/``globals`` keep the first)."""
        return split_items(self.cp)[0] if self.cp is not None else []

    @property
    def wants_ack(self) -> bool:
        return self.flag is not None and self.flag.ack

    def decimal(self, code: str, suffix: str) -> Decimal | None:
        """The value ``code-suffix`` as a Decimal; None when absent or not a number."""
        text = self.values.get(code, {}).get(suffix)
        if text is None:
            return None
        try:
            return Decimal(text.strip())
        except InvalidOperation:
            return None

    def to_json(self) -> dict[str, Any]:
        """The documented JSON form (``ultralow hj212 decode``)."""
        return {
            "ok": self.ok,
            "crc_variant": self.crc_variant.value if self.crc_variant is not None else None,
            "defects": list(self.defects),
            "qn": self.qn,
            "st": self.st,
            "cn": self.cn,
            "pw": self.pw,
            "mn": self.mn,
            "flag": (
                {"version": self.flag.version, "split": self.flag.split, "ack": self.flag.ack}
                if self.flag is not None
                else None
            ),
            "pnum": self.pnum,
            "pno": self.pno,
            "data_time": self.data_time.isoformat() if self.data_time is not None else None,
            "globals": dict(self.globals),
            "values": {code: dict(suffixes) for code, suffixes in self.values.items()},
            "repeated": {key: list(texts) for key, texts in self.repeated.items()},
        }
