"""Languages of the site: gettext catalogs (Babel ``.po`` files under ``locales/``), numbers and dates per
locale.

The catalogs are read from their ``.po`` text at start-up (no compiled ``.mo`` files in the repository).
Refresh them after changing user-interface strings (the ledgers name their figures with ``N_`` too)::

    pybabel extract -F src/ultralow/web/babel.cfg -o src/ultralow/web/locales/messages.pot \
        src/ultralow/web src/ultralow/ledger
    pybabel update -i src/ultralow/web/locales/messages.pot -d src/ultralow/web/locales
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    """One language of the site: its URL prefix, ``<html lang>`` / ``hreflang`` tags and Babel locale."""

    code: str  # URL prefix and hreflang
    html_lang: str
    babel_locale: str
    name: str  # its own name, shown in the language switch


LANGUAGES: tuple[Language, ...] = (
    Language("en", "en", "en_GB", "English"),
    Language("zh", "zh-Hans", "zh_Hans_CN", "简体中文"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
DEFAULT = LANGUAGES[0]


@cache
def translations(code: str) -> NullTranslations:
    """The gettext translations of one language (English is the source language: no catalog)."""
    po_path = LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def negotiate(accept_language: str | None) -> Language:
    """The site language a browser's ``Accept-Language`` header prefers (English when none matches)."""
    if not accept_language:
        return DEFAULT
    preferred = [part.split(";")[0].strip() for part in accept_language.split(",")]
    negotiated = Locale.negotiate(preferred, [language.babel_locale for language in LANGUAGES], sep="_")
    if negotiated is None:
        for tag in preferred:
            if tag.lower().startswith("zh"):
                return BY_CODE["zh"]
        return DEFAULT
    for language in LANGUAGES:
        if str(negotiated) == language.babel_locale or negotiated.language == language.code:
            return language
    return DEFAULT


@dataclass(frozen=True)
class Formatter:
    """Numbers and dates in one language's conventions; a null is shown as a dash, never as zero."""

    language: Language
    missing: str = "–"

    def number(self, value: float | int | None, digits: int = 1) -> str:
        if value is None:
            return self.missing
        pattern = "#,##0" if digits <= 0 else "#,##0." + "0" * digits
        return format_decimal(value, format=pattern, locale=self.language.babel_locale)

    def percent(self, fraction: float | None, digits: int = 1) -> str:
        """``fraction`` is 0–1 (0.995 → 99.5 %)."""
        if fraction is None:
            return self.missing
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
        return format_percent(fraction, format=pattern, locale=self.language.babel_locale)

    def day(self, value: date | None) -> str:
        if value is None:
            return self.missing
        return format_date(value, format="medium", locale=self.language.babel_locale)

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return self.missing
        return format_datetime(value, format="medium", locale=self.language.babel_locale)
