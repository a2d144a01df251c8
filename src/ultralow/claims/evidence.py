"""Evidence sources a claim is checked against, behind one small interface.

``EvidenceSource.lookup(claim)`` returns ``None`` when the source does not keep the claim's metric, or an
:class:`Evidence` (whose ``value`` is None when the source keeps the metric but has no data for the
claim's scope and period, ``note`` saying why).

* :class:`EmissionsEvidence` — CEMS hours from the compliance engine (one row per outlet, pollutant and
  hour with ``valid`` and ``corrected_mg_m3``, plus the outlet's ``source_type``) and, when given, the
  engine's annual emission totals. Statistics are computed by DuckDB over the Arrow table with a
  parameterised query, and that query is the evidence's ``query``.
* :class:`StandardsSource` — the limits per standard, source type and pollutant (rows of
  ``ultralow.standards``), used to check the limit a claim compares itself with.
* :class:`LedgerEvidence` — social, economic and community claims against the approved ledger rows
  (``ultralow.ledger``), by the rules of ``ledger/data/claim_metrics.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from ultralow.claims.model import Claim, Evidence
from ultralow.claims.vocabulary import Vocabulary, vocabulary

CONCENTRATION_UNITS = frozenset({"mg/m3"})
MASS_FACTORS_T = {"t": 1.0, "t/yr": 1.0, "kg": 0.001}


class EvidenceSource(Protocol):
    """Anything that can look up the evidence for a claim."""

    name: str

    def lookup(self, claim: Claim) -> Evidence | None:
        """Evidence for ``claim``; None when this source does not keep the claim's metric."""
        ...


@dataclass(frozen=True)
class Window:
    """A claim period as a half-open range of local times; ``label`` as written in the claim."""

    start: datetime | None
    end: datetime | None
    label: str | None


def period_window(period: str | None) -> Window:
    """``"2023"`` -> 2023-01-01..2024-01-01; ``"2019/2023"``; ``"2015/.."``; ``"2023-12"``; ``"2023-12-31"``."""
    if not period:
        return Window(None, None, None)
    m = re.fullmatch(r"(\d{4})/(\d{4}|\.\.)", period)
    if m:
        start = datetime(int(m.group(1)), 1, 1)
        end = None if m.group(2) == ".." else datetime(int(m.group(2)) + 1, 1, 1)
        return Window(start, end, period)
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", period)
    if not m:
        return Window(None, None, period)
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if day:
        d = date(year, int(month or 1), int(day))
        return Window(datetime(d.year, d.month, d.day), datetime.fromordinal(d.toordinal() + 1), period)
    if month:
        mo = int(month)
        return Window(datetime(year, mo, 1), datetime(year + (mo == 12), mo % 12 + 1, 1), period)
    return Window(datetime(year, 1, 1), datetime(year + 1, 1, 1), period)


def base_metric(name: str) -> tuple[str, bool]:
    """``so2_emissions_change`` -> (``so2_emissions``, True)."""
    return (name[: -len("_change")], True) if name.endswith("_change") else (name, False)


_HOURS_SQL = """
SELECT count(*) AS hours,
       avg(v) AS mean, quantile_cont(v, 0.5) AS p50, quantile_cont(v, 0.95) AS p95,
       max(v) AS max, min(v) AS min, min(hour) AS first_hour, max(hour) AS last_hour,
       list(DISTINCT outlet ORDER BY outlet) AS outlets
FROM (SELECT outlet, hour, {value} AS v FROM hours
      WHERE valid AND code = ? AND list_contains(?, source_type)
        AND (CAST(? AS TIMESTAMP) IS NULL OR hour >= CAST(? AS TIMESTAMP))
        AND (CAST(? AS TIMESTAMP) IS NULL OR hour < CAST(? AS TIMESTAMP))
        AND {value} IS NOT NULL)
""".strip()

_LIMITS_SQL = """
SELECT source_type, limit_set, limit_mg_m3, count(*) AS hours, list(DISTINCT outlet ORDER BY outlet) AS outlets
FROM hours
WHERE code = ? AND list_contains(?, source_type) AND limit_mg_m3 IS NOT NULL
GROUP BY source_type, limit_set, limit_mg_m3
ORDER BY source_type, limit_set
""".strip()

_EMISSIONS_SQL = """
SELECT sum(total_t) AS total_t, count(DISTINCT outlet) AS outlets_n, list(DISTINCT outlet ORDER BY outlet) AS outlets,
       min(year) AS first_year, max(year) AS last_year
FROM emissions
WHERE code = ? AND list_contains(?, source_type) AND year >= ? AND year <= ?
""".strip()

_VALUE_COLUMNS = frozenset({"corrected_mg_m3", "measured_mg_m3"})


def _rename_outlet(table: pa.Table) -> pa.Table:
    if "outlet" not in table.column_names and "outlet_id" in table.column_names:
        names = ["outlet" if n == "outlet_id" else n for n in table.column_names]
        return table.rename_columns(names)
    return table


class EmissionsEvidence:
    """Concentration (and, with annual totals, mass) claims checked against the compliance engine's hours.

    ``hours``: Arrow table with ``outlet`` (or ``outlet_id``), ``code``, ``hour``, ``valid``, the value
    column (``corrected_mg_m3``, mg/m3 at the reference O2; for GB 25465 sources the engine reports the
    measured concentration there), ``limit_mg_m3``, ``limit_set`` and ``source_type``.
    ``emissions``: optional Arrow table (``outlet``/``outlet_id``, ``code``, ``year``, ``total_t``,
    ``source_type``) of annual emission totals in tonnes.
    """

    name = "cems_hours"

    def __init__(self, hours: pa.Table, *, emissions: pa.Table | None = None,
                 value_column: str = "corrected_mg_m3", vocab: Vocabulary | None = None) -> None:
        if value_column not in _VALUE_COLUMNS:
            raise ValueError(f"value_column must be one of {sorted(_VALUE_COLUMNS)}")
        self.vocab = vocab or vocabulary()
        self.value_column = value_column
        self._con = duckdb.connect()
        self._con.register("hours", _rename_outlet(hours))
        self._has_emissions = emissions is not None
        if emissions is not None:
            self._con.register("emissions", _rename_outlet(emissions))
        self.source_types = sorted(
            {r[0] for r in self._con.execute("SELECT DISTINCT source_type FROM hours").fetchall() if r[0]})
        row = self._con.execute("SELECT min(hour), max(hour), count(*) FROM hours").fetchone()
        self.first_hour: datetime | None = row[0] if row else None
        self.last_hour: datetime | None = row[1] if row else None
        self.rows = int(row[2]) if row else 0

    def close(self) -> None:
        self._con.close()

    def scope_types(self, scope: str | None, code: str) -> tuple[list[str], str | None]:
        """Source types of ``scope`` present in the hours (all types measuring ``code`` when the scope is
        not stated and only one scope measures it), and an error when that cannot be decided."""
        if scope:
            row = self.vocab.scope(scope)
            if row is None:
                return [], f"unknown scope {scope!r}"
            return [t for t in row.source_types if t in self.source_types], None
        present = {r[0] for r in self._con.execute(
            "SELECT DISTINCT source_type FROM hours WHERE code = ?", [code]).fetchall()}
        scopes = {s.name: s for s in self.vocab.scopes if present & set(s.source_types)}
        if len(scopes) == 1:
            only = next(iter(scopes.values()))
            return [t for t in only.source_types if t in present], None
        if not scopes:
            return [], None
        return [], f"the claim names no source type and the store has {code} from {', '.join(sorted(scopes))}"

    def applied_limits(self, code: str, source_types: list[str]) -> list[dict[str, Any]]:
        """The limits the compliance engine applied to the scope's outlets (limit set, value, hours)."""
        rows = self._con.execute(_LIMITS_SQL, [code, source_types]).fetchall()
        return [{"source_type": r[0], "limit_set": r[1], "limit_mg_m3": r[2], "hours": int(r[3]),
                 "outlets": list(r[4])} for r in rows]

    def lookup(self, claim: Claim) -> Evidence | None:
        metric = self.vocab.metric(base_metric(claim.metric)[0])
        if metric is None or metric.evidence != "emissions" or not metric.code:
            return None
        if claim.unit in CONCENTRATION_UNITS:
            return self._concentration(claim, metric.code)
        if claim.unit in MASS_FACTORS_T:
            return self._mass(claim, metric.code)
        return Evidence(self.name, None, claim.unit, claim.period, "none",
                        note=f"unit {claim.unit} is not a concentration or a mass")

    def _concentration(self, claim: Claim, code: str) -> Evidence:
        types, problem = self.scope_types(claim.scope, code)
        window = period_window(claim.period)
        if problem:
            return Evidence(self.name, None, "mg/m3", claim.period, "mean", note=problem)
        sql = _HOURS_SQL.format(value=self.value_column)
        params: list[Any] = [code, types, window.start, window.start, window.end, window.end]
        row = self._con.execute(sql, params).fetchone()
        if row is None or not types or int(row[0]) == 0:
            where = f"source types {', '.join(types)}" if types else f"scope {claim.scope or '(any)'}"
            when = f" in {window.label}" if window.label else ""
            return Evidence(self.name, None, "mg/m3", claim.period, "mean", query=sql, parameters=tuple(params),
                            note=f"no valid hours of {code} for {where}{when}")
        hours = int(row[0])
        stats = {"hours": hours, "mean": _r(row[1]), "p50": _r(row[2]), "p95": _r(row[3]), "max": _r(row[4]),
                 "min": _r(row[5])}
        period = f"{row[6].isoformat()}/{row[7].isoformat()}"
        return Evidence(self.name, stats["mean"], "mg/m3", period, "mean", statistics=stats,
                        outlets=tuple(row[8]), query=sql, parameters=tuple(params),
                        note=f"valid hourly {self.value_column} of {code} at {', '.join(types)} outlets")

    def _mass(self, claim: Claim, code: str) -> Evidence:
        if not self._has_emissions:
            return Evidence(self.name, None, claim.unit, claim.period, "total",
                            note="annual emission totals were not given to the claim check")
        window = period_window(claim.period)
        if window.start is None or claim.period is None or not re.fullmatch(r"\d{4}", claim.period):
            return Evidence(self.name, None, claim.unit, claim.period, "total",
                            note="an emission total needs the claim's year")
        types, problem = self.scope_types(claim.scope, code)
        if problem:
            return Evidence(self.name, None, claim.unit, claim.period, "total", note=problem)
        year = int(claim.period)
        params: list[Any] = [code, types, year, year]
        row = self._con.execute(_EMISSIONS_SQL, params).fetchone()
        if not row or row[0] is None:
            return Evidence(self.name, None, claim.unit, claim.period, "total", query=_EMISSIONS_SQL,
                            parameters=tuple(params), note=f"no emission totals of {code} in {year}")
        factor = MASS_FACTORS_T[claim.unit]
        total = float(row[0]) / factor
        return Evidence(self.name, _r(total), claim.unit, str(year), "total", statistics={"total": _r(total)},
                        outlets=tuple(row[2]), query=_EMISSIONS_SQL, parameters=tuple(params),
                        note=f"annual emission total of {code} (measured + HJ 75 substitutes)")


def _r(value: Any) -> float | None:
    return None if value is None else round(float(value), 6)


@dataclass(frozen=True)
class LimitEntry:
    """One limit of a standard for one source type and pollutant (mg/m3 at the standard's basis)."""

    set_id: str
    document: str
    source_type: str
    pollutant: str
    condition: str
    limit_mg_m3: float
    source: str
    status: str


class StandardsSource:
    """The limits per standard (limit set), source type and pollutant."""

    name = "standards"

    def __init__(self, limits: list[LimitEntry]) -> None:
        self.limits = list(limits)

    @classmethod
    def from_rows(cls, rows: list[Any]) -> StandardsSource:
        """From ``ultralow.standards`` limit rows (``LimitRow``: set_id, document, source_type, pollutant,
        condition, limit_mg_m3, source, status)."""
        return cls([LimitEntry(r.set_id, r.document, r.source_type, r.pollutant, r.condition, float(r.limit_mg_m3),
                               r.source, r.status) for r in rows])

    def find(self, *, pollutant: str, source_type: str | None = None, set_id: str | None = None,
             general_only: bool = False) -> list[LimitEntry]:
        return [
            e for e in self.limits
            if e.pollutant == pollutant
            and (source_type is None or e.source_type == source_type)
            and (set_id is None or e.set_id == set_id)
            and (not general_only or not e.condition)
        ]


def packaged_standards() -> StandardsSource | None:
    """The limits of :mod:`ultralow.standards` (None when that package is not installed)."""
    try:
        from ultralow.standards import packaged_catalog
    except ImportError:  # pragma: no cover - the standards package ships with ultralow
        return None
    return StandardsSource.from_rows(packaged_catalog().rows)


# -- the ledgers ---------------------------------------------------------------------------------------

# an Evidence note starting so: no evidence source can ever answer this claim (not_checkable, not no_evidence)
NOT_KEPT = "not_kept: "

_WORD = re.compile(r"[0-9a-z][0-9a-z-]*[0-9a-z]|[\u4e00-\u9fff]{2,}")
_COMMON_WORDS = frozenset({"the", "and", "for", "with", "from", "that", "this", "its", "their", "to", "of", "in",
                           "a", "an", "on", "by", "at", "as", "is", "was", "were", "has", "have", "been"})


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 3 and w not in _COMMON_WORDS}


@dataclass(frozen=True)
class LedgerMetric:
    """How one claim metric is answered from the ledgers (a row of ``ledger/data/claim_metrics.toml``)."""

    name: str
    figure: str | None = None
    country_figure: str | None = None
    value_key: str | None = None
    cumulative: bool = False
    match: str | None = None
    kind: str | None = None
    min_shared_words: int = 2
    facility_types: tuple[str, ...] = ()
    qualifier: str | None = None
    reason: str = ""
    scope_figures: tuple[tuple[str, str], ...] = ()  # (claim scope, figure id)


def ledger_metrics() -> tuple[dict[str, LedgerMetric], dict[str, str], str]:
    """(metric rules by name, entity name -> country, the file's source) from the packaged data file."""
    import tomllib
    from importlib import resources

    with resources.files("ultralow.ledger").joinpath("data", "claim_metrics.toml").open("rb") as fh:
        doc = tomllib.load(fh)
    rules = {name: LedgerMetric(name, row.get("figure"), row.get("country_figure"), row.get("value_key"),
                                bool(row.get("cumulative", False)), row.get("match"), row.get("kind"),
                                int(row.get("min_shared_words", 2)), tuple(row.get("facility_types", ())),
                                row.get("qualifier"), str(row.get("reason", "")),
                                tuple((str(k), str(v)) for k, v in row.get("scope_figure", {}).items()))
             for name, row in doc["metric"].items()}
    return rules, {str(k): str(v) for k, v in doc.get("entity", {}).items()}, f"{doc['source']} ({doc['status']})"


class LedgerEvidence:
    """Social, economic and community claims checked against the **approved** ledger rows of a store.

    ``view`` is the store's :class:`ultralow.ledger.book.LedgerView`; ``year`` the report year that a claim
    without a period speaks of. Every Evidence names the rows it summed (``row_id@revision``); a figure whose
    rows are all drafts has no value and says so, and a draft correction waiting beside an approved row is
    named in the note.
    """

    name = "ledgers"

    def __init__(self, view: Any, year: int, *, vocab: Vocabulary | None = None) -> None:
        from ultralow.ledger.figures import capacity_figures, social_figures

        self.view = view
        self.year = year
        self.vocab = vocab or vocabulary()
        self.rules, self.entities, self.rules_source = ledger_metrics()
        self._social_figures = social_figures
        self._capacity_figures = capacity_figures
        self._figures: dict[int, dict[str, Any]] = {}

    # -- figures ---------------------------------------------------------------------------------------
    def figures(self, year: int) -> dict[str, Any]:
        if year not in self._figures:
            group_capacity = self._capacity_figures(self.view, year, ())  # the group's, not per base
            self._figures[year] = {f.id: f for f in (*self._social_figures(self.view, year), *group_capacity)}
        return self._figures[year]

    def _years(self) -> list[int]:
        return sorted({r.year for r in self.view.effective if r.year <= self.year})

    def qualifier_for(self, claim: Claim) -> tuple[str, str] | None:
        """(qualifier, reason) when this source compares the claim by another rule than its own."""
        rule = self.rules.get(base_metric(claim.metric)[0])
        if rule is None or rule.qualifier is None:
            return None
        return rule.qualifier, rule.reason

    def _country(self, claim: Claim) -> str | None:
        entity = (claim.entity or "").strip()
        return self.entities.get(entity) or self.entities.get(entity.title())

    def _claim_year(self, claim: Claim) -> tuple[int | None, str | None]:
        """(year, problem): a claim's own year, the report year without a period, a problem otherwise."""
        if not claim.period:
            return None, None
        if re.fullmatch(r"\d{4}", claim.period):
            return int(claim.period), None
        m = re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", claim.period)
        if m:
            return int(claim.period[:4]), None
        return None, f"the claim's period {claim.period!r} is not one year; ledger figures are per year"

    def lookup(self, claim: Claim) -> Evidence | None:
        name = base_metric(claim.metric)[0]
        metric = self.vocab.metric(name)
        if metric is None or metric.evidence != "ledger":
            return None
        rule = self.rules.get(name)
        if rule is None:
            return Evidence(self.name, None, claim.unit, claim.period, "total",
                            note=f"{NOT_KEPT}no ledger kind keeps {name} (ledger/data/claim_metrics.toml)")
        year, problem = self._claim_year(claim)
        if problem:
            return Evidence(self.name, None, claim.unit, claim.period, "total", note=problem)
        if rule.match == "rows":
            return self._matching_rows(claim, rule, year)
        if rule.facility_types:
            return self._facilities(claim, rule, year)
        return self._figure(claim, rule, year)

    def _evidence(self, claim: Claim, value: float | None, unit: str, period: str, refs: list[str],
                  drafts: list[str], note: str, **stats: float | int | None) -> Evidence:
        pending = self._pending(refs)
        if pending:
            note += f"; a draft correction awaits approval ({', '.join(pending)}): the approved figure stands"
        if value is None and drafts:
            note = (f"only draft ledger rows for this ({len(drafts)} awaiting approval: "
                    f"{', '.join(drafts[:5])}{' …' if len(drafts) > 5 else ''}); drafts are not evidence")
        statistics: dict[str, float | int | None] = {"total": value, "rows": len(refs), **stats}
        return Evidence(self.name, value, unit, period, "total", statistics=statistics, ledger_entries=tuple(refs),
                        query=f"approved ledger rows ({self.rules_source})", note=note)

    def _pending(self, refs: list[str]) -> list[str]:
        ids = {ref.rpartition("@")[0] for ref in refs}
        return [r.ref for r in getattr(self.view, "pending", ()) if r.row_id in ids]

    def _money(self, claim: Claim, cny: float | None, rows: list[Any]) -> tuple[float | None, str, str]:
        """A CNY figure in the claim's currency: (value, unit, note). Rows kept in the claim's own currency are
        summed as they are; otherwise the rows' rates give nothing to convert CNY back with."""
        if cny is None or claim.unit in ("CNY", ""):
            return cny, "CNY", ""
        if rows and all(r.values.get("currency") == claim.unit for r in rows):
            amounts = [r.values.get("amount") if r.values.get("amount") is not None else r.values.get("capex")
                       for r in rows]
            total = sum(float(a) for a in amounts if isinstance(a, int | float))
            return total, claim.unit, f"rows kept in {claim.unit}, compared in {claim.unit}"
        return None, claim.unit, (f"the ledger figure is {cny:,.0f} CNY from rows in "
                                  f"{', '.join(sorted({str(r.values.get('currency')) for r in rows}))}; the claim "
                                  f"is in {claim.unit} and no rate to convert it back is kept")

    def _rows_of(self, refs: Iterable[str]) -> list[Any]:
        wanted = set(refs)
        return [r for r in self.view.effective if r.ref in wanted]

    def _figure(self, claim: Claim, rule: LedgerMetric, year: int | None) -> Evidence:
        country = self._country(claim)
        fid = (rule.country_figure if country and rule.country_figure else rule.figure) or ""
        if rule.scope_figures and claim.scope:
            by_scope = dict(rule.scope_figures)
            if claim.scope not in by_scope:
                return Evidence(self.name, None, claim.unit, claim.period, "total",
                                note=f"{NOT_KEPT}no ledger figure keeps {rule.name} of {claim.scope} "
                                     f"(kept: {', '.join(sorted(by_scope))}; ledger/data/claim_metrics.toml)")
            fid = by_scope[claim.scope]
        if "{country}" in fid:
            if not country:
                return Evidence(self.name, None, claim.unit, claim.period, "total",
                                note=f"{base_metric(claim.metric)[0]} is kept per country; the claim names none "
                                     f"(entity {claim.entity!r})")
            fid = fid.replace("{country}", country)
        cumulative = rule.cumulative and year is None
        years = self._years() if cumulative else [year or self.year]
        figures = [self.figures(y).get(fid) for y in years]
        found = [f for f in figures if f is not None]
        reported = [f for f in found if f.status == "reported"]
        drafts = [d for f in found for d in f.drafts]
        label = f"{years[0]}–{years[-1]}" if cumulative and years else str(years[0] if years else self.year)
        if not reported:
            why = f"no approved ledger rows for {fid} in {label}"
            return self._evidence(claim, None, claim.unit, label, [], drafts, why)
        refs = [ref for f in reported for ref in f.rows]
        if rule.value_key:
            values = [f.detail.get(rule.value_key) for f in reported]
            value = sum(float(v) for v in values if v is not None) if any(v is not None for v in values) else None
        else:
            value = sum(float(f.value) for f in reported if f.value is not None)
        unit = reported[0].unit
        note = f"ledger figure {fid} ({reported[0].label})"
        if cumulative:
            have = sorted({f.year for f in reported})
            note += (f", summed over the years with approved rows up to {self.year} "
                     f"({have[0]}–{have[-1]}, {len(have)} year(s)): the claim has no period and is read as a "
                     "running total")
        if unit == "CNY":
            value, unit, money_note = self._money(claim, value, self._rows_of(refs))
            note += f"; {money_note}" if money_note else ""
        extra = {k: v for k, v in reported[-1].detail.items() if isinstance(v, int | float) and not isinstance(v, bool)}
        return self._evidence(claim, value, unit, label, refs, drafts, note, **extra)

    def _matching_rows(self, claim: Claim, rule: LedgerMetric, year: int | None) -> Evidence:
        kind = rule.kind or ""
        said = _words(claim.text)
        scored: list[tuple[int, Any]] = []
        for r in [*self.view.effective, *self.view.draft_only]:
            if r.kind != kind or (year is not None and r.year != year):
                continue
            text = " ".join(str(r.values.get(k) or "") for k in ("recipient", "cause", "programme"))
            shared = len(_words(text) & said)
            if shared >= rule.min_shared_words:
                scored.append((shared, r))
        label = str(year) if year is not None else "any date"
        if not scored:
            return Evidence(self.name, None, claim.unit, label, "total",
                            note=f"no {kind} row whose recipient, cause or programme matches the claim's sentence "
                                 f"({label})")
        best = max(s for s, _ in scored)
        chosen = [r for s, r in scored if s == best]
        approved = [r for r in chosen if r.approved_by]
        drafts = [r.ref for r in chosen if not r.approved_by]
        if not approved:
            return self._evidence(claim, None, claim.unit, label, [], drafts, "")
        from ultralow.ledger.rows import amount_cny

        cny = sum(amount_cny(r.values) or 0.0 for r in approved)
        value, unit, money_note = self._money(claim, cny, approved)
        what = "; ".join(f"{r.values.get('date') or r.year} {r.values.get('recipient') or r.values.get('programme')}: "
                         f"{r.values.get('amount'):,} {r.values.get('currency')}" for r in approved)
        note = f"{kind} row(s) matching the claim's sentence ({best} shared words): {what}"
        if money_note:
            note += f"; {money_note}"
        return self._evidence(claim, value, unit, label, [r.ref for r in approved], drafts, note)

    def _facilities(self, claim: Claim, rule: LedgerMetric, year: int | None) -> Evidence:
        country = self._country(claim)
        rows = [r for r in [*self.view.effective, *self.view.draft_only]
                if r.kind == "facilities" and r.values.get("facility_type") in rule.facility_types
                and (country is None or r.country == country)]
        opened = [r for r in rows if (r.values.get("opened_year") == year if year is not None
                                      else int(r.values.get("opened_year") or 0) <= self.year)]
        label = f"opened in {year}" if year is not None else f"in service at the end of {self.year}"
        approved = [r for r in opened if r.approved_by]
        drafts = [r.ref for r in opened if not r.approved_by]
        note = f"approved facilities rows of type {', '.join(rule.facility_types)} {label}"
        if not approved:
            return self._evidence(claim, None, claim.unit, label, [], drafts,
                                  f"no approved facilities rows of type {', '.join(rule.facility_types)} {label}")
        return self._evidence(claim, float(len(approved)), claim.unit, label, [r.ref for r in approved], drafts, note)
