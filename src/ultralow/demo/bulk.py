"""The bulk part of the demo year as vendor exports: long-format Parquet files (``mn, data_time, code, value,
flag``; minute means, plant-local time), the format ``ultralow ingest`` reads.

Each file holds a run of whole days for every outlet, rows in time order (minute by minute, every outlet and
factor within a minute): the store's zone maps then keep each batch's duplicate check to the few row groups
of the same days. Columns are built with NumPy (no Python loop over rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ultralow.demo.year import OutletYear

ROW_GROUP_ROWS: Final = 1_000_000
DICTIONARY_COLUMNS: Final = ("mn", "data_time", "code", "flag")  # values are too varied for a dictionary
_ASCII: Final = pa.array([chr(i) for i in range(128)], pa.string())  # flag dictionary: ASCII code -> letter


@dataclass(frozen=True, slots=True)
class ExportFile:
    path: Path
    rows: int
    first_day: datetime
    days: int


def chunk_table(years: Sequence[OutletYear], start: datetime, first: int, stop: int) -> pa.Table:
    """Long-format rows of minutes ``[first, stop)`` of every outlet, in time order."""
    m = stop - first
    mns = pa.array([y.mn for y in years], pa.string())
    codes = sorted({code for y in years for code in y.codes})
    code_index = {code: i for i, code in enumerate(codes)}
    pair_mn = np.concatenate([np.full(len(y.codes), i, np.int32) for i, y in enumerate(years)])
    pair_code = np.array([code_index[c] for y in years for c in y.codes], np.int32)
    pairs = len(pair_mn)
    values = np.concatenate([y.values[first:stop] for y in years], axis=1).reshape(-1)
    flags = np.concatenate([y.flags[first:stop] for y in years], axis=1).reshape(-1)
    times = np.datetime64(start, "us") + (np.arange(first, stop, dtype=np.int64) * 60_000_000).astype("timedelta64[us]")
    return pa.table({
        "mn": pa.DictionaryArray.from_arrays(pa.array(np.tile(pair_mn, m)), mns),
        "data_time": pa.array(np.repeat(times, pairs), pa.timestamp("us")),
        "code": pa.DictionaryArray.from_arrays(pa.array(np.tile(pair_code, m)), pa.array(codes, pa.string())),
        "value": pa.array(values, pa.float64(), from_pandas=True),  # NaN -> null: nulls stay nulls
        "flag": pa.DictionaryArray.from_arrays(pa.array(flags), _ASCII),
    })


def write_exports(years: Sequence[OutletYear], start: datetime, directory: Path, days_per_file: int,
                  done: Callable[[ExportFile], None] | None = None) -> list[ExportFile]:
    """Write the bulk minutes of ``years`` (all of equal length, from plant-local ``start``) as Parquet files
    of ``days_per_file`` days under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    total = len(years[0].values) if years else 0
    step = days_per_file * 24 * 60
    files = []
    for first in range(0, total, step):
        stop = min(total, first + step)
        table = chunk_table(years, start, first, stop)
        day = start + timedelta(minutes=first)
        path = directory / f"demo-export-{day:%Y%m%d}.parquet"
        pq.write_table(table, path, row_group_size=ROW_GROUP_ROWS, compression="snappy",
                       use_dictionary=list(DICTIONARY_COLUMNS))
        exported = ExportFile(path, table.num_rows, day, -(-(stop - first) // (24 * 60)))
        files.append(exported)
        if done is not None:
            done(exported)
    return files
