"""The ledgers in the store: import (all or nothing, idempotent), approval by a second person, revision
history, and the approved rows that feed KPIs, GHG, the claim check and anything published.

A row's *effective* revision is its highest approved one: a correction waits as a draft until it is
approved, and until then the approved figure it corrects stays the published one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from ultralow.ledger.rows import LedgerFileError, LedgerRow, Value, read_ledger_file, sha256_file
from ultralow.problems import ProblemsError
from ultralow.store.store import Store


class LedgerError(ProblemsError):
    """An approval or lookup that cannot be done (names the row and why)."""

    subject = "the ledger request"


@dataclass(frozen=True, slots=True)
class Revision:
    """One stored revision of a ledger row with its approval state."""

    row_id: str
    revision: int
    kind: str
    year: int
    base: str | None
    country: str | None
    values: dict[str, Value]
    evidence_document: str
    evidence_sha256: str
    entered_by: str
    entered_at: date
    imported_at: datetime
    source_file: str
    source_line: int
    replaces_revision: int | None
    approved_by: str | None
    approved_at: datetime | None

    @property
    def ref(self) -> str:
        """``row_id@revision``: how evidence names a row."""
        return f"{self.row_id}@{self.revision}"

    @property
    def status(self) -> str:
        return "approved" if self.approved_by else "draft"

    def to_json(self) -> dict[str, Any]:
        return {
            "row_id": self.row_id, "revision": self.revision, "ref": self.ref, "kind": self.kind,
            "year": self.year, "base": self.base, "country": self.country, "values": dict(self.values),
            "status": self.status, "evidence_document": self.evidence_document,
            "evidence_sha256": self.evidence_sha256, "entered_by": self.entered_by,
            "entered_at": self.entered_at.isoformat(), "imported_at": self.imported_at.isoformat(),
            "source": f"{self.source_file}:{self.source_line}", "replaces_revision": self.replaces_revision,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
        }


@dataclass(frozen=True, slots=True)
class FileImport:
    path: str
    kind: str
    rows: int
    new_rows: int
    new_revisions: int
    unchanged: int

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "rows": self.rows, "new_rows": self.new_rows,
                "new_revisions": self.new_revisions, "unchanged": self.unchanged}


_ROW_SCHEMA = pa.schema([
    ("row_id", pa.string()), ("revision", pa.int32()), ("kind", pa.string()), ("year", pa.int32()),
    ("base", pa.string()), ("country", pa.string()), ("data", pa.string()), ("content_sha256", pa.string()),
    ("evidence_document", pa.string()), ("evidence_sha256", pa.string()), ("entered_by", pa.string()),
    ("entered_at", pa.date32()), ("imported_at", pa.timestamp("us", tz="UTC")), ("source_file", pa.string()),
    ("source_line", pa.int32()), ("replaces_revision", pa.int32())])  # the columns of ledger_rows, in order


def _content_sha(row: LedgerRow) -> str:
    return hashlib.sha256(json.dumps(row.content(), sort_keys=True, default=str).encode()).hexdigest()


def bases_of(registry_bases: Iterable[Any]) -> dict[str, str]:
    """Registry bases as {id: country}."""
    return {b.id: b.country for b in registry_bases}


def import_files(store: Store, paths: Sequence[Path], bases: Mapping[str, str], evidence_dir: Path | None,
                 kind_name: str | None = None, now: datetime | None = None) -> list[FileImport]:
    """Check every file, then store them in one transaction: nothing of any file is stored when one has a
    bad row (LedgerFileError lists every problem of every file). A row equal to its stored effective or
    latest revision changes nothing; a different one becomes the next revision (a draft)."""
    checked: list[tuple[Path, str, list[LedgerRow]]] = []
    problems: list[str] = []
    for path in paths:
        try:
            kind, rows = read_ledger_file(path, bases, evidence_dir, kind_name)
        except LedgerFileError as exc:
            problems += exc.problems
            continue
        checked.append((path, kind.name, rows))
    if problems:
        raise LedgerFileError(problems)
    stamp = now or datetime.now(UTC)
    out: list[FileImport] = []
    with store.transaction() as con:
        latest = {r[0]: (int(r[1]), str(r[2])) for r in con.execute(
            "SELECT row_id, revision, content_sha256 FROM ledger_rows QUALIFY "
            "row_number() OVER (PARTITION BY row_id ORDER BY revision DESC) = 1").fetchall()}
        import_id = int(con.execute("SELECT coalesce(max(import_id), 0) FROM ledger_imports").fetchall()[0][0])
        for path, kind_id, rows in checked:
            new_rows = new_revisions = unchanged = 0
            inserts: list[list[Any]] = []
            for r in rows:
                sha = _content_sha(r)
                prior = latest.get(r.row_id)
                if prior is not None and prior[1] == sha:
                    unchanged += 1
                    continue
                revision = 1 if prior is None else prior[0] + 1
                if prior is None:
                    new_rows += 1
                else:
                    new_revisions += 1
                inserts.append([r.row_id, revision, r.kind, r.year, r.base, r.country,
                                json.dumps(r.values, sort_keys=True, default=str), sha, r.evidence_document,
                                r.evidence_sha256, r.entered_by, r.entered_at, stamp, r.source, r.line,
                                None if prior is None else prior[0]])
                latest[r.row_id] = (revision, sha)
            if inserts:  # one Arrow batch per file (row-by-row INSERTs took seconds for a thousand rows)
                con.register("_ledger_new", pa.Table.from_pylist(
                    [dict(zip(_ROW_SCHEMA.names, values, strict=True)) for values in inserts], schema=_ROW_SCHEMA))
                try:
                    con.execute("INSERT INTO ledger_rows SELECT * FROM _ledger_new")
                finally:
                    con.unregister("_ledger_new")
            import_id += 1
            con.execute("INSERT INTO ledger_imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [import_id, str(path), sha256_file(path), kind_id, len(rows), new_rows, new_revisions,
                         unchanged, stamp])
            out.append(FileImport(str(path), kind_id, len(rows), new_rows, new_revisions, unchanged))
    return out


_SELECT = """
SELECT r.row_id, r.revision, r.kind, r.year, r.base, r.country, r.data, r.evidence_document,
       r.evidence_sha256, r.entered_by, r.entered_at, r.imported_at, r.source_file, r.source_line,
       r.replaces_revision, a.approved_by, a.approved_at
FROM ledger_rows AS r LEFT JOIN ledger_approvals AS a ON a.row_id = r.row_id AND a.revision = r.revision
"""


def _revision(row: Sequence[Any]) -> Revision:
    return Revision(str(row[0]), int(row[1]), str(row[2]), int(row[3]), row[4], row[5], json.loads(row[6]),
                    str(row[7]), str(row[8]), str(row[9]), row[10], row[11], str(row[12]), int(row[13]),
                    row[14], row[15], row[16])


def parse_ref(ref: str) -> tuple[str, int | None]:
    """``kind/key@3`` -> (``kind/key``, 3); without ``@`` the revision is None (the latest)."""
    if "@" in ref:
        row_id, _, rev = ref.rpartition("@")
        if rev.isdigit():
            return row_id, int(rev)
    return ref, None


def history(store: Store, ref: str) -> list[Revision]:
    """Every revision of a row, oldest first (LedgerError when there is no such row)."""
    row_id, _ = parse_ref(ref)
    with store.lock:
        rows = store.con.execute(_SELECT + " WHERE r.row_id = ? ORDER BY r.revision", [row_id]).fetchall()
    if not rows:
        raise LedgerError([f"{row_id}: no such ledger row"])
    return [_revision(r) for r in rows]


def revisions(store: Store, *, kind: str | None = None, year: int | None = None,
              status: str | None = None, latest_only: bool = True) -> list[Revision]:
    """Stored revisions (latest of each row unless ``latest_only`` is False), filtered."""
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if kind:
        where.append("r.kind = ?")
        params.append(kind)
    if year is not None:
        where.append("r.year = ?")
        params.append(year)
    sql = _SELECT + " WHERE " + " AND ".join(where)
    if latest_only:
        sql += " QUALIFY row_number() OVER (PARTITION BY r.row_id ORDER BY r.revision DESC) = 1"
    with store.lock:
        rows = store.con.execute(sql + " ORDER BY r.row_id, r.revision", params).fetchall()
    out = [_revision(r) for r in rows]
    return [r for r in out if status is None or r.status == status]


def approve(store: Store, refs: Sequence[str], approver: str, note: str | None = None,
            now: datetime | None = None) -> list[Revision]:
    """Approve revisions (``row_id`` = its latest revision, or ``row_id@N``) by ``approver``, who must not be
    the one who entered them. All or nothing: LedgerError lists every ref that cannot be approved."""
    approver = approver.strip()
    if not approver:
        raise LedgerError(["--by: an approver's name is required"])
    problems: list[str] = []
    chosen: list[Revision] = []
    chains: dict[str, list[Revision]] = {}
    for r in revisions(store, latest_only=False):  # ledgers are small: one read for every ref
        chains.setdefault(r.row_id, []).append(r)
    for ref in refs:
        row_id, rev = parse_ref(ref)
        chain = chains.get(row_id)
        if not chain:
            problems.append(f"{row_id}: no such ledger row")
            continue
        target = chain[-1] if rev is None else next((r for r in chain if r.revision == rev), None)
        if target is None:
            problems.append(f"{ref}: no revision {rev} (revisions: {', '.join(str(r.revision) for r in chain)})")
        elif target.approved_by:
            continue  # approving twice changes nothing
        elif target.entered_by.casefold() == approver.casefold():
            problems.append(f"{target.ref}: entered by {target.entered_by}; the approver must be someone else")
        else:
            chosen.append(target)
    if problems:
        raise LedgerError(problems)
    stamp = now or datetime.now(UTC)
    chosen = list({r.ref: r for r in chosen}.values())  # a ref given twice is approved once
    with store.transaction() as con:
        if chosen:
            con.register("_ledger_approvals_new", pa.table({
                "row_id": pa.array([r.row_id for r in chosen], pa.string()),
                "revision": pa.array([r.revision for r in chosen], pa.int32()),
                "approved_by": pa.array([approver] * len(chosen), pa.string()),
                "approved_at": pa.array([stamp] * len(chosen), pa.timestamp("us", tz="UTC")),
                "note": pa.array([note] * len(chosen), pa.string())}))
            try:
                con.execute("INSERT INTO ledger_approvals SELECT * FROM _ledger_approvals_new")
            finally:
                con.unregister("_ledger_approvals_new")
    return [replace(r, approved_by=approver, approved_at=stamp) for r in chosen]


def drafts(store: Store, kind: str | None = None, year: int | None = None) -> list[Revision]:
    """Every revision not approved (all of them, not only the latest), for ``approve --all-drafts``."""
    return [r for r in revisions(store, kind=kind, year=year, latest_only=False) if r.status == "draft"]


@dataclass(frozen=True)
class LedgerView:
    """The rows of one store at one moment: the effective (highest approved) revision of each row and the
    rows that have only drafts. What every calculator reads."""

    effective: tuple[Revision, ...]
    draft_only: tuple[Revision, ...]
    pending: tuple[Revision, ...] = ()  # draft corrections newer than a row's effective revision

    def rows(self, kind: str, *, year: int | None = None, years: tuple[int, int] | None = None
             ) -> list[Revision]:
        return [r for r in self.effective if r.kind == kind and (year is None or r.year == year)
                and (years is None or years[0] <= r.year <= years[1])]

    def drafts(self, kind: str, *, year: int | None = None) -> list[Revision]:
        return [r for r in self.draft_only if r.kind == kind and (year is None or r.year == year)]


def ledger_view(store: Store) -> LedgerView:
    """Read every ledger row once (ledgers are small: thousands of rows)."""
    everything = revisions(store, latest_only=False)
    by_row: dict[str, list[Revision]] = {}
    for r in everything:
        by_row.setdefault(r.row_id, []).append(r)
    effective: list[Revision] = []
    draft_only: list[Revision] = []
    pending: list[Revision] = []
    for chain in by_row.values():
        approved = [r for r in chain if r.approved_by]
        if approved:
            effective.append(approved[-1])
            pending += [r for r in chain if r.revision > approved[-1].revision and not r.approved_by]
        else:
            draft_only.append(chain[-1])
    return LedgerView(tuple(effective), tuple(draft_only), tuple(pending))


def has_ledgers(store: Store) -> bool:
    with store.lock:
        row = store.con.execute("SELECT count(*) FROM ledger_rows").fetchone()
    return bool(row and row[0])


def view_of(rows: Iterable[Mapping[str, Any]], *, approver: str = "approver") -> LedgerView:
    """A view of plain rows, for calculations outside a store (hand-worked cases, what-if figures).

    Each row: ``kind``, ``values`` and optionally ``row_id``, ``year`` (else from ``month``/``date``/``year``
    in the values), ``base``, ``country``, ``revision`` (1), ``approved`` (True) and ``replaces`` (None).
    """
    effective: list[Revision] = []
    drafts: list[Revision] = []
    stamp = datetime(2026, 1, 31, tzinfo=UTC)
    for n, row in enumerate(rows, start=1):
        values = dict(row["values"])
        stamp_value = values.get("year") or values.get("month") or values.get("date") or values.get("opened_year")
        year = int(row.get("year") or str(stamp_value)[:4])
        approved = bool(row.get("approved", True))
        r = Revision(str(row.get("row_id") or f"{row['kind']}/{n}"), int(row.get("revision", 1)), str(row["kind"]),
                     year, row.get("base"), row.get("country"), values, "evidence.pdf", "0" * 64, "clerk",
                     date(2026, 1, 20), stamp, "view_of", n, row.get("replaces"),
                     approver if approved else None, stamp if approved else None)
        (effective if approved else drafts).append(r)
    return LedgerView(tuple(effective), tuple(drafts))
