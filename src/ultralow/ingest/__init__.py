"""Ingest: the one pipeline every transport feeds (TCP receiver, HJ 212 logs, CSV and Parquet files)."""

from ultralow.ingest.pipeline import Pipeline, RowsOutcome
from ultralow.ingest.prepared import MALFORMED
from ultralow.ingest.received import Outcome, Received

__all__ = ["MALFORMED", "Outcome", "Pipeline", "Received", "RowsOutcome"]
