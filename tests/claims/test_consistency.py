"""Consistency across documents: figures of one metric that cannot both be true, with the likely reason."""

from __future__ import annotations

from ultralow.claims.consistency import find_inconsistencies, interval
from ultralow.claims.model import Claim
from ultralow.claims.verify import packaged_rules


def c(cid: str, value: float, qualifier: str = "exactly", *, metric: str = "employees", entity: str | None = None,
      period: str | None = None, scope: str | None = None, doc: str = "a") -> Claim:
    return Claim(cid, "t", (0, 1), metric, value, None, "people", qualifier, period, entity, scope, None, document=doc)


def test_issue_example_100000_vs_43000_vs_more_than_40000() -> None:
    claims = [c("a:1", 100000, doc="a"), c("b:1", 43000, doc="b"), c("c:1", 40000, "more_than", doc="c")]
    [finding] = find_inconsistencies(claims)
    # 43,000 and "more than 40,000" agree; 100,000 agrees with "more than 40,000" but not with 43,000
    assert finding.claims == ("a:1", "b:1") and finding.kind == "open_inconsistency"


def test_likely_reasons() -> None:
    [f] = find_inconsistencies([c("a:1", 100000, entity="group"), c("b:1", 9800, entity="Guinea")])
    assert f.kind == "different_entity"
    [f] = find_inconsistencies([c("a:1", 45320, period="2021"), c("a:2", 43512, period="2023")])
    assert f.kind == "different_period" and "2021" in f.reason
    [f] = find_inconsistencies([c("a:1", 15, metric="so2_concentration", scope="thermal_power"),
                                c("a:2", 10, metric="so2_concentration", scope="electrolytic_aluminium")])
    assert f.kind == "different_scope"


def test_group_and_company_are_the_same_reporting_entity() -> None:
    [f] = find_inconsistencies([c("a:1", 100000, entity="group"), c("b:1", 43000, entity="company")])
    assert f.kind == "open_inconsistency"


def test_tolerances_and_events() -> None:
    # plain figures are read ±2 %: 43,000 vs 43,512 (1.2 % apart) agree; "about" is ±15 %
    assert find_inconsistencies([c("a:1", 43000), c("b:1", 43512)]) == []
    assert find_inconsistencies([c("a:1", 40000, "about"), c("b:1", 45000)]) == []
    # two donations are two events, not two statements of one figure
    assert find_inconsistencies([c("a:1", 1.35e7, metric="donation"), c("a:2", 3e7, metric="donation")]) == []


def test_intervals() -> None:
    rules = packaged_rules()
    assert interval(c("x", 100, "about"), rules) == (85.0, 115.0)
    assert interval(c("x", 100, "up_to"), rules)[1] == 100
    lo, hi = interval(c("x", 100, "more_than"), rules)
    assert lo > 100 and hi == float("inf")
