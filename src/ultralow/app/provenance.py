"""Provenance of a judgement: when it ran, the data cut-off, a content hash of its inputs, the software version
with its commit, and the basis of the values.

``input_hash`` is a SHA-256 over, in this order: the minute readings the engine read (count and an
order-independent sum of DuckDB's ``hash`` of each row's time, value and flag — the outlet and code strings are
left out of the row hash because hashing them per row doubled the scan's cost; the outlets are in the
registry part, so only a row swapped between two judged outlets with the same time, value and flag would go
unnoticed), the marks, the
QA records, the registry rows of the judged outlets, and every rules data file (limits, validity, conversion,
substitution, quality, marking, suspect and premium policies) by name and bytes. The same inputs give the same
hash whatever period order, run time or engine; changing one minute value, one mark or one rules file changes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from datetime import UTC, date, datetime
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pyarrow as pa

from ultralow import __version__
from ultralow.cems.period import Period
from ultralow.standards.catalog import data_dir

BASIS = {
    "concentration": "mg/m3 of dry flue gas at standard state (273.15 K, 101.325 kPa) (HJ 75-2017 §3; "
                     "reference §1.8); wet analysers converted with C_dry = C_wet / (1 - X_sw) (HJ 75 A2)",
    "hourly_mean": "arithmetic mean of the clock hour's valid minutes, at least 45 (HJ 76-2017 App. B); hours "
                   "labelled by their start, plant-local time",
    "o2_correction": "applied to hourly means, rho = rho' x (21 - O2_ref) / (21 - O2) (GB 13223-2011 formula (1)), "
                     "only where the limit row's reference_basis is o2; GB 25465 limits are measured concentrations "
                     "(no correction)",
    "emission": "measured (uncorrected) dry concentration x dry standard flow x 1e-6, kg per hour (reference §1.10); "
                "substitutes per HJ 75-2017 §12.2 with alpha over the calendar quarter",
    "fluoride": "a21018 is judged as reported by the analyser against GB 25465 fluoride (as F) limits; an HF "
                "analyser measures gaseous HF only, so particulate fluoride is not included (caveat)",
    "intervals": "event and finding `end` is exclusive (the end of the last hour); periods are whole local days, "
                 "`to` included",
}


def _git_commit() -> str | None:
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    sha = out.stdout.strip()
    if out.returncode != 0 or len(sha) != 40:
        return None
    dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no", "--", "."],
                           capture_output=True, text=True, timeout=10, check=False)
    return sha + ("-dirty" if dirty.returncode == 0 and dirty.stdout.strip() else "")


@cache
def software() -> dict[str, Any]:
    """``{"name", "version", "commit"}``; the commit from ``ULTRALOW_COMMIT`` or the git checkout the package
    runs from (``-dirty`` when tracked files changed), null when neither is known."""
    commit = os.environ.get("ULTRALOW_COMMIT") or _git_commit()
    return {"name": "ultralow", "version": __version__, "commit": commit}


def _files(base: Traversable) -> list[Traversable]:
    out: list[Traversable] = []
    for item in sorted(base.iterdir(), key=lambda p: p.name):
        if item.is_dir():
            out += _files(item)
        elif item.name.endswith((".toml", ".csv")):
            out.append(item)
    return out


@cache
def rules_digest() -> tuple[str, tuple[str, ...]]:
    """SHA-256 over the packaged rules data files (name and bytes) and the file names."""
    digest = hashlib.sha256()
    names = []
    for path in _files(data_dir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        names.append(path.name)
    return digest.hexdigest(), tuple(names)


def table_digest(table: pa.Table | None) -> str:
    """SHA-256 of a small table's rows in a canonical order (JSON of the sorted rows)."""
    if table is None or table.num_rows == 0:
        return hashlib.sha256(b"empty").hexdigest()
    rows = [json.dumps(r, sort_keys=True, default=str) for r in table.to_pylist()]
    return hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()


def readings_fingerprint(con: Any, outlet_ids: list[str], context: Period, period: Period) -> dict[str, Any]:
    """One pass over the minute readings of ``outlet_ids`` in ``context``: rows and first/last time in
    ``period``, rows in the context, the latest ``received_at`` (the data cut-off) and the content sum."""
    if not outlet_ids:
        return {"minute_rows": 0, "first": None, "last": None, "context_rows": 0, "cut_off": None, "sum": "0"}
    row = con.execute(
        """SELECT count(*) FILTER (WHERE data_time >= ? AND data_time < ?),
                  min(data_time) FILTER (WHERE data_time >= ? AND data_time < ?),
                  max(data_time) FILTER (WHERE data_time >= ? AND data_time < ?),
                  count(*), max(received_at),
                  sum(hash(data_time, value, flag)::HUGEINT)::VARCHAR
           FROM readings_current
           WHERE kind = 'minute' AND list_contains(?, outlet_id) AND data_time >= ? AND data_time < ?""",
        [period.start_time, period.end_time] * 3 + [list(outlet_ids), context.start_time, context.end_time],
    ).fetchone()
    return {"minute_rows": int(row[0] or 0), "first": row[1], "last": row[2], "context_rows": int(row[3] or 0),
            "cut_off": row[4], "sum": row[5] or "0"}


def minutes_fingerprint(con: Any, minutes: pa.Table) -> dict[str, Any]:
    """The rows and content sum of :func:`readings_fingerprint` (what :func:`input_hash` reads) over minute
    readings already fetched (``data_time``, ``value``, ``flag``): the same row hash, so the same minutes give
    the same figures as a pass over the store."""
    con.complete()
    con.register("_ul_fingerprint", minutes.select(["data_time", "value", "flag"]))
    try:
        row = con.execute("SELECT count(*), sum(hash(data_time, value, flag)::HUGEINT)::VARCHAR "
                          "FROM _ul_fingerprint").fetchall()[0]
    finally:
        con.unregister("_ul_fingerprint")
    return {"context_rows": int(row[0] or 0), "sum": row[1] or "0"}


def data_days(con: Any, outlet_ids: list[str]) -> tuple[date | None, date | None]:
    """The first and last plant-local day with minute readings of ``outlet_ids`` in the store."""
    if not outlet_ids:
        return None, None
    row = con.execute(
        "SELECT min(data_time), max(data_time) FROM readings_current "
        "WHERE kind = 'minute' AND list_contains(?, outlet_id)", [list(outlet_ids)]).fetchone()
    first, last = row if row else (None, None)
    return (first.date() if first else None, last.date() if last else None)


def input_hash(fingerprint: dict[str, Any], marks: pa.Table | None, qa: pa.Table | None,
               outlets: pa.Table) -> str:
    """The content hash of a judgement's inputs (see the module docstring)."""
    digest = hashlib.sha256()
    digest.update(f"readings:{fingerprint['context_rows']}:{fingerprint['sum']}\n".encode())
    digest.update(f"marks:{table_digest(marks)}\n".encode())
    digest.update(f"qa:{table_digest(qa)}\n".encode())
    digest.update(f"registry:{table_digest(outlets)}\n".encode())
    digest.update(f"rules:{rules_digest()[0]}\n".encode())
    return digest.hexdigest()


def provenance(fingerprint: dict[str, Any], marks: pa.Table | None, qa: pa.Table | None, outlets: pa.Table,
               context: Period, run_at: datetime | None = None) -> dict[str, Any]:
    """The provenance block of a judgement's evidence."""
    cut_off = fingerprint["cut_off"]
    return {
        "run_at": (run_at or datetime.now(UTC)).isoformat(),
        "data_cut_off": cut_off.astimezone(UTC).isoformat() if isinstance(cut_off, datetime) else None,
        "input_hash": input_hash(fingerprint, marks, qa, outlets),
        "input_hash_covers": ["readings (minute rows of the judged outlets in the judged context)", "marks",
                              "qa records", "registry rows of the judged outlets", "rules data files"],
        "rules_files": list(rules_digest()[1]),
        "rules_hash": rules_digest()[0],
        "judged_context": context.as_dict(),
        "software": software(),
        "basis": BASIS,
    }
