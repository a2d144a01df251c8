"""Writing a judgement as JSON or CSV incrementally from Arrow: record batches of a bounded size become text
one after the other, so memory holds one batch of Python rows, never the whole document.

The JSON document keeps the keys of ``ultralow.cems.document.compliance_document`` (rows shaped by its
``to_json_rows``: ``outlet``, times with the outlet's offset, NaN as null) and adds ``schema_version`` and
``rollups``. ``summary_only`` leaves out the per-hour and per-day lists (``hours``, ``days``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute as pc

from ultralow.app.judging import Judgement, Progress, no_progress
from ultralow.cems.document import SORT_KEYS, to_json_rows

SCHEMA_VERSION: Final = "1.0"
BATCH_ROWS: Final = 4_096  # rows turned into Python dicts at a time
DOCUMENT_KEYS: Final = ("hours", "summary", "events", "findings", "days", "months", "ultra_low", "emissions")
SUMMARY_ONLY_SKIPS: Final = ("hours", "days")
UTF8_BOM: Final = "\ufeff"


def sorted_batches(name: str, table: pa.Table, batch_rows: int = BATCH_ROWS) -> Iterator[pa.Table]:
    """The table in the document's order, ``batch_rows`` rows at a time: only the sort indices (8 bytes a
    row) and one batch are held, never a sorted copy of the whole table (the demo year's hours: 0.7 GiB)."""
    keys = [k for k in SORT_KEYS.get(name, ()) if k in table.column_names]
    if not keys:
        for batch in table.to_batches(max_chunksize=batch_rows):
            yield pa.Table.from_batches([batch], table.schema)
        return
    order = pc.sort_indices(table, sort_keys=[(k, "ascending") for k in keys])
    in_order = len(order) == 0 or bool(pc.all(pc.equal(order, pa.array(range(len(order)), pa.uint64()))).as_py())
    for start in range(0, len(order), batch_rows):  # the engine's tables mostly come in order: zero-copy slices
        yield table.slice(start, batch_rows) if in_order else table.take(order.slice(start, batch_rows))


def json_rows(name: str, table: pa.Table, offsets: dict[str, int], batch_rows: int = BATCH_ROWS
              ) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in the document's order and shape, one bounded batch at a time."""
    for batch in sorted_batches(name, table, batch_rows):
        yield to_json_rows(batch.to_pylist(), offsets)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def write_json(judgement: Judgement, write: Callable[[str], Any], *, summary_only: bool = False,
               progress: Progress = no_progress, batch_rows: int = BATCH_ROWS) -> None:
    """The compliance document, written piece by piece through ``write``."""
    names = [n for n in DOCUMENT_KEYS if not (summary_only and n in SUMMARY_ONLY_SKIPS)]
    extra = [n for n in judgement.tables if n not in DOCUMENT_KEYS]  # tables the engine adds later
    total = sum(judgement.tables[n].num_rows for n in [*names, *extra])
    done = 0
    write("{" + _dump("schema_version") + ": " + _dump(SCHEMA_VERSION))
    write(", " + _dump("summary_only") + ": " + _dump(summary_only))
    for name in [*names, *extra]:
        write(", " + _dump(name) + ": [")
        first = True
        for rows in json_rows(name, judgement.tables[name], judgement.offsets, batch_rows):
            text = ", ".join(_dump(r) for r in rows)
            if text:
                write(text if first else ", " + text)
                first = False
            done += len(rows)
            progress("write", done, total)
        write("]")
    write(", " + _dump("limits") + ": " + _dump(
        [r for rows in json_rows("limits", judgement.limits, judgement.offsets) for r in rows]))
    write(", " + _dump("rollups") + ": " + _dump(judgement.rollups.to_pylist()))
    write(", " + _dump("evidence") + ": " + _dump(judgement.evidence()) + "}\n")


def csv_cell(value: Any) -> Any:
    """CSV text for Excel and scripts: booleans as ``true``/``false``, nulls as empty cells."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


def write_csv(name: str, table: pa.Table, offsets: dict[str, int], write: Callable[[str], Any], *,
              bom: bool = True, progress: Progress = no_progress, batch_rows: int = BATCH_ROWS) -> int:
    """``table`` as CSV (UTF-8 with BOM so that Excel reads Chinese text; a header row even when empty);
    returns the rows written."""
    if bom:
        write(UTF8_BOM)
    header: list[str] | None = None
    done = 0
    for rows in json_rows(name, table, offsets, batch_rows):
        buffer = io.StringIO()
        if header is None and rows:
            header = list(rows[0])
            csv.writer(buffer, lineterminator="\n").writerow(header)
        writer = csv.writer(buffer, lineterminator="\n")
        for row in rows:
            writer.writerow([csv_cell(row.get(k)) for k in header or ()])
        write(buffer.getvalue())
        done += len(rows)
        progress("write", done, table.num_rows)
    if header is None:  # no rows: the header from the schema
        names = ["outlet" if n == "outlet_id" else n for n in table.column_names if n != "utc_offset_min"]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(names)
        write(buffer.getvalue())
    return done
