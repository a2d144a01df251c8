"""Builders shared by the ingest tests: the test registry text and framed packets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from ultralow.hj212 import Flag, Message, decode, encode
from ultralow.ingest import Received

REGISTRY = """\
[[bases]]
id = "sd"
name = "Shandong power"
country = "CN"

[[bases]]
id = "gn"
name = "Boke refinery"
country = "GN"
timezone = "Africa/Conakry"

[[outlets]]
id = "u1"
base = "sd"
name = "Unit 1"
mn = "MN0001"
pw = "123456"
source_type = "coal_boiler"
limit_sets = []

[[outlets]]
id = "legacy"
base = "sd"
name = "Legacy logger"
mn = "4201003"
pw = "123456"
source_type = "coal_boiler"
limit_sets = []
crc_variants = ["modbus_hilo"]

[[outlets]]
id = "calciner"
base = "gn"
name = "Calciner 1"
mn = "MN0003"
pw = "654321"
source_type = "alumina_calciner"
limit_sets = []
"""
RECEIVED_AT = datetime(2025, 3, 3, 2, 30, tzinfo=UTC)



def packet_bytes(cn: str = "2051", mn: str = "MN0001", pw: str = "123456", data_time: str = "20250303100000",
                 values: Mapping[str, Mapping[str, str]] | None = None, qn: str = "20250303100020123",
                 flag: Flag | None = None) -> bytes:
    """One framed packet with a correct HJ 212 CRC."""
    return encode(Message(
        cn=cn, qn=qn, pw=pw, mn=mn, flag=flag if flag is not None else Flag(1, False, True),
        globals={"DataTime": data_time} if data_time else {},
        values=values if values is not None else {
            "a21026": {"Min": "10.0", "Avg": "12.5", "Max": "15.0", "ZsAvg": "13.0", "Flag": "N"},
        },
    ))


def received(raw: bytes, location: str = "127.0.0.1:5000@0") -> Received:
    return Received(raw, decode(raw), "127.0.0.1:5000", RECEIVED_AT, "tcp", location)
