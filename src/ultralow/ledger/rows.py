"""Reading one ledger CSV file: every row checked against its kind, every problem as
``file:line: column: message``; a file with any bad row yields no rows at all."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ultralow.ledger.kinds import REPORTING_CURRENCY, Column, Kind, kind_for_header, kinds
from ultralow.problems import ProblemsError

Value = str | int | float | bool | None

_UNIT_IN_VALUE = re.compile(r"^\s*[-+]?[\d.,]+\s*[^\d\s.,]+.*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_TRUE = {"yes", "true", "1", "y"}
_FALSE = {"no", "false", "0", "n"}


class LedgerFileError(ProblemsError):
    """A ledger file refused whole: one ``file:line: column: message`` per problem."""

    subject = "the ledger file"


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One checked row: its kind, key (row id), typed values, evidence and entry."""

    kind: str
    row_id: str
    values: dict[str, Value]
    year: int
    base: str | None
    country: str | None
    evidence_document: str
    evidence_sha256: str
    entered_by: str
    entered_at: date
    source: str
    line: int

    def content(self) -> dict[str, Value]:
        """What a revision compares: the values and the evidence (not where the file was)."""
        return {**self.values, "evidence_sha256": self.evidence_sha256}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _number(text: str, column: Column) -> float:
    if _UNIT_IN_VALUE.match(text):
        raise ValueError(f"{text!r} carries a unit: give the number only (the unit is in the column name "
                         f"{column.name!r})")
    try:
        value = float(text.replace(",", "")) if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", text) \
            else float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def parse_value(text: str, column: Column, bases: Mapping[str, str]) -> Value:
    """The typed value of one cell (ValueError with the message when it is not valid)."""
    kind = column.type
    if kind == "year":
        if not re.fullmatch(r"\d{4}", text) or not 1950 <= int(text) <= 2100:
            raise ValueError(f"{text!r} is not a year (YYYY)")
        return int(text)
    if kind == "month":
        m = _MONTH.match(text)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"{text!r} is not a month (YYYY-MM)")
        return text
    if kind == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    if kind == "base":
        if text not in bases:
            raise ValueError(f"unknown base {text!r} (known: {', '.join(sorted(bases))})")
        return text
    if kind == "country":
        if not _COUNTRY.match(text):
            raise ValueError(f"{text!r} is not an ISO 3166 alpha-2 country code")
        return text
    if kind == "currency":
        if not _CURRENCY.match(text):
            raise ValueError(f"{text!r} is not an ISO 4217 currency code")
        return text
    if kind == "enum":
        if text not in column.values:
            raise ValueError(f"{text!r} is not one of {', '.join(column.values)}")
        return text
    if kind == "bool":
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"{text!r} is not yes or no")
    if kind == "sha256":
        if not _SHA256.match(text.lower()):
            raise ValueError(f"{text!r} is not a SHA-256 (64 hex digits)")
        return text.lower()
    if kind == "text":
        return text
    value = _number(text, column)
    if kind == "count":
        if value < 0:
            raise ValueError(f"{text} is negative (a count is >= 0)")
        if value != int(value):
            raise ValueError(f"{text} is not a whole number")
        return int(value)
    if kind == "quantity" and value < 0:
        raise ValueError(f"{text} is negative (a quantity is >= 0)")
    if kind == "rate" and value <= 0:
        raise ValueError(f"{text} is not above 0")
    if kind == "percent" and not 0 <= value <= 100:
        raise ValueError(f"{text} is not a percentage (0-100)")
    return value


def _choose_kind(path: Path, header: list[str], kind_name: str | None) -> Kind | None:
    known = kinds()
    if kind_name:
        return known.get(kind_name)
    stem = path.stem.lower().replace("-", "_")
    for name in sorted(known, key=len, reverse=True):
        if stem == name or stem.startswith(name + "_"):
            return known[name]
    return kind_for_header(header)


def _money_problems(values: dict[str, Value], kind: Kind) -> list[tuple[str, str]]:
    if not kind.has_money:
        return []
    currency = values.get("currency")
    has_amount = any(values.get(c) is not None for c in ("amount", "capex"))
    if currency is None:
        return [("currency", "required with an amount")] if has_amount else []
    rate = values.get("fx_cny_per_unit")
    if currency == REPORTING_CURRENCY:
        if rate is not None and rate != 1:
            return [("fx_cny_per_unit", f"must be empty or 1 for {REPORTING_CURRENCY}")]
        return []
    out = []
    if rate is None:
        out.append(("fx_cny_per_unit", f"currency {currency} without a rate: give the CNY per {currency} used"))
    if not values.get("fx_source"):
        out.append(("fx_source", f"currency {currency}: say where the rate comes from"))
    return out


def amount_cny(values: Mapping[str, Value], column: str = "amount") -> float | None:
    """A money column in yuan (the row's amount x its rate); None when the row has no amount."""
    amount = values.get(column)
    if amount is None:
        return None
    rate = values.get("fx_cny_per_unit") if values.get("currency") != REPORTING_CURRENCY else 1.0
    return float(amount) * float(rate or 1.0) if isinstance(amount, int | float) else None


def read_ledger_file(path: Path, bases: Mapping[str, str], evidence_dir: Path | None,
                     kind_name: str | None = None) -> tuple[Kind, list[LedgerRow]]:
    """Every row of ``path`` checked; LedgerFileError listing every problem when any row is bad.

    ``bases`` maps registry base ids to their countries.
    """
    label = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LedgerFileError([f"{label}:0: file: cannot read: {exc.strerror or exc}"]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LedgerFileError([f"{label}:0: file: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8 "
                               "(a GBK export from Excel: 'CSV UTF-8')"]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise LedgerFileError([f"{label}:1: file: empty (no header row)"]) from None
    kind = _choose_kind(path, header, kind_name)
    if kind is None:
        raise LedgerFileError([f"{label}:1: header: no ledger kind has these columns "
                               f"(name the file after its kind, e.g. donations.csv, or give --kind; "
                               f"kinds: {', '.join(kinds())})"])
    problems: list[str] = []
    unknown = [h for h in header if h not in kind.column_names]
    for name in unknown:
        problems.append(f"{label}:1: {name}: not a column of the {kind.name} ledger")
    for c in kind.columns:
        if c.required and c.name not in header:
            problems.append(f"{label}:1: {c.name}: required column of the {kind.name} ledger is missing")
    dupes = {h for h in header if header.count(h) > 1}
    for name in sorted(dupes):
        problems.append(f"{label}:1: {name}: column given twice")
    if problems:
        raise LedgerFileError(problems)
    rows: list[LedgerRow] = []
    seen: dict[str, int] = {}
    sha_cache: dict[str, str] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"{label}:{line}: row: {len(cells)} cells for {len(header)} columns")
            continue
        values: dict[str, Value] = {}
        bad = False
        for name, cell in zip(header, cells, strict=True):
            column = kind.column(name)
            cell = cell.strip()
            if cell == "":
                if column.required:
                    problems.append(f"{label}:{line}: {name}: required")
                    bad = True
                values[name] = None
                continue
            try:
                values[name] = parse_value(cell, column, bases)
            except ValueError as exc:
                problems.append(f"{label}:{line}: {name}: {exc}")
                bad = True
        for c in kind.columns:
            values.setdefault(c.name, None)
        for name, message in _money_problems(values, kind):
            problems.append(f"{label}:{line}: {name}: {message}")
            bad = True
        if bad:
            continue
        row_id = kind.name + "/" + "/".join(_key_part(values[k]) for k in kind.key)
        if row_id in seen:
            problems.append(f"{label}:{line}: {','.join(kind.key)}: duplicate key {row_id} "
                            f"(first on line {seen[row_id]})")
            continue
        seen[row_id] = line
        document = str(values["evidence_document"])
        sha = _evidence_sha(document, evidence_dir, sha_cache)
        if isinstance(sha, tuple):
            problems.append(f"{label}:{line}: evidence_document: {sha[0]}")
            continue
        given = values.get("evidence_sha256")
        if given is not None and given != sha:
            problems.append(f"{label}:{line}: evidence_sha256: {given} does not match the file's {sha}")
            continue
        rows.append(_row(kind, row_id, values, sha, bases, label, line))
    if problems:
        raise LedgerFileError(problems)
    return kind, rows


def _key_part(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return re.sub(r"[^0-9A-Za-z._-]+", "-", str(value)).strip("-").lower()


def _evidence_sha(document: str, evidence_dir: Path | None, cache: dict[str, str]) -> str | tuple[str]:
    if document in cache:
        return cache[document]
    if evidence_dir is None:
        return (f"{document!r}: no --evidence folder given to find it in",)
    candidate = (evidence_dir / document).resolve()
    if evidence_dir.resolve() not in candidate.parents:
        return (f"{document!r} is outside the --evidence folder",)
    if not candidate.is_file():
        return (f"{document!r} not found under {evidence_dir}",)
    cache[document] = sha256_file(candidate)
    return cache[document]


def _row(kind: Kind, row_id: str, values: dict[str, Value], sha: str, bases: Mapping[str, str], label: str,
         line: int) -> LedgerRow:
    base = values.get("base")
    country = values.get("country") or (bases.get(str(base)) if base else None)
    year: Any = values.get("year")
    if year is None:
        stamp = values.get("month") or values.get("date") or values.get("opened_year")
        year = int(str(stamp)[:4])
    own = {c.name: values[c.name] for c in kind.own_columns}
    if country is not None and "country" not in own:
        own["country"] = country
    entered = values["entered_at"]
    return LedgerRow(kind.name, row_id, own, int(year), str(base) if base else None,
                     str(country) if country else None, str(values["evidence_document"]), sha,
                     str(values["entered_by"]), date.fromisoformat(str(entered)), label, line)
