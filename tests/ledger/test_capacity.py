"""The capacity ledger: per-base capacities (units in the column names) into figures, the group total the
sum over the bases that have that kind of capacity; an empty cell is no capacity of that kind, not a zero."""

from __future__ import annotations

from pathlib import Path

import pytest

from ultralow.ledger.book import approve, import_files, ledger_view
from ultralow.ledger.figures import capacity_figures
from ultralow.ledger.kinds import kinds
from ultralow.store.store import Store

BASES = {"zouping-north": "CN", "beihai-alumina": "CN", "boke-guinea": "GN"}
HEADER = ("year,base,aluminium_smelting_t_per_year,alumina_t_per_year,anode_t_per_year,bauxite_mining_t_per_year,"
          "captive_power_mw,evidence_document,evidence_sha256,entered_by,entered_at,note")
TAIL = "permits.pdf,,clerk,2026-01-20,"


@pytest.fixture
def store(tmp_path: Path):
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "permits.pdf").write_bytes(b"discharge permits")
    with Store(tmp_path / "capacity.duckdb") as s:
        yield s


def test_capacity_kind_has_its_units_in_the_column_names() -> None:
    kind = kinds()["capacity"]
    assert kind.key == ("year", "base")
    own = [c.name for c in kind.own_columns]
    assert own[2:] == ["aluminium_smelting_t_per_year", "alumina_t_per_year", "anode_t_per_year",
                       "bauxite_mining_t_per_year", "captive_power_mw"]


def test_capacity_figures_per_base_and_group(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "capacity.csv"
    path.write_text("\n".join([
        HEADER,
        f"2025,zouping-north,1050000,,250000,,2570,{TAIL}",
        f"2025,beihai-alumina,,5200000,,,1280,{TAIL}",
        f"2025,boke-guinea,,,,33890000,60,{TAIL}",
        f"2024,zouping-north,990000,,240000,,2570,{TAIL}",  # another year: not in 2025's figures
    ]) + "\n", encoding="utf-8")
    import_files(store, [path], BASES, tmp_path / "evidence")
    view = ledger_view(store)
    assert not [f for f in capacity_figures(view, 2025, BASES) if f.status == "reported"]  # drafts: unpublished
    approve(store, [r.ref for r in view.draft_only], approver="auditor")
    figures = {f.id: f for f in capacity_figures(ledger_view(store), 2025, BASES)}

    assert figures["capacity.aluminium_smelting_t_per_year"].value == 1_050_000  # Zouping North only
    assert figures["capacity.aluminium_smelting_t_per_year"].unit == "t/a"
    assert figures["capacity.captive_power_mw"].value == 2570 + 1280 + 60  # = 3,910 MW over the three bases
    assert figures["capacity.captive_power_mw"].unit == "MW"
    assert len(figures["capacity.captive_power_mw"].rows) == 3
    assert figures["capacity.alumina_t_per_year.beihai-alumina"].value == 5_200_000
    assert figures["capacity.bauxite_mining_t_per_year.boke-guinea"].value == 33_890_000
    # Beihai has no smelter: an empty cell is "no data", not a zero capacity
    assert figures["capacity.aluminium_smelting_t_per_year.beihai-alumina"].status == "no_data"
    assert figures["capacity.aluminium_smelting_t_per_year.beihai-alumina"].value is None
