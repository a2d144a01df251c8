"""Decode framed HJ 212 packets into :class:`Packet` objects, leniently.

Anything a lenient reader can still use is decoded and the problem is recorded as a defect string;
nothing here raises on bad input.  Defect names:

``no_frame`` ``truncated`` ``missing_terminator`` ``lf_only`` ``trailing_whitespace`` ``length_mismatch``
``unpadded_length`` ``missing_length`` ``oversize_segment`` ``crc_malformed`` ``crc_mismatch``
``invalid_utf8`` ``missing_qn`` ``qn_empty`` ``qn_epoch_ms`` ``qn_malformed`` ``missing_st`` ``missing_cn``
``missing_pw`` ``missing_mn`` ``missing_flag`` ``bad_flag`` ``split_without_pnum`` ``bad_pnum``
``bad_pno`` ``header_item_without_value`` ``duplicate_header_key`` ``missing_cp`` ``cp_unterminated``
``trailing_text`` ``cp_item_without_value`` ``duplicate_key`` ``bad_datatime``
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Final

from ultralow.hj212.crc import crc_hj212, match_variant
from ultralow.hj212.framing import Frame, split_frames
from ultralow.hj212.packet import CHINA_TZ, Flag, Packet

# A hook that turns an encrypted CP body into plain text (HJ 212-2025 devices may encrypt CP).
CpDecryptor = Callable[[Packet, str], str]

_HEADER_KEYS: Final = frozenset({"QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO"})
_INFO_ITEM: Final = re.compile(r"([^;,=]*)=(//.*?//(?=\s*(?:[;,]|$))|[^;,]*)", re.DOTALL)


def parse_data_time(text: str) -> datetime | None:
    """``YYYYMMDDhhmmss`` or ``YYYYMMDDhhmmsszzz`` as China local time (UTC+8); None if malformed."""
    text = text.strip()
    if len(text) not in (14, 17) or not text.isdigit():
        return None
    try:
        return datetime(
            int(text[0:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]),
            int(text[12:14]), int(text[14:17] or 0) * 1000, tzinfo=CHINA_TZ,
        )
    except ValueError:
        return None


def _split_cp(cp: str) -> tuple[list[tuple[str, str]], bool]:
    """CP items in order, and whether some text could not be read as ``key=value``."""
    items: list[tuple[str, str]] = []
    bad = False
    if "//" in cp:  # Info texts between // and // may hold ; , and = themselves
        pos = 0
        for match in _INFO_ITEM.finditer(cp):
            key = match.group(1).strip(" ;,")
            bad = bad or bool(cp[pos : match.start()].strip(" ;,")) or not key
            if key:
                items.append((key, match.group(2)))
            pos = match.end()
        return items, bad or bool(cp[pos:].strip(" ;,"))
    for group in cp.split(";"):
        for item in group.split(","):
            key, sep, value = item.partition("=")
            key = key.strip()
            if sep and key:
                items.append((key, value))
            elif item.strip():
                bad = True
    return items, bad


def _fill_header(packet: Packet, header_text: str) -> None:
    defects = packet.defects
    for part in header_text.split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep:
            defects.append("header_item_without_value")
            continue
        if key in _HEADER_KEYS and any(k == key for k, _ in packet.header):
            defects.append("duplicate_header_key")
            packet.header.append((key, value))
            continue
        packet.header.append((key, value))
        if key == "QN":
            packet.qn = value
        elif key == "ST":
            packet.st = value
        elif key == "CN":
            packet.cn = value
        elif key == "PW":
            packet.pw = value
        elif key == "MN":
            packet.mn = value
        elif key == "Flag":
            text = value.strip()
            if text.isdigit() and int(text) <= 255:
                packet.flag = Flag.from_int(int(text))
            else:
                defects.append("bad_flag")
        elif key == "PNUM":
            if value.strip().isdigit():
                packet.pnum = int(value)
            else:
                defects.append("bad_pnum")
        elif key == "PNO":
            if value.strip().isdigit():
                packet.pno = int(value)
            else:
                defects.append("bad_pno")
    _check_header(packet)


def _check_header(packet: Packet) -> None:
    defects = packet.defects
    if packet.qn is None:
        defects.append("missing_qn")
    elif packet.qn == "":
        defects.append("qn_empty")
    elif len(packet.qn) == 13 and packet.qn.isdigit():
        defects.append("qn_epoch_ms")
    elif not (len(packet.qn) == 17 and packet.qn.isdigit()):
        defects.append("qn_malformed")
    for name, value in (("st", packet.st), ("cn", packet.cn), ("pw", packet.pw), ("mn", packet.mn)):
        if value is None:
            defects.append(f"missing_{name}")
    if packet.flag is None and "bad_flag" not in defects:
        defects.append("missing_flag")
    if packet.flag is not None and packet.flag.split and (packet.pnum is None or packet.pno is None):
        defects.append("split_without_pnum")


def _fill_cp(packet: Packet, cp: str) -> None:
    items, bad = _split_cp(cp)
    if bad:
        packet.defects.append("cp_item_without_value")
    values = packet.values
    glob = packet.globals
    duplicate = False
    for key, value in items:
        packet.cp_items.append((key, value))
        code, dash, suffix = key.partition("-")
        if dash:
            slot = values.get(code)
            if slot is None:
                values[code] = {suffix: value}
            elif suffix in slot:
                duplicate = True
            else:
                slot[suffix] = value
        elif key in glob:
            duplicate = True
        else:
            glob[key] = value
    if duplicate:
        packet.defects.append("duplicate_key")
    data_time = glob.get("DataTime")
    if data_time is not None:
        packet.data_time = parse_data_time(data_time)
        if packet.data_time is None:
            packet.defects.append("bad_datatime")


def parse_segment(packet: Packet, decrypt: CpDecryptor | None = None) -> Packet:
    """Fill the header and CP fields of ``packet`` from ``packet.segment``."""
    try:
        text = packet.segment.decode("utf-8")
    except UnicodeDecodeError:
        packet.defects.append("invalid_utf8")
        text = packet.segment.decode("utf-8", errors="replace")
    cp_at = text.find("CP=&&")
    if cp_at < 0:
        loose = text.find("CP=")
        _fill_header(packet, text if loose < 0 else text[:loose])
        packet.defects.append("missing_cp")
        return packet
    _fill_header(packet, text[:cp_at])
    body = cp_at + 5
    close = text.rfind("&&")
    if close < body:
        packet.defects.append("cp_unterminated")
        cp = text[body:]
    else:
        cp = text[body:close]
        if text[close + 2 :].strip():
            packet.defects.append("trailing_text")
    if decrypt is not None:
        cp = decrypt(packet, cp)
    _fill_cp(packet, cp)
    return packet


def decode_frame(frame: Frame, decrypt: CpDecryptor | None = None) -> Packet:
    """Check the CRC of a framed packet and decode its fields."""
    packet = Packet(
        raw=frame.raw,
        segment=frame.segment,
        declared_length=frame.declared_length,
        crc_stated=frame.crc_text,
        defects=list(frame.defects),
    )
    if frame.crc_text is not None:
        packet.crc_computed = crc_hj212(frame.segment)
        packet.crc_variant = match_variant(frame.segment, frame.crc_text, packet.crc_computed)
        if packet.crc_variant is None or packet.crc_variant.value != "hj212":
            packet.defects.append("crc_mismatch")
    return parse_segment(packet, decrypt)


def decode(data: bytes, decrypt: CpDecryptor | None = None) -> Packet:
    """Decode one packet given as bytes (with or without its ``\\r\\n``)."""
    frames = split_frames(data if data.endswith(b"\n") else data + b"\r\n")
    if not frames:
        return Packet(raw=data, defects=["no_frame"])
    return decode_frame(frames[0], decrypt)


def decode_stream(data: bytes, decrypt: CpDecryptor | None = None) -> list[Packet]:
    """Decode every frame of a complete byte stream."""
    return [decode_frame(frame, decrypt) for frame in split_frames(data)]
