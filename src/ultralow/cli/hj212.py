"""``ultralow hj212 decode|encode``: the codec on the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

import click
from rich.console import Console
from rich.table import Table

from ultralow.hj212 import Flag, Message, Packet, decode_frame, encode_split, split_frames
from ultralow.hj212.framing import STANDARD_SEGMENT_BYTES


def read_packets(stream: BinaryIO) -> Iterator[Packet]:
    """Packets from a file holding one packet per line, or a raw byte stream.

    A file without any carriage return is read as one packet per line: the line end is the file's,
    not the packet's terminator, so it is not reported as ``lf_only``.
    """
    data = stream.read()
    if b"\r" not in data:
        lines = [line.rstrip(b" \t") for line in data.split(b"\n")]
        data = b"".join(line + b"\r\n" for line in lines if line.strip())
    for frame in split_frames(data):
        yield decode_frame(frame)


@click.group()
def hj212() -> None:
    """The HJ 212 protocol: decode and encode packets."""


@hj212.command()
@click.argument("file", type=click.File("rb"), default="-")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json", show_default=True,
              help="json: one JSON object per frame (JSON Lines); table: a readable summary.")
def decode(file: BinaryIO, fmt: str) -> None:
    """Decode packets from FILE (or stdin): one JSON object per frame."""
    packets = read_packets(file)
    if fmt == "json":
        out = sys.stdout
        for packet in packets:
            out.write(json.dumps(packet.to_json(), ensure_ascii=False) + "\n")
        return
    print_table(list(packets))


def print_table(packets: list[Packet], console: Console | None = None) -> None:
    """A readable table of decoded packets."""
    table = Table(title=f"{len(packets)} HJ 212 frames")
    for column in ("ok", "CRC", "CN", "MN", "DataTime", "values", "defects"):
        table.add_column(column)
    for p in packets:
        shown = ", ".join(
            f"{code}={s.get('Avg') or s.get('Rtd') or next(iter(s.values()), '')}{'/' + s['Flag'] if 'Flag' in s else ''}"
            for code, s in list(p.values.items())[:4]
        )
        if len(p.values) > 4:
            shown += f" … (+{len(p.values) - 4})"
        table.add_row(
            "[green]yes[/]" if p.ok else "[red]no[/]",
            p.crc_variant.value if p.crc_variant else "none",
            p.cn or "",
            p.mn or "",
            p.data_time.isoformat() if p.data_time else "",
            shown,
            ", ".join(p.defects),
        )
    (console or Console()).print(table)


def message_from_json(obj: dict[str, Any]) -> Message:
    """The inverse of :meth:`Packet.to_json` (fields not in the JSON are left out of the packet)."""
    flag = obj.get("flag")
    glob = dict(obj.get("globals") or {})
    if "DataTime" not in glob and obj.get("data_time"):
        from datetime import datetime

        from ultralow.hj212 import format_data_time

        glob = {"DataTime": format_data_time(datetime.fromisoformat(obj["data_time"])), **glob}
    return Message(
        cn=str(obj["cn"]),
        st=obj.get("st"),
        qn=obj.get("qn"),
        pw=obj.get("pw"),
        mn=obj.get("mn"),
        flag=Flag(int(flag["version"]), bool(flag["split"]), bool(flag["ack"])) if flag else None,
        pnum=obj.get("pnum"),
        pno=obj.get("pno"),
        globals=glob,
        values=obj.get("values") or {},
    )


@hj212.command()
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--split-above", type=int, default=STANDARD_SEGMENT_BYTES, show_default=True,
              help="Split into sub-packets when the data segment is longer than this many bytes.")
def encode(file: Any, split_above: int) -> None:
    """Encode JSON objects (the decode format, one per line) from FILE into framed packets."""
    out = sys.stdout.buffer
    for number, line in enumerate(file, start=1):
        if not line.strip():
            continue
        try:
            message = message_from_json(json.loads(line))
            frames = encode_split(message, limit=split_above)
        except (ValueError, KeyError, TypeError) as exc:
            raise click.ClickException(f"{getattr(file, 'name', '-')}:{number}: {exc}") from exc
        for framed in frames:
            out.write(framed)
    out.flush()
