"""HTTP tests of every route of the demo site and the JSON shape of the API (a 3-day, 5-outlet demo store)."""

from __future__ import annotations

import io

import httpx
import pyarrow.parquet as pq
import pytest

from ultralow.web.dictionary import DATASETS

PAGES = ("", "who-we-are", "what-we-do", "esg", "social", "overseas", "reports", "claims", "data",
         "search?q=Guinea", "outlets/zouping-south-u3", "outlets/zouping-south-u3?code=a21026&month=1",
         "evidence/rollup/ALL/all", "evidence/rollup/zouping-south/coal_boiler",
         "evidence/performance/zouping-south/coal_boiler/a21002")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_renders(demo_site: str, lang: str) -> None:
    for path in PAGES:
        response = httpx.get(f"{demo_site}/{lang}/{path}")
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">' in response.text


def test_ledger_figures_are_shown_where_the_approved_ledgers_give_them(demo_site: str) -> None:
    social = httpx.get(f"{demo_site}/en/social").text
    # the demo's approved workforce ledger: 100,480 employees; kindergartens 10 (facilities ledger)
    assert "100,480" in social and "approved ledger row" in social
    esg = httpx.get(f"{demo_site}/en/esg").text
    assert "GHG Protocol, AR6" in esg  # Scope 1 / 2 from the approved production ledger
    overseas = httpx.get(f"{demo_site}/en/overseas").text
    assert "approved ledger row" in overseas
    # every ledger figure links to its rows: documents, SHA-256, who entered and who approved them
    assert 'href="/en/evidence/ledger/workforce.employees"' in social
    evidence = httpx.get(f"{demo_site}/en/evidence/ledger/donations.total")
    assert evidence.status_code == 200
    assert "donations-register.txt" in evidence.text and "demo-auditor (synthetic)" in evidence.text
    assert httpx.get(f"{demo_site}/zh/evidence/ledger/workforce.employees").status_code == 200
    assert httpx.get(f"{demo_site}/en/evidence/ledger/nothing.here").status_code == 404


def test_what_we_do_shows_the_capacities_of_the_approved_capacity_ledger(demo_site: str) -> None:
    # demo capacity.csv (SYNTHETIC): smelting 1,050,000 + 1,060,000 + 1,070,000 + 800,000 + 790,000 t/a
    # = 4,770,000 t/a; alumina 5,200,000 + 3,910,000 + 2,620,000 = 11,730,000 t/a
    what = httpx.get(f"{demo_site}/en/what-we-do").text
    assert "4,770,000" in what and "11,730,000" in what and "t/a" in what
    assert "1,050,000" in what  # Zouping North's own line
    assert 'href="/en/evidence/ledger/capacity.aluminium_smelting_t_per_year"' in what
    assert 'href="/en/evidence/ledger/capacity.aluminium_smelting_t_per_year.zouping-north"' in what
    assert "Last updated" in what
    evidence = httpx.get(f"{demo_site}/en/evidence/ledger/capacity.captive_power_mw")
    assert evidence.status_code == 200 and "capacity-2025-permits.txt" in evidence.text
    zh = httpx.get(f"{demo_site}/zh/what-we-do").text
    assert "电解铝产能" in zh and "年末产能" in zh and "4,770,000" in zh


def test_unknown_things_are_404(demo_site: str) -> None:
    for path in ("/en/outlets/nope", "/en/evidence/rollup/nope/all", "/en/charts/outlet/nope/a21026/1.svg",
                 "/reports/../../etc/passwd", "/reports/report-2025-en.exe", "/api/v1/nope"):
        assert httpx.get(demo_site + path).status_code == 404, path


def test_report_files_are_listed_and_served(demo_site: str) -> None:
    page = httpx.get(demo_site + "/en/reports")
    assert 'href="/reports/report-2025-en.html"' in page.text
    report = httpx.get(demo_site + "/reports/report-2025-en.html")
    assert report.status_code == 200 and "Annual report 2025" in report.text


def test_every_dataset_pages_with_the_dictionary_columns(demo_site: str) -> None:
    for dataset in DATASETS:
        body = httpx.get(f"{demo_site}/api/v1/{dataset.name}").json()
        assert set(body) == {"schema_version", "dataset", "period", "updated_at", "page", "page_size", "total",
                             "pages", "next", "data"}, dataset.name
        assert body["dataset"] == dataset.name and body["page"] == 1
        for row in body["data"]:
            assert set(row) == set(dataset.column_names), dataset.name
    kpis = {r["kpi"]: r for r in httpx.get(f"{demo_site}/api/v1/kpis").json()["data"]}
    # the demo's approved ledgers: reported KPIs only, each with a value (explained ones are not made up)
    assert {"B1.1", "D.Scope1", "D.Scope2"} <= set(kpis) and all(r["value"] is not None for r in kpis.values())
    assert kpis["B1.1"] == {"kpi": "B1.1", "value": 100_480, "unit": "people", "period": "2025"}


def test_hours_filters_and_paging(demo_site: str) -> None:
    url = f"{demo_site}/api/v1/hours"
    # 3 days x 24 h of one outlet and pollutant = 72 rows; pages of 50 → 2 pages, the second with 22
    first = httpx.get(url, params={"outlet": "zouping-south-u3", "code": "a21002", "page_size": 50}).json()
    assert (first["total"], first["pages"], len(first["data"])) == (72, 2, 50)
    assert first["data"][0]["hour"] == "2025-01-01T00:00:00+08:00"
    assert {r["outlet"] for r in first["data"]} == {"zouping-south-u3"}
    second = httpx.get(demo_site + first["next"]).json()
    assert (second["page"], len(second["data"]), second["next"]) == (2, 22, None)
    one_day = httpx.get(url, params={"outlet": "zouping-south-u3", "code": "a21002", "from": "2025-01-02",
                                     "to": "2025-01-02"}).json()
    assert one_day["total"] == 24
    exceeded = [r for r in one_day["data"] if r["exceeded"]]
    assert [r["hour"][11:13] for r in exceeded] == ["01", "02", "03"]  # the planted start-up excursion


def test_bounds_are_refused_with_a_message(demo_site: str) -> None:
    url = f"{demo_site}/api/v1/hours"
    cases = {
        (("from", "2024-01-01"), ("to", "2025-01-01")): "367 days",
        (("page_size", "10001"),): "page_size",
        (("page", "0"),): "page",
        (("from", "2025-13-01"),): "YYYY-MM-DD",
        (("to", "2024-12-31"),): "before from",
        (("outlet", "nope"),): "unknown outlet",
        (("colour", "red"),): "not a parameter",
        (("format", "xml"),): "format",
    }
    for params, words in cases.items():
        response = httpx.get(url, params=list(params))
        assert response.status_code == 400, params
        assert words in response.json()["error"], (params, response.json())
    assert httpx.get(url, params={"page_size": "10000"}).status_code == 200


def test_csv_and_parquet_downloads(demo_site: str) -> None:
    csv = httpx.get(f"{demo_site}/api/v1/hours.csv", params={"outlet": "zouping-south-u3", "code": "a21002"})
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["outlet", "code", "hour"] and len(lines) == 1 + 72
    parquet = httpx.get(f"{demo_site}/api/v1/events.parquet")
    table = pq.read_table(io.BytesIO(parquet.content))
    # events per limit kind (issue 17): 3 ultra-low runs at the coal units, 3 of them also above GB 13223
    # (legal) and 1 at the potline above GB 25465 (legal) -> 7 (4 when only the strictest limit was counted)
    assert table.num_rows == httpx.get(f"{demo_site}/api/v1/events").json()["total"] == 7
    kinds = sorted(zip(table.column("limit_kind").to_pylist(), table.column("limit_set").to_pylist(), strict=True))
    assert kinds == [("legal", "GB13223-2011")] * 3 + [("legal", "GB25465-2010")] + [("ultra_low", "ultra-low-2015")] * 3


def test_openapi_documents_every_dataset(demo_site: str) -> None:
    document = httpx.get(f"{demo_site}/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {f"/api/v1/{d.name}" for d in DATASETS}
    hours = document["paths"]["/api/v1/hours"]["get"]
    assert {p["name"] for p in hours["parameters"]} >= {"outlet", "code", "from", "to", "page"}
    docs = httpx.get(f"{demo_site}/api/docs")
    assert docs.status_code == 200 and "GET /api/v1/hours" in docs.text
    dictionary = httpx.get(f"{demo_site}/en/data").text
    assert "corrected_mg_m3" in dictionary and "mg/m³" in dictionary


def test_search_terms_are_escaped_where_echoed(demo_site: str) -> None:
    evil = '"><script>alert(1)</script>'
    page = httpx.get(f"{demo_site}/en/search", params={"q": evil}).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    switch = httpx.get(f"{demo_site}/zh/search", params={"q": evil}).text
    assert 'href="/en/search?q=%22%3E%3Cscript' in switch  # the switch link keeps the query, encoded
