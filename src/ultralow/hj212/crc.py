"""CRC of HJ 212 data segments (HJ 212-2017 Appendix A) and the Modbus variants seen in the wild.

The HJ 212 update rule is ``crc = T[(crc >> 8) ^ byte]`` with ``T`` the CRC-16/ARC table: only the high
byte of the register survives each step.  That 8-bit state evolves linearly, ``h' = L(h ^ byte)`` with
``L(x) = T[x] >> 8``, so the state after ``n`` bytes is an XOR of per-position table look-ups.  This
lets us compute the CRC of a whole segment with a few NumPy operations instead of a Python loop.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

import numpy as np
import numpy.typing as npt

MAX_SEGMENT_BYTES: Final = 9999  # the LLLL field has four decimal digits


def _arc_table() -> list[int]:
    table = []
    for byte in range(256):
        reg = byte
        for _ in range(8):
            reg = (reg >> 1) ^ 0xA001 if reg & 1 else reg >> 1
        table.append(reg)
    return table


ARC_TABLE: Final[tuple[int, ...]] = tuple(_arc_table())
_ARC = np.array(ARC_TABLE, dtype=np.uint16)
_L = (_ARC >> 8).astype(np.uint8)


def _power_tables(limit: int) -> npt.NDArray[np.uint8]:
    """Row ``k`` maps a byte ``v`` to ``L^k(v)`` (``L`` applied k times)."""
    powers = np.empty((limit + 1, 256), dtype=np.uint8)
    powers[0] = np.arange(256, dtype=np.uint8)
    for k in range(1, limit + 1):
        powers[k] = _L[powers[k - 1]]
    return powers


_POW = _power_tables(MAX_SEGMENT_BYTES + 1)
_POW_FLAT = _POW.reshape(-1)
# The last m entries are the flat row starts of L^m .. L^1: byte i of m contributes L^(m - i).
_ROW_OFFSETS = np.arange(MAX_SEGMENT_BYTES + 1, 0, -1, dtype=np.int64) * 256


class CrcVariant(str, Enum):
    """Which CRC rule a stated CRC text matches."""

    HJ212 = "hj212"
    MODBUS_HILO = "modbus_hilo"
    MODBUS_LOHI = "modbus_lohi"


def crc_hj212(data: bytes) -> int:
    """HJ 212 CRC of ``data`` (the data segment as UTF-8 bytes). Empty input gives 0xFFFF."""
    n = len(data)
    if n == 0:
        return 0xFFFF
    if n > MAX_SEGMENT_BYTES + 1:
        return crc_hj212_reference(data)
    arr = np.frombuffer(data, dtype=np.uint8, count=n - 1)
    # state after n-1 bytes: L^(n-1)(0xFF) xor XOR_i L^(n-1-i)(b_i)
    rows = _ROW_OFFSETS[MAX_SEGMENT_BYTES + 1 - (n - 1):] if n > 1 else _ROW_OFFSETS[:0]
    state = int(_POW[n - 1, 0xFF])
    if n > 1:
        state ^= int(np.bitwise_xor.reduce(_POW_FLAT[rows + arr]))
    return ARC_TABLE[state ^ data[-1]]


def crc_hj212_reference(data: bytes) -> int:
    """Table-driven per-byte HJ 212 CRC: the plain form of the standard's algorithm."""
    crc = 0xFFFF
    for byte in data:
        crc = ARC_TABLE[(crc >> 8) ^ byte]
    return crc


def crc_modbus(data: bytes) -> int:
    """CRC-16/MODBUS (``crc ^= byte``), which some devices send instead of the HJ 212 CRC."""
    crc = 0xFFFF
    for byte in data:
        crc = (crc >> 8) ^ ARC_TABLE[(crc ^ byte) & 0xFF]
    return crc


def crc_text(crc: int) -> str:
    """Four upper-case hex digits, high byte first (HJ 212-2017 Appendix A)."""
    return f"{crc:04X}"


def match_variant(data: bytes, stated: str, hj212_crc: int | None = None) -> CrcVariant | None:
    """Which rule the stated CRC text matches, compared case-insensitively; None when none does."""
    try:
        value = int(stated, 16)
    except ValueError:
        return None
    if len(stated) != 4:
        return None
    if value == (crc_hj212(data) if hj212_crc is None else hj212_crc):
        return CrcVariant.HJ212
    modbus = crc_modbus(data)
    if value == modbus:
        return CrcVariant.MODBUS_HILO
    if value == ((modbus & 0xFF) << 8 | modbus >> 8):
        return CrcVariant.MODBUS_LOHI
    return None
