"""Claim extraction: the issue's examples, respectively-lists, comparisons, keys and spans."""

from __future__ import annotations

import pytest

from ultralow.claims import CLAIM_KEYS, extract_claims, parse_document
from ultralow.claims.model import Claim


def claims_of(text: str, name: str = "t.txt") -> list[Claim]:
    return extract_claims(parse_document(name, text))


def test_json_has_exactly_the_issue_keys_and_spans_point_at_the_figure() -> None:
    text = "The group has paid more than 90 billion Yuan in taxes for the country."
    [claim] = claims_of(text)
    out = claim.to_json()
    assert tuple(out) == CLAIM_KEYS
    assert text[out["span"][0]:out["span"][1]] == "90 billion Yuan"
    assert (out["metric"], out["value"], out["unit"], out["qualifier"]) == ("taxes_paid", 9.0e10, "CNY", "more_than")
    assert out["text"] == text and out["id"] == "t:1" and out["compared_to"] is None


def test_respectively_list_gives_one_claim_per_item_with_its_own_metric_and_the_limits() -> None:
    text = ("After the ultra-low emission of thermal power generators, the pollutant sulfur dioxide, nitrogen oxides, "
            "and soot emission concentrations are respectively about 15 mg/m3, 25 mg/m3, and 1 mg/m3, which are far "
            "better than the emission standards of natural gas generator sets of 35 mg/m3 of sulfur dioxide, "
            "nitrogen oxides 50 mg/m3, and soot 5 mg/m3.")
    got = [(c.metric, c.value, c.qualifier, c.scope, c.compared_to.value if c.compared_to else None)
           for c in claims_of(text)]
    assert got == [
        ("so2_concentration", 15.0, "about", "thermal_power", 35.0),
        ("nox_concentration", 25.0, "about", "thermal_power", 50.0),
        ("pm_concentration", 1.0, "about", "thermal_power", 5.0),
    ]
    standard = claims_of(text)[0].compared_to
    assert standard is not None and standard.standard == "emission standards of natural gas generator sets"


def test_chinese_list_shares_the_unit_written_once() -> None:
    text = "烟尘、二氧化硫、氮氧化物排放浓度分别为2.1、16.4、31.7毫克/立方米，优于燃气轮机组排放限值5、35、50毫克/立方米。"
    got = [(c.metric, c.value, c.unit, c.compared_to.value if c.compared_to else None) for c in claims_of(text)]
    assert got == [("pm_concentration", 2.1, "mg/m3", 5.0), ("so2_concentration", 16.4, "mg/m3", 35.0),
                   ("nox_concentration", 31.7, "mg/m3", 50.0)]


def test_interleaved_pairs_take_the_nearest_word_and_a_limit_goes_to_its_pollutant() -> None:
    text = ("After the ultra-low emission of electrolytic aluminum, the particulate matter is 2 mg/m3 and sulfur "
            "dioxide is 10 mg/m3, far better than the 20 mg/m3 particulate matter and 200 mg/m3 required by the "
            "\"Aluminum Industry Pollutant Emission Standard\".")
    got = [(c.metric, c.value, c.scope, c.compared_to.value if c.compared_to else None) for c in claims_of(text)]
    assert got == [("pm_concentration", 2.0, "electrolytic_aluminium", 20.0),
                   ("so2_concentration", 10.0, "electrolytic_aluminium", 200.0)]
    assert claims_of(text)[0].compared_to.standard == "Aluminum Industry Pollutant Emission Standard"  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "metric", "value", "unit", "qualifier"), [
    ("The Group employs more than 43,000 workers in its 11 production bases.", "employees", 43000, "people", "more_than"),
    ("A $200 million green bond was issued.", "green_financing", 2.0e8, "USD", "exactly"),
    ("Annual production capacity of 6 million tonnes.", "production_capacity", 6.0e6, "t", "exactly"),
    ("Since 2015 we have planted more than 1.2 million trees.", "trees_planted", 1.2e6, "trees", "more_than"),
    ("In 2023 we spent US$312 million with local suppliers.", "local_procurement", 3.12e8, "USD", "exactly"),
    ("Voluntary community investment reached US$4.6 million, 1.1% of pre-tax profit.", "community_investment",
     4.6e6, "USD", "exactly"),
    ("全年对外捐赠3860万元。", "donation", 3.86e7, "CNY", "exactly"),
    ("集团现有员工4.3万余人。", "employees", 43000, "people", "more_than"),
    ("公司在几内亚创造当地就业岗位2600个。", "local_jobs", 2600, "count", "exactly"),
])
def test_first_claim(text: str, metric: str, value: float, unit: str, qualifier: str) -> None:
    claim = claims_of(text)[0]
    assert (claim.metric, claim.unit, claim.qualifier) == (metric, unit, qualifier)
    assert claim.value == pytest.approx(value)


def test_share_and_count_of_one_sentence() -> None:
    text = "Currently, 95% of the group's 100,000 employees are from rural areas."
    got = [(c.metric, c.value, c.unit) for c in claims_of(text)]
    assert got == [("rural_employee_share", 95.0, "%"), ("employees", 100000.0, "people")]


def test_year_on_year_change_takes_the_metric_it_follows() -> None:
    text = "In 2023 the Group invested RMB 1.25 billion in environmental protection, up 18% year on year."
    got = [(c.metric, c.value, c.unit, c.period) for c in claims_of(text)]
    assert got == [("environmental_investment", 1.25e9, "CNY", "2023"), ("environmental_investment_change", 18.0, "%", "2023")]


def test_decrease_is_negative_and_comparative_year_does_not_date_the_claim() -> None:
    text = "We paid RMB 9.3 billion in taxes in 2023, compared with RMB 8.7 billion in 2022."
    got = [(c.value, c.period) for c in claims_of(text)]
    assert got == [(9.3e9, "2023"), (8.7e9, "2022")]
    [change] = claims_of("全年二氧化硫排放量同比下降12.5%。")
    assert (change.metric, change.value) == ("so2_emissions_change", -12.5)


def test_entity_is_the_country_named_in_the_sentence() -> None:
    [claim] = claims_of("在几内亚，当地员工占比达到93%。")
    assert (claim.metric, claim.entity) == ("local_employee_share", "Guinea")


def test_text_without_figures_and_figures_without_unit_or_metric() -> None:
    assert claims_of("The group is committed to the environment. See Table 3 and Article 130.") == []
    assert claims_of("Room 101 is on floor 3.") == []  # bare numbers with no unit and no metric


def test_html_spans_index_the_extracted_text() -> None:
    raw = "<p>We employ <b>43,512</b> people.</p>"
    doc = parse_document("a.html", raw)
    [claim] = extract_claims(doc)
    assert doc.text[claim.span[0]:claim.span[1]] == "43,512" and claim.metric == "employees"


def metrics_of(text: str, name: str = "t.txt") -> list[tuple[str, float, str]]:
    return [(c.metric, c.value, c.unit) for c in claims_of(text, name)]


@pytest.mark.parametrize(("text", "expected"), [
    # the longest word names the thing: "hazardous waste" inside "non-hazardous waste" does not count
    ("Non-hazardous waste reached 33.2 million tonnes.", [("non_hazardous_waste", 3.32e7, "t")]),
    # …unless the longer word's metric cannot carry the figure ("Particulate emissions" is a mass)
    ("Particulate emissions from the potlines stayed under 5 mg/m³.", [("pm_concentration", 5.0, "mg/m3")]),
    # a sentence opening with "This" speaks of the sentence before
    ("Total community investment was US$11.8 million. This is equal to 0.9% of pre-tax profit, and excludes the "
     "GNF 92 billion paid to the FODEL.",
     [("community_investment", 1.18e7, "USD"), ("community_spend_share", 0.9, "%"),
      ("community_development_contribution", 9.2e10, "GNF")]),
    # "(2023: x)": the figure before it in that year, with its unit
    ("At 31 December 2024 the Group had 42,980 employees (2023: 43,512).",
     [("employees", 42980.0, "people"), ("employees", 43512.0, "people")]),
    # "rose to A from B": two values of one quantity
    ("The proportion of women in senior management rose to 14.5% from 12.8%.",
     [("female_management_share", 14.5, "%"), ("female_management_share", 12.8, "%")]),
    # a metric word between a figure and a change is the change's ("…and to reduce carbon intensity by 20%")
    ("The Group plans to add 1.5 GW of renewable capacity by 2027 and to reduce carbon intensity by 20% by 2030.",
     [("renewable_capacity", 1.5e6, "kW"), ("carbon_intensity_change", -20.0, "%")]),
    # 吨铝 before the figure makes kWh per tonne; the change after it is in the same unit (12,980 - 95)
    ("吨铝直流电耗降至12,450千瓦时，较行业平均水平低约300千瓦时；全年消纳绿电约120亿千瓦时。",
     [("power_consumption_per_tonne", 12450.0, "kWh/t"), ("power_consumption_per_tonne_change", -300.0, "kWh/t"),
      ("renewable_electricity", 1.2e10, "kWh")]),
    # "分别下降a、b" after "分别为A、B": the changes of the figures listed before, in order
    ("二氧化硫、氮氧化物排放总量分别为6931吨、1.34万吨，较2020年分别下降53.2%、41.6%。",
     [("so2_emissions", 6931.0, "t"), ("nox_emissions", 13400.0, "t"), ("so2_emissions_change", -53.2, "%"),
      ("nox_emissions_change", -41.6, "%")]),
    # "Label: figure" names the figure; a label phrase before the colon too
    ("Fatalities: 1 contractor; LTIFR 0.14 per million hours worked.",
     [("fatalities", 1.0, "people"), ("ltifr", 0.14, "per_million_hours")]),
    ("Solar and wind capacity in operation: 1,260 MW (2023: 840 MW)",
     [("renewable_capacity", 1.26e6, "kW"), ("renewable_capacity", 8.4e5, "kW")]),
    # an aside in brackets does not part a figure from its word
    ("It employs 3,410 people, of whom 2,870 (84.2%) are Indonesian citizens.",
     [("employees", 3410.0, "people"), ("local_jobs", 2870.0, "people"), ("local_employee_share", 84.2, "%")]),
    # a percentage is not named by a word in a later clause
    ("确保环保设施投运率100%，新增光伏装机50万千瓦。", [("unclassified", 100.0, "%"), ("renewable_capacity", 5.0e5, "kW")]),
])
def test_general_rules(text: str, expected: list[tuple[str, float, str]]) -> None:
    got = metrics_of(text)
    assert [(m, u) for m, _, u in got] == [(m, u) for m, _, u in expected]
    assert [v for _, v, _ in got] == pytest.approx([v for _, v, _ in expected])
