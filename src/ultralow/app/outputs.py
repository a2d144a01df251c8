"""The data dictionary: one source for every JSON document, CSV and Parquet file the command line writes
(names, types, units, nullability, meaning). ``docs/data-dictionary.md`` is generated from it
(``python -m ultralow.app.outputs > docs/data-dictionary.md``); a test compares the text with the file and
the tables and documents with what the commands really write, so the dictionary and the outputs stay in step.

Types are Arrow's (what Parquet keeps); in JSON a timestamp is ISO 8601 text with the outlet's UTC offset
(plant-local clock time; hours are labelled by their start), a date is ``YYYY-MM-DD``, a null stays null
(never 0), and ``outlet_id`` is written ``outlet`` (``utc_offset_min`` is folded into the times). CSV is
UTF-8 with a byte-order mark (Excel reads Chinese text), booleans ``true``/``false``, nulls empty.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Final

from ultralow.app.documents import SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str  # Arrow type as Arrow prints it (string, int64, double, bool, timestamp[us], date32[day], …)
    unit: str
    description: str
    nullable: bool = True


@dataclass(frozen=True, slots=True)
class Table:
    """A table of rows: an engine table, a roll-up, a status list. ``written_by`` names the outputs."""

    name: str
    description: str
    fields: tuple[Field, ...]
    written_by: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True, slots=True)
class Document:
    """A JSON document a command prints on stdout: its top-level keys (``schema_version`` first)."""

    command: str
    description: str
    keys: tuple[Field, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.keys)


def F(name: str, type_: str, unit: str, description: str, nullable: bool = True) -> Field:  # noqa: N802
    return Field(name, type_, unit, description, nullable)


S, I64, I32, I16, D, B = "string", "int64", "int32", "int16", "double", "bool"
TS, DAY = "timestamp[us]", "date32[day]"
OUTLET = F("outlet_id", S, "", "outlet (stack) id of the registry; `outlet` in JSON and CSV", False)
CODE = F("code", S, "", "HJ 212-2017 factor code (a21026 SO2, a21002 NOx, a34013 PM, a21018 fluoride)", False)
YEAR = F("year", I32, "", "calendar year (plant-local)", False)
ENGINE = "`ultralow compliance --format json` (and csv: hours), `ultralow export --hours`, the web API"

TABLES: Final[tuple[Table, ...]] = (
    Table("hours", "One row per outlet, pollutant and clock hour of the period, judged by HJ 75/76.", (
        OUTLET, CODE,
        F("hour", TS, "", "start of the plant-local clock hour (10:00 is 10:00–10:59)", False),
        F("utc_offset_min", I16, "min", "the outlet's UTC offset (JSON and CSV fold it into the times)"),
        F("valid_minutes", I64, "min", "valid minutes in the hour (an hour is valid with at least 45)"),
        F("valid", B, "", "the hour is valid (HJ 75)"),
        F("status", S, "", "valid, invalid, stopped, …"),
        F("invalid_reason", S, "", "why an operating hour is not valid (null when valid)"),
        F("measured_mg_m3", D, "mg/m³", "hourly mean of the valid minutes, standard state, dry"),
        F("raw_mg_m3", D, "mg/m³", "hourly mean of every minute received, valid or not"),
        F("o2_pct", D, "% vol, dry", "hourly mean oxygen"),
        F("o2_ref_pct", D, "% vol, dry", "reference oxygen of the limit applied (null: no O2 correction)"),
        F("corrected_mg_m3", D, "mg/m³", "measured value corrected to the reference oxygen"),
        F("limit_mg_m3", D, "mg/m³", "strictest applicable limit (null: no limit for this source and pollutant)"),
        F("limit_set", S, "", "limit set of the limit applied"),
        F("limit_row", S, "", "row id of the limit in its limit-set file"),
        F("limit_source", S, "", "the standard, table or clause the limit comes from"),
        F("limit_status", S, "", "verified or unverified (the limit's data status)"),
        F("exceeded", B, "", "corrected value strictly above the limit and not exempted by a mark"),
        F("raw_exceeded", B, "", "corrected value strictly above the limit, before marks"),
        F("exempt", B, "", "an exempting mark (start-up, calibration, …) covers the hour within its cap"),
        F("mark_type", S, "", "the first mark type touching the hour (null: none)"),
        F("exceed_multiple", D, "1", "(corrected − limit) / limit when exceeded"),
        F("flow_m3_h", D, "m³/h", "flue-gas flow, standard state, dry"),
        F("emission_kg", D, "kg", "mass emitted in the hour from measured values"),
        F("substitute_kg", D, "kg", "HJ 75 substitute mass for an hour without valid data"),
        F("substitution_rule", S, "", "the substitution rule applied (null: none)"),
        F("emission_total_kg", D, "kg", "emission_kg or substitute_kg"),
        F("alpha", D, "0–1", "capture rate of the hour's calendar quarter (chooses the substitution rule)"),
        F("legal_limit_mg_m3", D, "mg/m³", "strictest statutory limit in force (null: no statutory row applies)"),
        F("legal_limit_set", S, "", "limit set of the statutory limit"),
        F("legal_limit_row", S, "", "row id of the statutory limit in its limit-set file"),
        F("legal_limit_status", S, "", "verified or unverified (the statutory limit's data status)"),
        F("legal_corrected_mg_m3", D, "mg/m³", "value at the statutory limit's basis (null: not judgeable)"),
        F("legal_exceeded", B, "", "judgeable, strictly above the statutory limit and not exempt"),
        F("legal_exceed_multiple", D, "1", "(corrected − limit) / limit when the statutory limit is exceeded"),
        F("ultra_low_limit_mg_m3", D, "mg/m³", "strictest premium (ultra-low) limit in force (null: no premium (ultra-low) row applies)"),
        F("ultra_low_limit_set", S, "", "limit set of the premium (ultra-low) limit"),
        F("ultra_low_limit_row", S, "", "row id of the premium (ultra-low) limit in its limit-set file"),
        F("ultra_low_limit_status", S, "", "verified or unverified (the premium (ultra-low) limit's data status)"),
        F("ultra_low_corrected_mg_m3", D, "mg/m³", "value at the premium (ultra-low) limit's basis (null: not judgeable)"),
        F("ultra_low_exceeded", B, "", "judgeable, strictly above the premium (ultra-low) limit and not exempt"),
        F("ultra_low_exceed_multiple", D, "1", "(corrected − limit) / limit when the premium (ultra-low) limit is exceeded"),
        F("judgeable", B, "", "valid and, for an O2-referenced limit, with a valid O2 hour below 21 %"),
        F("unjudged_reason", S, "", "why a valid hour is not judged (o2_invalid, o2_at_or_above_ambient)"),
        F("indicative_mg_m3", D, "mg/m³", "mean of an invalid hour's valid minutes: indicative only"),
        F("indicative_o2_pct", D, "% vol, dry", "oxygen mean of an invalid O2 hour's valid minutes: indicative only"),
        F("suspect", B, "", "the hour lies inside a data-quality finding the suspect policy marks"),
        F("suspect_finding", S, "", "the finding that makes the hour suspect (null: none)"),
        F("pollutant_name", S, "", "pollutant name from the HJ 212 code table"),
    ), ENGINE),
    Table("summary", "One row per outlet and pollutant over the period.", (
        OUTLET, CODE,
        F("hours_total", I64, "h", "clock hours in the period"),
        F("hours_stopped", I64, "h", "hours the source was stopped"),
        F("hours_operating", I64, "h", "hours the source operated"),
        F("hours_valid", I64, "h", "valid operating hours"),
        F("hours_judgeable", I64, "h", "valid hours that can be judged (valid O2 where the limit is O2-referenced)"),
        F("hours_unjudgeable", I64, "h", "valid hours that cannot be judged"),
        F("hours_suspect", I64, "h", "hours inside a data-quality finding the suspect policy marks"),
        F("hours_exceeded", I64, "h", "valid hours above the limit, not exempt"),
        F("hours_raw_exceeded", I64, "h", "valid hours above the limit, before marks"),
        F("hours_exempt", I64, "h", "valid hours exempted by a mark"),
        F("hours_judged", I64, "h", "valid hours judged against a limit (not exempt)"),
        F("hours_judged_legal", I64, "h", "judgeable, non-exempt hours under a statutory limit"),
        F("hours_exceeded_legal", I64, "h", "of those, hours above the statutory limit"),
        F("hours_judged_ultra_low", I64, "h", "judgeable, non-exempt hours under a premium (ultra-low) limit"),
        F("hours_exceeded_ultra_low", I64, "h", "of those, hours above the ultra-low limit"),
        F("hours_received", I64, "h", "hours with at least one record received"),
        F("hours_received_operating", I64, "h", "operating hours with at least one record received"),
        F("max_corrected_mg_m3", D, "mg/m³", "highest corrected hourly mean"),
        F("mean_corrected_mg_m3", D, "mg/m³", "mean of the valid corrected hourly means"),
        F("max_exceed_multiple", D, "1", "highest exceed_multiple"),
        F("max_exceed_multiple_legal", D, "1", "highest legal_exceed_multiple"),
        F("max_exceed_multiple_ultra_low", D, "1", "highest ultra_low_exceed_multiple"),
        F("capture_rate", D, "0–1", "valid / operating hours"),
        F("compliance_rate", D, "0–1", "(judged − exceeded) / judged hours"),
        F("compliance_rate_legal", D, "0–1", "(judged − exceeded) / judged hours against the statutory limit"),
        F("compliance_rate_ultra_low", D, "0–1", "(judged − exceeded) / judged hours against the ultra-low limit"),
        F("transmission_rate", D, "0–1", "received / total hours"),
        F("validity_rate", D, "0–1", "valid / received operating hours"),
        F("effective_transmission_rate", D, "0–1", "transmission_rate × validity_rate"),
        F("judgement_note", S, "", "no_applicable_limit (rates null) or not_monitored (a listed set limits it, no data)"),
        F("pollutant_name", S, "", "pollutant name from the HJ 212 code table"),
    ), ENGINE),
    Table("events", "Exceedance events: consecutive exceeded hours of one outlet and pollutant.", (
        OUTLET, CODE,
        F("start", TS, "", "first exceeded hour"),
        F("duration_h", I64, "h", "hours in the event"),
        F("peak_corrected_mg_m3", D, "mg/m³", "highest corrected hourly mean"),
        F("peak_multiple", D, "1", "peak / limit"),
        F("limit_mg_m3", D, "mg/m³", "limit exceeded"),
        F("limit_set", S, "", "limit set of the limit"),
        F("limit_row", S, "", "row id of the limit at the peak"),
        F("limit_status", S, "", "verified or unverified (the limit's data status)"),
        F("peak_o2_pct", D, "% vol, dry", "oxygen in the peak hour"),
        F("max_o2_pct", D, "% vol, dry", "highest oxygen of the event's hours"),
        F("peak_correction_factor", D, "1", "corrected / measured in the peak hour"),
        F("max_correction_factor", D, "1", "highest corrected / measured of the event's hours"),
        F("suspect_hours", I64, "h", "hours of the event inside a data-quality finding"),
        F("suspect_finding", S, "", "the findings that make those hours suspect"),
        F("end", TS, "", "end of the last exceeded hour"),
        F("limit_kind", S, "", "legal (statutory) or ultra_low (premium): one event row per run and kind"),
    ), ENGINE),
    Table("findings", "Data-quality and availability findings (a run of hours each).", (
        F("finding", S, "", "kind: data_availability, flat_line, spike, low_variance, high_o2_operating, …"),
        OUTLET, F("code", S, "", "factor code (null for findings about the whole outlet)"),
        F("start", TS, "", "first hour of the run"),
        F("end", TS, "", "end of the run"),
        F("hours", I64, "h", "hours in the run"),
        F("value", D, "", "the finding's measure (its unit is in detail)"),
        F("detail", S, "", "the finding in words"),
        F("rule", S, "", "rule id in the packaged rule files"),
        F("status", S, "", "verified or unverified (the rule's data status)"),
        F("severity", I64, "1–5", "1 background (review in bulk) to 5 act now; escalated for long runs"),
        F("episode_start", TS, "", "start of the finding's episode (findings of one outlet less than 2 h apart)"),
        F("episode_end", TS, "", "end of the episode (exclusive)"),
        F("episode_findings", I64, "1", "findings in the episode"),
        F("episode_exceeded_hours", I64, "h", "exceeded hours overlapping the episode"),
        F("episode_severity", I64, "1–6", "highest severity in the episode, +1 when an exceedance event overlaps"),
        F("episode_rank", I64, "1", "rank of the episode (1 first to read)"),
        F("episode", S, "", "episode id, <outlet>#n"),
    ), ENGINE),
    Table("days", "Daily means (HJ 76 App. B) per outlet and pollutant.", (
        OUTLET, CODE,
        F("day", DAY, "", "plant-local day"),
        F("hours_operating", I64, "h", "operating hours of the day"),
        F("valid_hours", I64, "h", "valid hours of the day"),
        F("valid", B, "", "the day is valid"),
        F("measured_mg_m3", D, "mg/m³", "daily mean of the valid hours"),
        F("corrected_mg_m3", D, "mg/m³", "daily mean of the corrected valid hours"),
    ), "`ultralow compliance --format json` (left out with --summary-only)"),
    Table("months", "Monthly means per outlet and pollutant.", (
        OUTLET, CODE, YEAR,
        F("month", I32, "", "month 1–12"),
        F("valid_days", I64, "d", "valid days of the month"),
        F("valid", B, "", "the month is valid"),
        F("corrected_mg_m3", D, "mg/m³", "monthly mean of the corrected valid days"),
    ), "`ultralow compliance --format json`"),
    Table("ultra_low", "Ultra-low time ratio per coal-fired outlet and quarter, with the premium tier.", (
        OUTLET, YEAR,
        F("quarter", I32, "", "calendar quarter 1–4"),
        F("hours_operating", I64, "h", "operating hours"),
        F("hours_exempt", I64, "h", "operating hours left out of the ratio by the policy (exempting marks)"),
        F("hours_assessed", I64, "h", "hours assessed against the ultra-low limits"),
        F("hours_unassessed", I64, "h", "operating hours without judgeable PM, SO2 and NOx (kept in the denominator)"),
        F("hours_meeting", I64, "h", "hours meeting every ultra-low limit"),
        F("ratio", D, "0–1", "hours_meeting / hours_assessed"),
        F("ratio_assessed_only", D, "0–1", "meeting / assessed hours (for comparison only)"),
        F("denominator_rule", S, "", "how unassessed hours count (ultra_low_premium.toml)"),
        F("denominator_status", S, "", "verified or unverified (the denominator rule's data status)"),
        F("tier", S, "", "premium tier reached (null: none)"),
        F("tier_status", S, "", "verified or unverified (the premium tier definition's data status)"),
        F("premium_share", D, "0–1", "share of the ultra-low tariff premium of that tier"),
    ), "`ultralow compliance --format json`"),
    Table("emissions", "Emission totals per outlet, pollutant and year.", (
        OUTLET, CODE, YEAR,
        F("measured_kg", D, "kg", "mass from measured hours"),
        F("substituted_kg", D, "kg", "mass from HJ 75 substitutes"),
        F("hours_measured", I64, "h", "hours with a measured mass"),
        F("hours_substituted", I64, "h", "hours with a substitute"),
        F("hours_unsubstituted", I64, "h", "operating hours with neither"),
        F("hours_stopped", I64, "h", "hours stopped"),
        F("total_kg", D, "kg", "measured + substituted"),
        F("total_t", D, "t", "total_kg / 1000"),
    ), "`ultralow compliance --format json`"),
    Table("limits", "The candidate limit rows for each outlet (every applicable row, the strictest is applied).", (
        OUTLET,
        F("set_id", S, "", "limit set id"),
        F("set_kind", S, "", "statutory (a legal limit) or premium (the ultra-low scheme)"),
        F("row_id", S, "", "row id in the limit-set file"),
        F("document", S, "", "the standard"),
        F("pollutant", S, "", "factor code"),
        F("limit_mg_m3", D, "mg/m³", "the limit"),
        F("reference_basis", S, "", "basis of the limit (reference O2 or as measured)"),
        F("o2_ref_pct", D, "% vol, dry", "reference oxygen (null: none)"),
        F("effective_from", DAY, "", "first day the row applies (null: always)"),
        F("effective_to", DAY, "", "last day the row applies (null: open)"),
        F("source", S, "", "table or clause of the standard"),
        F("status", S, "", "verified or unverified"),
    ), "`ultralow compliance --format json` (key `limits`)"),
    Table("rollups", "Per base and source type, per source type across the group, and for the group.", (
        F("level", S, "", "base_source_type, source_type or group", False),
        F("base", S, "", "base id (ALL for the source-type and group rows)", False),
        F("source_type", S, "", "source type (all for the group row)", False),
        F("outlets", I64, "count", "outlets in the row", False),
        F("hours_operating", I64, "h", "operating pollutant hours", False),
        F("hours_valid", I64, "h", "valid pollutant hours", False),
        F("hours_judged", I64, "h", "pollutant hours judged against a limit", False),
        F("hours_exceeded", I64, "h", "judged hours above the limit", False),
        F("capture_rate", D, "0–1", "valid / operating hours (null when none operated)"),
        F("compliance_rate", D, "0–1", "(judged − exceeded) / judged hours"),
        F("ultra_low_assessed", I64, "h", "hours assessed against the ultra-low limits", False),
        F("ultra_low_meeting", I64, "h", "hours meeting every ultra-low limit", False),
        F("ultra_low_ratio", D, "0–1", "meeting / assessed"),
        F("so2_t", D, "t", "sulphur dioxide, measured + substituted (null: not reported)"),
        F("nox_t", D, "t", "nitrogen oxides as NO2, measured + substituted"),
        F("pm_t", D, "t", "particulate matter, measured + substituted"),
    ), "`ultralow compliance --format json` (key `rollups`), `ultralow demo`"),
    Table("outlets", "The registry's outlets with their data logger and what the store last received.", (
        F("outlet_id", S, "", "outlet id", False),
        F("base", S, "", "base id", False),
        F("name", S, "", "outlet name", False),
        F("source_type", S, "", "source type", False),
        F("mn", S, "", "HJ 212 MN of the outlet's data logger", False),
        F("limit_sets", "list<item: string>", "", "limit-set ids judged against (`;`-separated in CSV)", False),
        F("last_frame_at", "timestamp[us, tz=UTC]", "", "receive time of the newest HJ 212 frame from the MN, "
          "UTC (null: none received)"),
        F("last_data_time", TS, "", "newest plant-local data time of the outlet's readings"),
        F("utc_offset_min", I16, "min", "the outlet's UTC offset", False),
        F("online", B, "", "a frame within the last 5 minutes; null when no receiver holds the store"),
    ), "`ultralow outlets --format json|csv`"),
)

# The web API's datasets that are not engine tables (``/api/v1/hours``, ``events`` and ``annual`` select columns
# of ``hours``, ``events`` and ``rollups``; ``ultralow.web.dictionary`` holds the selection).
SITE_TABLES: Final[tuple[Table, ...]] = (
    Table("bases", "The group's bases from the registry.", (
        F("id", S, "", "base id", False),
        F("name", S, "", "name (synthetic demo data)", False),
        F("country", S, "", "ISO 3166-1 alpha-2 country code", False),
        F("timezone", S, "", "IANA time zone of the base's clocks", False),
        F("outlets", I64, "count", "monitored outlets at the base", False),
    ), "the web API `/api/v1/bases`"),
    Table("outlets", "Monitored stacks with their source type and the limit sets applied.", (
        F("id", S, "", "outlet id", False),
        F("base", S, "", "base id", False),
        F("name", S, "", "name", False),
        F("source_type", S, "", "source type (coal_boiler, potline, …)", False),
        F("limit_sets", "list<item: string>", "", "limit-set ids judged against", False),
        F("last_valid_hour", TS, "", "last hour with at least one valid minute in the site's period"),
    ), "the web API `/api/v1/outlets`"),
    Table("kpis", "HKEX ESG Code indicators reported from the approved ledgers and GHG accounts (empty when the "
          "store holds no approved ledger rows).", (
        F("kpi", S, "", "indicator id", False),
        F("value", D, "", "value (in unit)"),
        F("unit", S, "", "unit"),
        F("period", S, "", "period"),
    ), "the web API `/api/v1/kpis`"),
    Table("claims", "Every quantitative claim of the corpus texts with its verdict.", (
        F("id", S, "", "claim id (document:number)", False),
        F("document", S, "", "document the claim is in", False),
        F("text", S, "", "the sentence", False),
        F("metric", S, "", "what the claim measures"),
        F("value", D, "", "the figure claimed, in unit"),
        F("unit", S, "", "unit of value"),
        F("verdict", S, "", "supported, contradicted, partly_supported, no_evidence, not_checkable", False),
        F("reason", S, "", "the reason in words"),
        F("evidence_value", D, "", "the figure measured, in evidence_unit"),
        F("evidence_unit", S, "", "unit of evidence_value"),
        F("evidence_period", S, "", "period of the evidence"),
    ), "the web API `/api/v1/claims`"),
)
BY_SITE_TABLE: Final = {t.name: t for t in SITE_TABLES}

SV = F("schema_version", S, "", f"version of this dictionary's layout (now {SCHEMA_VERSION})", False)
LEDGER_DOCUMENTS: Final[tuple[Document, ...]] = (  # ledgers, GHG, CBAM, KPIs
    Document("ultralow ledger import --format json", "What each ledger file added (all or nothing).", (
        SV,
        F("db", S, "", "the store", False),
        F("files", "list", "", "per file: path, kind, rows, new_rows, new_revisions, unchanged", False),
        F("totals", "struct", "count", "sums over the files", False),
    )),
    Document("ultralow ledger approve --format json", "The revisions approved.", (
        SV,
        F("db", S, "", "the store", False),
        F("approved", "list", "", "per revision: row_id, revision, ref, kind, year, base, country, values, status, "
          "evidence_document, evidence_sha256, entered_by, entered_at, imported_at, source, replaces_revision, "
          "approved_by, approved_at", False),
    )),
    Document("ultralow ledger history --format json", "Every revision of one ledger row, oldest first.", (
        SV,
        F("row_id", S, "", "the row (kind/key)", False),
        F("revisions", "list", "", "per revision: as in `ledger approve` (status draft or approved)", False),
    )),
    Document("ultralow ledger list --format json", "The latest revision of each ledger row.", (
        SV,
        F("rows", "list", "", "per row: as in `ledger approve`", False),
    )),
    Document("ultralow ghg --format json", "The year's GHG inventory under one regime, from the approved ledgers.", (
        SV,
        F("year", I64, "", "the reporting year", False),
        F("regime", S, "", "ghgp, hkex, cn-ets or cbam", False),
        F("regime_title", S, "", "what the regime is", False),
        F("gwp_set", S, "", "SAR, AR4, AR5 or AR6", False),
        F("pfc_set", S, "", "IPCC2006 or EU_MRR_CBAM slope/overvoltage coefficients", False),
        F("carbon_to_co2", D, "t CO2/t C", "44/12 or the EU f = 3.664", False),
        F("regime_source", S, "", "where the regime's choices come from", False),
        F("regime_status", S, "", "verified or unverified", False),
        F("group", "struct", "t CO2e", "scope1_t_co2e, scope2_t_co2e, aluminium_t, alumina_t, intensities, "
          "by_category_t_co2e", False),
        F("bases", "list", "t CO2e", "per base: Scope 1 and 2, output and intensity", False),
        F("lines", "list", "t", "per source line: base, category, scope, method, gases_t, co2e_t, ledger_rows, "
          "factors with source and status", False),
        F("pfc_coefficient_sets", "list", "t", "CF4 and C2F6 per base by each coefficient set and method", False),
        F("findings", "list", "", "measured vs calculated CO2, missing grid factors", False),
    )),
    Document("ultralow cbam --format json", "CBAM embedded emissions of unwrought aluminium per installation.", (
        SV,
        F("year", I64, "", "the year", False),
        F("cn_code", S, "", "7601", False),
        F("installations", "list", "t CO2e", "per installation: direct, em_el_prod, attributed, "
          "see_direct_t_co2e_per_t, benchmark, default value, lines, notes and the importer_summary "
          "(IR 2025/2547 Annex IV §1.2)", False),
    )),
    Document("ultralow kpi --format json", "The HKEX ESG Code KPIs of a year with their evidence.", (
        SV,
        F("year", I64, "", "the reporting year", False),
        F("framework", S, "", "HKEX ESG Reporting Code Part C and Part D", False),
        F("ghg_regime", S, "", "the GHG regime of A1.2 and Part D", False),
        F("software", S, "", "ultralow version", False),
        F("summary", "struct", "count", "KPIs per status", False),
        F("kpis", "list", "", "per KPI: id, part, title, value, unit, intensity, intensity_unit, "
          "previous_year_value, status, reason, breakdown, evidence, gri, source, definition_status", False),
    )),
)
DOCUMENTS: Final[tuple[Document, ...]] = (
    Document("ultralow compliance --format json", "The judgement of the selected outlets over the period.", (
        SV,
        F("summary_only", B, "", "true with --summary-only: `hours` and `days` are left out", False),
        *(F(t.name, "list", "", f"rows of the `{t.name}` table") for t in TABLES
          if t.name in ("hours", "summary", "events", "findings", "days", "months", "ultra_low", "emissions",
                        "limits", "rollups")),
        F("evidence", "struct", "", "software, engine, period, inputs and every rule applied with its source and "
          "status", False),
    )),
    Document("ultralow outlets --format json", "The outlets and their status.", (
        SV,
        F("db", S, "", "the store", False),
        F("receiver_running", B, "", "an `ultralow serve` holds the store", False),
        F("outlets", "list", "", "rows of the `outlets` table", False),
    )),
    Document("ultralow export --format json", "What the export wrote.", (
        SV,
        F("directory", S, "", "with --parquet: the partitioned readings' directory"),
        F("rows", I64, "count", "with --parquet: readings written"),
        F("files", I64, "count", "with --parquet: Parquet files written"),
        F("partitions", I64, "count", "with --parquet: year/month/outlet partitions"),
        F("hours", "struct", "", "with --hours: path, format, rows, bytes, period and outlets of the file"),
    )),
    Document("ultralow ingest --format json", "What each file added to the store.", (
        SV,
        F("db", S, "", "the store", False),
        F("files", "list", "", "per file: path, format, rows, stored, revisions, duplicates, quarantined, "
          "frames, problems", False),
        F("unreadable", "list<item: string>", "", "files that could not be read, as file:line: reason", False),
        F("totals", "struct", "count", "sums over the files", False),
        F("store", "struct", "count", "raw_frames, readings, readings_current, quarantine after the run", False),
    )),
    Document("ultralow claims extract --format json", "Every quantitative claim of one text.", (
        SV,
        F("document", S, "", "the text read", False),
        F("claims", "list", "", "per claim: id, text, span, metric, value, value_max, unit, qualifier, period, "
          "entity, scope, compared_to, direction, location", False),
    )),
    Document("ultralow claims check --format json", "Every claim of the texts with its verdict.", (
        SV,
        F("documents", "list<item: string>", "", "the texts checked", False),
        F("evidence", "struct", "", "the evidence the check ran with (store, period, hours, software)", False),
        F("rules", S, "", "the verification rules file", False),
        F("summary", "struct", "count", "claims per verdict", False),
        F("claims", "list", "", "per claim: id, text, metric, value, unit, verdict, evidence, reason, …", False),
        F("consistency", "list", "", "figures that disagree across the texts", False),
    )),
    Document("ultralow report --format json", "The annual report written (ultralow.report).", (
        SV,
        F("year", I64, "", "the reporting year", False),
        F("content_hash", S, "", "SHA-256 content hash of the store (ultralow.app.content), on the first page", False),
        F("figures", I64, "count", "numbered figures (F1…) in the assurance appendix", False),
        F("claims", "struct", "", "the claim check of the report's own text: documents, summary (claims per "
          "verdict), contradicted, allowed_contradicted", False),
        F("files", "list", "", "per language: lang, html, pdf (paths), pages, html_bytes, pdf_bytes", False),
        F("judged", "bool", "", "false when the caller's judgement of the period was reused (the demo)", False),
        F("seconds", "struct", "s", "wall time of collect, charts_html, claims, write", False),
    )),
    Document("ultralow simulate --format json", "What the virtual loggers sent and got acknowledged.", (
        SV,
        F("target", S, "", "HOST:PORT of the receiver", False),
        F("seed", I64, "", "the seed of the data", False),
        F("minutes", I64, "min", "simulated minutes", False),
        F("speed", S, "", "fast or realtime", False),
        F("loggers", I64, "count", "virtual loggers", False),
        F("seconds", D, "s", "wall time", False),
        *(F(k, I64, "count", f"packets {k} (sum over the loggers)", False)
          for k in ("sent", "acked", "retried", "backfilled", "reconnects", "drops", "unacked")),
        F("stopped_early", S, "", "why the fleet stopped before delivering (null: it did not)"),
        F("outlets", "struct", "", "the same counts per outlet", False),
    )),
    Document("ultralow marks list --format json", "The marks of the store (ultralow.app.ops), newest first.", (
        SV,
        F("db", S, "", "the store", False),
        F("marks", "list", "", "per mark: mark_id, outlet_id, code (null: every factor), start_time, end_time "
          "(plant-local, end exclusive), mark_type, reason, entered_by, entered_at, in_force, withdrawn_by, "
          "withdrawn_at, withdrawal_reason", False),
    )),
    Document("ultralow marks add --format json", "The mark entered.", (
        SV,
        F("mark", "struct", "", "the mark, with the keys of `ultralow marks list`", False),
    )),
    Document("ultralow user list --format json", "The dashboard's users (no password hashes).", (
        SV,
        F("db", S, "", "the store", False),
        F("users", "list", "", "per user: name, role (viewer, operator, admin), created_at, created_by, disabled, "
          "locked_until", False),
    )),
    *LEDGER_DOCUMENTS,
)
BY_TABLE: Final = {t.name: t for t in TABLES}
BY_COMMAND: Final = {d.command: d for d in DOCUMENTS}


def _row(f: Field) -> str:
    cell = f.description.replace("|", "\\|")
    return f"| `{f.name}` | {f.type} | {f.unit or ''} | {'yes' if f.nullable else 'no'} | {cell} |"


def _columns(t: Table) -> list[str]:
    return ["| column | type | unit | nullable | meaning |", "|---|---|---|---|---|", *(_row(f) for f in t.fields)]


def render() -> str:
    """The data dictionary as Markdown (the text of ``docs/data-dictionary.md``)."""
    out = ["# Data dictionary", "", "<!-- generated by `python -m ultralow.app.outputs`; edit "
           "src/ultralow/app/outputs.py, not this file -->", "",
           (__doc__ or "").split("\n\n", 1)[1].strip().replace("``", "`"), "", f"`schema_version`: **{SCHEMA_VERSION}**.", "",
           "## JSON documents", ""]
    for d in DOCUMENTS:
        out += [f"### `{d.command}`", "", d.description, "", "| key | type | unit | nullable | meaning |",
                "|---|---|---|---|---|", *(_row(f) for f in d.keys), ""]
    out += ["## Tables", "", "Columns in the order written; Parquet keeps these types.", ""]
    for t in TABLES:
        out += [f"### `{t.name}`", "", f"{t.description} Written by: {t.written_by}.", "", *_columns(t), ""]
    out += ["`ultralow export --hours FILE.parquet` writes the `hours` table with two more columns, `base` "
            "(string, the outlet's base id) and `source_type` (string); its CSV form has the rows of the JSON "
            "document (`outlet`, times with offsets) with the same two columns.", ""]
    out += ["## Web API datasets", "", "`/api/v1/hours`, `/api/v1/events` and `/api/v1/annual` give a selection of "
            "the columns of the `hours`, `events` and `rollups` tables (`outlet_id` written `outlet`); these are the "
            "others.", ""]
    for t in SITE_TABLES:
        out += [f"### `/api/v1/{t.name}`", "", t.description, "", *_columns(t), ""]
    return "\n".join(out).rstrip("\n") + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
