"""The HJ 212 packets a data logger sends for a signal series: 2011 real-time, 2051 minute, 2061 hour.

Built with the codec's ``Message``/``encode_split`` (Flag=5: 2017, acknowledgement wanted; uploads over
1024 bytes become sub-packets with Flag=7). Every byte follows from the series and the logger's
identity, so the same seed gives the same bytes. Null values are left out, never sent as zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from ultralow.hj212 import Flag, Message, decode, encode, encode_split, format_qn
from ultralow.loggers.signals import FLOW, HourSeries, MinuteSeries, hourly_series

UPLOAD_FLAG = Flag(version=1, split=False, ack=True)  # Flag=5
KINDS = ("2011", "2051", "2061")  # real-time, minute and hour uploads
ST_AIR_SOURCE = "31"
# decimals sent per code (HJ 212-2017 Table B.2 data types, e.g. a21018 fluoride N2.3); others: 2
_DECIMALS = {"a21018": 3, "a01012": 1, "a01013": 3, "a01014": 1}
_AMOUNT_DECIMALS = {FLOW: 1}
_DEFAULT_AMOUNT_DECIMALS = 5  # kg per minute of a low-concentration pollutant is small
# when, after the start of its data interval, a logger sends each kind (seconds)
RTD_DELAY_S = 1
MINUTE_DELAY_S = 65
HOUR_DELAY_S = 3630


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One frame to send; ``due_s`` is seconds after the series start (the logger's send time)."""

    due_s: float
    cn: str
    qn: str
    data_time: str
    frame: bytes


@dataclass(frozen=True, slots=True)
class LoggerIdentity:
    mn: str
    pw: str
    qn_ms: int = 0  # a logger's own millisecond offset in its QNs


Columns = list[tuple[str, list[tuple[str, list[str | None]]], list[str]]]  # code, (suffix, texts), flags


def _texts(values: np.ndarray, decimals: int) -> list[str | None]:
    """A column as the texts sent; None for NaN (a null is left out of the packet)."""
    return [None if math.isnan(v) else f"{v:.{decimals}f}" for v in values.tolist()]


def _columns(series: MinuteSeries | HourSeries, suffixes: tuple[tuple[str, str], ...]) -> Columns:
    """Per code, the texts of each suffix for every row, formatted once for the whole series.

    ``suffixes`` pairs an HJ 212 suffix with the series field it comes from (amount = Cou).
    """
    columns: Columns = []
    for code in series.avg:
        decimals = _DECIMALS.get(code, 2)
        texts = []
        for suffix, name in suffixes:
            source = getattr(series, name)
            if code in source:
                places = _AMOUNT_DECIMALS.get(code, _DEFAULT_AMOUNT_DECIMALS) if name == "amount" else decimals
                texts.append((suffix, _texts(source[code], places)))
        columns.append((code, texts, [str(flag) for flag in series.flags[code]]))
    return columns


def _row(columns: Columns, i: int) -> dict[str, dict[str, str]]:
    values = {}
    for code, texts, flags in columns:
        block: dict[str, str] = {}
        for suffix, column in texts:
            text = column[i]
            if text is not None:
                block[suffix] = text
        block["Flag"] = flags[i]
        values[code] = block
    return values


_RTD = (("Rtd", "rtd"), ("ZsRtd", "converted"))
_PERIOD = (("Cou", "amount"), ("Min", "low"), ("Avg", "avg"), ("Max", "high"), ("ZsMin", "converted_low"),
           ("ZsAvg", "converted"), ("ZsMax", "converted_high"))


def _stamps(times: np.ndarray) -> list[str]:
    text = np.datetime_as_string(times.astype("datetime64[s]"), unit="s")
    return [t.replace("-", "").replace("T", "").replace(":", "") for t in text.tolist()]


def _frames(identity: LoggerIdentity, cn: str, sent_at: datetime, data_time: str,
            values: dict[str, dict[str, str]], split: bool = True) -> list[tuple[str, bytes]]:
    message = Message(cn=cn, st=ST_AIR_SOURCE, qn=format_qn(sent_at), pw=identity.pw, mn=identity.mn,
                      flag=UPLOAD_FLAG, globals={"DataTime": data_time}, values=values)
    frames = encode_split(message) if split else [encode(message)]
    if len(frames) == 1:
        return [(message.qn or "", frames[0])]
    return [(decode(frame).qn or "", frame) for frame in frames]  # sub-packets carry their own QNs


def realtime_packets(series: MinuteSeries, identity: LoggerIdentity) -> list[Outgoing]:
    """One 2011 packet per minute (``Rtd``/``ZsRtd``/``Flag``), sampled at the minute's start."""
    out: list[Outgoing] = []
    stamps = _stamps(series.times)
    start = series.times[0].astype("datetime64[s]").item()
    ms = timedelta(milliseconds=identity.qn_ms)
    columns = _columns(series, _RTD)
    for i, stamp in enumerate(stamps):
        values = _row(columns, i)
        due = i * 60 + RTD_DELAY_S
        for qn, frame in _frames(identity, "2011", start + timedelta(seconds=due) + ms, stamp, values):
            out.append(Outgoing(due, "2011", qn, stamp, frame))
    return out


def minute_packets(series: MinuteSeries, identity: LoggerIdentity, split: bool = True) -> list[Outgoing]:
    """One 2051 packet per minute, sent after the minute ends; ``DataTime`` is the minute's start.

    ``split=False`` keeps uploads above the standard's 1024 bytes whole, as many real devices do.
    """
    out: list[Outgoing] = []
    start = series.times[0].astype("datetime64[s]").item()
    ms = timedelta(milliseconds=identity.qn_ms)
    columns = _columns(series, _PERIOD)
    for i, stamp in enumerate(_stamps(series.times)):
        values = _row(columns, i)
        due = i * 60 + MINUTE_DELAY_S
        for qn, frame in _frames(identity, "2051", start + timedelta(seconds=due) + ms, stamp, values, split):
            out.append(Outgoing(due, "2051", qn, stamp, frame))
    return out


def hour_packets(hours: HourSeries, series_start: datetime, identity: LoggerIdentity) -> list[Outgoing]:
    """One 2061 packet per complete clock hour, sent after the hour ends (split when over 1024 bytes)."""
    out: list[Outgoing] = []
    ms = timedelta(milliseconds=identity.qn_ms)
    columns = _columns(hours, _PERIOD)
    for i, stamp in enumerate(_stamps(hours.times)):
        values = _row(columns, i)
        hour_start = hours.times[i].astype("datetime64[s]").item()
        due = (hour_start - series_start).total_seconds() + HOUR_DELAY_S
        sent_at = hour_start + timedelta(seconds=HOUR_DELAY_S) + ms
        for qn, frame in _frames(identity, "2061", sent_at, stamp, values):
            out.append(Outgoing(due, "2061", qn, stamp, frame))
    return out


def logger_schedule(series: MinuteSeries, identity: LoggerIdentity,
                    kinds: tuple[str, ...] = KINDS) -> list[Outgoing]:
    """Everything one logger sends for ``series``, in sending order."""
    out: list[Outgoing] = []
    if "2011" in kinds:
        out += realtime_packets(series, identity)
    if "2051" in kinds:
        out += minute_packets(series, identity)
    if "2061" in kinds:
        start = series.times[0].astype("datetime64[s]").item()
        out += hour_packets(hourly_series(series), start, identity)
    out.sort(key=lambda packet: packet.due_s)  # stable: sub-packets keep their order
    return out
