"""The vocabulary data files: every row cites its source and status, codes are real HJ 212 codes, and no
limit value is duplicated here (limits live in ultralow.standards)."""

from __future__ import annotations

import tomllib
from importlib import resources

from ultralow.claims.vocabulary import vocabulary
from ultralow.hj212 import code_tables

FILES = ("units.toml", "currencies.toml", "qualifiers.toml", "lexicon.toml", "context.toml", "verification.toml")


def _doc(name: str) -> dict:  # type: ignore[type-arg]
    with resources.files("ultralow.claims").joinpath("data", name).open("rb") as fh:
        return tomllib.load(fh)


def test_every_row_has_source_and_status() -> None:
    for name in FILES:
        for key, value in _doc(name).items():
            rows = value if isinstance(value, list) else list(value.values()) if key == "rule" else [value]
            for i, row in enumerate(rows):
                assert row.get("source"), f"{name}: {key} #{i}: source missing"
                assert row.get("status") in ("verified", "unverified"), f"{name}: {key} #{i}: status"


def test_pollutant_metrics_carry_real_factor_codes() -> None:
    factors = code_tables().factors
    coded = {m.name: m.code for m in vocabulary().metrics if m.code}
    assert coded["so2_concentration"] == "a21026" and coded["pm_concentration"] == "a34013"
    for name, code in coded.items():
        assert code in factors, f"{name}: {code} is not an HJ 212-2017 factor code"


def test_no_limit_values_in_the_claims_data() -> None:
    # the named standards say which set and source type a text refers to; the numbers come from the
    # standards package or the engine's hours
    for row in _doc("context.toml")["standard"]:
        assert not ({"limit", "limits", "limit_mg_m3", "value"} & set(row)), row["name"]


def test_metric_names_are_unique_and_kinds_known() -> None:
    vocab = vocabulary()
    kinds = {u.kind for u in vocab.units} | {"people", "households", "trees", "count", "rate"}
    for metric in vocab.metrics:
        assert set(metric.kinds) <= kinds, metric.name
        assert metric.evidence in ("emissions", "ledger", "none"), metric.name


def test_scale_words() -> None:
    assert vocabulary().scale_by_word["亿"] == 1e8 and vocabulary().scale_by_word["billion"] == 1e9
