"""The data dictionary of the ledger CSV formats (``docs/ledgers.md``), written from ``data/kinds.toml`` so that
the document and the reader never disagree (``python tools/ledger_dictionary.py`` rewrites it; a test checks
that it is current)."""

from __future__ import annotations

from ultralow.ledger.kinds import Column, Kind, common_columns, kinds

TYPE_TEXT = {
    "year": "year `YYYY`",
    "month": "month `YYYY-MM`",
    "date": "date `YYYY-MM-DD`",
    "base": "a base id of the registry",
    "country": "ISO 3166 alpha-2 country code",
    "enum": "one of the listed values",
    "bool": "`yes` / `no`",
    "count": "whole number ≥ 0",
    "quantity": "number ≥ 0 (no unit in the cell: the unit is in the column name)",
    "percent": "number 0–100",
    "rate": "number > 0",
    "currency": "ISO 4217 code (`CNY`, `USD`, `GNF`, `IDR`, …)",
    "text": "text",
    "sha256": "64 hexadecimal digits",
}

UNIT_SUFFIXES = (("_t_per_t", "t per t"), ("_t_per_year", "t per year"), ("_mw", "MW"), ("_t_per_tj", "t per TJ"), ("_gj_per_t", "GJ per t"),
                 ("_minutes_per_cell_day", "AE-minutes per cell-day"), ("_mv", "mV"), ("_mwh", "MWh"),
                 ("_m3", "m³"), ("_pct", "%"), ("_h", "hours"), ("_ha", "hectares"), ("_t", "tonnes"))


COUNT_UNITS = (("injuries", "injuries"), ("days", "days"), ("units", "dwellings"), ("trees", "trees"),
               ("headcount", "people"), ("hires", "people"), ("leavers", "people"), ("fatalities", "people"),
               ("employees", "people"), ("volunteers", "people"))


def unit_of(column: Column) -> str:
    """The unit a column's name carries (money: the row's currency; counts: the thing counted)."""
    if column.name in ("amount", "capex"):
        return "the row's `currency`"
    if column.name == "fx_cny_per_unit":
        return "CNY per unit of `currency`"
    for suffix, unit in UNIT_SUFFIXES:
        if column.name.endswith(suffix):
            return unit
    if column.type == "count":
        for word, unit in COUNT_UNITS:
            if word in column.name:
                return unit
        return "count"
    return "–"


def _row(c: Column) -> str:
    kind = TYPE_TEXT[c.type]
    if c.values:
        kind = "one of " + ", ".join(f"`{v}`" for v in c.values)
    doc = c.doc.replace("|", "\\|")
    return f"| `{c.name}` | {'yes' if c.required else 'no'} | {kind} | {unit_of(c)} | {doc} |"


def _kind(k: Kind) -> list[str]:
    own = k.own_columns
    return [
        f"## `{k.name}`: {k.title}", "",
        f"File name `{k.name}.csv` (or `{k.name}_….csv`). Row key: {', '.join(f'`{c}`' for c in k.key)}. "
        f"Asked for by: {k.source} (status: {k.status}).", "",
        "| column | required | type | unit | meaning |", "|---|---|---|---|---|",
        *[_row(c) for c in own], "",
    ]


def dictionary_markdown() -> str:
    lines = [
        "# Ledger CSV formats: data dictionary",
        "",
        "<!-- written by tools/ledger_dictionary.py from src/ultralow/ledger/data/kinds.toml; do not edit -->",
        "",
        "`ultralow ledger import FILE… --evidence DIR` reads one CSV format per ledger kind (UTF-8, comma "
        "separated, a header row; a BOM from Excel is accepted). The kind comes from the file name "
        "(`donations.csv`, `donations_2025.csv`) or `--kind`. Each column's unit is in its name (`_t` tonnes, "
        "`_mwh`, `_m3`, `_h` hours, `_pct` percent); money is `amount` (or `capex`) in the row's `currency` "
        "with `fx_cny_per_unit` (yuan per unit of that currency) and `fx_source` required for any currency "
        "other than CNY. A cell holds the number only: `120 people` or `5 t` is refused.",
        "",
        "Rules every file follows:",
        "",
        "* A file with any bad row (unknown base, bad date, negative count, a currency without a rate, a unit "
        "in a cell, a duplicate key, missing evidence) is refused whole: every problem is one "
        "`file:line: column: message` line and nothing of the file (or of the other files of the same "
        "command) is stored.",
        "* Re-importing the same file changes nothing. A row whose key is stored but whose values or evidence "
        "differ becomes the next **revision** of that row (pointing at the one it replaces); nothing is "
        "overwritten. `ultralow ledger history ROW_ID` shows the chain.",
        "* Every new revision is a **draft** until `ultralow ledger approve ROW_ID[@REVISION] --by NAME` (or "
        "`--all-drafts`) by someone other than the one who entered it. Only approved rows feed KPIs, GHG, "
        "the claim check and anything published; a correction waits as a draft while the approved revision "
        "stays the published one.",
        "* Row ids are `kind/` and the key values joined by `/` (lower case, other characters as `-`), e.g. "
        "`donations/2018-06-15/beijing-rainbow-foundation/rainbow-home-education-for-left-behind-children`.",
        "",
        "## Columns of every kind (evidence and entry)",
        "",
        "| column | required | type | unit | meaning |", "|---|---|---|---|---|",
        *[_row(c) for c in common_columns()], "",
    ]
    for k in kinds().values():
        lines += _kind(k)
    return "\n".join(lines).rstrip("\n") + "\n"
