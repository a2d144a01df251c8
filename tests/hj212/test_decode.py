"""Lenient decoding: header in any order, Flag bits, PNUM/PNO, CP grammar, DataTime, defects, CP hook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ultralow.hj212 import Flag, Packet, decode, decode_stream, frame, parse_data_time

UTC8 = timezone(timedelta(hours=8))


def _packet(segment: str) -> Packet:
    return decode(frame(segment))


HEADER = "QN=20250303100020123;ST=31;CN=2051;PW=123456;MN=010000A8900016F000100003;Flag=5;"


def test_header_in_any_order_and_unknown_keys_kept() -> None:
    packet = _packet("Flag=4;MN=M1;XX=7;CN=2011;PW=p;ST=22;QN=20250303100020123;CP=&&a-Rtd=1&&")
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn) == ("20250303100020123", "22", "2011", "p", "M1")
    assert packet.flag == Flag(1, False, False)
    assert packet.header[2] == ("XX", "7")  # header items kept in order, unknown keys too
    assert packet.defects == []


def test_standard_order_fast_path_agrees_with_the_general_reader() -> None:
    standard = _packet(HEADER + "CP=&&a-Rtd=1&&")
    shuffled = _packet("ST=31;QN=20250303100020123;CN=2051;PW=123456;MN=010000A8900016F000100003;Flag=5;CP=&&a-Rtd=1&&")
    for name in ("qn", "st", "cn", "pw", "mn", "flag", "pnum", "pno", "defects", "values"):
        assert getattr(standard, name) == getattr(shuffled, name), name
    assert standard.header == [("QN", "20250303100020123"), ("ST", "31"), ("CN", "2051"), ("PW", "123456"),
                               ("MN", "010000A8900016F000100003"), ("Flag", "5")]


def test_every_header_field_may_be_absent() -> None:
    packet = _packet("CP=&&&&")
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn, packet.flag) == (None,) * 6
    assert packet.ok
    assert {"missing_qn", "missing_st", "missing_cn", "missing_pw", "missing_mn", "missing_flag"} <= set(packet.defects)
    assert packet.version == 0 and not packet.wants_ack


@pytest.mark.parametrize(("flag", "version", "split", "ack"), [
    (0, 0, False, False), (1, 0, False, True), (3, 0, True, True),   # HJ/T 212-2005
    (4, 1, False, False), (5, 1, False, True), (6, 1, True, False), (7, 1, True, True),  # HJ 212-2017
    (8, 2, False, False), (9, 2, False, True), (11, 2, True, True),  # HJ 212-2025 (version bits 000010)
    (255, 63, True, True),
])
def test_flag_bits(flag: int, version: int, split: bool, ack: bool) -> None:
    # bits V5..V0 D A: version = flag // 4, D = bit 1, A = bit 0
    packet = _packet(f"QN=20250303100020123;ST=31;CN=2011;PW=1;MN=M;Flag={flag};PNUM=1;PNO=1;CP=&&&&")
    assert packet.flag == Flag(version, split, ack)
    assert packet.version == version and packet.wants_ack is ack
    assert Flag(version, split, ack).to_int() == flag


@pytest.mark.parametrize("text", ["256", "-1", "x", "", "5 5", "²", "1" * 5000])
def test_bad_flag(text: str) -> None:
    packet = _packet(f"QN=20250303100020123;ST=31;CN=2011;PW=1;MN=M;Flag={text};CP=&&&&")
    assert packet.flag is None and "bad_flag" in packet.defects and "missing_flag" not in packet.defects


def test_flag_with_blanks_is_read() -> None:
    assert _packet("QN=20250303100020123;Flag= 5 ;CP=&&&&").flag == Flag(1, False, True)


def test_pnum_pno_in_any_order() -> None:
    packet = _packet("QN=20191112091100598;ST=31;CN=2051;PNO=0002;PNUM=0003;Flag=7;CP=&&&&")
    assert (packet.pnum, packet.pno) == (3, 2)
    assert "split_without_pnum" not in packet.defects


@pytest.mark.parametrize("text", ["x", "", "٣", "²", "1" * 4400])
def test_bad_pnum_and_pno(text: str) -> None:
    # '٣' (Arabic-Indic three) and '²' pass str.isdigit; 4400 digits exceed int()'s 4300-digit limit
    packet = _packet(f"QN=20250303100020123;Flag=7;PNUM={text};PNO={text};CP=&&&&")
    assert packet.pnum is None and packet.pno is None
    assert {"bad_pnum", "bad_pno", "split_without_pnum"} <= set(packet.defects)


@pytest.mark.parametrize(("qn", "defect"), [
    (None, "missing_qn"), ("", "qn_empty"), ("1617936069734", "qn_epoch_ms"), ("2016080108585722", "qn_malformed"),
    ("2016080108585722x", "qn_malformed"), ("２０１６０８０１０８５８５７２２３", "qn_malformed"),
])
def test_qn_defects(qn: str | None, defect: str) -> None:
    head = "" if qn is None else f"QN={qn};"
    packet = _packet(head + "ST=31;CN=2011;PW=1;MN=M;Flag=4;CP=&&&&")
    assert packet.qn == qn and defect in packet.defects


def test_duplicate_header_key_keeps_the_first() -> None:
    packet = _packet("QN=20250303100020123;CN=2011;CN=2051;Flag=4;CP=&&&&")
    assert packet.cn == "2011" and "duplicate_header_key" in packet.defects
    assert packet.header.count(("CN", "2051")) == 1


def test_header_item_without_value() -> None:
    assert "header_item_without_value" in _packet("QN=20250303100020123;garbage;Flag=4;CP=&&&&").defects


# -- CP grammar ------------------------------------------------------------------------------------
def test_cp_split_on_semicolons_and_commas() -> None:
    packet = _packet(HEADER + "CP=&&DataTime=20160801085857;w01001-Rtd=7.1,w01001-Flag=N;w01018-Rtd=2.2,w01018-Flag=N&&")
    assert packet.globals == {"DataTime": "20160801085857"}
    assert packet.values == {"w01001": {"Rtd": "7.1", "Flag": "N"}, "w01018": {"Rtd": "2.2", "Flag": "N"}}
    assert [key for key, _ in packet.cp_items] == ["DataTime", "w01001-Rtd", "w01001-Flag", "w01018-Rtd", "w01018-Flag"]


def test_begin_and_end_time_with_either_separator() -> None:
    for sep in (";", ","):
        packet = _packet(HEADER + f"CP=&&BeginTime=20040506111000{sep}EndTime=20040506151000&&")
        assert packet.globals == {"BeginTime": "20040506111000", "EndTime": "20040506151000"}


def test_values_kept_exactly_as_sent() -> None:
    packet = _packet(HEADER + "CP=&&a-Rtd=235.292750833832,b-Rtd=0.0000,c-Rtd=-0.215,d-Rtd=,e-Rtd= 1.5 ,f-Rtd=1e3&&")
    assert packet.values == {"a": {"Rtd": "235.292750833832"}, "b": {"Rtd": "0.0000"}, "c": {"Rtd": "-0.215"},
                             "d": {"Rtd": ""}, "e": {"Rtd": " 1.5 "}, "f": {"Rtd": "1e3"}}
    assert str(packet.decimal("a", "Rtd")) == "235.292750833832"
    assert packet.decimal("d", "Rtd") is None  # an empty value is not a number, never 0
    assert packet.decimal("x", "Rtd") is None


def test_all_standard_suffixes_are_per_factor() -> None:
    suffixes = ["Rtd", "Avg", "Min", "Max", "Cou", "Flag", "EFlag", "ZsRtd", "ZsAvg", "ZsMin", "ZsMax", "SampleTime",
                "Info", "SN", "Data", "DayData", "NightData"]
    cp = ",".join(f"a21026-{suffix}={n}" for n, suffix in enumerate(suffixes))
    packet = _packet(HEADER + f"CP=&&DataTime=20250303100000;{cp};SB1-RS=1;SB1-RT=23.5&&")
    assert list(packet.values["a21026"]) == suffixes
    assert packet.values["SB1"] == {"RS": "1", "RT": "23.5"}
    assert packet.globals == {"DataTime": "20250303100000"}


def test_key_split_at_the_first_dash_only() -> None:
    packet = _packet(HEADER + "CP=&&pms_rules-Rtd=7;x-Rtd-Extra=1;-Rtd=2&&")
    assert packet.values == {"pms_rules": {"Rtd": "7"}, "x": {"Rtd-Extra": "1"}, "": {"Rtd": "2"}}


def test_blanks_around_keys_are_ignored() -> None:
    # the standard's own examples: 'CP=&& PolId=...' and 'i12003-Info =0'
    packet = _packet(HEADER + "CP=&& PolId=w01018; i12003-Info =0 ,\ta-Rtd=1&&")
    assert packet.globals == {"PolId": "w01018"}
    assert packet.values == {"i12003": {"Info": "0 "}, "a": {"Rtd": "1"}}
    assert _packet(HEADER + "CP=&& &&").cp_items == []


def test_duplicate_keys_kept_in_items_first_value_wins() -> None:
    # standard example C.29 repeats e01001-Rtd; 2005 examples repeat PolId
    packet = _packet(HEADER + "CP=&&PolId=101;PolId=102;e01001-Rtd=1,e01001-Rtd=2&&")
    assert packet.cp_items == [("PolId", "101"), ("PolId", "102"), ("e01001-Rtd", "1"), ("e01001-Rtd", "2")]
    assert packet.globals == {"PolId": "101"} and packet.values == {"e01001": {"Rtd": "1"}}
    assert "duplicate_key" in packet.defects


def test_item_without_value() -> None:
    # sCair/Hj212-Distribute: 'a34001-Rtd=92;Flag=N' is fine, a bare word is not
    packet = _packet(HEADER + "CP=&&a34001-Rtd=92;junk;=5&&")
    assert packet.values == {"a34001": {"Rtd": "92"}}
    assert "cp_item_without_value" in packet.defects


def test_info_text_is_opaque() -> None:
    text = "//pump; valve=closed, 清洗管路 ##0101 done//"
    packet = _packet(HEADER + f"CP=&&DataTime=20250303100000;PolId=w01018;i11001-Info={text};a-Rtd=1,a-Flag=N&&")
    assert packet.values == {"i11001": {"Info": text}, "a": {"Rtd": "1", "Flag": "N"}}
    assert packet.globals == {"DataTime": "20250303100000", "PolId": "w01018"}
    assert packet.defects == []


def test_info_text_followed_by_a_comma_and_blanks() -> None:
    packet = _packet(HEADER + "CP=&&i11001-Info=//a,b// ,i11001-SN=X1;i21001-Info=////&&")
    assert packet.values == {"i11001": {"Info": "//a,b//", "SN": "X1"}, "i21001": {"Info": "////"}}


def test_unclosed_info_text_runs_to_the_next_separator() -> None:
    packet = _packet(HEADER + "CP=&&i11001-Info=//never closed;a-Rtd=1&&")
    assert packet.values == {"i11001": {"Info": "//never closed"}, "a": {"Rtd": "1"}}


def test_cp_boundaries() -> None:
    assert "missing_cp" in _packet(HEADER.rstrip(";")).defects
    unterminated = _packet(HEADER + "CP=&&a-Rtd=1")
    assert "cp_unterminated" in unterminated.defects and unterminated.values == {"a": {"Rtd": "1"}}
    trailing = _packet(HEADER + "CP=&&a-Rtd=1&&junk")
    assert "trailing_text" in trailing.defects and trailing.values == {"a": {"Rtd": "1"}}
    # the CP ends at the last '&&' of the segment: a value may hold a single '&'
    assert _packet(HEADER + "CP=&&a-Info=x&y&&").values == {"a": {"Info": "x&y"}}


def test_invalid_utf8_is_reported_and_read_with_replacement() -> None:
    segment = (HEADER + "CP=&&a-Info=").encode() + b"\xff\xfe" + b"&&"
    packet = decode(frame(segment))
    assert packet.ok and "invalid_utf8" in packet.defects
    assert packet.values["a"]["Info"] == "\ufffd\ufffd"


# -- DataTime --------------------------------------------------------------------------------------
def test_data_time_14_and_17_digits_china_time() -> None:
    assert parse_data_time("20160801085857") == datetime(2016, 8, 1, 8, 58, 57, tzinfo=UTC8)
    assert parse_data_time("20160824003817123") == datetime(2016, 8, 24, 0, 38, 17, 123_000, tzinfo=UTC8)
    # 2016-08-01 08:58:57 +08:00 is 00:58:57 UTC
    assert parse_data_time("20160801085857") == datetime(2016, 8, 1, 0, 58, 57, tzinfo=UTC)
    assert parse_data_time(" 20160801085857 ") is not None


@pytest.mark.parametrize("text", ["2016080108585", "201608010858571", "20161301085857", "20160230085857",
                                  "20160801245857", "20160801086057", "2016080108585x", "２０１６０８０１０８５８５７",
                                  "20160801T08585", ""])
def test_bad_data_time(text: str) -> None:
    assert parse_data_time(text) is None
    packet = _packet(HEADER + f"CP=&&DataTime={text}&&")
    assert packet.data_time is None and "bad_datatime" in packet.defects
    assert packet.globals["DataTime"] == text  # kept as sent


def test_json_form_has_exactly_the_documented_keys() -> None:
    packet = _packet(HEADER + "CP=&&DataTime=20250303100000;a21026-Avg=14.2,a21026-Flag=N&&")
    assert packet.to_json() == {
        "ok": True, "crc_variant": "hj212", "defects": [], "qn": "20250303100020123", "st": "31", "cn": "2051",
        "pw": "123456", "mn": "010000A8900016F000100003", "flag": {"version": 1, "split": False, "ack": True},
        "pnum": None, "pno": None, "data_time": "2025-03-03T10:00:00+08:00",
        "globals": {"DataTime": "20250303100000"}, "values": {"a21026": {"Avg": "14.2", "Flag": "N"}},
        "repeated": {},
    }


def test_cp_decryption_hook() -> None:
    """HJ 212-2025 devices may encrypt CP: the hook gets the CP body, the CRC still covers the wire bytes."""
    plain = "DataTime=20250303100000;a21026-Rtd=14.2"
    wire = HEADER + "CP=&&" + plain[::-1] + "&&"  # a stand-in cipher: reversed text

    def decrypt(packet: Packet, cp: str) -> str:
        assert packet.mn == "010000A8900016F000100003"  # header already read: keys are per device
        return cp[::-1]

    packet = decode(frame(wire), decrypt=decrypt)
    assert packet.ok and packet.values == {"a21026": {"Rtd": "14.2"}}
    assert packet.data_time == datetime(2025, 3, 3, 10, 0, tzinfo=UTC8)
    assert decode_stream(frame(wire), decrypt=decrypt)[0].values == packet.values
    assert decode(frame(wire)).values == {}  # without the hook the reversed text is no factor


def test_no_frame() -> None:
    packet = decode(b"no header at all")
    assert packet.defects == ["no_frame"] and not packet.ok and packet.raw == b"no header at all"


def test_repeated_layouts_give_the_same_result_as_the_first() -> None:
    """A device sends the same keys every minute; later packets must read exactly like the first."""
    seen = []
    for minute in range(3):
        cp = f"DataTime=2025030310{minute:02d}00;a21026-Avg=1{minute}.5,a21026-Flag=N;a19001-Avg=8.{minute},a19001-Flag=N"
        seen.append(_packet(HEADER + f"CP=&&{cp}&&"))
    for minute, packet in enumerate(seen):
        assert packet.values == {"a21026": {"Avg": f"1{minute}.5", "Flag": "N"}, "a19001": {"Avg": f"8.{minute}", "Flag": "N"}}
        assert packet.globals == {"DataTime": f"2025030310{minute:02d}00"} and packet.defects == []
    # same keys, but now a value holds '=' and one item has none: read one by one, not from the layout
    odd = _packet(HEADER + "CP=&&DataTime=20250303100300;a21026-Avg=1=2,a21026-Flag=N;a19001-Avg=8,a19001-Flag&&")
    assert odd.values == {"a21026": {"Avg": "1=2", "Flag": "N"}, "a19001": {"Avg": "8"}}
    assert "cp_item_without_value" in odd.defects
