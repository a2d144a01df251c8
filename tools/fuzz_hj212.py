"""Fuzz the HJ 212 framer and decoder with mutated packets (not part of ``make test``: it runs for minutes).

    .venv/bin/python tools/fuzz_hj212.py [-n 1000000] [--seed 212]

Each case takes one to three seed packets (now and then 10-40, for streams beyond one maximal frame) (built with the codec's encoder: minute, hour and split
uploads, a UTF-8 log, 2005-style and Modbus-CRC packets, replies; plus the real packets of
shared/reference/hj212-vectors.md when that file is found), mutates them (bit flips, byte changes,
truncation, insertion of random bytes or grammar tokens, duplicated ``##``, deletions, repeated
slices, a changed LLLL, long junk runs without a line end), feeds the result to a ``StreamFramer`` in random chunks, decodes every frame,
renders its JSON and builds the reply a platform would send; ``decode`` is also called on the whole
input.  It checks that every input byte is accounted for (in a frame or counted as junk) and prints
counts, the slowest case, and every exception with its input.  Exit 1 on any exception or failed check.
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import re
import sys
import time
import traceback
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from ultralow.hj212 import (
    CHINA_TZ,
    Flag,
    Message,
    StreamFramer,
    build_9014,
    crc_modbus,
    decode,
    decode_frames,
    encode,
    encode_split,
    format_data_time,
    format_qn,
    frame,
    reply_to,
)

TOKENS = [b"##", b"#", b"0000", b"0101", b"9999", b"81", b";", b",", b"=", b"&&", b"CP=&&", b"QN=", b"Flag=",
          b"PNUM=", b"PNO=", b"-Rtd", b"-Flag=N", b"//", b"\r\n", b"\n", b"\r", b" ", b"\t", b"\xe6\xb8\x85",
          b"\xff", b"\x00", "²".encode(), b"1" * 40]


def seed_packets() -> list[bytes]:
    """Packets of many shapes, built with the encoder; plus the shared reference vectors if present."""
    when = datetime(2025, 3, 3, 10, 0, tzinfo=CHINA_TZ)
    mn = "010000A8900016F000169DC0"
    minute = Message(cn="2051", st="31", qn=format_qn(when), pw="123456", mn=mn, flag=Flag(1, False, True),
                     globals={"DataTime": format_data_time(when)},
                     values={code: {"Cou": "0.156", "Min": "12.90", "Avg": "14.21", "Max": "15.63", "ZsAvg": "16.38",
                                    "Flag": "N"} for code in ("a21026", "a21002", "a34013", "a19001", "a00000")})
    hour = Message(cn="2061", st="31", qn=format_qn(when + timedelta(hours=1)), pw="123456", mn=mn,
                   flag=Flag(1, False, True), globals={"DataTime": format_data_time(when)},
                   values={f"a{n:05d}": {"Avg": f"{n}.5", "Min": "1", "Max": "9", "Flag": "N"} for n in range(40)})
    log = Message(cn="3020", st="32", qn=format_qn(when), pw="123456", mn=mn, flag=Flag(1, False, True),
                  globals={"DataTime": "20100301145000", "PolId": "w01018"},
                  values={"i11001": {"Info": "//清洗管路; pump=on, ##0101 seen//"}})
    legacy = frame("ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817000;B01-Rtd=36.91;"
                   "011-Rtd=231.0,011-Flag=N&&")
    segment = b"ST=31;CN=2011;PW=123456;MN=4201003;CP=&&DataTime=20250303100000;02-Rtd=18.1,02-Flag=N&&"
    modbus = b"##%04d" % len(segment) + segment + f"{crc_modbus(segment):04X}".encode() + b"\r\n"
    seeds = [encode(minute), *encode_split(hour), encode(log), legacy, modbus, build_9014(decode(encode(minute))),
             frame("QN=20210412154520280;ST=91;CN=9015;PW=123456;MN=A1;Flag=9;CP=&&&&")]
    for folder in (Path(__file__).resolve().parents[2] / "shared", Path(__file__).resolve().parents[1] / "shared"):
        vectors = folder / "reference" / "hj212-vectors.md"
        if vectors.is_file():
            text = vectors.read_text(encoding="utf-8")
            seeds += [m.encode() + b"\r\n" for m in re.findall(r"^```\n(##\d{4}[^\n]*)\n```", text, re.M)]
            break
    return seeds


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        at = rng.randint(0, len(out))
        kind = rng.randrange(10)
        if kind == 0 and out:
            out[min(at, len(out) - 1)] ^= 1 << rng.randrange(8)  # bit flip
        elif kind == 1 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)  # byte change
        elif kind == 2:
            del out[at:]  # truncation
        elif kind == 3:
            out[at:at] = rng.randbytes(rng.randint(1, 16))  # random insertion
        elif kind == 4:
            out[at:at] = rng.choice(TOKENS)  # grammar token
        elif kind == 5:
            out[at:at] = b"##" * rng.randint(1, 3)  # duplicated header marks
        elif kind == 6:
            del out[at : at + rng.randint(1, 40)]  # deletion
        elif kind == 7 and out:
            start = rng.randrange(len(out))
            out[at:at] = out[start : start + rng.randint(1, 60)]  # a repeated slice
        elif kind == 8 and len(out) >= 6 and out[:2] == b"##":
            out[2:6] = b"%04d" % rng.randint(0, 9999)  # a wrong LLLL
        elif kind == 9 and rng.random() < 0.05:
            out[at:at] = rng.choice([b"x", b"##ab", b"##9999", b"#"]) * rng.randint(1000, 6000)  # long junk, no line end
        else:
            out[at:at] = rng.choice(TOKENS) * rng.randint(1, 4)
    return bytes(out)


def chunks(data: bytes, rng: random.Random) -> list[bytes]:
    if not data or rng.random() < 0.3:
        return [data]
    cuts = sorted(rng.randrange(len(data) + 1) for _ in range(rng.randint(1, 8)))
    points = [0, *cuts, len(data)]
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)]


def run_case(data: bytes, rng: random.Random, stats: Counter[str]) -> None:
    framer = StreamFramer()
    frames = []
    for chunk in chunks(data, rng):
        frames += framer.feed(chunk)
    frames += framer.flush()
    if sum(len(f.raw) for f in frames) + framer.junk_bytes != len(data) or framer.buffered:
        raise AssertionError("bytes not accounted for: frames + junk != input")
    for packet in decode_frames(frames):
        json.dumps(packet.to_json(), ensure_ascii=False)
        packet.cp_items  # noqa: B018 - the lazily split item list must read too
        reply_to(packet)
        stats["frames"] += 1
        stats["ok"] += packet.ok
        for defect in packet.defects:
            stats["defect:" + defect] += 1
    decode(data)


def _timed(data: bytes) -> float:
    start = time.perf_counter()
    run_case(data, random.Random(0), Counter())
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="number of mutated inputs")
    parser.add_argument("--seed", type=int, default=212)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    seeds = seed_packets()
    stats: Counter[str] = Counter()
    failures = 0
    slowest: list[tuple[float, bytes]] = []  # the 5 slowest cases as measured
    began = time.perf_counter()
    for case in range(1, args.n + 1):
        count = rng.randint(10, 40) if rng.random() < 0.02 else rng.randint(1, 3)  # now and then a long stream
        data = mutate(b"".join(rng.choice(seeds) for _ in range(count)), rng)
        stats["input_bytes"] += len(data)
        start = time.perf_counter()
        try:
            run_case(data, rng, stats)
        except Exception:  # report every failure with its input and go on
            failures += 1
            if failures <= 20:
                print(f"EXCEPTION in case {case}: input={data!r}", file=sys.stderr)
                traceback.print_exc()
        spent = time.perf_counter() - start
        if len(slowest) < 5 or spent > slowest[0][0]:
            heapq.heappush(slowest, (spent, data))
            if len(slowest) > 5:
                heapq.heappop(slowest)
        if case % 100_000 == 0:
            print(f"  {case:,} cases, {failures} exceptions, {time.perf_counter() - began:.0f} s", file=sys.stderr)
    elapsed = time.perf_counter() - began
    top = ", ".join(f"{name[7:]}={count:,}" for name, count in stats.most_common() if name.startswith("defect:"))
    print(f"seeds: {len(seeds)} packets; inputs: {args.n:,} ({stats['input_bytes']:,} bytes); "
          f"frames: {stats['frames']:,}, CRC-valid: {stats['ok']:,}")
    print(f"defects: {top}")
    # a single timing is noisy on a shared machine: the slowest cases are timed again, best of 3
    retimed = max((min(_timed(data) for _ in range(3)), len(data)) for _, data in slowest)
    print(f"slowest case (re-timed, best of 3): {retimed[0] * 1000:.2f} ms for {retimed[1]} bytes")
    print(f"RESULT: {args.n:,} mutated inputs, {failures} exceptions, {elapsed:.0f} s "
          f"(seed {args.seed}): {'PASS' if failures == 0 else 'FAIL'}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
