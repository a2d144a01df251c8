"""Reads the shared HJ 212 reference files at test time (they are not copied into the repository).

``hj212-vectors.md`` holds real packets (V01-V20) with their expected parse tables and derived reply
vectors; ``hj212.md`` holds the standard's Appendix C exchanges and the 2005 reply forms.  Tests that
need them skip with a clear message when the shared folder is absent.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

_CANDIDATES = [
    Path(os.environ.get("ULTRALOW_SHARED", "")) / "reference",
    Path(__file__).resolve().parents[3] / "shared" / "reference",  # /work/main/tests/hj212 -> /work/shared
    Path(__file__).resolve().parents[2] / "shared" / "reference",
]


def reference_dir() -> Path:
    for candidate in _CANDIDATES:
        if (candidate / "hj212-vectors.md").is_file() and (candidate / "hj212.md").is_file():
            return candidate
    pytest.skip("shared/reference/hj212-vectors.md not found (set ULTRALOW_SHARED to the shared folder)")


@cache
def _text(name: str) -> str:
    return (reference_dir() / name).read_text(encoding="utf-8")


def vectors_text() -> str:
    return _text("hj212-vectors.md")


def protocol_text() -> str:
    return _text("hj212.md")


@dataclass
class Vector:
    """One ``### Vnn`` section: the packet and its expected-parse table, as written in the file."""

    vid: str
    packet: str  # without the trailing CR LF
    rows: dict[str, str] = field(default_factory=dict)
    variant: str = ""  # summary table: HJ212 or NONE

    @property
    def framed(self) -> bytes:
        return self.packet.encode("utf-8") + b"\r\n"

    def pair(self, name: str) -> tuple[str, str]:
        left, _, right = self.rows[name].partition(" / ")
        return left.strip(), right.strip()

    @property
    def lengths(self) -> tuple[int, int]:
        declared, actual = self.pair("LLLL / actual segment bytes")
        return int(declared), int(actual)

    @property
    def crc(self) -> tuple[str, str, bool]:
        """(stated CRC as printed, HJ 212 CRC as printed, valid?)"""
        text = self.rows["CRC stated / HJ 212 computed"]
        match = re.match(r"(\w{4}) / (\w{4}) → (.*)", text)
        assert match, text
        return match.group(1), match.group(2), match.group(3).startswith("valid")

    @property
    def qn(self) -> str | None:
        return None if self.rows["QN"] == "(absent)" else self.rows["QN"]

    @property
    def flag(self) -> tuple[int, int, int, int] | None:
        """(Flag value, version, D, A) or None for '-'."""
        text = self.rows["Flag"]
        if text.strip() == "-":
            return None
        match = re.match(r"(\d+) → ver (\d+), D=(\d), A=(\d)", text)
        assert match, text
        value, version, d, a = (int(g) for g in match.groups())
        return value, version, d, a

    @property
    def pnum_pno(self) -> tuple[int, int] | None:
        if "PNUM / PNO" not in self.rows:
            return None
        pnum, pno = self.pair("PNUM / PNO")
        return int(pnum), int(pno)

    @property
    def data_time(self) -> str | None:
        return self.rows.get("DataTime")

    @property
    def cp_items(self) -> tuple[list[str], int]:
        """The listed first CP items (``key=value``) and the stated item count (DataTime not counted)."""
        text = self.rows["CP (first items)"]
        listed = re.findall(r"`([^`]*)`", text)
        count = re.search(r"\((\d+) items\)", text)
        return listed, int(count.group(1)) if count else len(listed)


@cache
def vectors() -> list[Vector]:
    text = vectors_text()
    summary = dict(re.findall(r"^\| (V\d+) \|.*\| (HJ212|NONE|MODBUS\S*) \|$", text, re.M))
    found = []
    for match in re.finditer(r"^### (V\d+) — .*?\n```\n(.*?)\n```\n(.*?)(?=^### |^## |\Z)", text, re.M | re.S):
        vid, packet, body = match.groups()
        rows = {}
        for row in re.finditer(r"^\| (.+?) \| (.+?) \|$", body, re.M):
            key, value = row.group(1).strip(), row.group(2).strip()
            if key not in ("item", "---"):
                rows[key] = value
        found.append(Vector(vid, packet, rows, summary.get(vid, "")))
    return found


@cache
def derived_vectors() -> dict[str, str]:
    """Purpose -> framed packet text (without CR LF) from the 'Derived vectors' table."""
    text = vectors_text()
    section = text[text.index("## Derived vectors") :]
    section = section[: section.index("## Stream-level")]
    return dict(re.findall(r"^\| ([^|`]+?) \| `(##[^`]+)` \|$", section, re.M))


@cache
def independent_crcs() -> list[tuple[str, str]]:
    """(segment, CRC) pairs checked against other projects' printed output."""
    return re.findall(r"`(QN=[^`]+)` → ([0-9A-F]{4})", vectors_text())


@cache
def ready_replies() -> list[str]:
    """The framed replies in hj212.md 6.1 ('Ready-to-use framed replies'), without CR LF."""
    text = protocol_text()
    block = text[text.index("Ready-to-use framed replies") :]
    block = block[block.index("```") + 3 :]
    block = block[: block.index("```")]
    return [line.split("\\r\\n")[0].strip() for line in block.splitlines() if line.startswith("##")]


@cache
def appendix_c_request() -> list[str]:
    """The four segments of the request example (C.2) in hj212.md 6.1, in order."""
    text = protocol_text()
    start = text.index("Example (C.2):")
    block = text[start : text.index("- **Upload", start)]
    return re.findall(r"`(QN=[^`]+)`", block)


@cache
def appendix_c_ack() -> str:
    """The 9014 segment of example C.14 in hj212.md 6.1."""
    text = protocol_text()
    start = text.index("Example (C.14):")
    found: list[str] = re.findall(r"`(QN=[^`]+)`", text[start : start + 400])
    return found[0]


@cache
def replies_2005() -> list[str]:
    """The HJ/T 212-2005 reply strings quoted in hj212.md 6.4."""
    text = protocol_text()
    start = text.index("### 6.4")
    section = text[start : text.index("### 6.5", start)]
    return re.findall(r"`((?:ST=91|…CP=)[^`]*)`", section)
