"""The pages' own text in both languages (``data/pages.toml``)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

PAGES_FILE = Path(__file__).parent / "data" / "pages.toml"


@cache
def page_copy() -> dict[str, dict[str, str]]:
    with PAGES_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {slug: {lang: str(text).strip() for lang, text in texts.items()} for slug, texts in data.items()}


def intro(slug: str, lang: str) -> str:
    return page_copy().get(slug, {}).get(lang, "")
