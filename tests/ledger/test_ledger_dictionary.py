"""docs/ledgers.md is the data dictionary of every ledger CSV format, written from kinds.toml and current."""

from __future__ import annotations

from pathlib import Path

from ultralow.ledger.dictionary import dictionary_markdown, unit_of
from ultralow.ledger.kinds import kinds

DOC = Path(__file__).resolve().parents[2] / "docs" / "ledgers.md"


def test_the_document_is_current():
    assert DOC.read_text(encoding="utf-8") == dictionary_markdown(), "run: python tools/ledger_dictionary.py"


def test_every_kind_and_column_is_described_with_a_unit_where_it_has_one():
    text = DOC.read_text(encoding="utf-8")
    for kind in kinds().values():
        assert f"## `{kind.name}`:" in text
        for column in kind.columns:
            assert f"| `{column.name}` |" in text
            if column.type in ("quantity", "count", "rate"):
                assert unit_of(column) not in ("–", ""), column.name  # a number always says its unit
