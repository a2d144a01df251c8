"""``ultralow hj212 decode|encode``: the codec on the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

import click
from rich.console import Console

from ultralow.hj212 import Flag, Message, Packet, decode_frames, encode_split, format_data_time
from ultralow.hj212.framing import STANDARD_SEGMENT_BYTES
from ultralow.hj212.log import read_log_lines
from ultralow.terminal_tables import Column, print_fitted


def read_packets(stream: BinaryIO, frameless: list[int] | None = None) -> Iterator[Packet]:
    """Packets from a file holding one packet per line (the framing of ``ultralow ingest`` too).

    The line end is the file's, not the packet's terminator, so CR LF, CR CR LF and LF alike end a line
    without a defect. A line without any frame gives a packet whose only defect is ``no_frame`` (and its
    number goes to ``frameless``).
    """
    lines = list(read_log_lines(stream.read()))
    packets = iter(decode_frames([frame for line in lines for frame in line.frames]))
    for line in lines:
        if not line.frames:
            if frameless is not None:
                frameless.append(line.number)
            yield Packet(raw=line.text, defects=["no_frame"])
        for _ in line.frames:
            yield next(packets)


@click.group()
def hj212() -> None:
    """The HJ 212 protocol: decode and encode packets."""


@hj212.command()
@click.argument("file", type=click.File("rb"), default="-")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json", show_default=True,
              help="json: one JSON object per frame (JSON Lines); table: a readable summary.")
def decode(file: BinaryIO, fmt: str) -> None:
    """Decode packets from FILE (or stdin): one JSON object per frame. A line without an HJ 212 frame (no
    ``##`` header) is named on stderr as FILE:LINE; when no line holds a frame the command exits 1."""
    frameless: list[int] = []
    packets = list(read_packets(file, frameless))
    if fmt == "json":
        out = sys.stdout
        for packet in packets:
            out.write(json.dumps(packet.to_json(), ensure_ascii=False) + "\n")
    else:
        print_table(packets)
    name = getattr(file, "name", "-")
    name = "-" if name == "<stdin>" else name
    for number in frameless:
        click.echo(f"{name}:{number}: no HJ 212 frame on this line (no ## header)", err=True)
    if not packets:
        click.echo(f"{name}: empty input: no HJ 212 frame", err=True)
        sys.exit(1)
    if len(frameless) == len(packets):
        click.echo(f"{len(frameless)} line(s) without an HJ 212 frame", err=True)
        sys.exit(1)


def print_table(packets: list[Packet], console: Console | None = None) -> None:
    """A readable table of decoded packets, fitted to the terminal (MNs and times never cut)."""
    rows = []
    for p in packets:
        shown = ", ".join(
            f"{code}={s.get('Avg') or s.get('Rtd') or next(iter(s.values()), '')}{'/' + s['Flag'] if 'Flag' in s else ''}"
            for code, s in list(p.values.items())[:4]
        )
        if len(p.values) > 4:
            shown += f" (+{len(p.values) - 4} more)"
        rows.append(["yes" if p.ok else "no", p.crc_variant.value if p.crc_variant else "none", p.cn or "",
                     p.mn or "", p.data_time.isoformat() if p.data_time else "", shown, ", ".join(p.defects)])
    print_fitted(console or Console(), f"{len(packets)} HJ 212 frames", [
        Column("ok", wrap=False), Column("CRC", wrap=False), Column("CN", wrap=False), Column("MN", wrap=False),
        Column("DataTime", numeric=True), Column("values"), Column("defects")], rows)


def _text_map(value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f"{what} must be an object of strings")
    return dict(value)


def _optional_text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be a string or null")
    return value


def _optional_int(obj: dict[str, Any], key: str) -> int | None:
    value = obj.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"{key} must be an integer or null")
    return value


def message_from_json(obj: dict[str, Any]) -> Message:
    """The inverse of :meth:`Packet.to_json` (fields not in the JSON are left out of the packet).

    Raises ValueError (or KeyError for a missing ``cn``) naming the offending key.
    """
    cn = obj["cn"]
    if not isinstance(cn, str):
        raise ValueError("cn must be a string")
    flag = obj.get("flag")
    if flag is not None and not (
        isinstance(flag, dict) and {"version", "split", "ack"} <= flag.keys()
        and isinstance(flag["version"], int) and 0 <= flag["version"] <= 63  # six version bits
    ):
        raise ValueError('flag must be null or {"version": 0..63, "split": bool, "ack": bool}')
    glob = _text_map(obj.get("globals"), "globals")
    if "DataTime" not in glob and obj.get("data_time"):
        glob = {"DataTime": format_data_time(datetime.fromisoformat(str(obj["data_time"]))), **glob}
    raw_values = obj.get("values") or {}
    if not isinstance(raw_values, dict):
        raise ValueError("values must be an object: factor code -> suffix -> string")
    values = {str(code): _text_map(suffixes, f"values.{code}") for code, suffixes in raw_values.items()}
    return Message(
        cn=cn,
        st=_optional_text(obj, "st"),
        qn=_optional_text(obj, "qn"),
        pw=_optional_text(obj, "pw"),
        mn=_optional_text(obj, "mn"),
        flag=Flag(int(flag["version"]), bool(flag["split"]), bool(flag["ack"])) if flag is not None else None,
        pnum=_optional_int(obj, "pnum"),
        pno=_optional_int(obj, "pno"),
        globals=glob,
        values=values,
    )


@hj212.command()
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--split-above", type=int, default=STANDARD_SEGMENT_BYTES, show_default=True,
              help="Split into sub-packets when the data segment is longer than this many bytes.")
def encode(file: Any, split_above: int) -> None:
    """Encode JSON objects (the decode format, one per line) from FILE into framed packets.

    A line that cannot be encoded is reported on stderr as ``FILE:LINE: problem``; the other lines are
    still encoded, and the command then exits 1 with a count of the failed lines.
    """
    out = sys.stdout.buffer
    name = getattr(file, "name", "-")
    failed = 0
    for number, line in enumerate(file, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
            frames = encode_split(message_from_json(obj), limit=split_above)
        except (ValueError, KeyError, TypeError) as exc:
            detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
            click.echo(f"{name}:{number}: {detail}", err=True)
            failed += 1
            continue
        for framed in frames:
            out.write(framed)
    out.flush()
    if failed:
        click.echo(f"{failed} line(s) could not be encoded", err=True)
        sys.exit(1)
