"""A sample HJ 212 byte stream as a plant link delivers it: minute packets, junk, a split upload,
a Modbus-CRC device and a packet with a wrong length.  Synthetic, built with our own encoder."""

from __future__ import annotations

from datetime import datetime, timedelta

from ultralow.hj212 import CHINA_TZ, Flag, Message, crc_modbus, encode, encode_split, format_data_time, format_qn


def flue_gas_minute(mn: str, when: datetime, so2: float, nox: float, pm: float, o2: float) -> Message:
    """A 2051 minute packet from a coal boiler outlet (Cou/Min/Avg/Max/Flag, ZsAvg on pollutants)."""
    def block(avg: float, unit_kg: float, zs: float | None = None) -> dict[str, str]:
        values = {"Cou": f"{unit_kg:.3f}", "Min": f"{avg * 0.93:.2f}", "Avg": f"{avg:.2f}",
                  "Max": f"{avg * 1.08:.2f}"}
        if zs is not None:
            values["ZsAvg"] = f"{zs:.2f}"
        values["Flag"] = "N"
        return values

    factor = (21 - 6) / (21 - o2)
    return Message(
        cn="2051", st="31", qn=format_qn(when + timedelta(seconds=20)), pw="123456", mn=mn,
        flag=Flag(1, False, True), globals={"DataTime": format_data_time(when)},
        values={
            "a21026": block(so2, so2 * 1.1e-3, so2 * factor),
            "a21002": block(nox, nox * 1.1e-3, nox * factor),
            "a34013": block(pm, pm * 1.1e-3, pm * factor),
            "a19001": block(o2, 0.0),
            "a01012": block(48.5, 0.0),
            "a01011": block(11.2, 0.0),
            "a00000": block(305.0, 18300.0),
        },
    )


def sample_stream() -> bytes:
    """About a dozen frames with the irregularities real links show."""
    start = datetime(2025, 3, 3, 10, 0, tzinfo=CHINA_TZ)
    parts: list[bytes] = [b"http://dtu.example/hb\r\n"]
    mn = "010000A8900016F000169DC0"
    for minute in range(6):
        when = start + timedelta(minutes=minute)
        parts.append(encode(flue_gas_minute(mn, when, 14.2 + minute, 24.8, 1.1, 6.4)))
    # an hourly upload too big for one 1024-byte segment: split into sub-packets
    big = flue_gas_minute(mn, start, 15.0, 25.0, 1.0, 6.3)
    big.cn = "2061"
    big.values = {**big.values, **{f"a0101{i}": {"Avg": "1.0", "Flag": "N"} for i in range(3, 8)},
                  "a21005": {"Cou": "0.1", "Min": "3.0", "Avg": "4.0", "Max": "5.0", "Flag": "N"}}
    parts.extend(encode_split(big, limit=600))
    # a legacy device whose CRC is Modbus (high byte first)
    segment = f"ST=31;CN=2011;PW=123456;MN=4201003;CP=&&DataTime={format_data_time(start)};02-Rtd=18.1,02-Flag=N&&"
    data = segment.encode()
    parts.append(b"##%04d" % len(data) + data + f"{crc_modbus(data):04X}".encode() + b"\r\n")
    # a packet whose LLLL is wrong by two
    good = encode(flue_gas_minute(mn, start + timedelta(minutes=6), 16.0, 26.0, 1.2, 6.5))
    parts.append(good[:2] + b"%04d" % (int(good[2:6]) + 2) + good[6:])
    return b"".join(parts)
