"""HKEX ESG Code KPIs (Part C, Part D Scope 1/2) with a GRI cross-reference, from the approved ledgers, the
GHG inventory and the compliance engine's annual emissions. Definitions: ``data/hkex.toml``."""
