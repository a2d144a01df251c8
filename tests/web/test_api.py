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
    # the demo's approved ledgers of 2025 feed the KPIs; one not reported says why and has no value
    assert kpis["A1.2"]["status"] == "reported" and kpis["A1.2"]["period"] == "2025" and kpis["A1.2"]["value"] > 0
    assert all(r["value"] is None and r["reason"] for r in kpis.values() if r["status"] == "explain")
    assert httpx.get(f"{demo_site}/api/v1/kpis", params={"status": "explain"}).json()["total"] == sum(
        1 for r in kpis.values() if r["status"] == "explain")


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
    assert table.num_rows == httpx.get(f"{demo_site}/api/v1/events").json()["total"] == 4


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


def test_social_and_overseas_show_approved_ledger_figures_with_evidence(demo_site: str) -> None:
    social = httpx.get(f"{demo_site}/en/social").text
    # donations 2025: the two approved demo rows, 3,000,000 + 5,500,000 = 8,500,000 CNY = 8.5 million CNY
    assert 'data-figure="donations.total"' in social and "8.5" in social and "million CNY" in social
    assert 'href="/en/evidence/ledger/donations.total"' in social
    assert "No approved ledger figures yet" not in social
    evidence = httpx.get(f"{demo_site}/en/evidence/ledger/donations.total")
    assert evidence.status_code == 200
    assert evidence.text.count("donations/2025-") == 2 and "3000000.0" in evidence.text and "5500000.0" in evidence.text
    assert httpx.get(f"{demo_site}/en/evidence/ledger/no.such.figure").status_code == 404
    overseas = httpx.get(f"{demo_site}/en/overseas").text
    assert 'data-figure="community.statutory_share.GN"' in overseas and "meets the statutory minimum" in overseas
    assert 'data-figure="workforce.local_employees.ID"' in overseas
    zh = httpx.get(f"{demo_site}/zh/social").text
    assert "捐赠" in zh and "百万元" in zh


def test_without_ledgers_the_pages_say_there_are_no_approved_figures(live_site: str) -> None:
    for page in ("social", "overseas"):
        text = httpx.get(f"{live_site}/en/{page}").text
        assert "No approved ledger figures yet" in text
        assert "data-figure=" not in text
