"""Sub-packet sets by (MN, CN, DataTime): completion, merge of parsed fields, time-out, bound."""

from __future__ import annotations

from receiver_support import MN, packet

from ultralow.hj212 import Flag, decode
from ultralow.receiver.reassembly import SubPacketAssembler, set_key

SPLIT = Flag(1, True, True)


def part(pno: int, pnum: int = 2, data_time: str = "20250303100000", mn: str = MN,
         values: dict[str, dict[str, str]] | None = None):  # noqa: ANN201 - a Packet
    return decode(packet(cn="2061", qn=f"2025030311003000{pno}", flag=SPLIT, pnum=pnum, pno=pno, mn=mn,
                         data_time=data_time, values=values or {f"a2100{pno}": {"Avg": f"{pno}.0", "Flag": "N"}}))


def test_a_set_completes_when_every_pno_arrived_in_any_order() -> None:
    assembler = SubPacketAssembler(timeout_s=60)
    assert assembler.add(part(2, pnum=3), 0.0) == (None, [])
    assert assembler.add(part(1, pnum=3), 1.0) == (None, [])
    assert assembler.open_sets == 1
    done, dropped = assembler.add(part(3, pnum=3), 2.0)
    assert done is not None and dropped == []
    assert done.key == (MN, "2061", "20250303100000") and done.pnum == 3
    assert done.merged_values() == {"a21001": {"Avg": "1.0", "Flag": "N"}, "a21002": {"Avg": "2.0", "Flag": "N"},
                                    "a21003": {"Avg": "3.0", "Flag": "N"}}
    assert assembler.open_sets == 0


def test_sets_are_kept_apart_by_mn_and_data_time() -> None:
    assembler = SubPacketAssembler(timeout_s=60)
    assembler.add(part(1), 0.0)
    assembler.add(part(1, data_time="20250303110000"), 0.0)
    assembler.add(part(1, mn="OTHERMN"), 0.0)
    assert assembler.open_sets == 3
    done, _ = assembler.add(part(2, data_time="20250303110000"), 0.0)
    assert done is not None and done.key[2] == "20250303110000"


def test_a_factor_cut_across_sub_packets_is_merged_by_field_and_reported() -> None:
    assembler = SubPacketAssembler(timeout_s=60)
    assembler.add(part(1, values={"a21026": {"Avg": "17.0", "Min": "15.0"}}), 0.0)
    done, _ = assembler.add(part(2, values={"a21026": {"Max": "19.0", "Flag": "N"}}), 0.0)
    assert done is not None
    assert done.merged_values() == {"a21026": {"Avg": "17.0", "Min": "15.0", "Max": "19.0", "Flag": "N"}}
    assert done.split_factors() == ["a21026"]


def test_incomplete_sets_expire_after_the_timeout_with_the_missing_numbers() -> None:
    assembler = SubPacketAssembler(timeout_s=10)
    assembler.add(part(1, pnum=3), 100.0)
    assert assembler.expire(109.9) == []
    (expired,) = assembler.expire(110.0)
    assert expired.missing_summary() == {"count": 2, "ranges": [[2, 3]], "more_ranges": False}
    assert assembler.open_sets == 0


def test_the_missing_summary_is_counts_and_ranges_whatever_pnum_says() -> None:
    # PNUM 9999 with parts 1, 5 and 9999 present: missing 2-4 and 6-9998, that is 9999 - 3 = 9996 parts
    assembler = SubPacketAssembler(timeout_s=10)
    for pno in (1, 5, 9999):
        assembler.add(part(pno, pnum=9999), 0.0)
    (expired,) = assembler.expire(10.0)
    assert expired.missing_summary() == {"count": 9996, "ranges": [[2, 4], [6, 9998]], "more_ranges": False}
    # only the first max_ranges gaps are listed: parts 1, 3, 5 of 9 miss 2, 4, 6-9
    assembler.add(part(1, pnum=9), 0.0)
    assembler.add(part(3, pnum=9), 0.0)
    assembler.add(part(5, pnum=9), 0.0)
    (expired,) = assembler.expire(10.0)
    assert expired.missing_summary(max_ranges=2) == {"count": 6, "ranges": [[2, 2], [4, 4]], "more_ranges": True}


def test_a_pnum_above_the_bound_starts_no_set() -> None:
    assembler = SubPacketAssembler(timeout_s=10, max_pnum=9999)
    assert assembler.add(part(1, pnum=999_999_999), 0.0) == (None, [])
    assert assembler.open_sets == 0


def test_open_sets_are_bounded_oldest_first() -> None:
    assembler = SubPacketAssembler(timeout_s=60, max_open=2)
    assembler.add(part(1, data_time="20250303100000"), 0.0)
    assembler.add(part(1, data_time="20250303110000"), 1.0)
    _, dropped = assembler.add(part(1, data_time="20250303120000"), 2.0)
    assert [d.key[2] for d in dropped] == ["20250303100000"]


def test_packets_that_are_not_usable_sub_packets_have_no_set() -> None:
    assert set_key(decode(packet())) is None  # Flag=5: not split
    assert set_key(part(3, pnum=2)) is None  # PNO beyond PNUM
    assert SubPacketAssembler(timeout_s=1).add(decode(packet()), 0.0) == (None, [])
