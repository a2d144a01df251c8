"""KPI tables: years across, years down, entities down; unit columns and change columns."""

from __future__ import annotations

import pytest

from ultralow.claims import extract_claims, parse_document


def rows(text: str, name: str = "t.md") -> list[tuple[str, float, str, str | None, str | None]]:
    return [(c.metric, c.value, c.unit, c.period, c.entity) for c in extract_claims(parse_document(name, text))]


def test_years_across_with_unit_column_scale_and_change_column() -> None:
    text = ("| Indicator | Unit | 2022 | 2023 | YoY (%) |\n|---|---|---|---|---|\n"
            "| SO2 emissions | t | 8,215 | 7,406 | -9.8 |\n"
            "| Primary aluminium output | 10,000 t | 591.4 | 604.6 | 2.2 |\n")
    got = rows(text)
    assert got[:3] == [("so2_emissions", 8215.0, "t", "2022", None), ("so2_emissions", 7406.0, "t", "2023", None),
                       ("so2_emissions_change", -9.8, "%", "2023", None)]
    # "10,000 t": 591.4 × 10,000 = 5,914,000 t
    assert got[3][:4] == ("production", 5914000.0, "t", "2022")
    assert got[4][1] == pytest.approx(6046000.0)


def test_chinese_header_units_and_years_down() -> None:
    text = ("| 年度 | 纳税总额（亿元） | 对外捐赠（万元） |\n|---|---|---|\n"
            "| 2022年 | 82.9 | 5,060 |\n| 2023年 | 86.5 | 3,860 |\n")
    # 82.9亿元 = 82.9 × 10^8 = 8.29e9; 5,060万元 = 5,060 × 10^4 = 5.06e7
    assert rows(text) == [("taxes_paid", 8.29e9, "CNY", "2022", None), ("donation", 5.06e7, "CNY", "2022", None),
                          ("taxes_paid", 8.65e9, "CNY", "2023", None), ("donation", 3.86e7, "CNY", "2023", None)]


def test_entities_down_without_years() -> None:
    text = ("<table><tr><th>Operation</th><th>Employees</th><th>Local employees (%)</th></tr>"
            "<tr><td>Boké mine, Guinea</td><td>6,420</td><td>93.5</td></tr></table>")
    assert rows(text, "t.html") == [("employees", 6420.0, "people", None, "Guinea"),
                                    ("local_employee_share", 93.5, "%", None, "Guinea")]


def test_empty_and_dash_cells_are_not_claims() -> None:
    text = "| Indicator | Unit | 2022 | 2023 |\n|---|---|---|---|\n| Hazardous waste | t | — | n/a |\n"
    assert rows(text) == []
