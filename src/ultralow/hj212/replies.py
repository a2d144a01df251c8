"""Replies a platform sends: 9011/9012/9013/9014 in the 2017 form, and the 2005 form for version-0 devices."""

from __future__ import annotations

from ultralow.hj212.codes import NOTIFY_REPLY, UPLOAD_REPLY, CodeTables, code_tables
from ultralow.hj212.encode import frame
from ultralow.hj212.packet import Packet


def _reply(packet: Packet, cn: str, cp: str, version: int | None = None) -> bytes:
    version = packet.version if version is None else version
    if version == 0:
        # HJ/T 212-2005 6.4 (examples quoted in hj212.md 6.4): no QN in the header, the request QN goes
        # into CP; only 9011 carries Flag=0, and the 9014 data ack names neither PW nor MN but the CN
        # acknowledged, plus PNO/PNUM (with the 2005 text's trailing ";") for a sub-packet.
        head = f"ST=91;CN={cn}"
        if cn != UPLOAD_REPLY:
            head += f";PW={packet.pw or ''};MN={packet.mn or ''}"
        if cn == "9011":
            head += ";Flag=0"
        items = [f"QN={packet.qn or ''}"]
        if cn == UPLOAD_REPLY:
            items.append(f"CN={packet.cn or ''}")
            if packet.pnum is not None and packet.pno is not None:
                items.extend([f"PNO={packet.pno}", f"PNUM={packet.pnum}", ""])
        if cp:
            items.append(cp)
        return frame(f"{head};CP=&&{';'.join(items)}&&")
    parts = [f"QN={packet.qn or ''}", "ST=91", f"CN={cn}"]
    if packet.pw is not None:
        parts.append(f"PW={packet.pw}")
    if packet.mn is not None:
        parts.append(f"MN={packet.mn}")
    parts.append(f"Flag={version << 2}")
    return frame(f"{';'.join(parts)};CP=&&{cp}&&")


def build_9011(packet: Packet, qn_rtn: int = 1) -> bytes:
    """Request acknowledgement (QnRtn, HJ 212-2017 Table 7)."""
    return _reply(packet, "9011", f"QnRtn={qn_rtn}")


def build_9012(packet: Packet, exe_rtn: int = 1) -> bytes:
    """Execution result (ExeRtn, HJ 212-2017 Table 6)."""
    return _reply(packet, "9012", f"ExeRtn={exe_rtn}")


def build_9013(packet: Packet) -> bytes:
    """Notification acknowledgement."""
    return _reply(packet, "9013", "")


def build_9014(packet: Packet) -> bytes:
    """Data acknowledgement, echoing the upload's QN byte for byte."""
    return _reply(packet, "9014", "")


def reply_to(packet: Packet, tables: CodeTables | None = None) -> bytes | None:
    """The reply a platform owes for ``packet``, or None (bad CRC, no ack wanted, interaction codes).

    Uploads are acknowledged with 9014 only when Flag.A = 1; notifications (1013, 2072, the 2025 9015
    heartbeat) are answered with 9013.
    """
    if not packet.ok:
        return None
    tables = tables or code_tables()
    reply = tables.reply_for(packet.cn, packet.version)
    if reply == NOTIFY_REPLY:
        return build_9013(packet)
    if reply == UPLOAD_REPLY and packet.wants_ack:
        return build_9014(packet)
    return None
