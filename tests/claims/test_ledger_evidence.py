"""Social, economic and community claims verified against approved ledger rows (LedgerEvidence)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ultralow.claims import extract_claims, parse_document
from ultralow.claims.evidence import LedgerEvidence
from ultralow.claims.model import Claim
from ultralow.claims.verify import LEDGER_PENDING, check_claim
from ultralow.ledger.book import view_of


def claim(metric: str, value: float, unit: str, text: str, *, qualifier: str = "exactly", period: str | None = None,
          entity: str | None = None, step: float = 1.0) -> Claim:
    return Claim("doc:1", text, (0, len(text)), metric, value, None, unit, qualifier, period, entity, None, None,
                 "doc", step)


def workforce(rural: int, urban: int, approved: bool = True) -> list[dict[str, object]]:
    return [{"kind": "workforce", "base": "z", "country": "CN", "approved": approved,
             "values": {"year": 2025, "contractor": False, "origin": origin, "gender": "male", "headcount": n}}
            for origin, n in (("rural", rural), ("urban", urban))]


DONATIONS = [
    {"kind": "donations", "base": "z", "country": "CN",
     "values": {"date": "2020-02-03", "recipient": "Binzhou Charity Federation",
                "cause": "COVID-19 epidemic prevention and control", "amount": 28_000_000, "currency": "CNY"}},
    {"kind": "donations", "base": "z", "country": "CN",
     "values": {"date": "2020-03-25", "recipient": "Italian Civil Protection", "cause": "COVID-19 medical supplies",
                "amount": 400_000, "currency": "EUR", "fx_cny_per_unit": 7.75, "fx_source": "PBOC"}},
]
COVID = "For the COVID-19 epidemic, the company immediately donated 30 million Yuan for epidemic prevention and control."


def test_rural_share_below_the_text_is_contradicted():
    source = LedgerEvidence(view_of(workforce(896, 104)), 2025)
    checked = check_claim(claim("rural_employee_share", 95.0, "%", "95% of the employees are from rural areas"),
                          [source])
    # 896 / (896 + 104) = 89.6 %: -5.7 % from 95 %, outside the +-5 % of a plain figure
    assert checked.verdict == "contradicted"
    assert checked.evidence is not None and checked.evidence.value == pytest.approx(89.6)
    assert checked.evidence.ledger_entries == ("workforce/1@1", "workforce/2@1")
    ok = check_claim(claim("rural_employee_share", 95.0, "%", "95% rural"),
                     [LedgerEvidence(view_of(workforce(950, 50)), 2025)])
    assert ok.verdict == "supported"


def test_draft_only_evidence_says_so():
    checked = check_claim(claim("employees", 1000, "people", "1,000 employees"),
                          [LedgerEvidence(view_of(workforce(896, 104, approved=False)), 2025)])
    assert checked.verdict == "no_evidence"
    assert "only draft ledger rows" in checked.reason and "drafts are not evidence" in checked.reason


def test_donation_matched_by_its_cause_and_compared_in_yuan():
    checked = check_claim(claim("donation", 30_000_000, "CNY", COVID, step=1e6), [LedgerEvidence(view_of(DONATIONS), 2025)])
    # the COVID-19 row shares 4 words (covid-19, epidemic, prevention, control), the Italian one 1: only the
    # first is the evidence: 28,000,000 CNY is -6.7 % from 30,000,000
    assert checked.verdict == "contradicted"
    assert checked.evidence is not None and checked.evidence.value == 28_000_000
    assert checked.evidence.ledger_entries == ("donations/1@1",)


def test_a_draft_correction_is_named_beside_the_approved_figure():
    rows = [DONATIONS[0], {**DONATIONS[0], "row_id": "donations/1", "revision": 2, "approved": False,
                           "values": {**DONATIONS[0]["values"], "amount": 30_000_000}}]  # type: ignore[dict-item]
    view = view_of(rows)
    view = type(view)(view.effective, (), view.draft_only)  # revision 2 waits beside the approved revision 1
    checked = check_claim(claim("donation", 30_000_000, "CNY", COVID, step=1e6), [LedgerEvidence(view, 2025)])
    assert checked.verdict == "contradicted"  # the approved figure stands
    assert "a draft correction awaits approval (donations/1@2)" in checked.reason


def test_money_in_the_claim_currency_and_a_past_year():
    rows = [{"kind": "community_investment", "base": "g", "country": "GN",
             "values": {"year": 2015, "programme": "Ebola response: two medical stations", "category": "voluntary",
                        "amount": 1_000_000, "currency": "USD", "fx_cny_per_unit": 6.2284, "fx_source": "PBOC"}}]
    text = "During the Ebola epidemic in 2015, we invested $1 million to build two medical stations."
    source = LedgerEvidence(view_of(rows), 2025)
    checked = check_claim(claim("community_investment", 1_000_000, "USD", text, period="2015"), [source])
    # kept in USD: compared in USD (1,000,000 = 1,000,000), not through the 6,228,400 CNY
    assert checked.verdict == "supported" and checked.evidence is not None
    assert checked.evidence.value == 1_000_000 and checked.evidence.unit == "USD"
    other_year = check_claim(claim("community_investment", 1_000_000, "USD", text, period="2016"), [source])
    assert other_year.verdict == "no_evidence"


def test_cumulative_taxes_and_a_missing_year():
    rows = [{"kind": "payments_to_government", "country": "CN",
             "values": {"year": y, "payment_type": "vat", "amount": 10e9, "currency": "CNY"}} for y in range(2016, 2026)]
    source = LedgerEvidence(view_of(rows), 2025)
    text = "It has paid more than 90 billion Yuan in taxes for the country."
    checked = check_claim(claim("taxes_paid", 90e9, "CNY", text, qualifier="more_than"), [source])
    # no period: a running total over 2016-2025 = 10 x 10e9 = 100e9 > 90e9
    assert checked.verdict == "supported" and checked.evidence is not None
    assert checked.evidence.value == pytest.approx(100e9) and len(checked.evidence.ledger_entries) == 10
    assert "running total" in checked.reason
    past = check_claim(claim("taxes_paid", 9e9, "CNY", text, period="2012"), [source])
    assert past.verdict == "no_evidence" and "in 2012" in past.reason


def test_guinea_spending_above_the_statutory_minimum():
    fx = {"currency": "USD", "fx_cny_per_unit": 7.0, "fx_source": "PBOC"}
    rows = [{"kind": "revenue", "base": "b", "country": "GN", "values": {"year": 2025, "amount": 1e9, **fx}},
            {"kind": "community_investment", "base": "b", "country": "GN",
             "values": {"year": 2025, "category": "statutory", "amount": 5e6, **fx}},
            {"kind": "community_investment", "base": "b", "country": "GN",
             "values": {"year": 2025, "category": "voluntary", "amount": 2e6, **fx}}]
    text = "Its expenditure in community building far exceeded the designated level in Guinea's mining law, 0.5 percent."
    checked = check_claim(claim("community_spend_share", 0.5, "%", text, entity="Guinea"),
                          [LedgerEvidence(view_of(rows), 2025)])
    # (5e6 + 2e6) USD / 1e9 USD = 0.7 % > the 0.5 % the text says was exceeded
    assert checked.verdict == "supported" and "compared as more_than" in checked.reason
    assert checked.evidence is not None and checked.evidence.value == pytest.approx(0.7)


def test_facilities_counted_and_metrics_no_ledger_keeps():
    rows = [{"kind": "facilities", "base": "z", "country": "CN",
             "values": {"facility": f"Kindergarten {i}", "facility_type": "kindergarten", "opened_year": 2010 + i}}
            for i in range(10)]
    source = LedgerEvidence(view_of(rows), 2025)
    built = check_claim(claim("schools_built", 10, "count", "It has built 10 kindergartens"), [source])
    assert built.verdict == "supported" and built.evidence is not None and built.evidence.value == 10
    assets = check_claim(claim("total_assets", 179.6e9, "CNY", "total assets reached 179.6 billion yuan"), [source])
    assert assets.verdict == "not_checkable" and "no ledger kind keeps total_assets" in assets.reason


def test_without_ledgers_the_reason_says_where_they_come_from():
    checked = check_claim(claim("employees", 1000, "people", "1,000 employees"), [])
    assert checked.verdict == "no_evidence" and checked.reason == LEDGER_PENDING


def capacity(base: str, **columns: int) -> dict[str, object]:
    return {"kind": "capacity", "base": base, "country": "CN", "values": {"year": 2025, **columns}}


# the demo ledger's smelters (demo/data/ledgers/capacity.csv) and one alumina refinery
CAPACITY = [capacity("zouping-north", aluminium_smelting_t_per_year=1_050_000, anode_t_per_year=250_000),
            capacity("zouping-south", aluminium_smelting_t_per_year=1_060_000),
            capacity("binzhou-port", aluminium_smelting_t_per_year=1_070_000),
            capacity("huimin", aluminium_smelting_t_per_year=800_000),
            capacity("wenshan-green", aluminium_smelting_t_per_year=790_000),
            capacity("beihai-alumina", alumina_t_per_year=5_200_000)]
HONGQIAO = ("China Hongqiao is one of the world's largest aluminum producer with an annual production capacity "
            "of more than 6 million tonnes per year.")


def test_group_capacity_claim_against_the_capacity_ledger():
    [said] = [c for c in extract_claims(parse_document("site.txt", HONGQIAO)) if c.metric == "production_capacity"]
    assert (said.value, said.qualifier, said.scope) == (6e6, "more_than", None)
    checked = check_claim(said, [LedgerEvidence(view_of(CAPACITY), 2025)])
    # no product named: the smelting capacity, 1,050,000 + 1,060,000 + 1,070,000 + 800,000 + 790,000
    # = 4,770,000 t/a, not more than 6,000,000 (the alumina row has no smelting capacity: not summed)
    assert checked.verdict == "contradicted" and checked.evidence is not None
    assert checked.evidence.value == 4_770_000 and checked.evidence.unit == "t/a"
    assert checked.evidence.ledger_entries == tuple(f"capacity/{n}@1" for n in range(1, 6))
    assert "capacity.aluminium_smelting_t_per_year" in checked.reason


def test_capacity_of_the_product_the_claim_names():
    source = LedgerEvidence(view_of(CAPACITY), 2025)
    alumina = replace(claim("production_capacity", 5e6, "t/yr", "alumina capacity of more than 5 million tonnes",
                            qualifier="more_than"), scope="alumina")
    checked = check_claim(alumina, [source])
    assert checked.verdict == "supported" and checked.evidence is not None  # 5,200,000 > 5,000,000
    assert checked.evidence.value == 5_200_000 and checked.evidence.ledger_entries == ("capacity/6@1",)
    anode = replace(claim("production_capacity", 250_000, "t/yr", "anode capacity of 250,000 tonnes"),
                    scope="carbon_anode")
    assert check_claim(anode, [source]).verdict == "supported"  # zouping-north's 250,000 alone
    power = replace(claim("production_capacity", 1e6, "t/yr", "power plants of 1 million tonnes"),
                    scope="thermal_power")
    unkept = check_claim(power, [source])
    assert unkept.verdict == "not_checkable" and "no ledger figure keeps production_capacity of thermal_power" \
        in unkept.reason
    earlier = check_claim(replace(alumina, period="2024"), [source])
    assert earlier.verdict == "no_evidence" and "in 2024" in earlier.reason
