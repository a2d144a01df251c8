"""Logger packets: valid HJ 212 (CRC, Flag=5, split above 1024 bytes), timing of DataTime and QN, nulls."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import numpy as np

from ultralow.hj212 import Flag, decode
from ultralow.loggers.packets import LoggerIdentity, logger_schedule, minute_packets
from ultralow.loggers.signals import MinuteSeries, hourly_series, minute_series

IDENTITY = LoggerIdentity("010000A8900016F000169DC0", "123456", qn_ms=123)


def test_every_packet_decodes_clean_with_flag_5_or_7_and_the_logger_identity() -> None:
    series = minute_series("coal_boiler", datetime(2025, 3, 3, 10, 0), 120, seed=1)
    packets = logger_schedule(series, IDENTITY)
    assert {p.cn for p in packets} == {"2011", "2051", "2061"}
    for out in packets:
        packet = decode(out.frame)
        assert packet.ok and packet.defects == []
        assert (packet.mn, packet.pw, packet.st, packet.cn, packet.qn) == (IDENTITY.mn, IDENTITY.pw, "31", out.cn,
                                                                           out.qn)
        assert packet.flag in (Flag(1, False, True), Flag(1, True, True))  # Flag=5, or 7 for a sub-packet
        assert len(packet.segment) <= 1024
    assert [p.due_s for p in packets] == sorted(p.due_s for p in packets)


def test_minute_packet_times_data_time_is_the_interval_start_and_qn_the_send_time() -> None:
    series = minute_series("potline", datetime(2025, 3, 3, 10, 0), 3, seed=1)
    packets = minute_packets(series, IDENTITY)
    # minute 10:01 is sent 65 s after it starts: QN 10:02:05 plus the logger's 123 ms
    second = decode(packets[1].frame)
    assert second.globals["DataTime"] == "20250303100100"
    assert second.qn == "20250303100205123"
    assert packets[1].due_s == 60 + 65


def test_large_uploads_become_sub_packets_with_their_own_qn_and_the_same_data_time() -> None:
    series = minute_series("coal_boiler", datetime(2025, 3, 3, 10, 0), 1, seed=1)
    parts = [decode(p.frame) for p in minute_packets(series, IDENTITY)]
    assert len(parts) == 2  # nine factors with Zs values exceed 1024 bytes
    assert [(p.pnum, p.pno) for p in parts] == [(2, 1), (2, 2)]
    assert len({p.qn for p in parts}) == 2
    assert {p.globals["DataTime"] for p in parts} == {"20250303100000"}
    codes = [code for p in parts for code in p.values]
    assert sorted(codes) == sorted(series.avg) and len(codes) == len(set(codes))  # no factor cut apart


def one_minute(series: MinuteSeries, i: int) -> MinuteSeries:
    """Minute ``i`` of a series on its own (to encode one packet out of a long series)."""
    def cut(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {code: values[i : i + 1] for code, values in arrays.items()}

    return replace(series, times=series.times[i : i + 1], load_fraction=series.load_fraction[i : i + 1],
                   avg=cut(series.avg), low=cut(series.low), high=cut(series.high), rtd=cut(series.rtd),
                   converted=cut(series.converted), converted_low=cut(series.converted_low),
                   converted_high=cut(series.converted_high), amount=cut(series.amount), flags=cut(series.flags))


def test_values_round_trip_and_nulls_are_left_out() -> None:
    series = minute_series("gas_turbine", datetime(2025, 3, 3), 30 * 1440, seed=4)
    stop = next(e for e in series.events if e.kind == "stop")
    values: dict[str, dict[str, str]] = {}
    for frame in minute_packets(one_minute(series, stop.start), IDENTITY):
        values.update(decode(frame.frame).values)
    so2 = values["a21026"]
    assert so2["Flag"] == "F"
    assert "ZsAvg" not in so2 and "Avg" in so2  # O2 at 20.9 %: no converted value, not a zero
    assert float(so2["Avg"]) == round(float(series.avg["a21026"][stop.start]), 2)


def test_hour_packet_carries_the_hour_statistics() -> None:
    series = minute_series("anode_baking", datetime(2025, 3, 3, 10, 0), 60, seed=6)
    hour = hourly_series(series)
    (out,) = [p for p in logger_schedule(series, IDENTITY, kinds=("2061",))]
    packet = decode(out.frame)
    assert packet.globals["DataTime"] == "20250303100000"
    assert packet.qn == "20250303110030123"  # sent 30 s after the hour ended
    assert float(packet.values["a21026"]["Avg"]) == round(float(np.mean(series.avg["a21026"])), 2)
    assert float(packet.values["a21026"]["Max"]) == round(float(hour.high["a21026"][0]), 2)


def test_same_seed_same_bytes() -> None:
    def frames(seed: int) -> list[bytes]:
        series = minute_series("alumina_calciner", datetime(2025, 3, 3, 10, 0), 90, seed=seed)
        return [p.frame for p in logger_schedule(series, IDENTITY)]

    assert frames(5) == frames(5)
    assert frames(5) != frames(6)
