"""The store's schema as an ordered list of versioned migrations.

A store file records in ``schema_version`` every migration applied to it; opening it applies the missing
ones in order, each in its own transaction. Migrations are append-only: never edit a released one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import duckdb

from ultralow.store.sql import table_exists


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    summary: str
    statements: tuple[str, ...]


# The readings table has no PRIMARY KEY on purpose: an ART index over hundreds of millions of rows slows
# bulk appends; uniqueness per (outlet_id, code, kind, data_time, revision) is kept by the writer, which
# checks each batch against the rows that can collide (ultralow.store.readings).
MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(
        1,
        "raw frames, readings with revisions, quarantine",
        (
            """CREATE TABLE raw_frames (
                frame_id BIGINT NOT NULL,
                received_at TIMESTAMP WITH TIME ZONE NOT NULL,
                peer VARCHAR,
                mn VARCHAR,
                cn VARCHAR,
                qn VARCHAR,
                raw BLOB NOT NULL
            )""",
            """CREATE TABLE readings (
                outlet_id VARCHAR NOT NULL,
                code VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                data_time TIMESTAMP NOT NULL,
                utc_offset_min SMALLINT NOT NULL,
                revision INTEGER NOT NULL,
                value DOUBLE,
                min DOUBLE,
                max DOUBLE,
                cou DOUBLE,
                zs DOUBLE,
                flag VARCHAR,
                source VARCHAR NOT NULL,
                frame_id BIGINT,
                received_at TIMESTAMP WITH TIME ZONE NOT NULL
            )""",
            """CREATE TABLE quarantine (
                id BIGINT NOT NULL,
                received_at TIMESTAMP WITH TIME ZONE NOT NULL,
                source VARCHAR NOT NULL,
                peer VARCHAR,
                location VARCHAR,
                reason VARCHAR NOT NULL,
                raw BLOB NOT NULL
            )""",
            # Revisions are rare: the anti-join reads only rows with revision > 0 (zone maps skip the rest).
            """CREATE VIEW readings_current AS
               SELECT r.* FROM readings AS r
               ANTI JOIN (
                   SELECT outlet_id, code, kind, data_time, max(revision) AS top
                   FROM readings WHERE revision > 0 GROUP BY ALL
               ) AS later
               ON r.outlet_id = later.outlet_id AND r.code = later.code AND r.kind = later.kind
                  AND r.data_time = later.data_time AND r.revision < later.top""",
        ),
    ),
    Migration(
        2,
        "the registry a store was filled with, so a store carries its own registry",
        (
            """CREATE TABLE registry (
                version INTEGER NOT NULL,
                loaded_at TIMESTAMP WITH TIME ZONE NOT NULL,
                path VARCHAR,
                text VARCHAR NOT NULL
            )""",
        ),
    ),
    Migration(
        3,
        "raw_frames.data_time (the packet's plant-local DataTime): finds resent frames that carry no QN",
        ("ALTER TABLE raw_frames ADD COLUMN data_time TIMESTAMP",),
    ),
    Migration(
        20,
        "ledgers: rows with revisions and evidence, approvals, imported files (ultralow.ledger)",
        (
            # one row per (row_id, revision); a correction is the next revision, never an update
            """CREATE TABLE ledger_rows (
                row_id VARCHAR NOT NULL,
                revision INTEGER NOT NULL,
                kind VARCHAR NOT NULL,
                year INTEGER NOT NULL,
                base VARCHAR,
                country VARCHAR,
                data VARCHAR NOT NULL,
                content_sha256 VARCHAR NOT NULL,
                evidence_document VARCHAR NOT NULL,
                evidence_sha256 VARCHAR NOT NULL,
                entered_by VARCHAR NOT NULL,
                entered_at DATE NOT NULL,
                imported_at TIMESTAMP WITH TIME ZONE NOT NULL,
                source_file VARCHAR NOT NULL,
                source_line INTEGER NOT NULL,
                replaces_revision INTEGER,
                PRIMARY KEY (row_id, revision)
            )""",
            """CREATE TABLE ledger_approvals (
                row_id VARCHAR NOT NULL,
                revision INTEGER NOT NULL,
                approved_by VARCHAR NOT NULL,
                approved_at TIMESTAMP WITH TIME ZONE NOT NULL,
                note VARCHAR,
                PRIMARY KEY (row_id, revision)
            )""",
            """CREATE TABLE ledger_imports (
                import_id INTEGER NOT NULL,
                path VARCHAR NOT NULL,
                file_sha256 VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                rows INTEGER NOT NULL,
                new_rows INTEGER NOT NULL,
                new_revisions INTEGER NOT NULL,
                unchanged INTEGER NOT NULL,
                imported_at TIMESTAMP WITH TIME ZONE NOT NULL
            )""",
        ),
    ),
    Migration(
        30,
        "operations dashboard: users, sessions, the audit trail, marks with withdrawals, alarms and acks",
        (
            """CREATE TABLE users (
                name VARCHAR PRIMARY KEY,
                role VARCHAR NOT NULL,
                password_hash VARCHAR NOT NULL,
                created_at TIMESTAMP WITH TIME ZONE NOT NULL,
                created_by VARCHAR NOT NULL,
                disabled BOOLEAN NOT NULL DEFAULT false,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                locked_until TIMESTAMP WITH TIME ZONE
            )""",
            # the cookie carries the token; the store keeps only its SHA-256
            """CREATE TABLE sessions (
                token_sha256 VARCHAR PRIMARY KEY,
                user_name VARCHAR NOT NULL,
                csrf_token VARCHAR NOT NULL,
                created_at TIMESTAMP WITH TIME ZONE NOT NULL,
                expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
                ended_at TIMESTAMP WITH TIME ZONE,
                peer VARCHAR
            )""",
            # append-only: rows are inserted by ultralow.app.ops.audit and never updated or deleted
            """CREATE TABLE audit_log (
                audit_id BIGINT PRIMARY KEY,
                recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
                actor VARCHAR NOT NULL,
                action VARCHAR NOT NULL,
                target VARCHAR,
                before_json VARCHAR,
                after_json VARCHAR,
                peer VARCHAR
            )""",
            """CREATE TABLE mark_entries (
                mark_id BIGINT PRIMARY KEY,
                outlet_id VARCHAR NOT NULL,
                code VARCHAR,
                start_time TIMESTAMP NOT NULL,
                end_time TIMESTAMP NOT NULL,
                mark_type VARCHAR NOT NULL,
                reason VARCHAR NOT NULL,
                entered_by VARCHAR NOT NULL,
                entered_at TIMESTAMP WITH TIME ZONE NOT NULL
            )""",
            """CREATE TABLE mark_withdrawals (
                mark_id BIGINT PRIMARY KEY,
                withdrawn_by VARCHAR NOT NULL,
                withdrawn_at TIMESTAMP WITH TIME ZONE NOT NULL,
                reason VARCHAR NOT NULL
            )""",
            # the table the engine reads (docs/contracts.md): marks in force, withdrawn ones left out
            """CREATE VIEW marks AS
               SELECT e.outlet_id, e.code, e.start_time, e.end_time, e.mark_type,
                      'mark ' || e.mark_id || ' by ' || e.entered_by AS origin, e.reason
               FROM mark_entries AS e ANTI JOIN mark_withdrawals AS w ON e.mark_id = w.mark_id""",
            """CREATE TABLE alarms (
                alarm_id BIGINT PRIMARY KEY,
                kind VARCHAR NOT NULL,
                outlet_id VARCHAR NOT NULL,
                code VARCHAR NOT NULL,
                hour TIMESTAMP NOT NULL,
                utc_offset_min SMALLINT NOT NULL,
                value_mg_m3 DOUBLE NOT NULL,
                limit_mg_m3 DOUBLE NOT NULL,
                threshold_mg_m3 DOUBLE NOT NULL,
                limit_set VARCHAR,
                raised_at TIMESTAMP WITH TIME ZONE NOT NULL,
                UNIQUE (kind, outlet_id, code, hour)
            )""",
            """CREATE TABLE alarm_acks (
                alarm_id BIGINT NOT NULL,
                acked_by VARCHAR NOT NULL,
                acked_at TIMESTAMP WITH TIME ZONE NOT NULL,
                comment VARCHAR NOT NULL
            )""",
        ),
    ),
    Migration(
        40,
        "HJ 75 QA records: daily zero/span drift checks and periodic comparison tests (ultralow qa import)",
        (
            # one row per check, never updated; a correction is a new import (the latest row of a key wins)
            """CREATE TABLE qa_records (
                outlet_id VARCHAR NOT NULL,
                code VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                checked_at TIMESTAMP NOT NULL,
                drift_pct DOUBLE,
                passed BOOLEAN,
                reference VARCHAR,
                import_id INTEGER NOT NULL,
                source_file VARCHAR NOT NULL,
                source_line INTEGER NOT NULL,
                imported_at TIMESTAMP WITH TIME ZONE NOT NULL
            )""",
        ),
    ),
    Migration(
        50,
        "stored judgement results: one row per results run with its provenance (ultralow results)",
        (
            # the result tables themselves (result_hours, result_days, result_events) take the engine's
            # columns and are made by the first full run (ultralow.app.results); this row says what made them
            """CREATE TABLE result_runs (
                run_id BIGINT PRIMARY KEY,
                kind VARCHAR NOT NULL,
                run_at TIMESTAMP WITH TIME ZONE NOT NULL,
                data_cut_off TIMESTAMP WITH TIME ZONE,
                input_hash VARCHAR,
                rules_hash VARCHAR NOT NULL,
                registry_hash VARCHAR NOT NULL,
                columns_hash VARCHAR NOT NULL,
                software_version VARCHAR NOT NULL,
                software_commit VARCHAR,
                outlets INTEGER NOT NULL,
                first_hour TIMESTAMP,
                last_hour TIMESTAMP,
                hours_written BIGINT NOT NULL,
                days_written BIGINT NOT NULL,
                events_written BIGINT NOT NULL,
                seconds DOUBLE NOT NULL
            )""",
        ),
    ),
)

LATEST_VERSION: Final = MIGRATIONS[-1].version


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied to the store (0 for an empty file)."""
    if not table_exists(con, "schema_version"):
        return 0
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection, target: int = LATEST_VERSION) -> list[int]:
    """Apply the migrations above the store's version up to ``target``; returns the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, "
        "applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT current_timestamp)"
    )
    have = current_version(con)
    if have > LATEST_VERSION:
        raise RuntimeError(f"store schema version {have} is newer than this software ({LATEST_VERSION})")
    applied: list[int] = []
    for migration in MIGRATIONS:
        if migration.version <= have or migration.version > target:
            continue
        con.begin()
        try:
            for statement in migration.statements:
                con.execute(statement)
            con.execute("INSERT INTO schema_version (version) VALUES (?)", [migration.version])
            con.commit()
        except BaseException:
            con.rollback()
            raise
        applied.append(migration.version)
    return applied
