"""Claims from tables (KPI tables in Markdown or HTML): one claim per figure cell.

Three layouts are read:

* years across (``| Indicator | Unit | 2022 | 2023 | YoY |``): metric and unit from the row label (or a unit
  column), period from the column header; a change column ("YoY", "Change", "同比") gives ``<metric>_change``;
* years down (``| Year | Employees | Taxes (RMB m) |``): metric and unit from the column header, period from
  the row label;
* no years (``| Base | Country | Employees | Local share (%) |``): metric and unit from the column header,
  entity from the row label; when the header names no metric ("| Indicator | Value |"), the row label does.
  Columns headed as labels ("GRI Standard", "Disclosure") form the row label, reference columns ("Page") are
  skipped, and a cell written as prose ("42,980 employees, of whom 8,040 are women") is read as a sentence
  whose unnamed figures take the row label's metric (a GRI or HKEX content index).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ultralow.claims.assemble import sentence_claims
from ultralow.claims.layout import Cell, Document, Table
from ultralow.claims.metrics import Hit
from ultralow.claims.model import Claim
from ultralow.claims.numbers import Quantity, scan_quantities
from ultralow.claims.sentences import split_sentences
from ultralow.claims.vocabulary import Vocabulary, is_cjk

_YEAR_CELL = re.compile(r"^(?:FY\s?)?((?:19|20)\d{2})(?:\s*(?:年度?|年末|A|E|\*|\(.*\)|（.*）))?$", re.IGNORECASE)
# a header naming a year with a word: "Baseline (2020)", "Target (2030)", "基准年（2020年）", "2030 target"
_WORDED_YEAR = re.compile(r"^(?:baseline|base year|base|target|actual|基准年?|目标)\s*[(（]?\s*(?:FY\s?)?((?:19|20)\d{2})"
                          r"\s*年?\s*[)）]?$|^(?:FY\s?)?((?:19|20)\d{2})\s*年?\s*(?:baseline|target|actual|基准|目标)$",
                          re.IGNORECASE)
# a cell that dates its own figure: "2030: 87.1" (a target column)
_DATED_CELL = re.compile(r"^\s*(?:FY\s?)?((?:19|20)\d{2})\s*年?\s*[:：]\s*\S")
_UNIT_HEADER = re.compile(r"^(?:units?|单位|计量单位)$", re.IGNORECASE)
_CHANGE_HEADER = re.compile(r"change|yoy|y-o-y|year[- ]on[- ]year|growth|同比|变化|增减|变动|增幅", re.IGNORECASE)
_PAREN_UNIT = re.compile(r"[（(]\s*([^()（）]{1,30})\s*[)）]\s*$")
# a reference code opening a label cell: "GRI 2: General Disclosures", "2-7 Employees", "A1.1 NOx emissions"
_CODE = re.compile(r"^\s*(?:(?:GRI|SASB|HKEX|KPI|TCFD|IFRS)\s*)?[A-Z]{0,2}\d{1,3}(?:[-.]\d{1,3})*[:：]?\s+")
# footnote marks after a label: "Hazardous waste¹", "Carbon intensity (…)[^2]", "SO2 emissions*"
_FOOTNOTE_MARK = re.compile(r"(?:\[\^?\w{1,3}\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*+|†+)\s*$")
_SCOPED = frozenset({"production", "production_capacity", "carbon_intensity", "ghg_emissions"})


@dataclass(frozen=True)
class UnitText:
    unit: str
    kind: str
    factor: float


def parse_unit_text(vocab: Vocabulary, raw: str) -> UnitText | None:
    """A unit as written in a header or unit column: "t", "万吨", "RMB million", "mg/m³", "%", "people"."""
    raw = raw.strip().strip("()（）[]")
    if not raw:
        return None
    multiplier = 1.0
    tail = re.fullmatch(r"(.+?)\s*['’‘]\s?(000(?:,000)?)", raw)
    if tail:
        # "RMB'000", "HK$ '000": figures in thousands of the currency
        multiplier = 10.0 ** len(tail.group(2).replace(",", ""))
        raw = tail.group(1)
    lead = re.match(r"^(['’‘]?[\d,]+)\s*(.*)$", raw)
    if lead and lead.group(2):
        digits = lead.group(1).lstrip("'’‘").replace(",", "")
        # "'000 tCO2e", "000 kWh": figures in thousands ("'000,000": in millions)
        multiplier *= 10.0 ** len(digits) if set(digits) == {"0"} else float(digits)
        raw = lead.group(2)
    candidates = [f"1{raw}", f"1 {raw}"]
    prefix = vocab.prefix_unit_re.match(raw)
    if prefix:
        candidates.append(f"{prefix.group(0)} 1 {raw[prefix.end():].strip()}")
        candidates.append(f"{prefix.group(0)}1{raw[prefix.end():].strip()}")  # "人民币万元"
    for probe in candidates:
        for q in scan_quantities(vocab, probe):
            if q.start == 0 and q.end == len(probe) and q.unit and q.kind:
                return UnitText(q.unit, q.kind, q.value * multiplier)
    return None


_STATED_SUBSTANCE = (
    (re.compile(r"CO2e|CO₂e|CO2-e|CO2 equivalent|carbon dioxide equivalent|二氧化碳当量|CO2当量", re.IGNORECASE), "t CO2e", "ghg"),
    (re.compile(r"标准煤|标煤|standard coal|coal equivalent", re.IGNORECASE), "tce", "energy"),
)


def restate_mass(vocab: Vocabulary, unit: UnitText | None, words: str) -> UnitText | None:
    """Tonnes of a named substance are a unit of their own: "万吨" under "二氧化碳当量" is t CO2e, under
    "标准煤" tce (the scale is kept)."""
    if unit is None or unit.unit != "t":
        return unit
    for regex, name, kind in _STATED_SUBSTANCE:
        if regex.search(words):
            return UnitText(name, kind, unit.factor)
    return unit


def _label_and_unit(vocab: Vocabulary, label: str) -> tuple[str, UnitText | None]:
    label = _FOOTNOTE_MARK.sub("", label).strip()
    m = _PAREN_UNIT.search(label)
    if m:
        unit = parse_unit_text(vocab, m.group(1))
        if unit:
            return label[:m.start()].strip(), unit
    return label, None


_CAPTION_UNIT = re.compile(r"[(（]\s*([^()（）]{1,40})\s*[)）]|(?:单位|units?|unit of measure)\s*[:：]\s*([^,;，；。)）]{1,30})|"
                           r"\bin\s+((?:thousands?|millions?|billions?)\s+(?:of\s+)?[^,;()]{1,30})", re.IGNORECASE)
_UNLESS = re.compile(r"\s*(?:,\s*)?(?:unless\s+(?:otherwise\s+)?(?:stated|noted|indicated|specified)|除另有说明外|"
                     r"除特别(?:说明|注明)外)\s*", re.IGNORECASE)
_COUNTED_KINDS = frozenset({"people", "households", "trees", "count"})


def caption_unit(vocab: Vocabulary, caption: str) -> UnitText | None:
    """The unit and scale a table's caption or first header cell gives its cells: "(thousand tonnes unless
    stated)", "（单位：万吨）", "Million mt CO2e", "Energy (GWh)", "in millions of RMB"."""
    text = caption.strip()
    if not text:
        return None
    whole = parse_unit_text(vocab, _UNLESS.sub("", text))
    if whole is not None:
        return whole
    for m in _CAPTION_UNIT.finditer(text):
        raw = _UNLESS.sub("", next(g for g in m.groups() if g))
        raw = re.sub(r"^(?:单位\s*[:：]|units?\s*[:：])\s*", "", raw.strip(), flags=re.IGNORECASE)
        unit = parse_unit_text(vocab, raw)
        if unit is not None:
            return unit
    return None


def split_unit_suffix(vocab: Vocabulary, label: str) -> tuple[str, UnitText | None]:
    """A unit written at the end of a row label ("Scope 1 emissions kt CO2e", "Total fluoride, kg per tonne of
    aluminium"): the longest trailing words that read as a measurement unit (not a counted noun)."""
    words = list(re.finditer(r"\S+", label))
    for k in range(1, len(words)):
        tail = label[words[k].start():]
        unit = parse_unit_text(vocab, tail)
        if unit is not None and unit.kind not in _COUNTED_KINDS:
            return label[:words[k].start()].rstrip(" ,;:-–"), unit
    return label, None


def metric_for_label(vocab: Vocabulary, label: str, kind: str | None) -> str | None:
    """The metric a row or column label names, among metrics that can carry ``kind``; a word inside a
    longer word of another such metric does not count ("hazardous waste" in "Non-hazardous waste")."""
    found: dict[str, list[tuple[int, int]]] = {}
    for metric in vocab.metrics:
        if kind is not None and kind not in metric.kinds:
            continue
        if kind is None and not metric.default_unit:
            continue
        if metric.with_re is not None and not metric.with_re.search(label):
            continue
        spans = [m.span() for m in metric.terms_re.finditer(label)]
        if spans:
            found[metric.name] = spans
    best: tuple[tuple[int, int, int], str] | None = None
    for name, spans in found.items():
        own = [(a, b) for a, b in spans if not any(
            other != name and c <= a and b <= d and d - c > b - a for other, longer in found.items() for c, d in longer)]
        if not own:
            continue
        row = vocab.metric(name)
        specificity = (row.priority + (5 if row.with_re is not None else 0)) if row else 0
        longest = max(b - a for a, b in own)
        key = (-specificity, -longest, min(a for a, _ in own))
        if best is None or key < best[0]:
            best = (key, name)
    return best[1] if best else None


def _scope(vocab: Vocabulary, metric: str, text: str) -> str | None:
    row = vocab.metric(metric)
    if row is None or not (row.code or metric in _SCOPED):
        return None
    for scope in vocab.scopes:
        if scope.words_re.search(text):
            return scope.name
    return None


def _entity(vocab: Vocabulary, text: str) -> str | None:
    for entity in vocab.entities:
        if entity.kind == "country" and entity.words_re.search(text):
            return entity.name
    m = re.search(r"([A-Z][\w\-]+(?:\s[A-Z][\w\-]+)*)\s+(?:base|Base|smelter|refinery|plant|Industrial Park)", text)
    if m:
        return m.group(0)
    m2 = re.search(r"([\u4e00-\u9fff]{2,6}(?:基地|园区|公司))", text)
    if m2:
        return m2.group(1)
    return None


def _year(cell: Cell) -> str | None:
    m = _YEAR_CELL.match(cell.text.strip())
    return m.group(1) if m else None


def _header_year(cell: Cell) -> str | None:
    """The year a header cell names: "2024", "FY2024", "2023年", "Baseline (2020)", "2030 target"."""
    year = _year(cell)
    if year:
        return year
    m = _WORDED_YEAR.match(cell.text.strip())
    return (m.group(1) or m.group(2)) if m else None


def _cell_quantity(vocab: Vocabulary, doc: Document, cell: Cell) -> Quantity | None:
    if not cell.text or not any(ch.isdigit() for ch in cell.text):
        return None
    found = scan_quantities(vocab, doc.text, cell.start, cell.end)
    if found:
        return found[0]
    # bare numbers in a cell are figures even when they look like years or have no unit
    m = re.search(r"[-−+]?\d[\d,]*(?:\.\d+)?", doc.text[cell.start:cell.end])
    if not m:
        return None
    raw = m.group(0).replace(",", "").replace("−", "-")
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    return Quantity(
        start=cell.start + m.start(), end=cell.start + m.end(), value=float(raw), value_max=None, unit=None,
        kind=None, unit_from="", qualifier="exactly", change=1 if raw.startswith("+") else 0,
        step=10.0 ** -decimals,
    )


def _claim(vocab: Vocabulary, doc: Document, row: tuple[Cell, ...], q: Quantity, metric: str | None,
           unit: UnitText | None, period: str | None, entity: str | None, label: str, change: bool) -> Claim | None:
    value, value_max, step = q.value, q.value_max, q.step
    if q.unit is not None:
        out_unit, kind = q.unit, q.kind
    elif unit is not None:
        out_unit, kind = unit.unit, unit.kind
        value *= unit.factor
        value_max = None if value_max is None else value_max * unit.factor
        step *= unit.factor
    else:
        row_metric = vocab.metric(metric) if metric else None
        if row_metric is None or not row_metric.default_unit:
            return None
        out_unit, kind = row_metric.default_unit, row_metric.default_unit
    if metric is None or (vocab.metric(metric) and kind not in vocab.metric(metric).kinds  # type: ignore[union-attr]
                          and not change):
        metric = metric_for_label(vocab, label, kind) or metric
    name = metric or "unclassified"
    if change or q.change:
        name = f"{name}_change"
        if q.change < 0 and value > 0:
            value = -value
    value = float(f"{value:.12g}")
    value_max = None if value_max is None else float(f"{value_max:.12g}")
    text = doc.text[row[0].start:row[-1].end].strip()
    return Claim(
        id="", text=text, span=(q.start, q.end), metric=name, value=value, value_max=value_max, unit=out_unit,
        qualifier=q.qualifier, period=period, entity=entity, scope=_scope(vocab, metric or "", label),
        compared_to=None, document=doc.name, step=step,
    )


def table_claims(vocab: Vocabulary, doc: Document, table: Table,
                 hits: dict[str, list[Hit]] | None = None) -> list[Claim]:
    """One claim per figure cell of ``table`` (see the module docstring for the layouts); ``hits``: the
    document's metric words, for cells written as prose."""
    header = table.header
    if not header or not table.body:
        return []
    out: list[Claim] = []
    year_cols = {i: y for i, c in enumerate(header) if i > 0 and (y := _header_year(c))}
    # columns whose cells date their own figures ("Target year | 2030: 87.1")
    dated_cols = {i for i in range(1, len(header)) if i not in year_cols and _mostly_dated(table, i)}
    unit_col = next((i for i, c in enumerate(header) if _UNIT_HEADER.match(c.text.strip())), None)
    change_cols = [i for i, c in enumerate(header) if i > 0 and i not in year_cols and _CHANGE_HEADER.search(c.text)]
    latest = max(year_cols.values()) if year_cols else None
    if year_cols:
        # a dated column is figures of the year it names
        year_cols.update({i: "" for i in dated_cols})
    # the row label: every text column that is not a year, unit or change column ("A1.1 | NOx emissions")
    label_cols = [i for i in range(len(header)) if i not in year_cols and i != unit_col and i not in change_cols]
    if year_cols:
        # the unit of rows that state none: the first header cell ("Million mt CO2e", "Energy (GWh)"), else the
        # caption ("(thousand tonnes unless stated)"); the words of both name the metric of rows that do not
        table_unit = caption_unit(vocab, header[0].text) or caption_unit(vocab, table.caption)
        table_words = f"{_PAREN_UNIT.sub('', header[0].text)} {table.caption}".strip()
        for row in table.body:
            if not row:
                continue
            label_text = " ".join(row[i].text for i in label_cols if i < len(row)) or row[0].text
            label, unit = _label_and_unit(vocab, label_text)
            if unit_col is not None and unit_col < len(row) and row[unit_col].text.strip():
                unit = parse_unit_text(vocab, row[unit_col].text) or unit
            if unit is None:
                label, unit = split_unit_suffix(vocab, label)
            if unit is None:
                unit = table_unit
            unit = restate_mass(vocab, unit, f"{label} {table.caption}")
            entity = _entity(vocab, label)
            for i, cell in enumerate(row):
                if i in label_cols or i == unit_col:
                    continue
                is_change = i in change_cols
                if i not in year_cols and not is_change:
                    continue
                q = _cell_quantity(vocab, doc, cell)
                if q is None:
                    continue
                dated = _DATED_CELL.match(cell.text) if i in dated_cols else None
                kind = q.kind or (unit.kind if unit else None)
                if is_change and q.unit is None and "%" in header[i].text:
                    q = Quantity(q.start, q.end, q.value, q.value_max, "%", "share", "unit", q.qualifier, q.change,
                                 q.step)
                    kind = "share"
                metric = metric_for_label(vocab, label, kind if not is_change else (unit.kind if unit else None))
                if is_change and metric is None:
                    metric = metric_for_label(vocab, label, None)
                if metric is None and table_words:
                    # a row naming a business line or site ("Alumina") under a caption naming the metric
                    metric = metric_for_label(vocab, table_words, kind if not is_change else None)
                period = dated.group(1) if dated else (year_cols.get(i) or latest)
                claim = _claim(vocab, doc, row, q, metric, None if is_change and q.unit else unit,
                               period, entity, label, is_change)
                if claim:
                    out.append(claim)
        return out
    year_rows = [r for r in table.body if r and _year(r[0])]
    # columns that hold the row's label ("GRI Standard | Disclosure | Response", "Indicator | Value") and
    # reference columns (page numbers, sections), which hold no claims
    label_idx = {0} | {i for i, c in enumerate(header) if i > 0 and vocab.label_header_re.fullmatch(c.text.strip())}
    skip_idx = {i for i, c in enumerate(header) if vocab.reference_header_re.fullmatch(c.text.strip())}
    first_is_label = bool(vocab.label_header_re.fullmatch(header[0].text.strip()))
    columns: dict[int, tuple[str, UnitText | None]] = {}
    for i, c in enumerate(header):
        if i in label_idx or i in skip_idx:
            continue
        columns[i] = _label_and_unit(vocab, c.text)
    column_metric = {i: metric_for_label(vocab, lbl, unit.kind if unit else None) for i, (lbl, unit) in columns.items()}
    # a change column ("同比", "YoY") that names no metric is the change of the metric column to its left
    change_of = {i: next((column_metric[j] for j in range(i - 1, 0, -1) if column_metric.get(j)), None)
                 for i in columns if _CHANGE_HEADER.search(header[i].text) and not column_metric[i]}
    for row in table.body:
        if not row:
            continue
        period = _year(row[0]) if year_rows else None
        label_cells = [_CODE.sub("", row[i].text).strip() for i in sorted(label_idx) if i < len(row)]
        row_label = " ".join(t for t in label_cells if t)
        # a row label naming a metric word (a pollutant) is a second dimension of the metric, not an entity
        row_names_metric = not year_rows and any(m.terms_re.search(row_label) for m in vocab.metrics)
        entity = None if year_rows or row_names_metric or first_is_label else (
            _entity(vocab, row[0].text) or (row[0].text.strip() or None))
        if entity and not any(is_cjk(ch) or ch.isalpha() for ch in entity):
            entity = None
        for i, cell in enumerate(row):
            if i not in columns:
                continue
            if _is_prose(vocab, doc, cell):
                out.extend(_prose_cell_claims(vocab, doc, cell, row_label, label_cells, period, entity, hits))
                continue
            label, unit = columns[i]
            q = _cell_quantity(vocab, doc, cell)
            if q is None:
                continue
            if change_of.get(i):
                if q.unit is None and "%" in cell.text + header[i].text:
                    q = replace(q, unit="%", kind="share", unit_from="unit")
                claim = _claim(vocab, doc, row, q, change_of[i], None, period, entity, label, True)
                if claim:
                    out.append(claim)
                continue
            kind = q.kind or (unit.kind if unit else None)
            metric = metric_for_label(vocab, label, kind)
            if row_names_metric:
                label = f"{row_label} {label}"
                metric = metric_for_label(vocab, label, kind) or metric
            elif metric is None and row_label:
                # the column header ("Value", "2024 data") names no metric: the row label does
                metric = metric_for_label(vocab, row_label, kind)
                label = row_label if metric else label
            if metric is None and kind is None:
                continue
            claim = _claim(vocab, doc, row, q, metric, unit, period, entity, label, False)
            if claim:
                out.append(claim)
    return out


def _mostly_dated(table: Table, i: int) -> bool:
    cells = [r[i].text for r in table.body if i < len(r) and r[i].text.strip()]
    return bool(cells) and sum(bool(_DATED_CELL.match(t)) for t in cells) * 2 > len(cells)


def _is_prose(vocab: Vocabulary, doc: Document, cell: Cell) -> bool:
    """A cell that states its figures in words ("42,980 employees at year-end, of whom 8,040 are women")."""
    found = scan_quantities(vocab, doc.text, cell.start, cell.end)
    if not found:
        return False
    rest = doc.text[cell.start:cell.end]
    for q in reversed(found):
        rest = rest[:q.start - cell.start] + " " + rest[q.end - cell.start:]
    return len(re.findall(r"[A-Za-z]{2,}", rest)) >= 2 or sum(is_cjk(ch) for ch in rest) >= 4


def _prose_cell_claims(vocab: Vocabulary, doc: Document, cell: Cell, row_label: str, label_cells: list[str],
                       period: str | None, entity: str | None, hits: dict[str, list[Hit]] | None) -> list[Claim]:
    """Claims of a cell written as prose; the row label names what the sentence leaves unnamed, and a
    sub-label before a colon names its figure ("Waste generated | Hazardous: 35,010 t; non-hazardous: …")."""
    out: list[Claim] = []
    last_label = label_cells[-1] if label_cells else ""
    for s, e in split_sentences(doc.text, cell.start, cell.end):
        for c in sentence_claims(vocab, doc, s, e, hits):
            change = c.metric.endswith("_change")
            kind = vocab.unit_kind(c.unit)
            metric: str | None = None
            sub = _sublabel(doc.text, s, c.span[0])
            if sub:
                metric = next((m for probe in (f"{sub} {last_label}", f"{sub} {row_label}", sub)
                               if (m := metric_for_label(vocab, probe, kind))), None)
            if metric is None and c.metric.removesuffix("_change") == "unclassified" and row_label:
                metric = metric_for_label(vocab, row_label, kind)
            if metric is not None:
                c = replace(c, metric=f"{metric}_change" if change else metric)
            out.append(replace(c, period=c.period or period, entity=c.entity or entity))
    return out


def _sublabel(text: str, lo: int, pos: int) -> str | None:
    """The words before a colon right before ``pos`` in its clause ("Hazardous: 35,010 t" -> "Hazardous")."""
    clause = re.split(r"[;；,，。]", text[lo:pos])[-1]
    m = re.fullmatch(r"\s*([^\d:：]{2,40}?)\s*[:：]\s*", clause)
    return m.group(1).strip() if m else None
