"""HJ 75/76 processing and compliance judgement, written once as Ibis expressions (DuckDB or Spark)."""

from ultralow.cems.engine import Engine, duckdb_engine, parquet_readings, spark_engine, store_readings
from ultralow.cems.marks import MARK_SCHEMA, empty_marks
from ultralow.cems.period import Period
from ultralow.cems.pipeline import HOUR_COLUMNS, ComplianceResult, run

__all__ = [
    "HOUR_COLUMNS",
    "MARK_SCHEMA",
    "ComplianceResult",
    "Engine",
    "Period",
    "duckdb_engine",
    "empty_marks",
    "parquet_readings",
    "run",
    "spark_engine",
    "store_readings",
]
