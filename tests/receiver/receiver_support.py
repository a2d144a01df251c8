"""Shared by the receiver tests: a registry, packets, a receiver on a free loopback port, a client."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from ultralow.hj212 import Flag, Message, Packet, StreamFramer, decode_frame, encode
from ultralow.ingest import Pipeline
from ultralow.receiver.events import EventLog
from ultralow.receiver.limits import ReceiverLimits
from ultralow.receiver.server import Receiver
from ultralow.registry import parse_registry
from ultralow.store import Store

MN = "010000A8900016F000169DC0"
PW = "123456"
OTHER_MN = "010000A8900016F000169DC1"

REGISTRY = f"""\
[[bases]]
id = "sd"
name = "Shandong power"
country = "CN"

[[outlets]]
id = "u1"
base = "sd"
name = "Unit 1"
mn = "{MN}"
pw = "{PW}"
source_type = "coal_boiler"
limit_sets = []

[[outlets]]
id = "u2"
base = "sd"
name = "Unit 2"
mn = "{OTHER_MN}"
pw = "{PW}"
source_type = "coal_boiler"
limit_sets = []
"""

UPLOAD = Flag(1, False, True)  # Flag=5
NO_ACK = Flag(1, False, False)  # Flag=4


def packet(cn: str = "2051", qn: str = "20250303100105001", mn: str = MN, pw: str = PW, flag: Flag | None = UPLOAD,
           data_time: str | None = "20250303100000", values: Mapping[str, Mapping[str, str]] | None = None,
           pnum: int | None = None, pno: int | None = None) -> bytes:
    """One framed packet with a correct CRC (by the codec's encoder)."""
    glob = {"DataTime": data_time} if data_time is not None else {}
    if values is None:
        values = {"a21026": {"Avg": "18.20", "Flag": "N"}} if data_time is not None else {}
    return encode(Message(cn=cn, qn=qn, pw=pw, mn=mn, flag=flag, globals=glob, values=values, pnum=pnum, pno=pno))


@dataclass
class Running:
    receiver: Receiver
    store: Store
    log: io.StringIO

    @property
    def port(self) -> int:
        return self.receiver.port

    def events(self, name: str) -> list[dict[str, object]]:
        lines = [json.loads(line) for line in self.log.getvalue().splitlines()]
        return [line for line in lines if line["event"] == name]

    def count(self, sql: str, params: list[object] | None = None) -> int:
        with self.store.lock:
            row = self.store.con.execute(sql, params or []).fetchone()
        assert row is not None
        return int(row[0])


@asynccontextmanager
async def running_receiver(tmp_path: Path, limits: ReceiverLimits | None = None,
                           registry_text: str = REGISTRY) -> AsyncIterator[Running]:
    """A receiver with a real DuckDB store on 127.0.0.1 and a free port; stopped (gracefully) at the end."""
    store = Store(tmp_path / "receiver.duckdb")
    registry = parse_registry(registry_text, "test-registry.toml")
    log = io.StringIO()
    receiver = Receiver.for_pipeline(Pipeline(store, registry), host="127.0.0.1", port=0,
                        limits=limits or ReceiverLimits(batch_interval_s=0.005), events=EventLog(stream=log))
    await receiver.start()
    try:
        yield Running(receiver, store, log)
    finally:
        await receiver.stop()
        store.close()


class Client:
    """A plain TCP client that collects the packets the receiver sends back."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.framer = StreamFramer()
        self.replies: list[Packet] = []

    @classmethod
    async def connect(cls, port: int, source: str | None = None) -> Client:
        """Connect to the receiver, from the loopback address ``source`` (e.g. ``127.0.0.2``) if given."""
        local = (source, 0) if source is not None else None
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=local)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def replies_within(self, count: int, timeout_s: float = 5.0) -> list[Packet]:
        """Read until ``count`` replies have arrived or ``timeout_s`` passed; returns all read so far."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while len(self.replies) < count:
            left = deadline - loop.time()
            if left <= 0:
                break
            try:
                data = await asyncio.wait_for(self.reader.read(65536), left)
            except TimeoutError:
                break
            if not data:
                break
            self.replies.extend(decode_frame(frame) for frame in self.framer.feed(data))
        return self.replies

    async def closed_by_peer(self, timeout_s: float) -> bool:
        """True when the receiver closes the connection within ``timeout_s`` (replies are kept)."""
        try:
            while True:
                data = await asyncio.wait_for(self.reader.read(65536), timeout_s)
                if not data:
                    return True
                self.replies.extend(decode_frame(frame) for frame in self.framer.feed(data))
        except TimeoutError:
            return False
        except ConnectionError:
            return True

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except ConnectionError:
            pass
