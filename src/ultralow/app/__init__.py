"""The application layer: the services every front end calls, so that the command line, the web site,
the dashboard, the report and the ledgers give the same answer to "judge these outlets over this period".

See ``docs/app-layer.md``. Entry point: :class:`Application` (``Application.open(db, config)``).
"""

from ultralow.app.documents import SCHEMA_VERSION, csv_cell, write_csv, write_json
from ultralow.app.hours_export import HOURS_FORMATS, HoursExport, export_hours
from ultralow.app.judging import ENGINE_TABLES, Judgement, Progress, no_progress
from ultralow.app.period import DataSpan, derive_period
from ultralow.app.problems import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    AppError,
    NoData,
    ProblemReporter,
    StoreMissing,
    UsageProblem,
)
from ultralow.app.rollups import ROLLUP_SCHEMA, rollups
from ultralow.app.services import Application
from ultralow.app.setup import (
    checked_registry,
    limit_set_problems,
    load_checked_registry,
    open_store_read_only,
    resolve_registry,
)
from ultralow.app.status import ONLINE_WINDOW_S, STATUS_SCHEMA, outlets_status

__all__ = [
    "ENGINE_TABLES",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "HOURS_FORMATS",
    "ONLINE_WINDOW_S",
    "ROLLUP_SCHEMA",
    "SCHEMA_VERSION",
    "STATUS_SCHEMA",
    "AppError",
    "Application",
    "DataSpan",
    "HoursExport",
    "Judgement",
    "NoData",
    "ProblemReporter",
    "Progress",
    "StoreMissing",
    "UsageProblem",
    "checked_registry",
    "csv_cell",
    "derive_period",
    "export_hours",
    "limit_set_problems",
    "load_checked_registry",
    "no_progress",
    "open_store_read_only",
    "outlets_status",
    "resolve_registry",
    "rollups",
    "write_csv",
    "write_json",
]
