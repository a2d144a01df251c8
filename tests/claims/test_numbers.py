"""Figures in text: scale words, units, qualifiers, ranges, changes, and what is not a figure."""

from __future__ import annotations

import pytest

from ultralow.claims.numbers import parse_cjk_numeral, scan_quantities
from ultralow.claims.periods import scan_periods
from ultralow.claims.vocabulary import vocabulary


def figures(text: str) -> list[tuple[str, float, float | None, str | None, str, int]]:
    """(as written, value, value_max, unit, qualifier, change) of each figure."""
    return [(text[q.start:q.end], q.value, q.value_max, q.unit, q.qualifier, q.change)
            for q in scan_quantities(vocabulary(), text)]


@pytest.mark.parametrize(("text", "expected"), [
    # issue 6: "90 billion Yuan" -> 9.0e10 CNY; "$200 million" -> 2.0e8 USD; "6 million tonnes" -> 6.0e6 t
    ("paid more than 90 billion Yuan in taxes", [("90 billion Yuan", 9.0e10, None, "CNY", "more_than", 0)]),
    ("a $200 million bond", [("$200 million", 2.0e8, None, "USD", "exactly", 0)]),
    ("capacity of 6 million tonnes", [("6 million tonnes", 6.0e6, None, "t", "exactly", 0)]),
    # 900亿元 = 900 × 10^8 = 9.0e10; 4.3万余人 = 4.3 × 10^4 = 43,000, "余" = more than
    ("累计纳税超过900亿元", [("900亿元", 9.0e10, None, "CNY", "more_than", 0)]),
    ("现有员工4.3万余人", [("4.3万余人", 43000.0, None, "people", "more_than", 0)]),
    # 600万吨/年 = 600 × 10^4 t per year; 1.2万千瓦 = 1.2 × 10^4 kW (万 then the unit 千瓦, not 千 as a scale)
    ("产能600万吨/年", [("600万吨/年", 6.0e6, None, "t/yr", "exactly", 0)]),
    ("装机1.2万千瓦", [("1.2万千瓦", 12000.0, None, "kW", "exactly", 0)]),
    ("1,000 MW of solar", [("1,000 MW", 1.0e6, None, "kW", "exactly", 0)]),  # 1 MW = 10^3 kW
    ("about 15 mg/m3", [("15 mg/m3", 15.0, None, "mg/m3", "about", 0)]),
    ("浓度约为18毫克/立方米", [("18毫克/立方米", 18.0, None, "mg/m3", "about", 0)]),
    ("15毫克/立方米左右", [("15毫克/立方米", 15.0, None, "mg/m3", "about", 0)]),
    ("at least 30%", [("30%", 30.0, None, "%", "at_least", 0)]),
    ("up to 1,000 employees", [("1,000", 1000.0, None, "people", "up_to", 0)]),
    ("below 35 mg/m3", [("35 mg/m3", 35.0, None, "mg/m3", "less_than", 0)]),
    # ranges
    ("range from 12 to 20 mg/m3", [("12 to 20 mg/m3", 12.0, 20.0, "mg/m3", "exactly", 0)]),
    ("稳定在3至6毫克/立方米", [("3至6毫克/立方米", 3.0, 6.0, "mg/m3", "exactly", 0)]),
    ("between 15 and 20 m3", [("15 and 20 m3", 15.0, 20.0, "m3", "exactly", 0)]),
    ("5-8万元", [("5-8万元", 5.0e4, 8.0e4, "CNY", "exactly", 0)]),  # the scale 万 applies to both ends
    # changes
    ("up 18% year on year", [("18%", 18.0, None, "%", "exactly", 1)]),
    ("同比下降12.5%", [("12.5%", 12.5, None, "%", "exactly", -1)]),
    ("we cut emissions by 62%", [("62%", 62.0, None, "%", "exactly", -1)]),
    # "fell from A to B": two levels, not a range and not a change amount
    ("fell from 1,371 t to 1,234 t", [("1,371 t", 1371.0, None, "t", "exactly", 0), ("1,234 t", 1234.0, None, "t", "exactly", 0)]),
    # spelled-out counts need a counted noun
    ("to build two medical stations", [("two", 2.0, None, "count", "exactly", 0)]),
    ("援建水井三十六口", [("三十六口", 36.0, None, "count", "exactly", 0)]),
    ("zero fatalities", [("zero", 0.0, None, "people", "exactly", 0)]),
])
def test_figures(text: str, expected: list[tuple[str, float, float | None, str | None, str, int]]) -> None:
    got = figures(text)
    assert [(g[0], g[2], g[3], g[4], g[5]) for g in got] == [(e[0], e[2], e[3], e[4], e[5]) for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert g[1] == pytest.approx(e[1], rel=1e-12)


@pytest.mark.parametrize("text", [
    "In 2015, the group",  # a year is a period, not a figure
    "COVID-19 epidemic",
    "GB 13223-2011 Table 1",
    "Article 130 of the Mining Code",
    "the 14th Five-Year Plan",
    "SO2 and PM2.5",
    "截至2023年12月31日",
    "stock code 1378",
    "Fortune Global 500",
    "see note [^1] and ¹",
])
def test_not_figures(text: str) -> None:
    assert figures(text) == []


def test_counted_noun_within_four_words_makes_a_bare_number_a_count() -> None:
    text = "built 10 provincial-level standardized high-standard kindergartens"
    [(written, value, _, unit, _, _)] = figures(text)
    assert (written, value, unit) == ("10", 10.0, "count")


def test_precision_step_follows_the_written_digits() -> None:
    # "13.5 million": last digit is 0.1 million = 1e5 yuan; "15": 1
    [q] = scan_quantities(vocabulary(), "13.5 million Yuan")
    assert q.step == pytest.approx(1e5)
    [q] = scan_quantities(vocabulary(), "15 mg/m3")
    assert q.step == 1.0


def test_cjk_numerals() -> None:
    assert [parse_cjk_numeral(x) for x in ("两", "十", "十五", "二十", "三百", "三十六")] == [2, 10, 15, 20, 300, 36]


@pytest.mark.parametrize(("text", "periods"), [
    ("in 2023 we paid", ["2023"]),
    ("since 2015 we have", ["2015/.."]),
    ("from 2019 to 2023", ["2019/2023"]),
    ("2019年至2023年", ["2019/2023"]),
    ("截至2023年12月31日", ["2023-12-31"]),
    ("As at 31 December 2023", ["2023-12-31"]),
    ("“十四五”期间", ["2021/2025"]),
    ("FY2022 revenue", ["2022"]),
])
def test_periods(text: str, periods: list[str]) -> None:
    assert [p.period for p in scan_periods(vocabulary(), text)] == periods


def test_comparative_year_is_marked_baseline() -> None:
    [p] = scan_periods(vocabulary(), "compared with 2022")
    assert p.baseline
    [p] = scan_periods(vocabulary(), "(2021: RMB 114.5 billion)")
    assert p.baseline


@pytest.mark.parametrize(("text", "expected"), [
    # a mass "a year" is a rate: 2 Mt = 2 × 10^6 t; "of <product>" between them belongs to it
    ("capacity of 2 million tonnes of alumina a year", [("2 million tonnes of alumina a year", 2.0e6, None, "t/yr",
                                                         "exactly", 0)]),
    ("capacity 2 Mt/yr", [("2 Mt/yr", 2.0e6, None, "t/yr", "exactly", 0)]),
    # the product of a per-tonne unit is part of the unit
    ("13,150 kWh per tonne of aluminium", [("13,150 kWh per tonne of aluminium", 13150.0, None, "kWh/t", "exactly", 0)]),
    ("12.6 吨二氧化碳当量/吨铝", [("12.6 吨二氧化碳当量/吨铝", 12.6, None, "t CO2e/t", "exactly", 0)]),
    # ore tonnages: 45.1 × 10^6 wet tonnes; GRI water in megalitres: 138,900 ML × 10^3 m3 = 1.389e8 m3
    ("mined 45.1 million wet tonnes", [("45.1 million wet tonnes", 4.51e7, None, "t", "exactly", 0)]),
    ("138,900 megaliters", [("138,900 megaliters", 1.389e8, None, "m3", "exactly", 0)]),
    # 95.1 MtCO2e = 95.1 × 10^6 t CO2e
    ("95.1 MtCO2e in 2024", [("95.1 MtCO2e", 9.51e7, None, "t CO2e", "exactly", 0)]),
    # a noun between the figure and its unit; "m" straight after the digits = million (4.2 × 10^6 h)
    ("gave 86,000 volunteer hours", [("86,000 volunteer hours", 86000.0, None, "h", "exactly", 0)]),
    ("4.2m training hours", [("4.2m training hours", 4.2e6, None, "h", "exactly", 0)]),
    ("US$6.3m invested", [("US$6.3m", 6.3e6, None, "USD", "exactly", 0)]),
    ("RMB1.9bn capex", [("RMB1.9bn", 1.9e9, None, "CNY", "exactly", 0)]),
    # "15m high": no currency and no unit, so "m" is no scale (it may be metres): the bare 15 stays 15
    ("a 15m high wall of 12 m2", [("15", 15.0, None, None, "exactly", 0), ("12 m2", 12.0, None, "m2", "exactly", 0)]),
    # a sum of money per tonne is a price
    ("a carbon price of RMB 80 per tonne of CO2e", [("RMB 80 per tonne of CO2e", 80.0, None, "CNY/t", "exactly", 0)]),
    ("LTIFR 0.14 per million hours worked", [("0.14 per million hours worked", 0.14, None, "per_million_hours",
                                              "exactly", 0)]),
    # 逾百亿元: a scale word without digits after a qualifier = 1 × 10^10
    ("上缴税费逾百亿元", [("百亿元", 1.0e10, None, "CNY", "more_than", 0)]),
    # a change written after the figure, against an earlier year or an average
    ("intensity was 7.9% below its 2022 level", [("7.9%", 7.9, None, "%", "exactly", -1)]),
    ("about 300 kWh lower than the industry average", [("300 kWh", 300.0, None, "kWh", "about", -1)]),
    ("28 mg/m3, well below the limit", [("28 mg/m3", 28.0, None, "mg/m3", "exactly", 0)]),  # a limit: no change
    # a qualifier between the change word and the figure; a Chinese comparative "较…低"
    ("output grew by roughly 16%", [("16%", 16.0, None, "%", "about", 1)]),
    ("较行业平均水平低约300千瓦时", [("300千瓦时", 300.0, None, "kWh", "about", -1)]),
    ("↓12% SO2 emissions", [("12%", 12.0, None, "%", "exactly", -1)]),
    # a counted noun used as a modifier: the head noun is counted
    ("1,300 secondary-school pupils", [("1,300", 1300.0, None, "people", "exactly", 0)]),
    # a number word after "the" points back; "one" with a counted noun is a count
    ("in the two countries", []),
    ("one contractor fatality", [("one", 1.0, None, "people", "exactly", 0)]),
])
def test_forms_of_disclosure_reports(text: str, expected: list[tuple[str, float, float | None, str | None, str, int]]
                                     ) -> None:
    got = figures(text)
    assert [(g[0], g[2], g[3], g[4], g[5]) for g in got] == [(e[0], e[2], e[3], e[4], e[5]) for e in expected]
    assert [g[1] for g in got] == pytest.approx([e[1] for e in expected])
