"""Every real packet of shared/reference/hj212-vectors.md (V01-V20) against its expected-parse table,
the derived reply vectors, the independent CRC checks, and the Appendix C exchanges of hj212.md 6.1.

Expected values are read from the reference files at test time (the tables were computed
independently of this code); nothing is copied from the codec's own output.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hj212_reference import (
    Vector,
    appendix_c_ack,
    appendix_c_request,
    derived_vectors,
    independent_crcs,
    ready_replies,
    vectors,
)

from ultralow.hj212 import Flag, Message, build_9011, build_9012, crc_hj212, decode, encode, frame, reply_to

UTC8 = timezone(timedelta(hours=8))  # written out here, not taken from the codec


def _vector_ids() -> list[str]:
    try:
        return [v.vid for v in vectors()]
    except pytest.skip.Exception:
        return ["V01"]


@pytest.fixture(params=_vector_ids())
def vector(request: pytest.FixtureRequest) -> Vector:
    by_id = {v.vid: v for v in vectors()}
    return by_id[request.param]


def test_the_file_holds_twenty_vectors() -> None:
    assert [v.vid for v in vectors()] == [f"V{i:02d}" for i in range(1, 21)]


def test_length_and_crc_verdict(vector: Vector) -> None:
    packet = decode(vector.framed)
    declared, actual = vector.lengths
    stated, computed, valid = vector.crc
    assert packet.declared_length == declared
    assert len(packet.segment) == actual
    assert packet.crc_stated == stated  # kept as sent (lower case in V08, V09, V10, V16)
    assert f"{packet.crc_computed:04X}" == computed
    assert packet.ok is valid
    assert (vector.variant == "HJ212") is valid
    if valid:
        assert packet.crc_variant is not None and packet.crc_variant.value == "hj212"
        assert "crc_mismatch" not in packet.defects
    else:  # the file says: matches no known variant (neither HJ 212 nor either Modbus order)
        assert packet.crc_variant is None
        assert "crc_mismatch" in packet.defects
    assert "length_mismatch" not in packet.defects


def test_header_fields(vector: Vector) -> None:
    packet = decode(vector.framed)
    assert packet.qn == vector.qn
    assert ("missing_qn" in packet.defects) is (vector.qn is None)
    st, cn = vector.pair("ST / CN")
    pw, mn = vector.pair("PW / MN")
    assert (packet.st, packet.cn, packet.pw, packet.mn) == (st, cn, pw, mn)


def test_flag_bits(vector: Vector) -> None:
    packet = decode(vector.framed)
    expected = vector.flag
    if expected is None:
        assert packet.flag is None
        assert "missing_flag" in packet.defects
        assert packet.version == 0 and not packet.wants_ack  # hj212.md 3.4: missing Flag -> 2005, A=0
        return
    value, version, d, a = expected
    assert packet.flag == Flag(version, bool(d), bool(a))
    assert packet.flag is not None and packet.flag.to_int() == value


def test_pnum_pno(vector: Vector) -> None:
    packet = decode(vector.framed)
    expected = vector.pnum_pno
    assert (packet.pnum, packet.pno) == (expected if expected is not None else (None, None))
    if vector.flag is not None and vector.flag[2] == 1 and expected is None:
        assert "split_without_pnum" in packet.defects  # V04, V06, V07: D=1 but no PNUM/PNO


def test_data_time(vector: Vector) -> None:
    packet = decode(vector.framed)
    text = vector.data_time
    if text is None:
        assert packet.data_time is None and "DataTime" not in packet.globals
        return
    assert packet.globals["DataTime"] == text
    # by hand: YYYYMMDDhhmmss[zzz] read as China local time
    expected = datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC8)
    if len(text) == 17:
        expected += timedelta(milliseconds=int(text[14:]))
    assert packet.data_time == expected
    assert packet.data_time is not None and packet.data_time.utcoffset() == timedelta(hours=8)


def test_cp_first_items_and_count(vector: Vector) -> None:
    packet = decode(vector.framed)
    listed, count = vector.cp_items
    items = [f"{key}={value}" for key, value in packet.cp_items if key != "DataTime"]
    assert items[: len(listed)] == listed
    assert len(items) == count
    for key, value in packet.cp_items:  # the structured view agrees with the item list
        code, dash, suffix = key.partition("-")
        if dash:
            assert packet.values[code][suffix] == value
        else:
            assert packet.globals[key] == value


def test_replies_to_the_vectors(vector: Vector) -> None:
    """hj212.md 6.5 / vector file ideas 7-8: bad CRC -> no reply; Flag.A=1 upload -> one 9014 with its QN."""
    packet = decode(vector.framed)
    reply = reply_to(packet)
    _, _, valid = vector.crc
    wants_ack = vector.flag is not None and vector.flag[3] == 1
    upload = packet.cn in {"2011", "2051", "2061", "2081"}
    if not valid or not (upload and wants_ack):
        assert reply is None
        return
    assert reply is not None
    answer = decode(reply)
    assert answer.ok and answer.cn == "9014" and answer.st == "91"
    if vector.flag is not None and vector.flag[1] == 0:
        # version 0 (V06/V07, Flag=3): HJ/T 212-2005 form, the QN and CN acknowledged go into CP
        assert answer.qn is None and answer.globals == {"QN": packet.qn, "CN": packet.cn}
        return
    assert answer.qn == packet.qn and answer.pw == packet.pw and answer.mn == packet.mn
    assert answer.flag == Flag(vector.flag[1] if vector.flag else 1, False, False)
    assert answer.cp_items == []


def test_v04_trailing_separator_is_ignored() -> None:
    v04 = next(v for v in vectors() if v.vid == "V04")
    packet = decode(v04.framed)
    assert v04.packet.endswith(";&&5CC0")
    assert "cp_item_without_value" not in packet.defects
    assert packet.values["LA"] == {"td": "50.1", "Flag": "N"}  # the 'LA-td' typo kept as sent


# -- derived vectors (hj212-vectors.md 'Derived vectors'; segments from the standard's Appendix C) ----
STANDARD_MN = "010000A8900016F000169DC0"
STANDARD_QN = "20160801085857223"


def _derived(prefix: str) -> bytes:
    matches = [packet for purpose, packet in derived_vectors().items() if purpose.startswith(prefix)]
    assert len(matches) == 1, prefix
    return matches[0].encode("utf-8") + b"\r\n"


def test_every_derived_vector_decodes_as_valid() -> None:
    for purpose, text in derived_vectors().items():
        packet = decode(text.encode("utf-8") + b"\r\n")
        assert packet.ok, purpose
        assert packet.defects == [], purpose
        assert packet.declared_length == len(packet.segment), purpose


def test_encoder_builds_the_1012_request() -> None:
    message = Message(cn="1012", st="32", qn=STANDARD_QN, pw="123456", mn=STANDARD_MN, flag=Flag(1, False, True),
                      globals={"SystemTime": "20160801085857"})
    assert encode(message) == _derived("1012 set time")


def test_encoder_counts_utf8_bytes_for_the_3020_log() -> None:
    message = Message(cn="3020", st="32", qn=STANDARD_QN, pw="123456", mn=STANDARD_MN, flag=Flag(1, False, True),
                      globals={"DataTime": "20100301145000", "PolId": "w01018"},
                      values={"i11001": {"Info": "//清洗管路//"}})
    framed = encode(message)
    assert framed == _derived("UTF-8 log")
    segment = framed[6:-6]
    assert len(segment) == 152 and len(segment.decode("utf-8")) == 144  # 4 Chinese chars: 4 x 3 bytes vs 4
    assert framed[2:6] == b"0152"
    packet = decode(framed)
    assert packet.values["i11001"]["Info"] == "//清洗管路//"


def _upload(cn: str, cp: str) -> bytes:
    return frame(f"QN={STANDARD_QN};ST=32;CN={cn};PW=123456;MN={STANDARD_MN};Flag=5;CP=&&{cp}&&")


def test_9014_for_the_c14_upload() -> None:
    upload = decode(_upload("2011", "DataTime=20160801085857;w01018-Rtd=2.2,w01018-Flag=N"))
    assert reply_to(upload) == _derived("9014 for the standard C.14 upload")


def test_9013_for_a_time_calibration_notice() -> None:
    notice = decode(_upload("1013", "PolId=w01018"))
    assert reply_to(notice) == _derived("9013")


def test_9011_and_9012_for_the_1012_request() -> None:
    request = decode(_derived("1012 set time"))
    assert build_9011(request) == _derived("9011 QnRtn=1")
    assert build_9012(request) == _derived("9012 ExeRtn=1")


def test_independent_crc_checks() -> None:
    """C241, 71C0, 0140: CRCs printed by other projects for these segments."""
    checks = independent_crcs()
    assert [crc for _, crc in checks] == ["C241", "71C0", "0140"]
    for segment, crc in checks:
        assert f"{crc_hj212(segment.encode()):04X}" == crc
        assert decode(frame(segment)).ok


def test_ready_to_use_replies_of_the_reference() -> None:
    """hj212.md 6.1 prints framed replies; each must have a right length and a valid CRC."""
    replies = ready_replies()
    assert len(replies) == 7
    for text in replies:
        packet = decode(text.encode("utf-8") + b"\r\n")
        assert packet.ok and packet.defects == [], text
        assert frame(packet.segment) == text.encode("utf-8") + b"\r\n"


# -- Appendix C exchanges (hj212.md 6.1) ----------------------------------------------------------
def test_request_exchange_c2() -> None:
    """P sends 1011 (Flag=5); F answers 9011 QnRtn=1, the 1011 data, then 9012 ExeRtn=1, all with its QN."""
    request_seg, qnrtn_seg, data_seg, exertn_seg = appendix_c_request()
    request = decode(frame(request_seg))
    assert request.ok and request.cn == "1011" and request.wants_ack
    assert request.globals == {"PolId": "w01018"}
    assert build_9011(request) == frame(qnrtn_seg)
    assert build_9012(request) == frame(exertn_seg)
    data = decode(frame(data_seg))
    assert data.qn == request.qn and data.cn == "1011" and not data.wants_ack
    # 'CP=&& PolId=...' has a blank before the first key (as printed in the standard)
    assert data.globals == {"PolId": "w01018", "SystemTime": "20160801085857"}
    for segment in (qnrtn_seg, exertn_seg):
        answer = decode(frame(segment))
        assert answer.qn == request.qn and answer.st == "91" and answer.flag == Flag(1, False, False)
        assert reply_to(answer) is None  # interaction codes are never answered


def test_upload_exchange_c14() -> None:
    ack = appendix_c_ack()
    upload = decode(_upload("2051", "DataTime=20160801085800;w01018-Avg=2.2,w01018-Flag=N"))
    assert reply_to(upload) == frame(ack)
    flag4 = decode(frame(f"QN={STANDARD_QN};ST=32;CN=2051;PW=123456;MN={STANDARD_MN};Flag=4;CP=&&&&"))
    assert flag4.ok and reply_to(flag4) is None  # A=0: no acknowledgement
