"""HJ 212 code tables (commands, data flags, factor codes), read from the CSV files in ``data/``.

The tables are data, each row citing its source; a table set for another protocol version (HJ 212-2025)
is another ``CodeTables`` built from other rows, passed to the codec where needed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Final

UPLOAD_REPLY: Final = "9014"
NOTIFY_REPLY: Final = "9013"
# Which standard's meaning of a CN applies, by Flag version bits: the same number can mean different
# things (1001 is "set alarm time" in 2005 and "upload hardware SN" in 2025).
_LOOKUP_ORDER: Final[dict[int, tuple[str, ...]]] = {
    0: ("2005", "2017"),
    1: ("2017", "2005", "2025"),
    2: ("2025", "2017"),
}


@dataclass(frozen=True, slots=True)
class Command:
    """One CN command code."""

    cn: str
    standard: str
    direction: str
    kind: str
    meaning: str
    reply: str
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class DataFlag:
    """One data flag (``xxxxxx-Flag``) and whether it counts as normal data."""

    flag: str
    standard: str
    meaning: str
    valid_for_statistics: bool
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class Factor:
    """A monitoring factor (pollutant or flue-gas parameter) with its 2005 code and default units."""

    code: str
    code_2005: str
    medium: str
    name_en: str
    name_zh: str
    conc_unit: str
    amount_unit: str
    data_type: str
    source: str
    status: str


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("ultralow.hj212").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True)
class CodeTables:
    """Command, flag and factor tables of one protocol generation (2005 + 2017, optionally 2025)."""

    commands: dict[tuple[str, str], Command] = field(default_factory=dict)
    flags_2017: dict[str, DataFlag] = field(default_factory=dict)
    flags_2005: dict[str, DataFlag] = field(default_factory=dict)
    factors: dict[str, Factor] = field(default_factory=dict)
    factor_by_2005: dict[str, Factor] = field(default_factory=dict)

    def command(self, cn: str | None, version: int = 1) -> Command | None:
        """The command ``cn`` means for a device speaking protocol ``version`` (Flag bits V5..V0)."""
        for standard in _LOOKUP_ORDER.get(version, _LOOKUP_ORDER[1]):
            command = self.commands.get((standard, cn or ""))
            if command is not None:
                return command
        return None

    def reply_for(self, cn: str | None, version: int = 1) -> str | None:
        """The reply CN a platform sends for an upload or notification with this CN, if any."""
        command = self.command(cn, version)
        if command is None:
            return None
        if command.reply in (UPLOAD_REPLY, NOTIFY_REPLY):
            return command.reply
        return None

    def to_2017(self, code: str) -> str:
        """Translate a 2005 factor code (e.g. ``011``) to its 2017 code (``w01018``); others unchanged."""
        factor = self.factor_by_2005.get(code)
        return factor.code if factor is not None else code


@cache
def repeatable_keys() -> frozenset[tuple[str, str]]:
    """(CN, CP key) pairs whose key the standards repeat on purpose (``PolId=101;PolId=102``)."""
    return frozenset((row["cn"], row["key"]) for row in _rows("repeatable_keys.csv"))


@cache
def code_tables(with_2025: bool = True) -> CodeTables:
    """The packaged tables; ``with_2025`` adds the (unverified) HJ 212-2025 commands."""
    commands = {
        (cmd.standard, cmd.cn): cmd
        for cmd in (Command(**row) for row in _rows("commands.csv"))
        if with_2025 or cmd.standard != "2025"
    }
    flags_2017: dict[str, DataFlag] = {}
    flags_2005: dict[str, DataFlag] = {}
    for row in _rows("flags.csv"):
        flag = DataFlag(
            flag=row["flag"],
            standard=row["standard"],
            meaning=row["meaning"],
            valid_for_statistics=row["valid_for_statistics"] == "true",
            source=row["source"],
            status=row["status"],
        )
        (flags_2017 if flag.standard == "2017" else flags_2005)[flag.flag] = flag
    factors = {row["code"]: Factor(**row) for row in _rows("factors.csv")}
    by_2005 = {f.code_2005: f for f in factors.values() if f.code_2005}
    return CodeTables(commands, flags_2017, flags_2005, factors, by_2005)
