"""Stream framing: the stream-level cases listed in hj212-vectors.md, and the buffer bound."""

from __future__ import annotations

import pytest
from hj212_reference import Vector, vectors

from ultralow.hj212 import StreamFramer, decode_frame, decode_stream, frame, split_frames
from ultralow.hj212.crc import MAX_SEGMENT_BYTES

MAX_FRAME = 2 + 4 + MAX_SEGMENT_BYTES + 4 + 2  # "##" LLLL segment CRC CRLF = 10015 bytes


def _v(vid: str) -> Vector:
    return next(v for v in vectors() if v.vid == vid)


def _feed_all(framer: StreamFramer, chunks: list[bytes]) -> list[bytes]:
    raws = []
    for chunk in chunks:
        raws += [f.raw for f in framer.feed(chunk)]
    return raws + [f.raw for f in framer.flush()]


def test_two_packets_in_one_read() -> None:
    a, b = _v("V01").framed, _v("V02").framed
    framer = StreamFramer()
    frames = framer.feed(a + b)
    assert [f.raw for f in frames] == [a, b]
    assert all(f.defects == [] for f in frames)
    assert framer.buffered == 0 and framer.junk_bytes == 0


def test_one_packet_in_seven_byte_chunks() -> None:
    packet = _v("V05").framed  # 589-byte segment
    framer = StreamFramer()
    got = []
    for at in range(0, len(packet), 7):
        got += framer.feed(packet[at : at + 7])
        if at + 7 < len(packet):
            assert got == [], "no frame before the last byte arrives"
    assert [f.raw for f in got] == [packet]
    assert decode_frame(got[0]).ok


def test_junk_before_the_header_is_skipped() -> None:
    banner = b"http://www.cmsoft.cn\r\nDTU-REG:867530012345678\r\n"  # DTU noise (hj212.md 1, step 2)
    packet = _v("V03").framed
    framer = StreamFramer()
    frames = framer.feed(banner + packet + b"http://www.cmsoft.cn" + packet)
    assert [f.raw for f in frames] == [packet, packet]
    assert framer.junk_bytes == len(banner) + len(b"http://www.cmsoft.cn")


def test_lf_only_terminator() -> None:
    # xiaoyao9184 PackLevelDeserializerTest line 24: the V14 packet ended by \n only
    packet = _v("V14").packet.encode() + b"\n"
    frames = split_frames(packet + _v("V01").framed)
    assert len(frames) == 2
    first = decode_frame(frames[0])
    assert first.ok and "lf_only" in first.defects and first.mn == "LD130133000015"
    assert decode_frame(frames[1]).ok


@pytest.mark.parametrize("delta", [+2, -3, +400])
def test_wrong_length_then_good_packet(delta: int) -> None:
    """hj212-vectors.md stream idea 5: the first recovered by delimiter framing, the second intact."""
    good = _v("V02").framed
    wrong = good[:2] + b"%04d" % (285 + delta) + good[6:]
    follower = _v("V10").framed
    packets = decode_stream(wrong + follower)
    assert len(packets) == 2
    first, second = packets
    assert "length_mismatch" in first.defects and first.ok  # CRC covers the segment, not LLLL
    assert first.declared_length == 285 + delta and len(first.segment) == 285
    assert second.raw == follower and second.ok and second.defects == []


def test_wrong_length_recovered_early_when_its_crc_proves_it() -> None:
    """On a live link the next packet may not have come yet: a line end whose CRC matches is enough."""
    good = _v("V02").framed
    wrong = good[:2] + b"0400" + good[6:]  # LLLL says 400, the segment has 285 bytes
    framer = StreamFramer()
    frames = framer.feed(wrong)
    assert len(frames) == 1 and "length_mismatch" in decode_frame(frames[0]).defects


def test_unpadded_length() -> None:
    """V30 style '##81QN=...': no 4-digit LLLL; delimiter framing recovers it, defect unpadded_length."""
    segment = _v("V01").packet[6:-4]
    raw = f"##{len(segment)}{segment}1C80\r\n".encode()
    assert raw.startswith(b"##101QN=")
    packet = decode_stream(raw)[0]
    assert packet.ok and "unpadded_length" in packet.defects and packet.declared_length == 101


def test_hash_signs_inside_an_info_text_do_not_resync() -> None:
    """hj212.md 1, step 7: a correctly length-framed packet whose log text holds '##'."""
    log = "//recv ##0087QN=1;ST=91;CN=9014;CP=&&&&3240 from platform//"
    segment = (f"QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
               f"CP=&&DataTime=20160801085857;PolId=w01018;i11001-Info={log}&&")
    raw = frame(segment)
    for chunks in ([raw], [raw[i : i + 5] for i in range(0, len(raw), 5)]):
        framer = StreamFramer()
        raws = _feed_all(framer, chunks)
        assert raws == [raw]
        packet = decode_stream(raw)[0]
        assert packet.ok and packet.values["i11001"]["Info"] == log


def test_truncated_frame_followed_by_a_header() -> None:
    cut = _v("V01").framed[:60]
    packets = decode_stream(cut + _v("V19").framed)
    assert len(packets) == 2
    assert "truncated" in packets[0].defects and not packets[0].ok
    assert packets[1].ok


def test_flush_reports_an_unterminated_tail() -> None:
    framer = StreamFramer()
    assert framer.feed(_v("V01").framed[:-2]) == []
    tail = framer.flush()
    assert len(tail) == 1 and "missing_terminator" in tail[0].defects
    assert decode_frame(tail[0]).ok  # all of the segment and its CRC were there
    assert framer.buffered == 0


def test_buffer_stays_bounded_on_endless_junk() -> None:
    framer = StreamFramer()
    junk = b"http://www.cmsoft.cn #" * 500
    for _ in range(200):
        assert framer.feed(junk) == []
        assert framer.buffered <= 1  # only a trailing '#' that may start a header is kept
    assert framer.junk_bytes == 200 * len(junk) - framer.buffered


def test_buffer_stays_bounded_on_a_9999_header_and_garbage() -> None:
    framer = StreamFramer()
    framer.feed(b"##9999")
    chunk = b"x" * 4096
    for _ in range(100):  # 400 KiB of garbage without a line end
        assert framer.feed(chunk) == []
        assert framer.buffered <= MAX_FRAME + len(chunk)
    assert framer.junk_bytes + framer.buffered == 6 + 100 * len(chunk)
    good = _v("V01").framed
    assert [f.raw for f in framer.feed(good)] == [good]  # the link recovers


def test_buffer_stays_bounded_on_many_headers_without_line_ends() -> None:
    framer = StreamFramer()
    for _ in range(50):
        assert framer.feed(b"##ab" * 5000) == []  # 20 kB of false headers per read
        assert framer.buffered <= MAX_FRAME + 20_000


def test_a_small_max_segment_drops_an_impossible_header() -> None:
    framer = StreamFramer(max_segment=1024)
    assert framer.feed(b"##9999" + b"y" * 2000) == []
    assert framer.buffered <= 2 + 4 + 1024 + 4 + 2 + 2000
    good = _v("V01").framed
    assert [f.raw for f in framer.feed(good)] == [good]


def test_oversize_segment_is_flagged_but_kept() -> None:
    segment = "QN=20250303100000000;ST=31;CN=2051;PW=123456;MN=M;Flag=4;CP=&&" + "a-Rtd=1;" * 130 + "&&"
    packet = decode_stream(frame(segment))[0]
    assert len(packet.segment) > 1024 and packet.ok
    assert "oversize_segment" in packet.defects and len(packet.values) == 1


def test_a_line_end_inside_a_slow_frame_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A log text with a line feed, arriving 7 bytes at a time: the early-close CRC check runs once."""
    from ultralow.hj212 import framing

    calls = []
    real = framing.match_variant

    def counting(segment: bytes, stated: str, crc: int | None = None) -> object:
        calls.append(len(segment))
        return real(segment, stated, crc)

    monkeypatch.setattr(framing, "match_variant", counting)
    segment = "QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=X;Flag=5;CP=&&i11001-Info=//line 1\nline 2 " + "x" * 3000 + "//&&"
    raw = frame(segment)
    framer = StreamFramer()
    got = []
    for at in range(0, len(raw), 7):
        got += framer.feed(raw[at : at + 7])
    assert [f.raw for f in got] == [raw] and got[0].defects == ["oversize_segment"]  # 3094 > 1024 bytes
    assert len(calls) == 1  # the line feed inside the text was refused once, then remembered


def test_a_truncated_frame_with_a_large_length_resyncs_on_the_next_verified_header() -> None:
    # issue 10: a frame cut off after its header (LLLL 9999) held back the frames after it until the idle
    # timeout. Each good frame, fed as it is sent, comes out at once; the cut one comes first, as truncated.
    a, b, c = _v("V01").framed, _v("V02").framed, _v("V03").framed
    cut = b"##9999" + a[6:60]
    framer = StreamFramer()
    assert framer.feed(cut) == []
    first = framer.feed(a)
    assert [f.raw for f in first] == [cut, a]
    assert first[0].defects == ["truncated"] and first[1].defects == []
    assert [f.raw for f in framer.feed(b)] == [b]
    assert [f.raw for f in framer.feed(c)] == [c] and framer.buffered == 0


def test_a_header_whose_crc_fails_is_no_resync_point() -> None:
    # the pending frame keeps waiting: a later "##" with a wrong CRC does not cut it
    a = _v("V01").framed
    bad = a[:-6] + (b"0000" if a[-6:-2] != b"0000" else b"1111") + b"\r\n"
    framer = StreamFramer()
    assert framer.feed(b"##0999" + a[6:40]) == []
    assert framer.feed(bad) == []
    assert framer.buffered == 6 + 34 + len(bad)


def test_a_chain_of_headers_with_hex_at_every_crc_position_costs_little_cpu() -> None:
    """``##99999`` repeated: each header's LLLL (9999) lands its four "CRC" bytes on ``9999``, so the framer
    checks a ~10 KB candidate segment per 7 bytes sent, in every CRC variant.  With a per-byte Python
    Modbus CRC this input (35 KB) took 2.9 s of CPU; with the vectorised one 0.14 s (h15, load ~2).
    The bound leaves a margin of 7 for a loaded machine and still fails the per-byte form."""
    import time

    good = frame("QN=20250303100020123;ST=22;CN=2011;PW=123456;MN=ABC0000001;Flag=5;CP=&&a21026-Rtd=14.2&&")
    data = b"##3412QN=20160801085857223" + b"##99999" * 5000 + good
    started = time.process_time()
    frames = split_frames(data)
    spent = time.process_time() - started
    assert frames[-1].raw == good and frames[-1].defects == []  # the good frame after the junk is whole
    assert spent < 1.0, f"{spent:.2f} s of CPU"
