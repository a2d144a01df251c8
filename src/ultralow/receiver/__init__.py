"""The HJ 212 receiver: asyncio TCP server, per-connection state, sub-packet sets, batching writer.

Entry point: :class:`ultralow.receiver.server.Receiver` (a service for :func:`run_until_signalled`).
"""
