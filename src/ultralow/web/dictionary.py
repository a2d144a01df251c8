"""The open data: every dataset of ``/api/v1`` and the downloads, with each column's type, unit and meaning.
One source for the API's selection of columns, the OpenAPI document and the data-dictionary page."""

from __future__ import annotations

from dataclasses import dataclass


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


T = "string (date-time)"  # ISO 8601 plant-local clock time with the outlet's UTC offset
OUTLET = Column("outlet", "string", "", "outlet (stack) id of the registry")
CODE = Column("code", "string", "", "HJ 212-2017 factor code (a21026 SO2, a21002 NOx, a34013 PM, a21018 fluoride)")

DATASETS: tuple[Dataset, ...] = (
    Dataset("bases", "Production bases", "The group's bases from the registry.", (
        Column("id", "string", "", "base id"),
        Column("name", "string", "", "name (synthetic demo data)"),
        Column("country", "string", "", "ISO 3166-1 alpha-2 country code"),
        Column("timezone", "string", "", "IANA time zone of the base's clocks"),
        Column("outlets", "integer", "count", "monitored outlets at the base"),
    )),
    Dataset("outlets", "Outlets", "Monitored stacks with their source type and the limit sets applied.", (
        Column("id", "string", "", "outlet id"),
        Column("base", "string", "", "base id"),
        Column("name", "string", "", "name"),
        Column("source_type", "string", "", "source type (coal_boiler, potline, …)"),
        Column("limit_sets", "array of string", "", "limit-set ids judged against"),
        Column("last_valid_hour", T, "", "last hour with at least one valid minute in the site's period"),
    ), ("base",)),
    Dataset("hours", "Judged hours", "Hourly means of every outlet and pollutant judged by HJ 75/76 against "
            "the strictest applicable limit.", (
        OUTLET, CODE,
        Column("hour", T, "", "start of the clock hour (10:00 is 10:00–10:59)"),
        Column("valid_minutes", "integer", "min", "valid minutes in the hour (an hour is valid with ≥ 45)"),
        Column("valid", "boolean", "", "the hour is valid"),
        Column("status", "string", "", "valid, invalid, stopped, …"),
        Column("o2_pct", "number", "% vol, dry", "hourly mean oxygen"),
        Column("measured_mg_m3", "number", "mg/m³", "hourly mean as measured (standard state, dry); null when the "
               "hour is not valid"),
        Column("corrected_mg_m3", "number", "mg/m³", "corrected to the limit's reference O2 where it has one"),
        Column("limit_mg_m3", "number", "mg/m³", "limit applied (null: no limit for this source and pollutant)"),
        Column("limit_set", "string", "", "limit set of the limit applied"),
        Column("exceeded", "boolean", "", "corrected value strictly above the limit"),
        Column("legal_limit_mg_m3", "number", "mg/m³", "strictest statutory limit (GB 13223, GB 25465); null: none"),
        Column("legal_exceeded", "boolean", "", "above the statutory limit (a legal breach); null: not judged"),
        Column("ultra_low_limit_mg_m3", "number", "mg/m³", "ultra-low (premium scheme) limit; null: not in the scheme"),
        Column("ultra_low_exceeded", "boolean", "", "above the ultra-low limit (premium lost); null: not judged"),
        Column("flow_m3_h", "number", "m³/h", "flue-gas flow at standard state, dry"),
        Column("emission_total_kg", "number", "kg", "mass emitted in the hour, measured or HJ 75 substitute"),
    ), ("outlet", "code", "from", "to")),
    Dataset("events", "Exceedance events", "Consecutive exceeded hours of one outlet and pollutant.", (
        OUTLET, CODE,
        Column("start", T, "", "first exceeded hour"),
        Column("end", T, "", "end of the last exceeded hour"),
        Column("duration_h", "integer", "h", "hours in the event"),
        Column("peak_corrected_mg_m3", "number", "mg/m³", "highest corrected hourly mean"),
        Column("peak_multiple", "number", "1", "peak / limit"),
        Column("limit_mg_m3", "number", "mg/m³", "limit exceeded"),
        Column("limit_set", "string", "", "limit set"),
        Column("limit_kind", "string", "", "legal (statutory limit) or ultra_low (premium scheme)"),
        Column("limit_status", "string", "", "verified or unverified (the limit row's status)"),
    ), ("outlet", "code")),
    Dataset("annual", "Annual figures", "Per base and source type, per source type and for the group over "
            "the site's period.", (
        Column("level", "string", "", "base_source_type, source_type or group"),
        Column("base", "string", "", "base id (ALL for source type and group rows)"),
        Column("source_type", "string", "", "source type (all for the group row)"),
        Column("outlets", "integer", "count", "outlets in the row"),
        Column("hours_operating", "integer", "h", "operating pollutant hours"),
        Column("hours_valid", "integer", "h", "valid pollutant hours"),
        Column("hours_judged", "integer", "h", "pollutant hours judged against a limit"),
        Column("hours_exceeded", "integer", "h", "judged hours above the limit"),
        Column("capture_rate", "number", "0–1", "valid / operating hours"),
        Column("compliance_rate", "number", "0–1", "(judged − exceeded) / judged hours"),
        Column("ultra_low_ratio", "number", "0–1", "hours meeting the ultra-low limits / hours assessed"),
        Column("so2_t", "number", "t", "sulphur dioxide, measured + substituted"),
        Column("nox_t", "number", "t", "nitrogen oxides (as NO2), measured + substituted"),
        Column("pm_t", "number", "t", "particulate matter, measured + substituted"),
    ), ("base",)),
    Dataset("kpis", "KPIs", "HKEX ESG Code indicators reported from the approved ledgers and GHG accounts "
            "(empty when the store holds no approved ledger rows).", (
        Column("kpi", "string", "", "indicator id"),
        Column("value", "number", "", "value"),
        Column("unit", "string", "", "unit"),
        Column("period", "string", "", "period"),
    )),
    Dataset("claims", "Claims", "Every quantitative claim of the corpus texts with its verdict.", (
        Column("id", "string", "", "claim id (document:number)"),
        Column("document", "string", "", "document the claim is in"),
        Column("text", "string", "", "the sentence"),
        Column("metric", "string", "", "what the claim measures"),
        Column("value", "number", "", "the figure claimed, in unit"),
        Column("unit", "string", "", "unit of value"),
        Column("verdict", "string", "", "supported, contradicted, partly_supported, no_evidence, not_checkable"),
        Column("reason", "string", "", "the reason in words"),
        Column("evidence_value", "number", "", "the figure measured, in evidence_unit"),
        Column("evidence_unit", "string", "", "unit of evidence_value"),
        Column("evidence_period", "string", "", "period of the evidence"),
    ), ("verdict",)),
)
BY_NAME = {d.name: d for d in DATASETS}
