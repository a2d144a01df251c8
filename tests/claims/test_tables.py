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


def test_thousands_units_footnote_marks_and_per_product_units() -> None:
    text = ("| KPI | Indicator | Unit | 2023 | 2024 |\n|---|---|---|---|---|\n"
            "| A1.2 | Scope 1 GHG emissions | '000 tCO2e | 98,400 | 95,100 |\n"
            "| A1.2 | GHG intensity | tCO2e/t Al | 12.6 | 11.6 |\n"
            "| A1.4 | Non-hazardous waste² | million t | 32.5 | 33.2 |\n")
    got = rows(text)
    # '000 tCO2e: 98,400 × 10^3 = 9.84e7 t CO2e; million t: 32.5 × 10^6 = 3.25e7 t
    assert [(m, u, p) for m, _, u, p, _ in got] == [
        ("scope1_emissions", "t CO2e", "2023"), ("scope1_emissions", "t CO2e", "2024"),
        ("carbon_intensity", "t CO2e/t", "2023"), ("carbon_intensity", "t CO2e/t", "2024"),
        ("non_hazardous_waste", "t", "2023"), ("non_hazardous_waste", "t", "2024")]
    assert [v for _, v, _, _, _ in got] == pytest.approx([9.84e7, 9.51e7, 12.6, 11.6, 3.25e7, 3.32e7])


def test_years_down_with_thousands_of_currency_and_a_change_column() -> None:
    text = ("| 年份 | 营业收入（亿元） | 公益捐赠（人民币万元） | 同比 |\n|---|---|---|---|\n"
            "| 2023 | 1,562.3 | 3,860 | -23.7% |\n")
    # 1,562.3亿元 = 1.5623e11 CNY; 3,860万元 = 3.86e7 CNY; 同比 is the change of the donation column on its left
    assert rows(text) == [("revenue", 1.5623e11, "CNY", "2023", None), ("donation", 3.86e7, "CNY", "2023", None),
                          ("donation_change", -23.7, "%", "2023", None)]
    text = "| Year | Environmental spend (RMB'000) |\n|---|---|\n| 2024 | 2,300,000 |\n"
    assert rows(text) == [("environmental_investment", 2.3e9, "CNY", "2024", None)]  # 2,300,000 × 10^3


def test_targets_table_with_worded_and_dated_year_columns() -> None:
    text = ("| Target | Baseline (2020) | 2024 | Target year |\n|---|---|---|---|\n"
            "| Scope 1 and 2 GHG emissions (MtCO2e) | 108.9 | 106.3 | 2030: 87.1 |\n")
    got = rows(text)
    assert [(m, u, p) for m, _, u, p, _ in got] == [("ghg_emissions", "t CO2e", "2020"),
                                                    ("ghg_emissions", "t CO2e", "2024"),
                                                    ("ghg_emissions", "t CO2e", "2030")]
    assert [v for _, v, _, _, _ in got] == pytest.approx([1.089e8, 1.063e8, 8.71e7])  # Mt = 10^6 t


def test_content_index_reads_prose_cells_with_the_row_label() -> None:
    text = ("<table><tr><th>GRI Standard</th><th>Disclosure</th><th>Location / direct response</th><th>Page</th></tr>"
            "<tr><td>GRI 2: General Disclosures 2021</td><td>2-7 Employees</td>"
            "<td>42,980 employees at year-end, of whom 8,040 are women</td><td>58</td></tr>"
            "<tr><td>GRI 204</td><td>204-1 Proportion of spending on local suppliers</td>"
            "<td>41% of procurement spend</td><td>73</td></tr>"
            "<tr><td>GRI 306: Waste 2020</td><td>306-3 Waste generated</td>"
            "<td>Hazardous: 35,010 t; non-hazardous: 33.2 million t</td><td>61</td></tr></table>")
    # disclosure numbers (2-7, 204-1) and page numbers are not claims; "Hazardous:" + "Waste generated" names
    # the figure; 33.2 million t = 3.32e7 t
    assert rows(text, "t.html") == [("employees", 42980.0, "people", None, None),
                                    ("female_employees", 8040.0, "people", None, None),
                                    ("local_procurement_share", 41.0, "%", None, None),
                                    ("hazardous_waste", 35010.0, "t", None, None),
                                    ("non_hazardous_waste", 3.32e7, "t", None, None)]
