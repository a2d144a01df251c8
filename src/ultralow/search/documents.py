"""What the search index holds: one document per page, base, outlet, claim or report, per language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchDoc:
    key: str  # the thing found, the same in both languages ("page:overseas", "outlet:zouping-north-u2")
    lang: str  # "en" or "zh"
    kind: str  # page | base | outlet | claim | report
    title: str
    body: str
    path: str  # site path after the language prefix ("overseas", "outlets/zouping-north-u2")
