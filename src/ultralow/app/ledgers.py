"""Ledger services for every front end (command line, site, dashboard, report).

::

    from ultralow.app.ledgers import import_ledgers, approve_rows, row_history, list_rows, social_figures
    report = import_ledgers(store, [Path("donations.csv")], evidence_dir=Path("evidence"), bases=bases)
    approve_rows(store, ["donations/2025-06-01/..."], approver="Li Wei")
    figures = social_figures(store, 2025)   # list[Figure]: id, label, value, unit, status, ledger rows

Only approved rows feed figures; a figure whose rows are all drafts has status ``draft_only`` and no value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ultralow.app.problems import AppError, StoreMissing
from ultralow.app.setup import resolve_registry
from ultralow.ledger.book import (
    FileImport,
    LedgerView,
    Revision,
    approve,
    drafts,
    history,
    import_files,
    ledger_view,
    revisions,
)
from ultralow.ledger.figures import Figure
from ultralow.ledger.figures import social_figures as _social_figures
from ultralow.registry import Registry
from ultralow.store.store import Store, StoreError

__all__ = ["Figure", "FileImport", "ImportReport", "LedgerView", "Revision", "approve_all_drafts",
           "approve_rows", "import_ledgers", "list_rows", "open_ledgers", "registry_bases", "row_history",
           "social_figures", "view"]


@dataclass(frozen=True)
class ImportReport:
    files: list[FileImport]

    @property
    def totals(self) -> dict[str, int]:
        keys = ("rows", "new_rows", "new_revisions", "unchanged")
        return {k: sum(int(getattr(f, k)) for f in self.files) for k in keys}

    def to_json(self) -> dict[str, Any]:
        return {"files": [f.to_json() for f in self.files], "totals": self.totals}


@contextmanager
def open_ledgers(db: str | Path, config: str | Path | None = None, *, config_given: bool | None = None
                 ) -> Iterator[tuple[Store, Registry]]:
    """An existing store opened for writing ledger rows, with its registry (``config`` when that file exists,
    else the one the store carries). ``StoreMissing`` when there is no store: ledgers go into a store that
    already knows its bases, none is created here."""
    path = Path(db)
    if not path.is_file():
        raise StoreMissing(f"{path}: store not found (give --db PATH of an existing store; "
                           "`ultralow demo` or `ultralow ingest` creates one)")
    try:
        store = Store(path)
    except StoreError as exc:
        raise AppError(f"{exc} (is `ultralow serve` holding it? ledgers are written while it is stopped)") from exc
    try:
        registry = resolve_registry(config, store, config_given=config_given)
        yield store, registry
    finally:
        store.close()


def registry_bases(registry: Registry) -> dict[str, str]:
    """The registry's bases as {base id: country} (what a ledger row's base is checked against)."""
    return {b.id: b.country for b in registry.bases}


def import_ledgers(store: Store, files: Sequence[Path], *, evidence_dir: Path | None, bases: Mapping[str, str],
                   kind: str | None = None) -> ImportReport:
    """Import ledger CSV files, all or nothing (``LedgerFileError`` lists every bad row as file:line: column)."""
    return ImportReport(import_files(store, files, bases, evidence_dir, kind))


def approve_rows(store: Store, refs: Sequence[str], *, approver: str, note: str | None = None) -> list[Revision]:
    """Approve ``row_id`` (its latest revision) or ``row_id@N``; the approver must not be the one who entered it."""
    return approve(store, refs, approver, note)


def approve_all_drafts(store: Store, *, approver: str, kind: str | None = None, year: int | None = None,
                       note: str | None = None) -> list[Revision]:
    """Approve every draft revision (of ``kind`` / ``year`` when given)."""
    return approve(store, [r.ref for r in drafts(store, kind, year)], approver, note)


def row_history(store: Store, ref: str) -> list[Revision]:
    """Every revision of one row, oldest first, with who entered and who approved each."""
    return history(store, ref)


def list_rows(store: Store, *, kind: str | None = None, year: int | None = None,
              status: str | None = None) -> list[Revision]:
    """The latest revision of each row (filter by kind, year, ``draft`` / ``approved``)."""
    return revisions(store, kind=kind, year=year, status=status)


def view(store: Store) -> LedgerView:
    """The effective (approved) rows and the draft-only rows, read once."""
    return ledger_view(store)


def social_figures(store: Store, year: int) -> list[Figure]:
    """Workforce, safety, housing, clinics/schools, donations, trees, volunteers, local jobs, payments to
    government by country, community spend and the statutory minima (Guinea 0.5 % of turnover) of ``year``,
    each with its ledger rows (``row_id@revision``)."""
    return _social_figures(ledger_view(store), year)


def ledger_evidence(db: str | Path, year: int | None = None) -> tuple[Any, dict[str, Any]] | None:
    """The claim check's ledger evidence source of the store at ``db`` (None when the store has no ledger
    rows) and what it holds. ``year``: the report year a claim without a period speaks of (default: the
    latest year of approved production or workforce rows, else of any approved row)."""
    from ultralow.app.setup import open_store_read_only
    from ultralow.claims.evidence import LedgerEvidence

    with open_store_read_only(db) as store:
        ledgers = ledger_view(store)
    if not ledgers.effective and not ledgers.draft_only:
        return None
    main_years = [r.year for r in ledgers.effective if r.kind in ("production", "workforce")]
    any_years = [r.year for r in ledgers.effective] or [r.year for r in ledgers.draft_only]
    chosen = year or max(main_years or any_years)
    info = {"db": str(db), "report_year": chosen, "approved_rows": len(ledgers.effective),
            "draft_only_rows": len(ledgers.draft_only), "draft_corrections": len(ledgers.pending)}
    return LedgerEvidence(ledgers, chosen), info
