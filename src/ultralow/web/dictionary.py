"""The open data: every dataset of ``/api/v1`` and the downloads. The columns' types, units and meanings come
from the data dictionary (:mod:`ultralow.app.outputs`, the one schema source); this module holds only the API's
selection: which table a dataset shows, which of its columns, its title and its query filters. One source for
the API's columns, the OpenAPI document and the data-dictionary page."""

from __future__ import annotations

from dataclasses import dataclass

from ultralow.app.outputs import BY_SITE_TABLE, BY_TABLE, Field, Table


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # JSON type: string, number, integer, boolean; "string (date-time)" for times
    unit: str
    description: str


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    filters: tuple[str, ...] = ()  # query parameters besides page / page_size / format

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def json_type(arrow_type: str) -> str:
    """The JSON type an Arrow column is written as (times as ISO 8601 text with the outlet's UTC offset)."""
    if arrow_type.startswith("list"):
        return "array of string"
    if arrow_type.startswith("timestamp"):
        return "string (date-time)"
    if arrow_type.startswith("date"):
        return "string (date)"
    if arrow_type.startswith(("int", "uint")):
        return "integer"
    return {"double": "number", "float": "number", "bool": "boolean"}.get(arrow_type, "string")


def _column(field: Field) -> Column:
    # the engine's ``outlet_id`` is written ``outlet`` outside the store (as in every JSON and CSV output)
    return Column("outlet" if field.name == "outlet_id" else field.name, json_type(field.type), field.unit,
                  field.description)


def _dataset(name: str, title: str, table: Table, columns: tuple[str, ...] = (), filters: tuple[str, ...] = (),
             description: str = "") -> Dataset:
    """``columns`` (engine names) selects and orders the table's columns; empty: all of them."""
    fields = {f.name: f for f in table.fields}
    chosen = [fields[c] for c in columns] if columns else list(table.fields)
    return Dataset(name, title, description or table.description, tuple(_column(f) for f in chosen), filters)


DATASETS: tuple[Dataset, ...] = (
    _dataset("bases", "Production bases", BY_SITE_TABLE["bases"]),
    _dataset("outlets", "Outlets", BY_SITE_TABLE["outlets"], filters=("base",)),
    _dataset("hours", "Judged hours", BY_TABLE["hours"], (
        "outlet_id", "code", "hour", "valid_minutes", "valid", "status", "o2_pct", "measured_mg_m3",
        "corrected_mg_m3", "limit_mg_m3", "limit_set", "exceeded", "legal_limit_mg_m3", "legal_exceeded",
        "ultra_low_limit_mg_m3", "ultra_low_exceeded", "flow_m3_h", "emission_total_kg",
    ), ("outlet", "code", "from", "to"), "Hourly means of every outlet and pollutant judged by HJ 75/76 against "
        "the strictest applicable limit."),
    _dataset("events", "Exceedance events", BY_TABLE["events"], (
        "outlet_id", "code", "start", "end", "duration_h", "peak_corrected_mg_m3", "peak_multiple", "limit_mg_m3",
        "limit_set", "limit_kind", "limit_status",
    ), ("outlet", "code")),
    _dataset("annual", "Annual figures", BY_TABLE["rollups"], (
        "level", "base", "source_type", "outlets", "hours_operating", "hours_valid", "hours_judged",
        "hours_exceeded", "capture_rate", "compliance_rate", "ultra_low_ratio", "so2_t", "nox_t", "pm_t",
    ), ("base",), "Per base and source type, per source type and for the group over the site's period."),
    _dataset("kpis", "KPIs", BY_SITE_TABLE["kpis"]),
    _dataset("claims", "Claims", BY_SITE_TABLE["claims"], filters=("verdict",)),
)
BY_NAME = {d.name: d for d in DATASETS}
