"""Property tests: encode -> decode round trips, any bytes decode without exception and with every byte
accounted for, and chunking never changes what the framer finds."""

from __future__ import annotations

from hj212_reference import vectors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ultralow.hj212 import (
    Flag,
    Message,
    StreamFramer,
    decode,
    decode_frames,
    decode_stream,
    encode,
    encode_split,
)
from ultralow.hj212.crc import MAX_SEGMENT_BYTES

MAX_FRAME = 2 + 4 + MAX_SEGMENT_BYTES + 4 + 2
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Field texts that cannot collide with the grammar's separators (';', ',', '=', '&') or the '-' of a key
_text = st.text(alphabet=st.characters(exclude_characters=";,=&\r\n", exclude_categories=["Cs"]), max_size=12)
_word = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=8)
_suffix = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=8)
_value = st.text(alphabet=st.characters(exclude_characters=";,&\r\n", exclude_categories=["Cs"]), max_size=10)
_data_time = st.datetimes().map(lambda d: d.strftime("%Y%m%d%H%M%S")).filter(lambda t: len(t) == 14)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    globals_ = draw(st.dictionaries(_word.filter(lambda k: k != "DataTime"), _value, max_size=3))
    if draw(st.booleans()):
        globals_ = {"DataTime": draw(_data_time), **globals_}
    flag = draw(st.none() | st.builds(Flag, st.integers(0, 63), st.booleans(), st.booleans()))
    return Message(
        cn=draw(st.text(alphabet="0123456789", min_size=4, max_size=4)),
        st=draw(st.none() | st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=3)),
        qn=draw(st.none() | st.text(alphabet="0123456789", min_size=17, max_size=17)),
        pw=draw(st.none() | _text),
        mn=draw(st.none() | _text),
        flag=flag,
        pnum=draw(st.none() | st.integers(0, 9999)),
        pno=draw(st.none() | st.integers(0, 9999)),
        globals=globals_,
        values=draw(st.dictionaries(_word, st.dictionaries(_suffix, _value, min_size=1, max_size=4), max_size=5)),
    )


@SETTINGS
@given(messages())
def test_encode_decode_round_trip(message: Message) -> None:
    framed = encode(message)
    packet = decode(framed)
    assert packet.ok and packet.raw == framed
    assert packet.declared_length == len(packet.segment) == len(framed) - 12  # LLLL counts UTF-8 bytes
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn) == (message.qn, message.st, message.cn,
                                                                        message.pw, message.mn)
    assert packet.flag == message.flag
    assert (packet.pnum, packet.pno) == (message.pnum, message.pno)
    assert packet.globals == dict(message.globals)
    assert packet.values == {code: dict(s) for code, s in message.values.items()}
    assert list(packet.values) == list(message.values)
    if "DataTime" in message.globals:
        assert packet.data_time is not None and packet.data_time.strftime("%Y%m%d%H%M%S") == message.globals["DataTime"]
    assert not {"length_mismatch", "crc_mismatch", "duplicate_key", "cp_item_without_value"} & set(packet.defects)


@SETTINGS
@given(messages(), st.integers(200, 1024))
def test_split_round_trip(message: Message, limit: int) -> None:
    try:
        frames = encode_split(message, limit=limit)
    except ValueError:
        return  # a single factor or the header alone does not fit; covered in test_encode
    packets = decode_frames([f for raw in frames for f in StreamFramer().feed(raw)])
    merged: dict[str, dict[str, str]] = {}
    for packet in packets:
        assert packet.ok and len(packet.segment) <= max(limit, len(frames[0]) - 12)
        assert packet.globals == dict(message.globals)
        merged.update(packet.values)
    assert merged == {code: dict(s) for code, s in message.values.items()}
    if len(frames) > 1:
        assert [(p.pnum, p.pno) for p in packets] == [(len(frames), n) for n in range(1, len(frames) + 1)]


def _frame_all(chunks: list[bytes]) -> tuple[StreamFramer, list[bytes], int]:
    framer = StreamFramer()
    raws: list[bytes] = []
    worst = 0
    for chunk in chunks:
        raws += [f.raw for f in framer.feed(chunk)]
        worst = max(worst, framer.buffered - len(chunk))
    raws += [f.raw for f in framer.flush()]
    return framer, raws, worst


def _check_accounting(data: bytes, chunks: list[bytes]) -> None:
    """Every input byte ends up in exactly one frame or in the junk count; the buffer stays bounded."""
    framer, raws, worst = _frame_all(chunks)
    at = 0
    for raw in raws:  # frames are runs of the input, in order, not overlapping
        at = data.index(raw, at) + len(raw)
    assert sum(map(len, raws)) + framer.junk_bytes == len(data)
    assert all(raw.startswith(b"##") for raw in raws)
    assert framer.buffered == 0
    assert worst <= MAX_FRAME  # never more than one maximal frame beyond the last chunk


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)]


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600), st.lists(st.integers(0, 10_000), max_size=6))
def test_any_bytes_decode_without_exception(data: bytes, cuts: list[int]) -> None:
    for packet in decode_stream(data):
        assert packet.raw and packet.to_json()["ok"] in (True, False)
    decode(data)
    _check_accounting(data, _chunks(data, cuts))


_grammar_bytes = st.lists(st.sampled_from([b"##", b"#", b"0", b"0101", b"9999", b"12", b";", b",", b"=", b"&&", b"CP=&&",
                                           b"QN=", b"Flag=5", b"-Rtd", b"//", b"\r\n", b"\n", b"\r", b" ", b"1C80",
                                           b"\xe6\xb8\x85", b"\xff"]), max_size=80).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(_grammar_bytes, st.lists(st.integers(0, 10_000), max_size=6))
def test_grammar_shaped_bytes_decode_without_exception(data: bytes, cuts: list[int]) -> None:
    for packet in decode_stream(data):
        packet.to_json()
        assert packet.cp_items is not None
    _check_accounting(data, _chunks(data, cuts))


def _vector_stream() -> bytes:
    return b"".join(v.framed for v in vectors())


@st.composite
def mutated_streams(draw: st.DrawFn) -> bytes:
    data = bytearray(_vector_stream()[: draw(st.integers(200, 4000))])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "cut", "insert", "hash", "drop"]))
        if kind == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "hash":
            data[at:at] = b"##"
        elif kind == "drop":
            del data[at : at + draw(st.integers(1, 20))]
    return bytes(data)


@settings(max_examples=200, deadline=None)
@given(mutated_streams(), st.lists(st.integers(0, 10_000), max_size=8))
def test_mutated_packets_decode_without_exception(data: bytes, cuts: list[int]) -> None:
    for packet in decode_stream(data):
        packet.to_json()
    _check_accounting(data, _chunks(data, cuts))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 100_000), max_size=30))
def test_chunking_never_changes_the_frames(cuts: list[int]) -> None:
    irregular = [b"DTU-REG 8675\r\n", vectors()[13].packet.encode() + b"\n"]  # junk, an LF-only packet
    data = _vector_stream() + irregular[0] + irregular[1] + _vector_stream()[:400] + vectors()[0].framed
    _, whole, _ = _frame_all([data])
    _, chunked, _ = _frame_all(_chunks(data, cuts))
    assert chunked == whole
    # 20 vectors, the LF-only packet, V01 and a cut V02 from the 400-byte prefix, the final V01
    assert len(whole) == len(vectors()) + 4 and whole[-1] == vectors()[0].framed
