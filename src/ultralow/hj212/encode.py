"""Encode HJ 212 packets: frame a segment, build a segment from fields, split long CPs into sub-packets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from ultralow.hj212.crc import MAX_SEGMENT_BYTES, crc_hj212, crc_text
from ultralow.hj212.framing import STANDARD_SEGMENT_BYTES
from ultralow.hj212.packet import CHINA_TZ, Flag

QN_FORMAT: Final = "%Y%m%d%H%M%S"


def frame(segment: str | bytes) -> bytes:
    """``##`` + 4-digit UTF-8 byte length + segment + upper-case CRC + ``\\r\\n``."""
    data = segment.encode("utf-8") if isinstance(segment, str) else segment
    if len(data) > MAX_SEGMENT_BYTES:
        raise ValueError(f"data segment is {len(data)} bytes; the LLLL field holds at most {MAX_SEGMENT_BYTES}")
    return b"##%04d" % len(data) + data + crc_text(crc_hj212(data)).encode("ascii") + b"\r\n"


def format_qn(when: datetime) -> str:
    """A 17-digit QN (``YYYYMMDDhhmmsszzz``) in China local time."""
    local = when.astimezone(CHINA_TZ) if when.tzinfo is not None else when
    return local.strftime(QN_FORMAT) + f"{local.microsecond // 1000:03d}"


def format_data_time(when: datetime) -> str:
    """A 14-digit DataTime in China local time."""
    local = when.astimezone(CHINA_TZ) if when.tzinfo is not None else when
    return local.strftime(QN_FORMAT)


@dataclass
class Message:
    """Fields of a packet to encode. ``values`` maps factor code → suffix → value text, in order."""

    cn: str
    st: str | None = "31"
    qn: str | None = None
    pw: str | None = None
    mn: str | None = None
    flag: Flag | None = field(default_factory=lambda: Flag(1, False, True))
    pnum: int | None = None
    pno: int | None = None
    globals: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    extra_header: Sequence[tuple[str, str]] = ()


def _cp_groups(message: Message) -> list[str]:
    groups = [f"{key}={value}" for key, value in message.globals.items()]
    for code, suffixes in message.values.items():
        if suffixes:
            groups.append(",".join(f"{code}-{suffix}={value}" for suffix, value in suffixes.items()))
    return groups


def _header(message: Message, qn: str | None, flag: Flag | None, pnum: int | None, pno: int | None) -> str:
    parts: list[str] = []
    for key, value in (("QN", qn), ("ST", message.st), ("CN", message.cn), ("PW", message.pw),
                       ("MN", message.mn)):
        if value is not None:
            parts.append(f"{key}={value}")
    if flag is not None:
        parts.append(f"Flag={flag.to_int()}")
    if pnum is not None:
        parts.append(f"PNUM={pnum}")
    if pno is not None:
        parts.append(f"PNO={pno}")
    parts.extend(f"{key}={value}" for key, value in message.extra_header)
    return ";".join(parts)


def encode_segment(message: Message) -> str:
    """The data segment text (without framing) for ``message``."""
    header = _header(message, message.qn, message.flag, message.pnum, message.pno)
    return f"{header};CP=&&{';'.join(_cp_groups(message))}&&"


def encode(message: Message) -> bytes:
    """One framed packet; raises ValueError when the segment does not fit in 9999 bytes."""
    return frame(encode_segment(message))


def _next_qn(qn: str, step: int) -> str:
    if len(qn) == 17 and qn.isdigit():
        base = datetime.strptime(qn[:14], QN_FORMAT) + timedelta(milliseconds=int(qn[14:]) + step)
        return base.strftime(QN_FORMAT) + f"{base.microsecond // 1000:03d}"
    return qn


def encode_split(message: Message, limit: int = STANDARD_SEGMENT_BYTES) -> list[bytes]:
    """Frames for ``message``, split into sub-packets (Flag D, PNUM, PNO) when above ``limit`` bytes.

    Each sub-packet repeats the globals (DataTime) and carries its own QN, as in HJ 212-2017 C.47-C.50;
    a factor's items are never split across sub-packets. A message that already carries PNUM or PNO
    (a device's own sub-packet) is framed as it is: splitting it again would collide with its siblings.
    """
    whole = encode_segment(message)
    if len(whole.encode("utf-8")) <= limit or message.pnum is not None or message.pno is not None:
        return [frame(whole)]  # a message that is already a sub-packet is sent as it is
    base_flag = message.flag or Flag(1, False, True)
    flag = Flag(base_flag.version, True, base_flag.ack)
    head_groups = [f"{key}={value}" for key, value in message.globals.items()]
    factor_groups = _cp_groups(message)[len(head_groups):]
    # Reserve room for the longest possible header (4-digit PNUM/PNO).
    fixed = len(_header(message, message.qn, flag, 9999, 9999).encode("utf-8")) + len(";CP=&&&&")
    base = fixed + len(";".join(head_groups).encode("utf-8"))
    if base > limit:
        raise ValueError(f"the header and globals alone need {base} bytes; a sub-packet holds {limit}")
    chunks: list[list[str]] = []
    current: list[str] = []
    size = base
    for group in factor_groups:
        extra = len(group.encode("utf-8")) + 1
        if base + extra > limit:
            code = group.partition("-")[0]
            raise ValueError(f"factor {code} needs {base + extra} bytes with the header; a sub-packet holds {limit}")
        if current and size + extra > limit:
            chunks.append(current)
            current, size = [], base
        current.append(group)
        size += extra
    chunks.append(current)
    frames = []
    for number, groups in enumerate(chunks, start=1):
        qn = _next_qn(message.qn, number - 1) if message.qn is not None else None
        header = _header(message, qn, flag, len(chunks), number)
        frames.append(frame(f"{header};CP=&&{';'.join([*head_groups, *groups])}&&"))
    return frames
