"""Rewrite docs/ledgers.md, the data dictionary of the ledger CSV formats, from ledger/data/kinds.toml."""

from __future__ import annotations

from pathlib import Path

from ultralow.ledger.dictionary import dictionary_markdown

TARGET = Path(__file__).resolve().parents[1] / "docs" / "ledgers.md"

if __name__ == "__main__":
    TARGET.write_text(dictionary_markdown(), encoding="utf-8")
    print(f"wrote {TARGET}")
