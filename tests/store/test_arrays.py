"""Arrow arrays the store's writers build by hand: binary from one joined buffer, timestamps from micros."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from ultralow.store.store import binary_array, timestamp_array


def test_binary_array_keeps_every_byte_string_in_order() -> None:
    values = [b"##0010QN=1&&\r\n", b"", b"\x00\xff", "非".encode()]
    array = binary_array(values)
    array.validate(full=True)
    assert array.type == pa.binary()
    assert array.to_pylist() == values
    # lengths 14, 0, 2 and 3 (one CJK character is three UTF-8 bytes): 19 bytes
    assert [len(v) for v in array.to_pylist()] == [14, 0, 2, 3]
    assert array.buffers()[2].to_pybytes() == b"".join(values)  # one data buffer, 19 bytes


def test_binary_array_with_a_null_or_nothing() -> None:
    assert binary_array([b"a", None, b"b"]).to_pylist() == [b"a", None, b"b"]  # type: ignore[list-item]
    assert binary_array([]).to_pylist() == []


def test_timestamp_array_instants_and_clock_times() -> None:
    aware = timestamp_array([datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC), None])
    assert aware.type == pa.timestamp("us", tz="UTC")
    # one second after the epoch: 1,000,000 µs
    assert aware.cast(pa.int64()).to_pylist() == [1_000_000, None]
    naive = timestamp_array([datetime(1970, 1, 2)])
    assert naive.type == pa.timestamp("us") and naive.cast(pa.int64()).to_pylist() == [86_400_000_000]
