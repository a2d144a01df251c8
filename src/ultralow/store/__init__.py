"""The DuckDB store: versioned schema, raw frames, readings with revisions, quarantine, Parquet export.

Tables and columns are described in ``docs/contracts.md``.
"""

from ultralow.store.carried_registry import resolve_registry, save_registry, stored_registry
from ultralow.store.export import ExportError, ExportSummary, export_parquet
from ultralow.store.frames import FrameRow, QuarantineRow
from ultralow.store.queries import StoreCounts, read_counts, read_outlet_counts
from ultralow.store.readings import CANDIDATE_SCHEMA, ReadingsWritten, append_clear_select, write_readings
from ultralow.store.schema import LATEST_VERSION, MIGRATIONS, current_version, migrate
from ultralow.store.store import Store, StoreError

__all__ = [
    "CANDIDATE_SCHEMA",
    "ExportError",
    "ExportSummary",
    "LATEST_VERSION",
    "MIGRATIONS",
    "FrameRow",
    "QuarantineRow",
    "ReadingsWritten",
    "Store",
    "StoreCounts",
    "StoreError",
    "append_clear_select",
    "current_version",
    "export_parquet",
    "migrate",
    "read_counts",
    "read_outlet_counts",
    "resolve_registry",
    "save_registry",
    "stored_registry",
    "write_readings",
]
