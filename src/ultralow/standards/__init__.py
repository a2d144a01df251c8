"""Emission standards as data: limit sets (one file per standard, each row citing its table or clause),
the HJ 75/76 processing rules, and the selection of the strictest applicable limit."""

from ultralow.standards.catalog import (
    LimitCatalog,
    LimitRow,
    LimitSet,
    RuleDataError,
    load_catalog,
    packaged_catalog,
)
from ultralow.standards.rules import RuleBook, load_rules, packaged_rules
from ultralow.standards.selection import outlet_candidates, strictest

__all__ = [
    "LimitCatalog",
    "LimitRow",
    "LimitSet",
    "RuleBook",
    "RuleDataError",
    "load_catalog",
    "load_rules",
    "outlet_candidates",
    "packaged_catalog",
    "packaged_rules",
    "strictest",
]
