"""The receiver on a real loopback socket with a real DuckDB store: replies, quarantine, bounds, fairness."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import datetime, timedelta
from pathlib import Path

from receiver_support import MN, NO_ACK, OTHER_MN, PW, Client, packet, running_receiver

from ultralow.hj212 import Flag, format_data_time, format_qn
from ultralow.receiver.limits import ReceiverLimits


def run(coro: object) -> None:
    asyncio.run(coro)  # type: ignore[arg-type]


def test_upload_is_acknowledged_with_9014_echoing_qn_after_it_is_stored(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_receiver(tmp_path) as rx:
            client = await Client.connect(rx.port)
            await client.send(packet(qn="20250303100105001"))
            replies = await client.replies_within(1)
            # stored before the reply was written: the frame and its reading are already in the store
            assert rx.count("SELECT count(*) FROM raw_frames WHERE qn = '20250303100105001'") == 1
            assert rx.count("SELECT count(*) FROM readings WHERE outlet_id = 'u1' AND code = 'a21026' "
                            "AND kind = 'minute' AND value = 18.2") == 1
            assert len(replies) == 1
            ack = replies[0]
            # HJ 212-2017 C.14: same QN, ST=91, CN=9014, same PW and MN, Flag=4, empty CP
            assert (ack.qn, ack.st, ack.cn, ack.pw, ack.mn) == ("20250303100105001", "91", "9014", PW, MN)
            assert ack.flag == Flag(1, False, False) and ack.ok and ack.values == {}
            await client.close()

    run(scenario())


def test_no_reply_when_flag_asks_for_none_but_the_data_is_stored(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_receiver(tmp_path) as rx:
            client = await Client.connect(rx.port)
            await client.send(packet(qn="20250303100105001", flag=NO_ACK))
            # a second upload that wants an ack tells us when the first has been processed too
            await client.send(packet(qn="20250303100205002", data_time="20250303100100"))
            replies = await client.replies_within(2, timeout_s=2.0)
            assert [r.qn for r in replies] == ["20250303100205002"]
            assert rx.count("SELECT count(*) FROM raw_frames") == 2
            await client.close()

    run(scenario())


def test_time_request_and_2025_heartbeat_are_answered_with_9013(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_receiver(tmp_path) as rx:
            client = await Client.connect(rx.port)
            await client.send(packet(cn="1013", qn="20250303100000111", data_time=None,
                                     values={}, flag=Flag(1, False, True)))
            heartbeat = Flag(2, False, True)  # Flag=9: HJ 212-2025 version bits
            await client.send(packet(cn="9015", qn="20250303100000222", data_time=None, values={}, flag=heartbeat))
            replies = await client.replies_within(2)
            assert [(r.cn, r.qn) for r in replies] == [("9013", "20250303100000111"), ("9013", "20250303100000222")]
            await client.close()

    run(scenario())


def test_bad_crc_unknown_mn_and_wrong_pw_are_quarantined_and_not_acknowledged(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_receiver(tmp_path) as rx:
            client = await Client.connect(rx.port)
            good = packet(qn="20250303100105001")
            crc_at = len(good) - 6
            bad_digit = b"0" if good[crc_at + 3 : crc_at + 4] != b"0" else b"1"
            await client.send(good[: crc_at + 3] + bad_digit + good[crc_at + 4 :])
            await client.send(packet(qn="20250303100105002", mn="FFFFFFFFFFFFFFFFFFFFFFFF"))
            await client.send(packet(qn="20250303100105003", pw="999999"))
            await client.send(packet(qn="20250303100105004", mn=OTHER_MN))
            replies = await client.replies_within(4, timeout_s=2.0)
            assert [r.qn for r in replies] == ["20250303100105004"]
            assert rx.count("SELECT count(*) FROM quarantine") == 3
            assert rx.count("SELECT count(*) FROM quarantine WHERE reason LIKE 'CRC mismatch%'") == 1
            assert rx.count("SELECT count(*) FROM quarantine WHERE reason LIKE 'unknown MN%'") == 1
            assert rx.count("SELECT count(*) FROM quarantine WHERE reason LIKE 'wrong PW%'") == 1
            assert rx.count("SELECT count(*) FROM quarantine WHERE peer LIKE '127.0.0.1:%' "
                            "AND location LIKE '%frame %'") == 3
            assert len(rx.events("quarantine")) == 3
            await client.close()

    run(scenario())


def test_resent_packet_is_acknowledged_again_and_stored_once(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_receiver(tmp_path) as rx:
            client = await Client.connect(rx.port)
            frame = packet(qn="20250303100105001")
            await client.send(frame)
            await client.replies_within(1)
            await client.send(frame)  # the logger missed our ack and retries
            replies = await client.replies_within(2)
            assert [r.qn for r in replies] == ["20250303100105001"] * 2
            assert rx.count("SELECT count(*) FROM raw_frames") == 1
            assert rx.count("SELECT count(*) FROM readings") == 1
            await client.close()

    run(scenario())


def test_subpackets_are_acknowledged_one_by_one_and_the_set_completes(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_receiver(tmp_path) as rx:
            client = await Client.connect(rx.port)
            split = Flag(1, True, True)  # Flag=7
            first = packet(cn="2061", qn="20250303110030001", flag=split, pnum=2, pno=1,
                           values={"a21026": {"Avg": "17.00", "Flag": "N"}})
            second = packet(cn="2061", qn="20250303110030002", flag=split, pnum=2, pno=2,
                            values={"a21002": {"Avg": "31.00", "Flag": "N"}})
            # a logger that waits for each sub-packet's 9014 before it sends the next one
            await client.send(first)
            assert [r.qn for r in await client.replies_within(1)] == ["20250303110030001"]
            assert rx.receiver.assembler.open_sets == 1
            await client.send(second)
            assert [r.qn for r in await client.replies_within(2)][1:] == ["20250303110030002"]
            assert rx.receiver.complete_sets == 1 and rx.receiver.assembler.open_sets == 0
            assert rx.count("SELECT count(*) FROM raw_frames WHERE cn = '2061'") == 2  # each kept as sent
            assert rx.count("SELECT count(*) FROM readings WHERE kind = 'hour' "
                            "AND data_time = TIMESTAMP '2025-03-03 10:00:00'") == 2
            await client.close()

    run(scenario())


def test_incomplete_subpacket_set_is_reported_after_its_timeout(tmp_path: Path) -> None:
    async def scenario() -> None:
        limits = ReceiverLimits(batch_interval_s=0.005, subpacket_timeout_s=0.2)
        async with running_receiver(tmp_path, limits) as rx:
            client = await Client.connect(rx.port)
            await client.send(packet(cn="2061", qn="20250303110030001", flag=Flag(1, True, True), pnum=3, pno=1))
            await client.replies_within(1)
            for _ in range(40):  # the sweeper runs once a second
                if rx.events("subpacket_set_incomplete"):
                    break
                await asyncio.sleep(0.1)
            (event,) = rx.events("subpacket_set_incomplete")
            assert event["missing"] == {"count": 2, "ranges": [[2, 3]], "more_ranges": False}
            assert event["mn"] == MN and event["cn"] == "2061"
            assert rx.receiver.assembler.open_sets == 0
            await client.close()

    run(scenario())


def test_slow_client_that_never_reads_does_not_stall_a_fast_one(tmp_path: Path) -> None:
    async def scenario() -> None:
        limits = ReceiverLimits(batch_interval_s=0.005, write_high_water_bytes=2048)
        async with running_receiver(tmp_path, limits) as rx:
            loop = asyncio.get_running_loop()
            slow = socket.socket()
            slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # it never reads its replies
            slow.setblocking(False)
            await loop.sock_connect(slow, ("127.0.0.1", rx.port))
            first_minute = datetime(2025, 1, 1)

            async def flood() -> None:  # uploads without end, each owed a 9014 it will not read
                sent = 0
                try:
                    while True:
                        burst = b"".join(
                            packet(qn=format_qn(first_minute + timedelta(minutes=i, seconds=65)),
                                   data_time=format_data_time(first_minute + timedelta(minutes=i)))
                            for i in range(sent, sent + 500))
                        sent += 500
                        await loop.sock_sendall(slow, burst)
                except (ConnectionError, asyncio.CancelledError):
                    pass

            flooding = asyncio.create_task(flood())
            fast = await Client.connect(rx.port)
            latencies: list[float] = []
            saw_write_pause = False
            deadline = time.monotonic() + 20.0
            i = 0
            while (not saw_write_pause or i < 20) and time.monotonic() < deadline:
                started = time.monotonic()
                await fast.send(packet(mn=OTHER_MN, qn=f"202503031002{i:05d}",
                                       data_time=format_data_time(first_minute + timedelta(minutes=i))))
                replies = await fast.replies_within(i + 1, timeout_s=5.0)
                assert len(replies) == i + 1, "the fast client waited in vain"
                latencies.append(time.monotonic() - started)
                saw_write_pause = saw_write_pause or any("write" in c.paused_for for c in rx.receiver.connections)
                i += 1
            assert saw_write_pause, "the slow client should have been paused for not reading its replies"
            assert max(latencies) < 3.0, latencies
            flooding.cancel()
            slow.close()
            await fast.close()

    run(scenario())


def test_junk_spewing_client_is_closed_and_others_carry_on(tmp_path: Path) -> None:
    async def scenario() -> None:
        limits = ReceiverLimits(batch_interval_s=0.005, junk_limit_bytes=4096)
        async with running_receiver(tmp_path, limits) as rx:
            junk = await Client.connect(rx.port)
            good = await Client.connect(rx.port)
            await junk.send(b"http://dtu.example/heartbeat\r\n" * 400)  # 12,000 bytes, no frame
            assert await junk.closed_by_peer(3.0)
            await good.send(packet())
            assert len(await good.replies_within(1)) == 1
            reasons = [e["reason"] for e in rx.events("disconnect")]
            assert "junk" in reasons
            await good.close()

    run(scenario())


def test_a_frame_above_the_size_bound_is_junk_not_a_buffer(tmp_path: Path) -> None:
    async def scenario() -> None:
        limits = ReceiverLimits(batch_interval_s=0.005, max_segment_bytes=1024, junk_limit_bytes=4096)
        async with running_receiver(tmp_path, limits) as rx:
            client = await Client.connect(rx.port)
            await client.send(b"##9000" + b"A" * 9000)  # declares 9,000 bytes: above the bound, never framed
            assert await client.closed_by_peer(3.0)
            assert client.replies == []
            assert rx.count("SELECT count(*) FROM raw_frames") == 0

    run(scenario())


def test_connections_beyond_the_maximum_are_refused(tmp_path: Path) -> None:
    async def scenario() -> None:
        limits = ReceiverLimits(batch_interval_s=0.005, max_connections=2)
        async with running_receiver(tmp_path, limits) as rx:
            first = await Client.connect(rx.port)
            second = await Client.connect(rx.port)
            await first.send(packet(qn="20250303100105001"))
            await second.send(packet(qn="20250303100105002", mn=OTHER_MN))
            assert len(await first.replies_within(1)) == 1 and len(await second.replies_within(1)) == 1
            third = await Client.connect(rx.port)
            assert await third.closed_by_peer(2.0)
            assert len(rx.events("refused")) == 1
            await first.close()
            for _ in range(50):
                if len(rx.receiver.connections) < 2:
                    break
                await asyncio.sleep(0.02)
            fourth = await Client.connect(rx.port)  # a freed slot is usable again
            await fourth.send(packet(qn="20250303100205003", data_time="20250303100100"))
            assert len(await fourth.replies_within(1)) == 1
            await second.close()
            await fourth.close()

    run(scenario())


def test_idle_connection_is_closed(tmp_path: Path) -> None:
    async def scenario() -> None:
        # a stranger is closed after auth_timeout; a logger that authenticated, idle_timeout after its last frame
        limits = ReceiverLimits(batch_interval_s=0.005, idle_timeout_s=0.6, auth_timeout_s=0.3,
                                sweep_interval_s=0.05)
        async with running_receiver(tmp_path, limits) as rx:
            stranger = await Client.connect(rx.port)
            logger = await Client.connect(rx.port)
            await logger.send(packet())
            assert len(await logger.replies_within(1)) == 1
            assert await stranger.closed_by_peer(3.0)
            assert await logger.closed_by_peer(3.0)
            assert sorted(e["reason"] for e in rx.events("disconnect")) == ["auth_timeout", "idle_timeout"]

    run(scenario())


def test_graceful_stop_commits_and_acknowledges_what_was_read(tmp_path: Path) -> None:
    async def scenario() -> None:
        # a long batch interval: the frames are read but not yet committed when the stop begins
        limits = ReceiverLimits(batch_interval_s=30.0, batch_max_frames=100_000)
        async with running_receiver(tmp_path, limits) as rx:
            client = await Client.connect(rx.port)
            await client.send(b"".join(packet(qn=f"202503031001{i:05d}", data_time=f"202503031{i // 60:03d}{i % 60:02d}")
                                       for i in range(200)))
            for _ in range(200):
                if rx.receiver.frames == 200:
                    break
                await asyncio.sleep(0.01)
            assert rx.receiver.frames == 200 and client.replies == []
            await rx.receiver.stop()
            replies = await client.replies_within(200, timeout_s=5.0)
            assert len(replies) == 200
            assert rx.count("SELECT count(*) FROM raw_frames") == 200
            assert await client.closed_by_peer(2.0)

    run(scenario())
