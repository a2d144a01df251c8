"""``ultralow demo``: the most complete end-to-end example so far."""

from __future__ import annotations

import click
from rich.console import Console

from ultralow.cli.hj212 import print_table
from ultralow.demo.stream import sample_stream
from ultralow.hj212 import decode_stream, reply_to


@click.command()
def demo() -> None:
    """Decode a sample HJ 212 stream from a plant link and show what the platform would answer."""
    console = Console()
    data = sample_stream()
    packets = decode_stream(data)
    console.print(f"[bold]Sample stream[/]: {len(data)} bytes, {len(packets)} frames")
    print_table(packets, console)
    replies = [reply for reply in (reply_to(p) for p in packets) if reply is not None]
    console.print(f"Platform replies owed: {len(replies)} (9014 for each CRC-valid upload with Flag.A=1)")
    if replies:
        console.print(f"  e.g. {replies[0].decode().strip()}")
