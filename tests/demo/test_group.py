"""The demo group data files: registry (group.toml), production (production.csv), scenario (scenario.toml)."""

from __future__ import annotations

import csv
from collections import Counter
from importlib import resources

import pytest

from ultralow.demo.group import choose_outlets, demo_registry, group_for_run, read_group_text, subset_text
from ultralow.demo.scenario import read_scenario
from ultralow.registry import parse_registry
from ultralow.standards import packaged_catalog


@pytest.fixture(scope="module")
def registry():
    return demo_registry()


def test_eleven_bases_in_china_guinea_and_indonesia(registry):
    assert len(registry.bases) == 11
    countries = Counter(b.country for b in registry.bases)
    assert countries == {"CN": 9, "GN": 1, "ID": 1}
    guinea = next(b for b in registry.bases if b.country == "GN")
    indonesia = next(b for b in registry.bases if b.country == "ID")
    assert guinea.timezone == "Africa/Conakry" and guinea.utc_offset_min == 0
    assert indonesia.timezone == "Asia/Pontianak" and indonesia.utc_offset_min == 7 * 60
    assert "bauxite" in guinea.name.lower() and "alumina" in indonesia.name.lower()


def test_outlets_cover_the_chain_with_unique_mns(registry):
    outlets = registry.outlets
    assert 50 <= len(outlets) <= 80
    # counted here, not trusted to the registry parser
    assert len({o.mn for o in outlets}) == len(outlets)
    assert len({o.id for o in outlets}) == len(outlets)
    types = Counter(o.source_type for o in outlets)
    for needed in ("coal_boiler", "gas_turbine", "alumina_calciner", "potline", "anode_baking"):
        assert types[needed] >= 1, needed
    assert all(o.pw for o in outlets)


def test_everything_is_labelled_synthetic(registry):
    text = read_group_text()
    assert "SYNTHETIC" in text
    assert "synthetic" in (registry.group_name or "").lower()
    assert all("(synthetic" in b.name for b in registry.bases)


def test_limit_sets_exist_in_the_standards(registry):
    known = {row.set_key for row in packaged_catalog().rows} | {row.set_id for row in packaged_catalog().rows}
    for outlet in registry.outlets:
        assert outlet.limit_sets, outlet.id
        for entry in outlet.limit_sets:
            assert entry in known, (outlet.id, entry)
    coal_cn = [o for o in registry.outlets if o.source_type == "coal_boiler" and registry.base(o.base).country == "CN"]
    assert coal_cn and all("ultra-low-2015" in o.limit_sets for o in coal_cn)


def test_incident_outlets_exist_and_come_first_in_small_runs(registry):
    scenario = read_scenario()
    first = scenario.incident_outlets()
    assert len(first) == 4
    assert all(registry.outlet(i) for i in first)
    chosen = choose_outlets(registry, 5, first)
    assert [o.id for o in chosen[:4]] == first
    # the fifth is of a source type none of the four has
    assert chosen[4].source_type not in {o.source_type for o in chosen[:4]}


def test_subset_registry_keeps_only_the_chosen_outlets(registry):
    text = read_group_text()
    small = parse_registry(subset_text(text, ["huimin-u1", "wenshan-green-ab1"]))
    assert [o.id for o in small.outlets] == ["huimin-u1", "wenshan-green-ab1"]
    assert len(small.bases) == 11 and small.group_name == registry.group_name
    assert small.outlet("huimin-u1") == registry.outlet("huimin-u1")
    assert len(group_for_run(None).outlets) == len(registry.outlets)
    assert len(group_for_run(7, read_scenario().incident_outlets()).outlets) == 7


def test_production_ledger_per_base_and_month(registry):
    # the former demo/data/production.csv, now the production ledger the demo imports and approves
    text = resources.files("ultralow.demo").joinpath("data", "ledgers", "production.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == 11 * 12
    assert {r["base"] for r in rows} == {b.id for b in registry.bases}
    assert all("SYNTHETIC" in r["note"] for r in rows)
    by_base = {}
    for r in rows:
        by_base.setdefault(r["base"], []).append(r)
    assert all(sorted(r["month"] for r in v) == [f"2025-{m:02d}" for m in range(1, 13)] for v in by_base.values())
    types = {b.id: {o.source_type for o in registry.outlets if o.base == b.id} for b in registry.bases}
    for r in rows:
        numbers = {k: float(v) for k, v in r.items() if k.endswith(("_t", "_mwh", "_m3")) and v != ""}
        assert all(v >= 0 for v in numbers.values())
        # each product only where the registry has the plant that makes it
        assert (numbers["aluminium_t"] > 0) == ("potline" in types[r["base"]])
        assert (numbers["alumina_t"] > 0) == ("alumina_calciner" in types[r["base"]])
        assert (numbers["anode_baked_t"] > 0) == ("anode_baking" in types[r["base"]])
        assert (numbers["bauxite_t"] > 0) == (registry.base(r["base"]).country == "GN")
    # Zouping North, January: 4 potlines x 250 kt/a x 31/365 = 84,932 t, within the file's +-3 % utilisation
    january = next(r for r in rows if r["base"] == "zouping-north" and r["month"] == "2025-01")
    assert 84_932 * 0.97 <= float(january["aluminium_t"]) <= 84_932 * 1.03
