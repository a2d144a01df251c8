"""Conformance figures of the HJ 212 codec over a file of real captures (issue 15).

    .venv/bin/python tools/hj212_conformance.py [CAPTURES.jsonl]

The file holds one JSON object a line with ``raw`` (the packet as logged) and
``expected.crc_variant_independent`` (the CRC variant found by an independent CRC); the default is
``../shared/reference/hj212-real-captures.jsonl``.  The packets are written one a line (CR LF) and read
through both log paths: ``ultralow hj212 decode``'s (:func:`ultralow.cli.hj212.read_packets`) and
``ultralow ingest``'s HJ 212 log reader.  Prints frames, ok, frames by CRC variant and by defect, the
agreement with the independent CRC verdicts and between the two paths.  Exit 1 on any disagreement.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from ultralow.cli.hj212 import read_packets
from ultralow.hj212 import Packet
from ultralow.ingest.hj212_log import parse_hj212_log

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "reference" / "hj212-real-captures.jsonl"


def verdicts(packets: list[Packet]) -> list[tuple[str | None, tuple[str, ...]]]:
    """(CRC variant, defects) of each packet: the framing and CRC verdicts both paths must agree on."""
    return [(p.crc_variant.value if p.crc_variant else None, tuple(p.defects)) for p in packets]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("captures", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args(argv)
    captures = [json.loads(line) for line in args.captures.read_text(encoding="utf-8").splitlines() if line.strip()]
    log = b"".join(c["raw"].encode("utf-8") + b"\r\n" for c in captures)

    cli = list(read_packets(io.BytesIO(log)))
    ingest = [r.packet for r in parse_hj212_log(log, args.captures.name, datetime.now(UTC)) if r.packet is not None]
    expected = [c["expected"]["crc_variant_independent"] for c in captures]

    same_paths = verdicts(cli) == verdicts(ingest)
    same_crc = [v for v, _ in verdicts(cli)] == expected
    print(f"captures: {len(captures)} distinct packets ({sum(c.get('occurrences', 1) for c in captures)} occurrences) "
          f"from {len({c['source']['repo'] for c in captures})} repositories")
    print(f"frames: {len(cli)} (decode path), {len(ingest)} (ingest path); ok (HJ 212 CRC): {sum(p.ok for p in cli)}")
    print("by CRC variant: " + ", ".join(f"{k}: {n}" for k, n in Counter(v or "none" for v, _ in verdicts(cli)).most_common()))
    defects = Counter(d for p in cli for d in p.defects)
    print(f"frames without defect: {sum(not p.defects for p in cli)}")
    print("by defect (frames): " + (", ".join(f"{k}: {n}" for k, n in defects.most_common()) or "none"))
    print(f"CRC variant equals the independent verdict: {same_crc}; decode and ingest give the same verdicts: {same_paths}")
    return 0 if same_paths and same_crc and len(cli) == len(captures) else 1


if __name__ == "__main__":
    sys.exit(main())
