"""Limit sets as data: one TOML file per standard under ``data/limits/``, each row citing its table.

A limit row says for one source type and pollutant: the limit (mg/m3), the reference basis (an O2 % or
the measured concentration), the averaging period, the dates it is in force, the source clause and the
status (``verified``/``unverified``). Loading checks every row and names the file, the row and the key of
each problem; the reference O2 of every row must agree with ``data/reference_o2.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Final

import pyarrow as pa

from ultralow.hj212 import code_tables
from ultralow.problems import ProblemsError

STATUSES: Final = ("verified", "unverified")
BASES: Final = ("o2", "measured")
AVERAGING: Final = ("hour",)
# statutory: a national or local emission standard (exceeding it is a legal breach); premium: a policy scheme
# whose values earn a price premium (ultra-low), missing them is not a breach of the standard
SET_KINDS: Final = ("statutory", "premium")
UNITS: Final = ("mg/m3",)
_ROW_KEYS: Final = (
    "row", "source_type", "pollutant", "condition", "limit", "unit", "reference_basis", "o2_ref_pct",
    "averaging", "effective_from", "effective_to", "source", "status", "confidence",
)
_ROW_REQUIRED: Final = ("row", "source_type", "pollutant", "limit", "unit", "reference_basis", "averaging",
                        "source", "status")


class RuleDataError(ProblemsError):
    """A rules data file has problems; ``problems`` holds one ``file: where: key: message`` line each."""

    subject = "the rules data"


@dataclass(frozen=True, slots=True)
class LimitRow:
    """One limit of one limit set. ``limit_mg_m3`` at the reference basis (dry, standard state)."""

    set_id: str
    row_id: str
    document: str
    source_type: str
    pollutant: str
    condition: str
    limit_mg_m3: float
    reference_basis: str
    o2_ref_pct: float | None
    averaging: str
    effective_from: date | None
    effective_to: date | None
    source: str
    status: str
    confidence: str
    set_kind: str = "statutory"

    @property
    def set_key(self) -> str:
        """How an outlet's ``limit_sets`` entry names this row: ``SET`` or ``SET:condition``."""
        return f"{self.set_id}:{self.condition}" if self.condition else self.set_id


@dataclass(frozen=True, slots=True)
class LimitSet:
    """A limit set (one standard or one table of it) and its rows."""

    id: str
    document: str
    title: str
    note: str
    file: str
    rows: tuple[LimitRow, ...]
    kind: str = "statutory"
    kind_source: str = ""


@dataclass(frozen=True)
class LimitCatalog:
    """All limit sets by id."""

    sets: dict[str, LimitSet]

    @property
    def rows(self) -> list[LimitRow]:
        return [row for limit_set in self.sets.values() for row in limit_set.rows]

    def table(self) -> pa.Table:
        """The rows as a table for the engine (columns named as in :class:`LimitRow`, plus set_key)."""
        rows = self.rows
        return pa.table(
            {
                "set_id": pa.array([r.set_id for r in rows], pa.string()),
                "set_key": pa.array([r.set_key for r in rows], pa.string()),
                "set_kind": pa.array([r.set_kind for r in rows], pa.string()),
                "row_id": pa.array([r.row_id for r in rows], pa.string()),
                "document": pa.array([r.document for r in rows], pa.string()),
                "source_type": pa.array([r.source_type for r in rows], pa.string()),
                "pollutant": pa.array([r.pollutant for r in rows], pa.string()),
                "condition": pa.array([r.condition for r in rows], pa.string()),
                "limit_mg_m3": pa.array([r.limit_mg_m3 for r in rows], pa.float64()),
                "reference_basis": pa.array([r.reference_basis for r in rows], pa.string()),
                "o2_ref_pct": pa.array([r.o2_ref_pct for r in rows], pa.float64()),
                "averaging": pa.array([r.averaging for r in rows], pa.string()),
                "effective_from": pa.array([r.effective_from for r in rows], pa.date32()),
                "effective_to": pa.array([r.effective_to for r in rows], pa.date32()),
                "source": pa.array([r.source for r in rows], pa.string()),
                "status": pa.array([r.status for r in rows], pa.string()),
            }
        )


def data_dir() -> Traversable:
    return resources.files("ultralow.standards").joinpath("data")


def read_toml(path: Traversable) -> dict[str, Any]:
    """Parse one rules file; a syntax error becomes a :class:`RuleDataError` naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleDataError([f"{path.name}: {exc}"]) from exc


@dataclass(frozen=True, slots=True)
class ReferenceO2:
    """The reference basis one standard prescribes for one source type (``*`` = every type)."""

    document: str
    source_type: str
    reference_basis: str
    o2_ref_pct: float | None
    source: str
    status: str


def load_reference_o2(directory: Traversable | None = None) -> tuple[ReferenceO2, ...]:
    path = (directory or data_dir()).joinpath("reference_o2.toml")
    out: list[ReferenceO2] = []
    problems: list[str] = []
    for index, entry in enumerate(read_toml(path).get("reference", []), start=1):
        where = f"{path.name}: [[reference]] #{index}"
        basis = entry.get("reference_basis")
        o2 = entry.get("o2_ref_pct")
        if basis not in BASES:
            problems.append(f"{where}: reference_basis: must be one of {', '.join(BASES)}")
        if (basis == "o2") != isinstance(o2, int | float):
            problems.append(f"{where}: o2_ref_pct: required exactly when reference_basis is 'o2'")
        if entry.get("status") not in STATUSES:
            problems.append(f"{where}: status: must be verified or unverified")
        out.append(ReferenceO2(str(entry.get("document")), str(entry.get("source_type")), str(basis),
                               float(o2) if isinstance(o2, int | float) else None,
                               str(entry.get("source", "")), str(entry.get("status"))))
    if problems:
        raise RuleDataError(problems)
    return tuple(out)


def reference_for(references: tuple[ReferenceO2, ...], document: str, source_type: str) -> ReferenceO2 | None:
    """The reference basis of ``document`` for ``source_type`` (an exact entry wins over ``*``)."""
    exact = [r for r in references if r.document == document and r.source_type == source_type]
    wild = [r for r in references if r.document == document and r.source_type == "*"]
    found = exact or wild
    return found[0] if found else None


def _source_types(directory: Traversable) -> set[str]:
    return {str(t["name"]) for t in read_toml(directory.joinpath("source_types.toml")).get("type", [])}


def _check_row(where: str, entry: dict[str, Any], problems: list[str], known_types: set[str]) -> None:
    for key in entry:
        if key not in _ROW_KEYS:
            problems.append(f"{where}: {key}: unknown key")
    for key in _ROW_REQUIRED:
        if key not in entry:
            problems.append(f"{where}: {key}: required")
    limit = entry.get("limit")
    if "limit" in entry and (not isinstance(limit, int | float) or isinstance(limit, bool) or limit <= 0):
        problems.append(f"{where}: limit: must be a positive number")
    if "unit" in entry and entry["unit"] not in UNITS:
        problems.append(f"{where}: unit: must be one of {', '.join(UNITS)}")
    basis = entry.get("reference_basis")
    if "reference_basis" in entry and basis not in BASES:
        problems.append(f"{where}: reference_basis: must be one of {', '.join(BASES)}")
    o2 = entry.get("o2_ref_pct")
    if basis == "o2" and not (isinstance(o2, int | float) and 0 <= o2 < 21):
        problems.append(f"{where}: o2_ref_pct: required (0 <= O2 < 21) when reference_basis is 'o2'")
    if basis == "measured" and o2 is not None:
        problems.append(f"{where}: o2_ref_pct: not allowed when reference_basis is 'measured'")
    if "averaging" in entry and entry["averaging"] not in AVERAGING:
        problems.append(f"{where}: averaging: must be one of {', '.join(AVERAGING)}")
    if "status" in entry and entry["status"] not in STATUSES:
        problems.append(f"{where}: status: must be verified or unverified")
    if "pollutant" in entry and entry["pollutant"] not in code_tables().factors:
        problems.append(f"{where}: pollutant: {entry['pollutant']!r} is not an HJ 212-2017 factor code")
    if "source_type" in entry and entry["source_type"] not in known_types:
        problems.append(f"{where}: source_type: {entry['source_type']!r} is not in source_types.toml")
    for key in ("effective_from", "effective_to"):
        if key in entry and not isinstance(entry[key], date):
            problems.append(f"{where}: {key}: must be a TOML date (YYYY-MM-DD)")
    start, end = entry.get("effective_from"), entry.get("effective_to")
    if isinstance(start, date) and isinstance(end, date) and end <= start:
        problems.append(f"{where}: effective_to: must be after effective_from")
    if not str(entry.get("source", "")).strip():
        problems.append(f"{where}: source: must name the document and table or clause")


def _read_set(path: Traversable, known_types: set[str], references: tuple[ReferenceO2, ...],
              problems: list[str]) -> LimitSet | None:
    data = read_toml(path)
    head = data.get("set", {})
    set_id = head.get("id")
    if not isinstance(set_id, str) or not set_id:
        problems.append(f"{path.name}: [set]: id: required")
        return None
    if f"{set_id}.toml" != path.name:
        problems.append(f"{path.name}: [set]: id: {set_id!r} must match the file name")
    document = str(head.get("document", ""))
    kind = head.get("kind")
    if kind not in SET_KINDS:
        problems.append(f"{path.name}: [set]: kind: must be one of {', '.join(SET_KINDS)}")
        kind = "statutory"
    if not str(head.get("kind_source", "")).strip():
        problems.append(f"{path.name}: [set]: kind_source: must say why the set is {kind}")
    rows: list[LimitRow] = []
    seen: set[str] = set()
    for index, entry in enumerate(data.get("limit", []), start=1):
        where = f"{path.name}: [[limit]] #{index} ({entry.get('row', '?')})"
        before = len(problems)
        _check_row(where, entry, problems, known_types)
        if entry.get("row") in seen:
            problems.append(f"{where}: row: duplicate row id")
        seen.add(str(entry.get("row")))
        if len(problems) > before:
            continue
        reference = reference_for(references, document, entry["source_type"])
        o2 = entry.get("o2_ref_pct")
        if reference is None:
            problems.append(f"{where}: reference_basis: reference_o2.toml has no entry for "
                            f"{document!r} / {entry['source_type']!r}")
        elif reference.reference_basis != entry["reference_basis"] or reference.o2_ref_pct != (
                float(o2) if o2 is not None else None):
            problems.append(f"{where}: o2_ref_pct: disagrees with reference_o2.toml "
                            f"({reference.reference_basis} {reference.o2_ref_pct})")
        rows.append(LimitRow(
            set_id=set_id, row_id=entry["row"], document=document, source_type=entry["source_type"],
            pollutant=entry["pollutant"], condition=str(entry.get("condition", "")),
            limit_mg_m3=float(entry["limit"]), reference_basis=entry["reference_basis"],
            o2_ref_pct=float(o2) if o2 is not None else None, averaging=entry["averaging"],
            effective_from=entry.get("effective_from"), effective_to=entry.get("effective_to"),
            source=entry["source"], status=entry["status"], confidence=str(entry.get("confidence", "")),
            set_kind=str(kind),
        ))
    return LimitSet(set_id, document, str(head.get("title", "")), str(head.get("note", "")), path.name,
                    tuple(rows), str(kind), str(head.get("kind_source", "")))


def load_catalog(directory: Traversable | None = None) -> LimitCatalog:
    """Read every ``limits/*.toml`` under ``directory`` (default: the packaged data).

    Raises :class:`RuleDataError` listing every problem found.
    """
    base = directory or data_dir()
    known_types = _source_types(base)
    references = load_reference_o2(base)
    problems: list[str] = []
    sets: dict[str, LimitSet] = {}
    files = sorted((p for p in base.joinpath("limits").iterdir() if p.name.endswith(".toml")),
                   key=lambda p: p.name)
    for path in files:
        limit_set = _read_set(path, known_types, references, problems)
        if limit_set is not None:
            if limit_set.id in sets:
                problems.append(f"{path.name}: [set]: id: {limit_set.id!r} also defined in "
                                f"{sets[limit_set.id].file}")
            sets[limit_set.id] = limit_set
    if problems:
        raise RuleDataError(problems)
    return LimitCatalog(sets)


@cache
def packaged_catalog() -> LimitCatalog:
    """The limit sets shipped with ultralow (read once)."""
    return load_catalog()
