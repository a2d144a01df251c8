"""CRC of HJ 212 segments (HJ 212-2017 Appendix A) and the Modbus variants devices send instead."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ultralow.hj212 import CrcVariant, crc_hj212, crc_hj212_many, crc_modbus, decode, match_variant
from ultralow.hj212.crc import crc_hj212_reference

# The standard's own example (Appendix A, p.20): the printed CRC is 1C80 (the prose's "1C08" is a typo).
APPENDIX_A = b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"


def hj212_by_the_standard(data: bytes) -> int:
    """Appendix A step by step: keep the high byte, XOR the next byte in, eight shifts with 0xA001."""
    register = 0xFFFF
    for byte in data:
        register = (register >> 8) ^ byte
        for _ in range(8):
            lsb = register & 1
            register >>= 1
            if lsb:
                register ^= 0xA001
    return register


def modbus_by_the_book(data: bytes) -> int:
    """CRC-16/MODBUS: XOR the byte into the low byte of the register, eight shifts with 0xA001."""
    register = 0xFFFF
    for byte in data:
        register ^= byte
        for _ in range(8):
            lsb = register & 1
            register >>= 1
            if lsb:
                register ^= 0xA001
    return register


def test_appendix_a_example() -> None:
    assert len(APPENDIX_A) == 101  # LLLL 0101
    assert hj212_by_the_standard(APPENDIX_A) == 0x1C80
    assert crc_hj212(APPENDIX_A) == 0x1C80


def test_empty_segment_is_the_initial_register() -> None:
    assert crc_hj212(b"") == 0xFFFF
    assert crc_hj212_many([b"", b"", b""]) == [0xFFFF, 0xFFFF, 0xFFFF]


def test_one_byte_by_hand() -> None:
    # register 0xFFFF -> high byte 0xFF; 0xFF ^ 0x41 ('A') = 0xBE; eight steps of the ARC table from 0xBE
    value = 0xBE
    for _ in range(8):
        value = (value >> 1) ^ 0xA001 if value & 1 else value >> 1
    assert crc_hj212(b"A") == value


def test_modbus_reference_value() -> None:
    # CRC-16/MODBUS check value of the catalogue of parametrised CRC algorithms: "123456789" -> 0x4B37
    assert crc_modbus(b"123456789") == 0x4B37
    assert modbus_by_the_book(b"123456789") == 0x4B37


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_vectorised_crc_equals_the_standard_loop(data: bytes) -> None:
    expected = hj212_by_the_standard(data)
    assert crc_hj212(data) == expected
    assert crc_hj212_reference(data) == expected


def test_every_length_across_the_int_fold_and_numpy_paths() -> None:
    # segments up to 512 bytes are folded as one Python int, longer ones with NumPy: every length on
    # both sides of that bound, with bytes of every value and with all bits set
    for n in range(0, 600):
        data = bytes((i * 151 + n * 7) % 256 for i in range(n))
        assert crc_hj212(data) == hj212_by_the_standard(data), n
        assert crc_hj212(b"\xff" * n) == hj212_by_the_standard(b"\xff" * n), n


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=1500), max_size=12))
def test_batch_crc_equals_one_by_one(segments: list[bytes]) -> None:
    assert crc_hj212_many(segments) == [hj212_by_the_standard(s) for s in segments]


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=400))
def test_low_byte_is_one_of_eight_values(data: bytes) -> None:
    """hj212.md 2.1: only the high byte survives a step, so the CRC is a table entry: low byte in 8 values."""
    assert crc_hj212(data) & 0xFF in {0x00, 0x01, 0x40, 0x41, 0x80, 0x81, 0xC0, 0xC1}


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_modbus_equals_the_book(data: bytes) -> None:
    assert crc_modbus(data) == modbus_by_the_book(data)


def test_vectorised_modbus_equals_the_book_at_every_size_boundary() -> None:
    # the loop below 64 bytes, the weights from 64 to 9999 bytes (the longest segment), the loop above
    import random

    rng = random.Random(212)
    for size in (0, 1, 2, 3, 63, 64, 65, 300, 1024, 1025, 9998, 9999, 10_000):
        for fill in (bytes(size), b"\xff" * size, bytes(rng.randrange(256) for _ in range(size))):
            assert crc_modbus(fill) == modbus_by_the_book(fill), size
    assert crc_modbus(b"123456789" * 8) == modbus_by_the_book(b"123456789" * 8)  # 72 bytes: vectorised path


def _framed(segment: bytes, crc_text: str) -> bytes:
    return b"##%04d" % len(segment) + segment + crc_text.encode() + b"\r\n"


def test_match_variant_hj212_upper_and_lower_case() -> None:
    assert match_variant(APPENDIX_A, "1C80") is CrcVariant.HJ212
    assert match_variant(APPENDIX_A, "1c80") is CrcVariant.HJ212
    packet = decode(_framed(APPENDIX_A, "1c80"))
    assert packet.ok and packet.crc_variant is CrcVariant.HJ212 and packet.crc_stated == "1c80"


def test_modbus_variants_built_by_hand() -> None:
    modbus = modbus_by_the_book(APPENDIX_A)
    hilo = f"{modbus:04X}"
    lohi = f"{modbus & 0xFF:02X}{modbus >> 8:02X}"
    assert hilo != lohi != "1C80"
    for text, variant in ((hilo, CrcVariant.MODBUS_HILO), (lohi, CrcVariant.MODBUS_LOHI),
                          (hilo.lower(), CrcVariant.MODBUS_HILO)):
        packet = decode(_framed(APPENDIX_A, text))
        assert packet.crc_variant is variant
        assert packet.ok is False and "crc_mismatch" in packet.defects
        assert packet.cn == "1062" and packet.globals == {"RtdInterval": "30"}  # fields still filled
        assert packet.to_json()["crc_variant"] == variant.value


def test_a_crc_matching_nothing() -> None:
    packet = decode(_framed(APPENDIX_A, "1C81"))
    assert packet.crc_variant is None and not packet.ok
    assert f"{packet.crc_computed:04X}" == "1C80"


def test_crc_text_must_be_four_hex_digits() -> None:
    # int(..., 16) would accept these; a CRC field does not
    for text in ("0x1c", "1_c8", "+1C8", " 1C8", "1C8", "1C800", "1C8G"):
        assert match_variant(APPENDIX_A, text) is None, text
    packet = decode(_framed(APPENDIX_A, "1C8G"))
    assert "crc_malformed" in packet.defects and packet.crc_stated is None and not packet.ok
