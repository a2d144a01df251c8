"""The reply owed to an accepted frame, in the CRC variant its logger uses.

The codec's :func:`ultralow.hj212.reply_to` answers only frames whose CRC is the HJ 212 one. A logger
registered with ``crc_variants = ["modbus_hilo"]`` (or ``modbus_lohi``) computes that CRC on what it sends,
and such firmware checks what it receives with the same routine, so its 9014/9013 carries the same
variant; without a reply it would resend forever. The pipeline has already decided
that the variant is allowed for the MN before a reply is asked for.
"""

from __future__ import annotations

import dataclasses

from ultralow.hj212 import CrcVariant, Packet, reply_to
from ultralow.hj212.crc import crc_modbus, crc_text


def with_crc(framed: bytes, variant: CrcVariant) -> bytes:
    """``framed`` (``##LLLL<segment><CRC>\\r\\n`` with the HJ 212 CRC) with its CRC in ``variant``."""
    if variant is CrcVariant.HJ212:
        return framed
    segment = framed[6:-6]
    modbus = crc_modbus(segment)
    value = modbus if variant is CrcVariant.MODBUS_HILO else (modbus & 0xFF) << 8 | modbus >> 8
    return framed[:-6] + crc_text(value).encode("ascii") + b"\r\n"


def owed_reply(packet: Packet) -> bytes | None:
    """The 9014/9013 a platform owes for ``packet`` (accepted by the pipeline), framed in the packet's
    own CRC variant; None when no reply is owed."""
    variant = packet.crc_variant
    if variant is None or variant is CrcVariant.HJ212:
        return reply_to(packet)
    reply = reply_to(dataclasses.replace(packet, crc_variant=CrcVariant.HJ212))
    return with_crc(reply, variant) if reply is not None else None
