"""Replies a platform owes: 9014 for Flag.A=1 uploads, 9013 for notifications, nothing else; 2005 forms."""

from __future__ import annotations

import pytest
from hj212_reference import replies_2005

from ultralow.hj212 import (
    build_9011,
    build_9012,
    build_9013,
    build_9014,
    code_tables,
    decode,
    frame,
    reply_to,
)

MN = "010000A8900016F000169DC0"


def _packet(cn: str, flag: int | None, qn: str = "20160801085857223", cp: str = "DataTime=20160801085800") -> bytes:
    flag_part = f"Flag={flag};" if flag is not None else ""
    return frame(f"QN={qn};ST=31;CN={cn};PW=123456;MN={MN};{flag_part}CP=&&{cp}&&")


@pytest.mark.parametrize("cn", ["2011", "2021", "2031", "2041", "2051", "2061", "2081", "3019", "3020"])
def test_9014_for_uploads_that_ask_for_it(cn: str) -> None:
    reply = reply_to(decode(_packet(cn, 5)))
    assert reply == frame(f"QN=20160801085857223;ST=91;CN=9014;PW=123456;MN={MN};Flag=4;CP=&&&&")
    assert reply_to(decode(_packet(cn, 4))) is None  # A=0
    assert reply_to(decode(_packet(cn, None))) is None  # no Flag: A=0 (hj212.md 3.4)


def test_9014_echoes_the_qn_byte_for_byte() -> None:
    for qn in ("20160801085857223", "1617936069734", "", "000"):  # 17 digits, epoch ms, empty, short
        reply = reply_to(decode(_packet("2051", 5, qn=qn)))
        assert reply is not None and reply.startswith(b"##") and b";CN=9014;" in reply
        assert reply[6:].startswith(f"QN={qn};ST=91;".encode())


def test_each_sub_packet_gets_its_own_9014() -> None:
    first = decode(frame(f"QN=20160801080000534;ST=32;CN=2061;PW=123456;MN={MN};Flag=7;PNUM=2;PNO=1;CP=&&DataTime=20160801080000&&"))
    second = decode(frame(f"QN=20160801080000535;ST=32;CN=2061;PW=123456;MN={MN};Flag=7;PNUM=2;PNO=2;CP=&&DataTime=20160801080000&&"))
    assert decode(reply_to(first) or b"").qn == "20160801080000534"
    assert decode(reply_to(second) or b"").qn == "20160801080000535"


def test_9013_for_notifications() -> None:
    expected = frame(f"QN=20160801085857223;ST=91;CN=9013;PW=123456;MN={MN};Flag=4;CP=&&&&")
    assert reply_to(decode(_packet("1013", 5, cp="PolId=w01018"))) == expected
    assert reply_to(decode(_packet("1013", 4, cp="PolId=w01018"))) == expected  # a notice is answered regardless of A
    # HJ 212-2025 heartbeat 9015 (unverified, hj212.md 9), sent with version bits 2: the reply keeps them
    heartbeat = decode(_packet("9015", 8, cp=""))
    assert reply_to(heartbeat) == frame(f"QN=20160801085857223;ST=91;CN=9013;PW=123456;MN={MN};Flag=8;CP=&&&&")


@pytest.mark.parametrize("cn", ["9011", "9012", "9013", "9014", "1062", "9021", "1234"])
def test_no_reply_for_interaction_requests_and_unknown_codes(cn: str) -> None:
    assert reply_to(decode(_packet(cn, 5))) is None


def test_no_reply_for_a_bad_crc() -> None:
    good = _packet("2051", 5)
    bad = good[:-6] + (b"0000" if good[-6:-2] != b"0000" else b"1111") + b"\r\n"
    packet = decode(bad)
    assert not packet.ok and packet.wants_ack and reply_to(packet) is None


def test_2025_tables_can_be_left_out() -> None:
    heartbeat = decode(_packet("9015", 8, cp=""))
    assert reply_to(heartbeat, code_tables(with_2025=False)) is None


# -- HJ/T 212-2005 forms (hj212.md 6.4) -------------------------------------------------------------
QN_2005 = "20040516010101001"
MN_2005 = "88888880000001"


def _request_2005(cn: str, flag: int = 1, extra: str = "") -> bytes:
    # version bits 0 (HJ/T 212-2005); Flag=1 asks for an answer
    return frame(f"QN={QN_2005};ST=32;CN={cn};PW=123456;MN={MN_2005};Flag={flag};{extra}CP=&&&&")


def test_2005_replies_are_the_strings_of_the_reference() -> None:
    r9011, r9012, r9013, r9014, split_tail, _ = replies_2005()
    request = decode(_request_2005("1011"))
    assert request.version == 0
    assert build_9011(request) == frame(r9011)
    assert build_9012(request) == frame(r9012)
    assert build_9013(request) == frame(r9013)
    upload = decode(_request_2005("2051"))
    assert reply_to(upload) == frame(r9014) == build_9014(upload)
    split = decode(_request_2005("2051", flag=3, extra="PNUM=1;PNO=1;"))
    # the reference elides the start: '…CP=&&QN=…;CN=2051;PNO=1;PNUM=1;&&'
    expected = "ST=91;CN=9014;" + split_tail.replace("…CP", "CP").replace("QN=…", f"QN={QN_2005}")
    assert reply_to(split) == frame(expected)


def test_2005_alarm_event_is_answered_with_9013() -> None:
    # 2072 exists only in HJ/T 212-2005 (alarm event notice, answered with 9013)
    notice = decode(_request_2005("2072", flag=0))
    assert reply_to(notice) == frame(f"ST=91;CN=9013;PW=123456;MN={MN_2005};CP=&&QN={QN_2005}&&")


def test_2005_uploads_without_flag_get_no_reply() -> None:
    upload = decode(frame(f"ST=32;CN=2011;PW=123456;MN={MN_2005};CP=&&DataTime=20040516010101;011-Rtd=1&&"))
    assert upload.ok and reply_to(upload) is None
