"""Marking text for the site's translation catalog where the web layer is not imported (the ledgers name
their figures; the site shows those names translated).

``N_`` is one of Babel's default extraction keywords: ``pybabel extract`` (command in
``ultralow.web.i18n``) collects the strings wrapped in it from every directory it is given.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention Babel extracts
    """Marks a string for the catalog; translated where it is shown."""
    return message
