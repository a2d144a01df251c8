"""The group's registry: bases and stack outlets with their HJ 212 identity (MN, PW), source type and limit sets.

Read from a TOML file (``--config``, default ``ultralow.toml``; documented in ``examples/ultralow.toml``).
Every problem is reported as ``file:line: key: message``; unknown keys are errors so that typos cannot pass.
``tomllib`` gives line numbers only for syntax errors, so :class:`_Lines` finds the table or key of a
semantic error in the text itself.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa

from ultralow.problems import ProblemsError

DEFAULT_TIMEZONE: Final = "Asia/Shanghai"
SOURCE_TYPES: Final = (
    "coal_boiler",
    "gas_turbine",
    "gas_boiler",
    "oil_boiler",
    "alumina_calciner",
    "clinker_kiln",
    "potline",
    "anode_baking",
)
CRC_VARIANTS: Final = ("modbus_hilo", "modbus_lohi")  # values of ultralow.hj212.CrcVariant besides hj212

_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # also used as a Parquet partition directory
_MN: Final = re.compile(r"[0-9A-Za-z]{1,24}")  # HJ 212-2017 Table 4: MN is up to 24 characters
_PW: Final = re.compile(r"[^;,=&\s]{1,16}")
_SOURCE_TYPE: Final = re.compile(r"[a-z][a-z0-9_]{0,39}")
_TOP_KEYS: Final = ("group", "source_types", "bases", "outlets", "settings")
_GROUP_KEYS: Final = ("name", "name_zh")
_SOURCE_TYPE_KEYS: Final = ("extra",)
_BASE_KEYS: Final = ("id", "name", "name_zh", "country", "timezone")
_OUTLET_KEYS: Final = ("id", "base", "name", "name_zh", "mn", "pw", "source_type", "limit_sets", "crc_variants", "wet_analyser",
                              "peers")
_OUTLET_REQUIRED: Final = ("id", "base", "name", "mn", "pw", "source_type", "limit_sets")


def in_language(name: str, name_zh: str | None, language: str) -> str:
    """The registry's name for a reader of ``language`` ("en" or "zh"): the Chinese name where one is given."""
    return name_zh if language == "zh" and name_zh else name


class RegistryError(ProblemsError):
    """The registry file has problems; ``problems`` holds one ``file:line: key: message`` line each."""

    subject = "the registry"


@dataclass(frozen=True, slots=True)
class Base:
    """A site of the group (a power plant, refinery, smelter …) with the time zone of its clocks."""

    id: str
    name: str
    country: str
    timezone: str = DEFAULT_TIMEZONE
    name_zh: str | None = None

    def name_in(self, language: str) -> str:
        """The base's name for a reader of ``language``."""
        return in_language(self.name, self.name_zh, language)

    @property
    def utc_offset_min(self) -> int:
        """Offset of local clock time from UTC in minutes (480 for Asia/Shanghai)."""
        return utc_offset_min(self.timezone)


@dataclass(frozen=True, slots=True)
class Outlet:
    """A monitored stack outlet: one data logger (MN) sending HJ 212."""

    id: str
    base: str
    name: str
    mn: str
    pw: str
    source_type: str
    limit_sets: tuple[str, ...] = ()
    crc_variants: tuple[str, ...] = ()
    wet_analyser: bool = False
    timezone: str = DEFAULT_TIMEZONE
    # addresses (CIDR) the logger may send from; empty: any (the receiver's access control)
    peers: tuple[str, ...] = ()
    name_zh: str | None = None

    def name_in(self, language: str) -> str:
        """The outlet's name for a reader of ``language``."""
        return in_language(self.name, self.name_zh, language)

    @property
    def utc_offset_min(self) -> int:
        """Offset of the base's local clock from UTC in minutes."""
        return utc_offset_min(self.timezone)


@dataclass(frozen=True)
class Registry:
    """Bases and outlets, looked up by id and by MN. ``text`` is the TOML it was read from."""

    bases: tuple[Base, ...]
    outlets: tuple[Outlet, ...]
    source_types: tuple[str, ...] = SOURCE_TYPES
    group_name: str | None = None
    group_name_zh: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""
    path: str = ""
    _by_id: dict[str, Outlet] = field(default_factory=dict, repr=False, compare=False)
    _by_mn: dict[str, Outlet] = field(default_factory=dict, repr=False, compare=False)
    _bases: dict[str, Base] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({o.id: o for o in self.outlets})
        self._by_mn.update({o.mn: o for o in self.outlets})
        self._bases.update({b.id: b for b in self.bases})

    def outlet(self, outlet_id: str) -> Outlet:
        """The outlet with this id; KeyError when there is none."""
        return self._by_id[outlet_id]

    def outlet_by_mn(self, mn: str) -> Outlet | None:
        """The outlet whose data logger has this MN, or None."""
        return self._by_mn.get(mn)

    def base(self, base_id: str) -> Base:
        return self._bases[base_id]

    def group_name_in(self, language: str) -> str | None:
        """The group's name for a reader of ``language``; None when the registry names no group."""
        return None if self.group_name is None else in_language(self.group_name, self.group_name_zh, language)

    def outlets_table(self) -> pa.Table:
        """One row per outlet for the engines: outlet_id, base, source_type, limit_sets, wet_analyser,
        utc_offset_min (minutes)."""
        return pa.table(
            {
                "outlet_id": pa.array([o.id for o in self.outlets], pa.string()),
                "base": pa.array([o.base for o in self.outlets], pa.string()),
                "source_type": pa.array([o.source_type for o in self.outlets], pa.string()),
                "limit_sets": pa.array([list(o.limit_sets) for o in self.outlets], pa.list_(pa.string())),
                "wet_analyser": pa.array([o.wet_analyser for o in self.outlets], pa.bool_()),
                "utc_offset_min": pa.array([o.utc_offset_min for o in self.outlets], pa.int16()),
            }
        )

    def mn_table(self) -> pa.Table:
        """The MN lookup of the file ingest: mn, outlet_id, utc_offset_min (minutes), one row per outlet."""
        return pa.table({
            "mn": [o.mn for o in self.outlets],
            "outlet_id": [o.id for o in self.outlets],
            "utc_offset_min": pa.array([o.utc_offset_min for o in self.outlets], pa.int16()),
        })


@cache
def utc_offset_min(timezone: str) -> int:
    """The fixed UTC offset of an IANA time zone in minutes; ValueError for unknown or DST zones."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {timezone!r}") from exc
    offsets = {datetime(2025, month, 1, tzinfo=zone).utcoffset() for month in (1, 7)}
    if len(offsets) != 1:
        # readings carry one utc_offset_min per outlet; the group's bases keep no daylight saving time
        raise ValueError(f"time zone {timezone!r} has daylight saving time, which the store does not model")
    offset = offsets.pop()
    if offset is None:
        raise ValueError(f"time zone {timezone!r} has no UTC offset")
    return int(offset.total_seconds() // 60)


# -- reading the file ------------------------------------------------------------------------------
_HEADER: Final = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY: Final = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.|=)""")


class _Lines:
    """Where tables and keys are in the TOML text, so semantic errors can name a line."""

    def __init__(self, text: str) -> None:
        self.tables: dict[tuple[str, int | None], int] = {}
        self.keys: dict[tuple[str, int | None], dict[str, int]] = {("", None): {}}
        counts: dict[str, int] = {}
        current: tuple[str, int | None] = ("", None)
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header is not None:
                name = header.group(2).strip().strip("\"'")
                if header.group(1) == "[[":
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    current = (name, index)
                else:
                    current = (name, None)
                self.tables.setdefault(current, number)
                self.keys.setdefault(current, {})
                continue
            key = _KEY.match(line)
            if key is not None:
                self.keys.setdefault(current, {}).setdefault(key.group(1).strip("\"'"), number)

    def line(self, table: str, index: int | None = None, key: str | None = None) -> int:
        """Line of ``key`` in the table (or of the table header, or 1 when nothing is found)."""
        where = (table, index)
        if key is not None:
            found = self.keys.get(where, {}).get(key)
            if found is None and table:
                found = self.keys.get(("", None), {}).get(table) if index is None else None
            if found is None and not table:  # a top-level key written as a [table] or [[table]]
                found = self.tables.get((key, None), self.tables.get((key, 0)))
            if found is not None:
                return found
        if where in self.tables:
            return self.tables[where]
        return self.keys.get(("", None), {}).get(table, 1)


class _Checker:
    def __init__(self, label: str, text: str) -> None:
        self.label = label
        self.lines = _Lines(text)
        self.problems: list[str] = []

    def error(self, table: str, index: int | None, key: str | None, message: str) -> None:
        line = self.lines.line(table, index, key)
        where = table if index is None else f"{table}[{index}]"
        name = where if key is None else (f"{where}.{key}" if table else key)
        self.problems.append(f"{self.label}:{line}: {name}: {message}")

    def unknown_keys(self, table: str, index: int | None, entry: Mapping[str, Any], allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        for key in entry:
            if key not in allowed:
                self.error(table, index, key, f"unknown key (allowed: {', '.join(allowed)})")

    def text(self, table: str, index: int | None, entry: Mapping[str, Any], key: str,
             pattern: re.Pattern[str] | None = None, required: bool = True) -> str | None:
        value = entry.get(key)
        if value is None:
            if required:
                self.error(table, index, None, f"missing key {key!r}")
            return None
        if not isinstance(value, str):
            self.error(table, index, key, f"must be a string, not {type(value).__name__}")
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.error(table, index, key, f"{value!r} does not match {pattern.pattern}")
            return None
        if not value.strip():
            self.error(table, index, key, "must not be empty")
            return None
        return value

    def text_list(self, table: str, index: int | None, entry: Mapping[str, Any], key: str,
                  required: bool) -> tuple[str, ...] | None:
        value = entry.get(key)
        if value is None:
            if required:
                self.error(table, index, None, f"missing key {key!r}")
            return None if required else ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(table, index, key, "must be a list of strings")
            return None
        return tuple(value)

    def table_list(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(key, None, None, f"must be an array of tables ([[{key}]])")
            return []
        return value


def parse_registry(text: str, label: str = "<registry>") -> Registry:
    """Check and build a registry from TOML text; ``label`` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = match.group(1) if match else "1"
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise RegistryError([f"{label}:{line}: syntax: {message}"]) from exc
    check = _Checker(label, text)
    check.unknown_keys("", None, data, _TOP_KEYS)

    group_name = group_name_zh = None
    group = data.get("group", {})
    if not isinstance(group, dict):
        check.error("group", None, None, "must be a table ([group])")
    else:
        check.unknown_keys("group", None, group, _GROUP_KEYS)
        group_name = check.text("group", None, group, "name", required=False)
        group_name_zh = check.text("group", None, group, "name_zh", required=False)

    source_types = list(SOURCE_TYPES)
    extra_table = data.get("source_types", {})
    if not isinstance(extra_table, dict):
        check.error("source_types", None, None, "must be a table ([source_types])")
    else:
        check.unknown_keys("source_types", None, extra_table, _SOURCE_TYPE_KEYS)
        for extra in check.text_list("source_types", None, extra_table, "extra", required=False) or ():
            if not _SOURCE_TYPE.fullmatch(extra):
                check.error("source_types", None, "extra", f"{extra!r} is not a snake_case name")
            elif extra not in source_types:
                source_types.append(extra)

    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        check.error("settings", None, None, "must be a table ([settings])")
        settings = {}

    bases: dict[str, Base] = {}
    for index, entry in enumerate(check.table_list(data, "bases")):
        check.unknown_keys("bases", index, entry, _BASE_KEYS)
        base_id = check.text("bases", index, entry, "id", _ID)
        name = check.text("bases", index, entry, "name")
        base_name_zh = check.text("bases", index, entry, "name_zh", required=False)
        country = check.text("bases", index, entry, "country")
        timezone = check.text("bases", index, entry, "timezone", required=False) or DEFAULT_TIMEZONE
        try:
            utc_offset_min(timezone)
        except ValueError as exc:
            check.error("bases", index, "timezone", str(exc))
        if base_id is not None and base_id in bases:
            check.error("bases", index, "id", f"duplicate base id {base_id!r}")
        elif base_id is not None and name is not None and country is not None:
            bases[base_id] = Base(base_id, name, country, timezone, base_name_zh)

    outlets: dict[str, Outlet] = {}
    mns: dict[str, str] = {}
    for index, entry in enumerate(check.table_list(data, "outlets")):
        check.unknown_keys("outlets", index, entry, _OUTLET_KEYS)
        for key in _OUTLET_REQUIRED:
            if key not in entry:
                check.error("outlets", index, None, f"missing key {key!r}")
        outlet_id = check.text("outlets", index, entry, "id", _ID, required=False)
        base_id = check.text("outlets", index, entry, "base", required=False)
        name = check.text("outlets", index, entry, "name", required=False)
        name_zh = check.text("outlets", index, entry, "name_zh", required=False)
        mn = check.text("outlets", index, entry, "mn", _MN, required=False)
        pw = check.text("outlets", index, entry, "pw", _PW, required=False)
        source_type = check.text("outlets", index, entry, "source_type", required=False)
        limit_sets = check.text_list("outlets", index, entry, "limit_sets", required=False)
        crc_variants = check.text_list("outlets", index, entry, "crc_variants", required=False)
        peers = check.text_list("outlets", index, entry, "peers", required=False)
        for network in peers or ():
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                check.error("outlets", index, "peers", f"{network!r} is not an IP address or network (CIDR)")
                peers = None
                break
        wet = entry.get("wet_analyser", False)
        if not isinstance(wet, bool):
            check.error("outlets", index, "wet_analyser", "must be true or false")
            wet = False
        ok = None not in (outlet_id, base_id, name, mn, pw, source_type, limit_sets, crc_variants, peers)
        if base_id is not None and base_id not in bases:
            check.error("outlets", index, "base", f"unknown base {base_id!r}")
            ok = False
        if source_type is not None and source_type not in source_types:
            check.error("outlets", index, "source_type",
                        f"unknown source type {source_type!r} (add it to [source_types] extra)")
            ok = False
        for variant in crc_variants or ():
            if variant not in CRC_VARIANTS:
                check.error("outlets", index, "crc_variants", f"{variant!r} is not one of {', '.join(CRC_VARIANTS)}")
                ok = False
        if outlet_id is not None and outlet_id in outlets:
            check.error("outlets", index, "id", f"duplicate outlet id {outlet_id!r}")
            ok = False
        if mn is not None and mn in mns:
            check.error("outlets", index, "mn", f"MN {mn!r} is already used by outlet {mns[mn]!r}")
            ok = False
        if ok and outlet_id and base_id and name and mn and pw and source_type and limit_sets is not None \
                and crc_variants is not None:  # ok implies each is set; the test narrows the types
            mns[mn] = outlet_id
            outlets[outlet_id] = Outlet(
                outlet_id, base_id, name, mn, pw, source_type, limit_sets, crc_variants, wet,
                bases[base_id].timezone, peers or (), name_zh,
            )
    if check.problems:
        raise RegistryError(check.problems)
    return Registry(
        bases=tuple(bases.values()), outlets=tuple(outlets.values()), source_types=tuple(source_types),
        group_name=group_name, group_name_zh=group_name_zh, settings=settings, text=text, path=label,
    )


def load_registry(path: str | Path) -> Registry:
    """Read and check the registry file at ``path``; RegistryError (with file and line) on problems."""
    label = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise RegistryError([f"{label}:0: file: cannot read: {exc.strerror or exc}"]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RegistryError([f"{label}:{line}: encoding: not UTF-8 ({exc.reason})"]) from exc
    return parse_registry(text, label)
