"""Decode framed HJ 212 packets into :class:`Packet` objects, leniently.

Anything a lenient reader can still use is decoded and the problem is recorded as a defect string;
nothing here raises on bad input.  Defect names (their meanings and clauses are in the README):

``no_frame`` ``truncated`` ``missing_terminator`` ``lf_only`` ``missing_crlf`` ``junk_after_crc``
``trailing_whitespace`` ``length_mismatch``
``unpadded_length`` ``missing_length`` ``oversize_segment`` ``crc_malformed`` ``crc_mismatch``
``invalid_utf8`` ``missing_qn`` ``qn_empty`` ``qn_epoch_ms`` ``qn_malformed`` ``missing_st`` ``missing_cn``
``missing_pw`` ``missing_mn`` ``missing_flag`` ``bad_flag`` ``split_without_pnum`` ``bad_pnum``
``bad_pno`` ``header_item_without_value`` ``duplicate_header_key`` ``missing_cp`` ``cp_unterminated``
``oversize_cp`` ``trailing_text`` ``cp_item_without_value`` ``duplicate_key`` ``bad_datatime``
``datatime_not_14_digits``
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Final

from ultralow.hj212.codes import repeatable_keys
from ultralow.hj212.cp import read_cp, split_items
from ultralow.hj212.crc import CrcVariant, crc_hj212, crc_hj212_many, match_variant
from ultralow.hj212.framing import Frame, split_frames
from ultralow.hj212.packet import FLAGS, Packet

# A hook that turns an encrypted CP body into plain text (HJ 212-2025 devices may encrypt CP).
CpDecryptor = Callable[[Packet, str], str]

_HEADER_KEYS: Final = frozenset({"QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO"})
_FLAG_DIGITS: Final = 3  # Flag is an integer 0..255
_MAX_CP_CHARS: Final = 950  # HJ 212-2017 Table 3: CP is 0..950 characters
_DATATIME_DIGITS: Final = 14  # HJ 212-2017 Table 4: DataTime is YYYYMMDDhhmmss
_COUNT_DIGITS: Final = 9  # PNUM and PNO are N4 (HJ 212-2017 Table 3); zero-padded longer forms are read too
# The header in the standard's order with every field present (HJ 212-2017 Table 3), the usual case.
_STANDARD_KEYS: Final = ("QN", "ST", "CN", "PW", "MN", "Flag")
_STANDARD_HEADER: Final = re.compile(r"QN=([^;]*);ST=([^;]*);CN=([^;]*);PW=([^;]*);MN=([^;]*);Flag=([0-9]{1,3});")


def _ascii_int(text: str, max_digits: int) -> int | None:
    """``text`` (blanks around allowed) as an int of 1..``max_digits`` ASCII digits, else None.

    ``str.isdigit`` alone accepts digits ``int`` refuses (superscripts) and ``int`` refuses more than
    4300 digits, so both the alphabet and the length are checked first.
    """
    text = text.strip()
    if 0 < len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    return None


def parse_data_time(text: str) -> datetime | None:
    """``YYYYMMDDhhmmss`` or ``YYYYMMDDhhmmsszzz`` as China local time (UTC+8); None if malformed."""
    text = text.strip()
    if len(text) not in (14, 17) or not (text.isascii() and text.isdigit()):
        return None
    # ISO 8601 basic format, which datetime.fromisoformat reads (and range-checks) in C
    iso = f"{text[:8]}T{text[8:14]}.{text[14:]}+08:00" if len(text) == 17 else f"{text[:8]}T{text[8:]}+08:00"
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def _fill_header(packet: Packet, header_text: str) -> None:
    standard = _STANDARD_HEADER.fullmatch(header_text)
    if standard is not None:  # same result as the general loop below, in one match
        fields = standard.groups()
        packet.header = list(zip(_STANDARD_KEYS, fields, strict=True))
        packet.qn, packet.st, packet.cn, packet.pw, packet.mn, flag_text = fields
        flag = int(flag_text)
        if flag <= 255:
            packet.flag = FLAGS[flag]
        else:
            packet.defects.append("bad_flag")
        _check_header(packet)
        return
    defects = packet.defects
    header = packet.header
    seen: set[str] = set()
    for part in header_text.split(";"):
        key, sep, value = part.partition("=")
        if not sep:
            if part.strip():
                defects.append("header_item_without_value")
            continue
        key = key.strip()
        header.append((key, value))
        if key not in _HEADER_KEYS:
            continue
        if key in seen:
            defects.append("duplicate_header_key")
            continue
        seen.add(key)
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
            bits = _ascii_int(value, _FLAG_DIGITS)
            if bits is not None and bits <= 255:
                packet.flag = FLAGS[bits]
            else:
                defects.append("bad_flag")
        elif key == "PNUM":
            packet.pnum = _ascii_int(value, _COUNT_DIGITS)
            if packet.pnum is None:
                defects.append("bad_pnum")
        else:  # PNO
            packet.pno = _ascii_int(value, _COUNT_DIGITS)
            if packet.pno is None:
                defects.append("bad_pno")
    _check_header(packet)


def _check_header(packet: Packet) -> None:
    defects = packet.defects
    qn = packet.qn
    if qn is None:
        defects.append("missing_qn")
    elif qn == "":
        defects.append("qn_empty")
    elif not (qn.isascii() and qn.isdigit()):
        defects.append("qn_malformed")
    elif len(qn) == 13:
        defects.append("qn_epoch_ms")
    elif len(qn) != 17:
        defects.append("qn_malformed")
    if packet.st is None:
        defects.append("missing_st")
    if packet.cn is None:
        defects.append("missing_cn")
    if packet.pw is None:
        defects.append("missing_pw")
    if packet.mn is None:
        defects.append("missing_mn")
    if packet.flag is None and "bad_flag" not in defects:
        defects.append("missing_flag")
    if packet.flag is not None and packet.flag.split and (packet.pnum is None or packet.pno is None):
        defects.append("split_without_pnum")


def _repeated(cp: str) -> dict[str, list[str]]:
    every: dict[str, list[str]] = {}
    for key, value in split_items(cp)[0]:
        every.setdefault(key, []).append(value)
    return {key: texts for key, texts in every.items() if len(texts) > 1}


def _fill_cp(packet: Packet, cp: str) -> None:
    packet.cp = cp
    packet.values, packet.globals, bad, duplicate = read_cp(cp)
    if len(cp) > _MAX_CP_CHARS:
        packet.defects.append("oversize_cp")
    if bad:
        packet.defects.append("cp_item_without_value")
    if duplicate:
        packet.repeated = _repeated(cp)
        allowed = repeatable_keys()
        if any((packet.cn, key) not in allowed for key in packet.repeated):
            packet.defects.append("duplicate_key")
    data_time = packet.globals.get("DataTime")
    if data_time is not None:
        packet.data_time = parse_data_time(data_time)
        if packet.data_time is None:
            packet.defects.append("bad_datatime")
        elif len(data_time.strip()) != _DATATIME_DIGITS:
            packet.defects.append("datatime_not_14_digits")


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


def _decode_checked(frame: Frame, crc: int | None, decrypt: CpDecryptor | None) -> Packet:
    packet = Packet(
        raw=frame.raw,
        segment=frame.segment,
        declared_length=frame.declared_length,
        crc_stated=frame.crc_text,
        defects=list(frame.defects),
    )
    if frame.crc_text is not None:
        packet.crc_computed = crc
        packet.crc_variant = match_variant(frame.segment, frame.crc_text, crc)
        if packet.crc_variant is not CrcVariant.HJ212:
            packet.defects.append("crc_mismatch")
    return parse_segment(packet, decrypt)


def decode_frame(frame: Frame, decrypt: CpDecryptor | None = None) -> Packet:
    """Check the CRC of a framed packet and decode its fields."""
    crc = crc_hj212(frame.segment) if frame.crc_text is not None else None
    return _decode_checked(frame, crc, decrypt)


def decode_frames(frames: Sequence[Frame], decrypt: CpDecryptor | None = None) -> list[Packet]:
    """Decode several frames, checking all their CRCs in one vectorised pass."""
    crcs = crc_hj212_many([frame.segment for frame in frames])
    return [
        _decode_checked(frame, crc if frame.crc_text is not None else None, decrypt)
        for frame, crc in zip(frames, crcs, strict=True)
    ]


def decode(data: bytes, decrypt: CpDecryptor | None = None) -> Packet:
    """Decode one packet given as bytes (with or without its ``\\r\\n``)."""
    frames = split_frames(data if data.endswith(b"\n") else data + b"\r\n")
    if not frames:
        return Packet(raw=data, defects=["no_frame"])
    return decode_frame(frames[0], decrypt)


def decode_stream(data: bytes, decrypt: CpDecryptor | None = None) -> list[Packet]:
    """Decode every frame of a complete byte stream."""
    return decode_frames(split_frames(data), decrypt)
