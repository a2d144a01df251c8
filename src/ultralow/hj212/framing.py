"""Stream framing: cut ``##LLLL<segment><CRC>\\r\\n`` frames out of a byte stream.

Pure: bytes in, frames out; the caller owns the socket or file. The framer trusts LLLL as a UTF-8 byte
count, falls back to delimiter framing when LLLL is wrong or unpadded, skips junk between frames,
tolerates LF-only endings and never holds more than one maximal frame plus the last chunk fed.

Resync: while a frame waits for the bytes its LLLL promises, a later ``##`` that starts a complete frame
whose CRC verifies ends the wait: the bytes before it are returned as a ``truncated`` frame, so a frame
cut off by a logger's reset never holds back the frames sent after it. A ``##`` inside a frame whose
declared bytes have all arrived is never a resync point (log text may quote packets).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from ultralow.hj212.crc import MAX_SEGMENT_BYTES, crc_hj212, match_variant

STANDARD_SEGMENT_BYTES: Final = 1024  # HJ 212-2017 Table 2
_HEXDIGITS: Final = frozenset(b"0123456789abcdefABCDEF")


@dataclass(slots=True)
class Frame:
    """One framed packet before field decoding."""

    raw: bytes
    segment: bytes
    declared_length: int | None
    crc_text: str | None
    defects: list[str] = field(default_factory=list)


_DROPPED: Final = Frame(b"", b"", None, None)  # sentinel: a header was dropped, look again


def _junk_defect(between: bytes | bytearray) -> str:
    """The defect for the bytes between a verified CRC and the frame's end: only blanks are
    ``trailing_whitespace`` (HJ 212-2017 Table 2 has CR LF right after the CRC), anything else (the four
    characters ``\\r\\n``, a doubled CR) is ``junk_after_crc``."""
    return "trailing_whitespace" if between and not between.strip(b" \t") else "junk_after_crc"


def _frame_overhead(max_segment: int) -> int:
    return 2 + 4 + max_segment + 4 + 2


@dataclass
class StreamFramer:
    """Incremental framer; feed it bytes as they arrive and collect the frames it returns."""

    max_segment: int = MAX_SEGMENT_BYTES
    junk_bytes: int = 0
    frames_seen: int = 0
    _buf: bytearray = field(default_factory=bytearray)
    # offset of a line end already found not to close the frame at offset 0 early (its CRC failed),
    # so that a frame arriving in many small reads is not checked again on every read
    _early_refused: int = -1
    # offsets of later headers already found not to start a valid frame (for resync)
    _resync_refused: set[int] = field(default_factory=set)

    @property
    def buffered(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> list[Frame]:
        """Add received bytes; return every complete frame now available, in order."""
        self._buf += data
        out: list[Frame] = []
        while True:
            frame = self._next(final=False)
            if frame is None:
                break
            out.append(frame)
        return out

    def flush(self) -> list[Frame]:
        """End of stream: return what is left as frames with defects (truncated, missing_terminator)."""
        out: list[Frame] = []
        while True:
            frame = self._next(final=True)
            if frame is None:
                break
            out.append(frame)
        self.junk_bytes += len(self._buf)
        self._buf.clear()
        self._early_refused = -1
        self._resync_refused.clear()
        return out

    # -- internals -------------------------------------------------------------------------------
    def _skip_to_header(self) -> bool:
        buf = self._buf
        start = buf.find(b"##")
        if start < 0:
            keep = 1 if buf.endswith(b"#") else 0
            self.junk_bytes += len(buf) - keep
            del buf[: len(buf) - keep]
            self._early_refused = -1
            self._resync_refused.clear()
            return False
        if start:
            self.junk_bytes += start
            del buf[:start]
            self._early_refused = -1
            self._resync_refused.clear()
        return True

    def _take(self, end: int, frame: Frame) -> Frame:
        del self._buf[:end]
        self._early_refused = -1
        self._resync_refused.clear()
        self.frames_seen += 1
        if len(frame.segment) > STANDARD_SEGMENT_BYTES:
            frame.defects.append("oversize_segment")
        return frame

    def _next(self, final: bool) -> Frame | None:
        while self._skip_to_header():
            frame = self._at_header(final)
            if frame is not _DROPPED:
                return frame
        return None

    def _at_header(self, final: bool) -> Frame | None:
        """The frame starting at the ``##`` at offset 0; None to wait for more bytes; or _DROPPED."""
        buf = self._buf
        n = len(buf)
        if n < 6 and not final and b"\n" not in buf:
            return None
        head = bytes(buf[2:6])
        if len(head) == 4 and head.isdigit():
            return self._by_length(int(head), final)
        digits = 0
        while 2 + digits < n and digits < 4 and 48 <= buf[2 + digits] <= 57:
            digits += 1
        declared = int(bytes(buf[2 : 2 + digits])) if digits else None
        defect = "unpadded_length" if digits else "missing_length"
        return self._by_delimiter(2 + digits, declared, [defect], final)

    def _by_length(self, declared: int, final: bool) -> Frame | None:
        buf = self._buf
        n = len(buf)
        end = 6 + declared  # CRC at [end, end + 4), terminator from end + 4
        if end + 4 < n:
            term = buf[end + 4]
            if term == 0x0D and end + 5 < n and buf[end + 5] == 0x0A:
                return self._take(end + 6, self._make(6, end, end + 6, declared, []))
            if term == 0x0A and buf[end + 3] != 0x0D:  # a CR just before means LLLL is one too large
                return self._take(end + 5, self._make(6, end, end + 5, declared, ["lf_only"]))
            if not (term == 0x0D and end + 5 == n) or final:
                after = self._after_verified_crc(end, final)
                if after is not None:
                    return after
                return self._by_delimiter(6, declared, [], final)
        if final:
            return self._by_delimiter(6, declared, [], final)
        # Not all bytes yet: an earlier line end is taken only when its CRC proves LLLL wrong.
        early = self._by_delimiter(6, declared, [], final, require_crc=True)
        if early is None and n > _frame_overhead(self.max_segment):
            return self._drop_stale()  # LLLL above max_segment: this header cannot start a frame
        if early is None:
            resync = self._verified_header_after(2)
            if resync is not None:
                return self._take(resync, Frame(bytes(buf[:resync]), bytes(buf[6:resync]), declared, None,
                                                ["truncated"]))
        return early

    def _verified_header_after(self, start: int) -> int | None:
        """Offset of the first ``##`` at or after ``start`` that begins a complete frame whose CRC
        verifies (any variant), or None. Headers proven not to are remembered until the buffer moves."""
        buf = self._buf
        n = len(buf)
        at = buf.find(b"##", start)
        while at >= 0:
            if at not in self._resync_refused:
                head = bytes(buf[at + 2 : at + 6])
                if len(head) < 4:
                    return None  # the rest of the buffer is too short to hold a frame
                if not head.isdigit():
                    self._resync_refused.add(at)
                else:
                    end = at + 6 + int(head)
                    if end + 5 <= n:  # CRC and at least the LF have arrived
                        crc = bytes(buf[end : end + 4])
                        closed = buf[end + 4] == 0x0A or (buf[end + 4] == 0x0D and end + 5 < n and buf[end + 5] == 0x0A)
                        segment = bytes(buf[at + 6 : end])
                        if closed and _HEXDIGITS.issuperset(crc) and \
                                match_variant(segment, crc.decode("ascii")) is not None:
                            return at
                        if closed or end + 5 < n or buf[end + 4] != 0x0D:
                            self._resync_refused.add(at)
            at = buf.find(b"##", at + 1)
        return None

    def _after_verified_crc(self, end: int, final: bool) -> Frame | None:
        """The frame ``[0, end + 4)`` when its CRC verifies although no CR LF follows it.

        LLLL and the CRC agree, so the frame is whole; what follows names the fault: the next ``##``
        at once is ``missing_crlf`` (frames glued in one write), other bytes up to the line end or the
        next header are ``junk_after_crc`` (e.g. the four characters ``\\r\\n`` written by a logger, or a
        doubled CR).  None when the CRC does not verify, or when the end of the junk has not arrived.
        """
        buf = self._buf
        crc = bytes(buf[end : end + 4])
        if not _HEXDIGITS.issuperset(crc):
            return None
        segment = bytes(buf[6:end])
        if match_variant(segment, crc.decode("ascii"), crc_hj212(segment)) is None:
            return None
        declared = end - 6
        if buf.startswith(b"##", end + 4):
            return self._take(end + 4, Frame(bytes(buf[: end + 4]), segment, declared, crc.decode(), ["missing_crlf"]))
        nl = buf.find(b"\n", end + 4)
        nxt = buf.find(b"##", end + 4)
        if nl < 0 and nxt < 0:
            if not final:
                return None
            cut, defects = len(buf), [_junk_defect(buf[end + 4 :]), "missing_terminator"]
        elif nxt >= 0 and (nl < 0 or nxt < nl):
            cut, defects = nxt, [_junk_defect(buf[end + 4 : nxt]), "missing_crlf"]
        else:
            junk = buf[end + 4 : nl]
            cr = junk.endswith(b"\r")
            cut, defects = nl + 1, [_junk_defect(junk[:-1] if cr else junk)]
            if not cr and defects == ["trailing_whitespace"]:
                defects.insert(0, "lf_only")  # blanks then a bare LF: as the delimiter path names it
        return self._take(cut, Frame(bytes(buf[:cut]), segment, declared, crc.decode(), defects))

    def _drop_stale(self) -> Frame:
        """Drop the header at offset 0 and every later one that can no longer start a frame.

        Called when no frame can be completed from the header at 0 although the buffer holds more than
        one maximal frame.  Headers farther than one maximal frame from the end of the buffer are as
        hopeless (a frame must end within that distance), so they go in the same step: the work stays
        linear in the bytes fed however many ``##`` the junk holds.
        """
        buf = self._buf
        keep_from = max(1, len(buf) - _frame_overhead(self.max_segment))
        nxt = buf.find(b"##", keep_from)
        cut = nxt if nxt >= 0 else len(buf) - (1 if buf.endswith(b"#") else 0)
        self.junk_bytes += cut
        del buf[:cut]
        self._early_refused = -1
        self._resync_refused.clear()
        return _DROPPED

    def _make(self, start: int, end: int, raw_end: int, declared: int | None, defects: list[str]) -> Frame:
        buf = self._buf
        crc = bytes(buf[end : end + 4])
        crc_text = crc.decode("ascii") if len(crc) == 4 and _HEXDIGITS.issuperset(crc) else None
        if crc_text is None:
            defects.append("crc_malformed")
        return Frame(bytes(buf[:raw_end]), bytes(buf[start:end]), declared, crc_text, defects)

    def _crc_verifies(self, start: int, seg_stop: int, seg_end: int) -> bool:
        crc = bytes(self._buf[seg_stop:seg_end])
        if len(crc) != 4 or not _HEXDIGITS.issuperset(crc):
            return False
        segment = bytes(self._buf[start:seg_stop])
        return match_variant(segment, crc.decode("ascii"), crc_hj212(segment)) is not None

    def _by_delimiter(
        self, start: int, declared: int | None, defects: list[str], final: bool, require_crc: bool = False
    ) -> Frame | None:
        buf = self._buf
        nl = buf.find(b"\n", start)
        if nl < 0 and not final:
            if len(buf) > _frame_overhead(self.max_segment):
                return self._drop_stale()
            return None
        line_end = nl if nl >= 0 else len(buf)
        inner = buf.find(b"##", start, line_end)
        if inner >= 0:
            if require_crc:
                return None
            # a new header before any line end: this frame lost its tail
            return self._take(inner, Frame(bytes(buf[:inner]), bytes(buf[start:inner]), declared, None,
                                           [*defects, "truncated"]))
        raw_end = min(line_end + 1, len(buf))
        seg_end = line_end
        if seg_end > start and buf[seg_end - 1] == 0x0D:
            seg_end -= 1
        else:
            defects.append("lf_only" if nl >= 0 else "missing_terminator")
        stripped = seg_end
        while seg_end > start and buf[seg_end - 1] in (0x20, 0x09):
            seg_end -= 1
        if stripped != seg_end:
            defects.append("trailing_whitespace")
        if seg_end - start < 4:
            if require_crc:
                return None
            return self._take(raw_end, Frame(bytes(buf[:raw_end]), bytes(buf[start:seg_end]), declared, None,
                                             [*defects, "truncated"]))
        seg_stop = seg_end - 4
        if declared is not None and declared != seg_stop - start:
            if declared > seg_stop - start and not require_crc and not self._crc_verifies(start, seg_stop, seg_end):
                # shorter than LLLL says and its last four characters are no CRC of it: a cut frame
                return self._take(raw_end, Frame(bytes(buf[:raw_end]), bytes(buf[start:seg_end]), declared,
                                                 None, [*defects, "truncated"]))
            defects.append("length_mismatch")
        if require_crc:
            if nl == self._early_refused:
                return None
            segment = bytes(buf[start:seg_stop])
            text = bytes(buf[seg_stop:seg_end]).decode("ascii", errors="replace")
            if match_variant(segment, text, crc_hj212(segment)) is None:
                self._early_refused = nl
                return None
        return self._take(raw_end, self._make(start, seg_stop, raw_end, declared, defects))


def split_frames(data: bytes, max_segment: int = MAX_SEGMENT_BYTES) -> list[Frame]:
    """Frame a complete byte string (a file or a captured stream), flushing the tail."""
    framer = StreamFramer(max_segment=max_segment)
    return [*framer.feed(data), *framer.flush()]
