"""Where the Ibis expressions run: DuckDB (embedded default, the store file attached read-only) or PySpark
(local[2] by default, reading the Parquet export). The only module of ``cems`` that touches files.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

READING_COLUMNS = ("outlet_id", "code", "kind", "data_time", "utc_offset_min", "value", "min", "max", "cou",
                   "zs", "flag")


@dataclass
class Engine:
    """An Ibis backend plus the few backend-specific operations the pipeline needs."""

    name: str
    con: Any
    session: Any = None
    _count: int = field(default=0, repr=False)
    every_cut: bool = field(default=False, repr=False)  # materialise the Spark-only cuts too (cems.replay)

    def load(self, table: pa.Table) -> ir.Table:
        """A small in-memory table (rules, registry rows) usable in expressions on this engine."""
        return ibis.memtable(table)

    def materialize(self, name: str, expr: ir.Table) -> ir.Table:
        """Compute ``expr`` once and keep it for the expressions built on it (temp table / cached view)."""
        self._count += 1
        unique = f"ul_{name}_{self._count}"
        if self.name == "duckdb":
            # unique names: ibis' overwrite path emits a DROP that this sqlglot version renders empty
            return self.con.create_table(unique, expr, temp=True)
        # a checkpoint cuts the lineage: later queries plan against the stored rows, not the whole
        # expression again (Spark re-analyses a view's full plan on every use)
        self.con.create_view(f"{unique}_plan", expr, overwrite=True)
        frame = self.session.table(f"{unique}_plan").localCheckpoint(eager=True)
        frame.createOrReplaceTempView(unique)
        return self.con.table(unique)

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        return self.con.to_pyarrow(expr)

    def scalar(self, expr: ir.Scalar) -> Any:
        return self.con.to_pyarrow(expr).as_py()

    def close(self) -> None:
        if self.name == "duckdb":
            self.con.disconnect()


def duckdb_engine(store: str | os.PathLike[str] | None = None, *, memory_limit: str | None = None,
                  temp_directory: str | os.PathLike[str] | None = None, threads: int | None = None) -> Engine:
    """DuckDB on the store file opened read-only (in memory when ``store`` is None).

    Intermediate tables are temporary (allowed on a read-only file); settings go in as connection
    configuration, not SQL text.
    """
    config: dict[str, Any] = {"preserve_insertion_order": False}  # results are ordered explicitly
    if memory_limit:
        config["memory_limit"] = memory_limit
    if temp_directory:
        config["temp_directory"] = str(temp_directory)
    if threads:
        config["threads"] = int(threads)
    if store is None:
        con = ibis.duckdb.connect(**config)
    else:
        path = Path(store)
        if not path.exists():
            raise FileNotFoundError(f"store {path} does not exist")
        con = ibis.duckdb.connect(str(path), read_only=True, **config)
    # a session setting (not accepted as connection config): a progress bar would land in --format json
    con.con.execute("SET enable_progress_bar = false").fetchall()
    return Engine("duckdb", con)


def store_readings(engine: Engine) -> ir.Table:
    """The store's ``readings_current`` view (contract columns), typed nullable.

    The store declares its key columns NOT NULL while tables the engine builds in memory are nullable;
    the engine unions tables of both origins, which Ibis only allows for equal schemas.
    """
    readings = engine.con.table("readings_current").select(*READING_COLUMNS)
    return readings.cast({name: kind.copy(nullable=True) for name, kind in readings.schema().items()})


def store_marks(engine: Engine) -> ir.Table | None:
    """The store's ``marks`` table, when the store has one (see docs/contracts.md)."""
    # the raw connection: ibis' list_tables calls an API this DuckDB version no longer has
    found = engine.con.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = 'main'",
        ["marks"],
    ).fetchall()
    return engine.con.table("marks") if found and found[0][0] else None


def spark_session(app: str = "ultralow", master: str = "local[2]") -> Any:
    """A local SparkSession set up for exact, UTC-naive timestamps and Arrow transfer."""
    from pyspark.sql import SparkSession

    warehouse = tempfile.mkdtemp(prefix="ultralow-spark-")
    session = (
        SparkSession.builder.appName(app).master(master)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.driver.memory", "2g")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")  # outlet ids stay text
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_engine(session: Any = None) -> Engine:
    """An Ibis PySpark backend on ``session`` (a new local[2] session when None)."""
    session = session or spark_session()
    return Engine("spark", ibis.pyspark.connect(session), session=session)


def parquet_readings(engine: Engine, directory: str | os.PathLike[str]) -> ir.Table:
    """Readings from a Parquet export (hive partitions, e.g. year=/month=/outlet=): contract columns.

    A partition column ``outlet`` stands for ``outlet_id`` when the files do not carry it.
    """
    path = Path(directory)
    if not path.is_dir():
        raise FileNotFoundError(f"Parquet export {path} is not a directory")
    if engine.name == "spark":
        df = engine.session.read.option("basePath", str(path)).option("recursiveFileLookup", "false").parquet(
            str(path))
        name = f"ul_readings_{abs(hash(str(path)))}"
        df.createOrReplaceTempView(name)
        table = engine.con.table(name)
    else:
        table = engine.con.read_parquet(str(path / "**" / "*.parquet"), hive_partitioning=True,
                                        hive_types_autocast=False)  # outlet ids stay text
    if "outlet_id" not in table.columns and "outlet" in table.columns:
        table = table.rename(outlet_id="outlet")
    return table.select(*READING_COLUMNS).cast({"utc_offset_min": "int16", "outlet_id": "string"})
