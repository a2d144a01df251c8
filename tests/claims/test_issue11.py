"""Issue 11: the forms that failed on real reports, one test each, and the named rules of claim assembly.

Expected values are worked by hand next to each case."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ultralow.claims import extract_claims, parse_document, read_document
from ultralow.claims.extract import direction_of
from ultralow.claims.number_words import cjk_value, durations, word_value
from ultralow.claims.rules import PREVIOUS_FIGURE_CHARS
from ultralow.claims.vocabulary import vocabulary

DATA = Path(__file__).parent / "data" / "texts"


def claims(text: str, name: str = "t.txt") -> list[tuple[str, str, float, float | None, str, str]]:
    """(as written, metric, value, value_max, unit, qualifier) of each claim."""
    doc = parse_document(name, text)
    return [(doc.text[c.span[0]:c.span[1]], c.metric, c.value, c.value_max, c.unit, c.qualifier)
            for c in extract_claims(doc)]


def one(text: str, name: str = "t.txt") -> tuple[str, float, str]:
    [c] = claims(text, name)
    return c[1], c[2], c[4]


# ----------------------------------------------------------------- plain-text and PDF tables
def test_plain_text_table_with_unit_header_line_and_years() -> None:
    text = ("GHG emissions by business\n"
            "Million mt CO2e          2010   2011\n"
            "Alumina                  5.63   5.52\n"
            "Aluminium               14.25  13.78\n")
    got = [(m, v, u) for _, m, v, _, u, _ in claims(text)]
    # header line: "Million mt CO2e" = 10^6 t CO2e per cell; 5.63 x 10^6 = 5,630,000; the caption names the metric
    assert got == [("ghg_emissions", 5_630_000.0, "t CO2e"), ("ghg_emissions", 5_520_000.0, "t CO2e"),
                   ("ghg_emissions", 14_250_000.0, "t CO2e"), ("ghg_emissions", 13_780_000.0, "t CO2e")]
    doc = parse_document("t.txt", text)
    assert [c.period for c in extract_claims(doc)] == ["2010", "2011", "2010", "2011"]


def test_plain_text_table_with_unit_column() -> None:
    text = ("Indicator              Unit              2022     2023\n"
            "SO2 emissions          thousand tonnes   15.3     14.2\n"
            "Energy consumption     TWh               31.8     31.2\n")
    got = [(m, v, u) for _, m, v, _, u, _ in claims(text)]
    # 15.3 thousand tonnes = 15,300 t; 31.8 TWh = 31.8 x 10^9 kWh
    assert got == [("so2_emissions", 15_300.0, "t"), ("so2_emissions", 14_200.0, "t"),
                   ("energy_consumption", 31.8e9, "kWh"), ("energy_consumption", 31.2e9, "kWh")]


def test_pdf_tables_with_page_locations() -> None:
    doc = read_document(DATA / "dev_pdf_tables.pdf")
    assert doc.kind == "pdf" and len(doc.pages) == 2 and len(doc.tables) == 2
    found = {(c.metric, c.period): c for c in extract_claims(doc)}
    scope1 = found[("scope1_emissions", "2021")]
    # "kt CO2e" unit column: 2,841 kt = 2,841,000 t CO2e, on page 1
    assert (scope1.value, scope1.unit, scope1.page) == (2_841_000.0, "t CO2e", 1)
    page_text = doc.text[doc.pages[0]:doc.pages[1]]
    assert page_text[scope1.page_span[0]:scope1.page_span[1]] == "2,841"  # type: ignore[index]
    ltifr = found[("ltifr", "2023")]
    assert (ltifr.value, ltifr.unit, ltifr.page) == (1.3, "per_million_hours", 2)
    assert ltifr.to_json()["location"]["page"] == 2


def test_html_table_caption_scales_cells() -> None:
    html = ("<table><caption>Emissions to air (thousand tonnes unless stated)</caption>"
            "<tr><th>Indicator</th><th>2022</th><th>2023</th></tr>"
            "<tr><td>Sulphur dioxide (SO2)</td><td>4.3</td><td>4.1</td></tr></table>")
    # 4.3 thousand tonnes = 4,300 t
    assert [(m, v, u) for _, m, v, _, u, _ in claims(html, "t.html")] == [
        ("so2_emissions", 4_300.0, "t"), ("so2_emissions", 4_100.0, "t")]


def test_markdown_table_caption_heading_scales_cells() -> None:
    md = ("## 表2 能源与温室气体（单位：万吨）\n\n| 指标 | 2022年 | 2023年 |\n| --- | --- | --- |\n"
          "| 温室气体排放总量（二氧化碳当量） | 1,318 | 1,276 |\n| 综合能耗（标准煤） | 598.7 | 585.3 |\n")
    # 万吨 = 10^4 t: 1,318 x 10^4 = 13,180,000 t CO2e; 598.7 x 10^4 = 5,987,000 tce
    assert [(m, v, u) for _, m, v, _, u, _ in claims(md, "t.md")] == [
        ("ghg_emissions", 13_180_000.0, "t CO2e"), ("ghg_emissions", 12_760_000.0, "t CO2e"),
        ("energy_consumption", 5_987_000.0, "tce"), ("energy_consumption", 5_853_000.0, "tce")]


# ----------------------------------------------------------------- intensities and compound units
@pytest.mark.parametrize(("text", "expected"), [
    ("The carbon intensity was 8 tonnes carbon dioxide equivalent per tonne of aluminium.",
     ("carbon_intensity", 8.0, "t CO2e/t")),
    ("Fluoride emissions were 0.25 kilogrammes of fluoride per tonne of aluminium.",
     ("fluoride_intensity", 0.25, "kg/t")),
    # 21.8 million metric tons of CO2e = 21,800,000 t CO2e, not plain tonnes
    ("Greenhouse gas emissions were 21.8 million metric tons of carbon dioxide equivalent.",
     ("ghg_emissions", 21_800_000.0, "t CO2e")),
    ("Refinery energy intensity fell to 10.4 GJ per tonne of alumina.", ("energy_intensity", 10.4, "GJ/t")),
    ("吨铝直流电耗降至12,450千瓦时。", ("power_consumption_per_tonne", 12_450.0, "kWh/t")),
    ("The TRIFR was 1.42 per million hours worked.", ("trifr", 1.42, "per_million_hours")),
    ("累计复垦土地3,600亩。", ("land_rehabilitated", 3_600.0, "mu")),
    ("We restored 48 hectares of land.", ("land_rehabilitated", 48.0, "ha")),
    ("全年发电量3.6亿千瓦时。", ("power_generation", 3.6e8, "kWh")),  # 3.6 x 10^8
    ("Electricity consumption was 11,640 MWh.", ("energy_consumption", 11_640_000.0, "kWh")),  # x 1,000
])
def test_units(text: str, expected: tuple[str, float, str]) -> None:
    metric, value, unit = one(text)
    assert (metric, unit) == expected[::2] and value == pytest.approx(expected[1])


# ----------------------------------------------------------------- number words
@pytest.mark.parametrize(("text", "expected"), [
    ("We operate one aluminum smelter in Iceland.", ("one", "production_bases", 1.0, None, "count",
                                                     "exactly")),
    ("It produces just over one million tonnes per year.", ("one million tonnes per year", "production", 1e6, None,
                                                            "t/yr", "more_than")),
    ("About half of the electricity we used came from renewable sources.",
     ("half", "renewable_share", 50.0, None, "%", "about")),
    ("全年实施节能改造项目十余个。", ("十余个", "projects", 10.0, None, "count", "more_than")),
    ("公司环保投入三亿五千万元。", ("三亿五千万元", "environmental_investment", 3.5e8, None, "CNY", "exactly")),
    ("全年综合能耗约二百四十万吨标准煤。", ("二百四十万吨标准煤", "energy_consumption", 2.4e6, None, "tce", "about")),
    ("We aim to cut greenhouse gas emissions by 30-35% by 2030.",
     ("30-35%", "ghg_emissions_change", -35.0, -30.0, "%", "exactly")),
])
def test_number_words_ranges_and_qualifiers(text: str, expected: tuple[object, ...]) -> None:
    [got] = claims(text)
    assert got == expected


def test_number_word_values() -> None:
    assert [word_value(w) for w in ("four", "twenty-one", "one hundred and five", "五", "十二", "7")] == [
        4.0, 21.0, 105.0, 5.0, 12.0, 7.0]
    assert cjk_value("三亿五千万") == 350_000_000.0  # 3 x 10^8 + 5000 x 10^4
    assert cjk_value("六点五") == 6.5
    assert cjk_value("十四五") is None  # a plan period, not a numeral


def test_chinese_percent_in_words() -> None:
    [c] = claims("万元产值综合能耗同比下降百分之十五。")
    assert c[1:5] == ("energy_intensity_change", -15.0, None, "%")


# ----------------------------------------------------------------- durations and dates
@pytest.mark.parametrize(("text", "value"), [("公司已连续3年获评绿色工厂。", 3.0), ("The plant has operated for 4 years.", 4.0),
                                             ("for three consecutive years", 3.0), ("连续五年实现零事故", 5.0)])
def test_durations(text: str, value: float) -> None:
    [d] = durations(text, 0, len(text))
    assert d.value == value


def test_duration_is_a_claim_in_years() -> None:
    assert claims("公司已连续3年获评国家级绿色工厂。") == [("3年", "unclassified", 3.0, None, "yr", "exactly")]


def test_a_date_is_not_a_duration() -> None:
    assert claims("2023年6月13日，公司举办开放日活动。") == []


def test_value_that_looks_like_a_year_keeps_its_period() -> None:
    doc = parse_document("t.txt", "公司2016年总能耗为2019万吨标煤。")
    [c] = extract_claims(doc)
    # 2019万吨标煤 = 20,190,000 tce; the period is 2016, not 2019
    assert (c.metric, c.value, c.unit, c.period) == ("energy_consumption", 20_190_000.0, "tce", "2016")


# ----------------------------------------------------------------- the one sign and direction rule
@pytest.mark.parametrize(("text", "metric", "value"), [
    ("Emissions were 21.8 Mt CO2e, a 23.9 percent reduction from 2019.", "ghg_emissions_change", -23.9),
    ("Water withdrawal was 18.4 million cubic metres, a 6.2% decrease on 2022.", "water_consumption_change", -6.2),
    ("Perfluorocarbon emissions recorded a 93% reduction since 1990.", "pfc_emissions_change", -93.0),
    ("We reduced sulphur dioxide emissions by 10%.", "so2_emissions_change", -10.0),
    ("Sulphur dioxide emissions fell 9.1 percent.", "so2_emissions_change", -9.1),
    ("Revenue rose 5% on the prior year.", "revenue_change", 5.0),
])
def test_one_sign_rule(text: str, metric: str, value: float) -> None:
    doc = parse_document("t.txt", text)
    [c] = [c for c in extract_claims(doc) if c.metric.endswith("_change")]
    assert (c.metric, c.value) == (metric, value)
    assert c.direction == ("decrease" if value < 0 else "increase")
    assert c.to_json()["direction"] == c.direction


def test_direction_of() -> None:
    assert [direction_of("x_change", v) for v in (-1.0, 0.0, 2.0)] == ["decrease", "none", "increase"]
    assert direction_of("so2_emissions", -1.0) is None


# ----------------------------------------------------------------- metrics: enumerations and subjects
def test_enumeration_pairs_metrics_in_order() -> None:
    got = claims("2023年，公司二氧化硫、氮氧化物、颗粒物排放总量分别下降10.92%、67.06%、25.3%。")
    assert [(m, v) for _, m, v, _, _, _ in got] == [
        ("so2_emissions_change", -10.92), ("nox_emissions_change", -67.06), ("pm_emissions_change", -25.3)]


def test_fluoride_emissions_and_intensity_by_subject() -> None:
    got = claims("Since 2015 we have reduced fluoride emissions by 34%, and fluoride intensity by 10%.")
    # the second figure has no verb of its own: the statement's verb ("reduced") governs it
    assert [(m, v) for _, m, v, _, _, _ in got] == [("fluoride_emissions_change", -34.0),
                                                    ("fluoride_intensity_change", -10.0)]


def test_from_figure_takes_the_unit_of_the_figure_before() -> None:
    got = claims("The TRIFR was 1.42 per million hours worked, down from 1.61 in 2022.")
    assert [(m, v, u) for _, m, v, _, u, _ in got] == [("trifr", 1.42, "per_million_hours"),
                                                       ("trifr", 1.61, "per_million_hours")]


# ----------------------------------------------------------------- the named rules, one test each
def test_rule_per_tonne_word() -> None:
    assert one("吨铝综合交流电耗13,390千瓦时。") == ("power_consumption_per_tonne", 13_390.0, "kWh/t")


def test_rule_list_shared_unit() -> None:
    # "15、25、1毫克/立方米": the unit after the last figure covers the list
    got = claims("颗粒物、二氧化硫、氮氧化物排放浓度分别为15、25、1毫克/立方米。")
    assert [(m, v, u) for _, m, v, _, u, _ in got] == [
        ("pm_concentration", 15.0, "mg/m3"), ("so2_concentration", 25.0, "mg/m3"), ("nox_concentration", 1.0, "mg/m3")]


def test_rule_list_shared_change() -> None:
    got = claims("二氧化硫、氮氧化物排放量分别下降53.2%、41.6%。")
    assert [v for _, _, v, _, _, _ in got] == [-53.2, -41.6]


def test_rule_list_shared_qualifier() -> None:
    got = claims("颗粒物、二氧化硫排放量分别约为120吨、350吨。")
    assert [q for *_, q in got] == ["about", "about"]


def test_rule_list_pairing_changes_of_levels_listed_before() -> None:
    got = claims("二氧化硫、氮氧化物排放总量分别为6931吨、1.34万吨，较2020年分别下降53.2%、41.6%。")
    assert [(m, v) for _, m, v, _, _, _ in got] == [
        ("so2_emissions", 6931.0), ("nox_emissions", 13_400.0),  # 1.34万 = 13,400
        ("so2_emissions_change", -53.2), ("nox_emissions_change", -41.6)]


def test_rule_nearest_metric() -> None:
    assert one("The Group employs 21,350 people.") == ("employees", 21_350.0, "people")


def test_rule_comparatives() -> None:
    got = claims("We had 42,980 employees (2023: 43,512).")
    assert [(m, v) for _, m, v, _, _, _ in got] == [("employees", 42_980.0), ("employees", 43_512.0)]


def test_rule_change_of_previous_bare_and_in_unit() -> None:
    got = claims("百万工时损工事故率为0.18，同比下降0.05。")
    assert [(m, v) for _, m, v, _, _, _ in got] == [("ltifr", 0.18), ("ltifr_change", -0.05)]
    got = claims("吨铝交流电耗13,390千瓦时，同比减少85千瓦时。")
    assert [(m, v, u) for _, m, v, _, u, _ in got] == [("power_consumption_per_tonne", 13_390.0, "kWh/t"),
                                                       ("power_consumption_per_tonne_change", -85.0, "kWh/t")]


def test_rule_change_of_previous_has_one_distance() -> None:
    near = "百万工时损工事故率为0.18，同比下降0.05。"
    far = "百万工时损工事故率为0.18，" + "这" * PREVIOUS_FIGURE_CHARS + "，同比下降0.05。"
    assert [m for _, m, *_ in claims(near)] == ["ltifr", "ltifr_change"]
    assert [m for _, m, *_ in claims(far)] == ["ltifr"]  # too far: the bare 0.05 names nothing


def test_rule_limits() -> None:
    doc = parse_document("t.txt", "SO2 averaged 12 mg/m3, far better than the ultra-low emission limit of 35 mg/m3.")
    [c] = extract_claims(doc)
    assert (c.metric, c.value, c.compared_to.value if c.compared_to else None) == ("so2_concentration", 12.0, 35.0)


# ----------------------------------------------------------------- data files and structure
def test_currencies_come_from_the_data_file() -> None:
    vocab = vocabulary()
    assert {"NOK", "NZD", "AUD", "CNY"} <= {u.unit for u in vocab.units if u.kind == "money"}
    assert one("Revenue was NOK 41.7 billion.") == ("revenue", 41.7e9, "NOK")
    assert one("Revenue was NOK41.7 billion.") == ("revenue", 41.7e9, "NOK")  # code glued to the digits


def test_claims_package_has_no_import_cycle() -> None:
    folder = Path(__file__).parents[2] / "src" / "ultralow" / "claims"
    graph: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ultralow.claims."):
                deps.add(node.module.split(".")[2])
        graph[path.stem] = deps

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for d in graph.get(start, set()):
            if d == goal or (d not in seen and reaches(d, goal, seen | {d})):
                return True
        return False

    assert [m for m in graph if reaches(m, m, {m})] == []


# ----------------------------------------------------------------- pint
def test_scaled_unit_factors_come_from_pint() -> None:
    from ultralow.claims.units import factor

    by_word = {u.words[0]: u.factor for u in vocabulary().units}
    # 1 Mt = 10^6 t, 1 kt = 10^3 t, 1 TWh = 10^9 kWh, 1 GWh = 10^6 kWh, 1 MW = 10^3 kW, 1 ML = 10^3 m3
    assert by_word["Mt"] == 1e6 and by_word["kt"] == 1e3 and by_word["TWh"] == 1e9 and by_word["GWh"] == 1e6
    assert by_word["MW"] == 1e3 and by_word["megalitres"] == pytest.approx(1e3)
    assert by_word["MtCO2e"] == 1e6  # mega tonne_CO2e
    assert factor("mu", "hectare") == pytest.approx(1 / 15)  # 亩 = 10000/15 m2
    assert factor("kgce", "gigajoule") == pytest.approx(0.0293076)  # GB/T 2589-2020: 1 kgce = 29.3076 MJ


def test_co2e_never_converts_into_plain_tonnes() -> None:
    from ultralow.claims.units import UnitDataError, factor

    with pytest.raises(UnitDataError):
        factor("tonne_CO2e", "tonne")
