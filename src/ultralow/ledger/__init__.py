"""Ledgers: the social, community, economic and production figures behind the published texts, each row
with its evidence document, who entered it and when, draft until a named approver approves it, corrected
only by new revisions. Formats: ``data/kinds.toml`` (documented in ``docs/ledgers.md``)."""
