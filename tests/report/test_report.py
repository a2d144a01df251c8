"""``ultralow report``: a small store (one coal unit, three hours of hand-made minutes, a workforce ledger)
in through ``ultralow ingest`` and the ledger service, the report out as HTML and PDF; the PDF's text
(pdfplumber) carries the sections, hand-computed figures, every HKEX index row and Chinese characters; the
bytes are reproducible; a contradicted claim refuses the report. Page images go to ``test-output/report``
(not committed) for a person to look at."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

from ultralow.app.ledgers import approve_all_drafts, import_ledgers
from ultralow.app.outputs import DOCUMENTS
from ultralow.cli import main
from ultralow.kpi.definitions import definitions
from ultralow.store import Store

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "report"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z

REGISTRY = """
[group]
name = "Test Group"
name_zh = "测试集团"

[[bases]]
id = "sd"
name = "Shandong"
name_zh = "山东基地"
country = "CN"

[[outlets]]
id = "u1"
base = "sd"
name = "Unit 1"
mn = "MN0000000001"
pw = "123456"
source_type = "coal_boiler"
limit_sets = ["GB13223-2011", "ultra-low-2015"]
"""

WORKFORCE = """year,base,gender,age_band,employment_type,origin,locality,contractor,headcount,evidence_document,evidence_sha256,entered_by,entered_at,note
2025,sd,female,under_30,full_time,rural,local,no,80,hr.txt,,clerk,2026-01-10,
2025,sd,male,30_to_50,full_time,urban,local,no,120,hr.txt,,clerk,2026-01-10,
"""


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def minutes_csv() -> str:
    # 2025-03-03 10:00-12:59, every minute flag N, O2 6 % (the coal reference O2: corrected = measured),
    # flow 100 m3/s. SO2 20, 30 and 40 mg/m3 in the three hours.
    lines = ["mn,data_time,code,value,flag"]
    start = dt.datetime(2025, 3, 3, 10)
    for m in range(180):
        t = (start + dt.timedelta(minutes=m)).strftime("%Y%m%d%H%M%S")
        lines.append(f"MN0000000001,{t},a21026,{(20, 30, 40)[m // 60]},N")
        lines.append(f"MN0000000001,{t},a19001,6,N")
        lines.append(f"MN0000000001,{t},a00000,100,N")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("report")
    config, csv, db = base / "ultralow.toml", base / "minutes.csv", base / "s.duckdb"
    config.write_text(REGISTRY, encoding="utf-8")
    csv.write_text(minutes_csv(), encoding="utf-8")
    code, _, err = run("ingest", str(csv), "--db", str(db), "--config", str(config))
    assert code == 0, err
    evidence = base / "evidence"
    evidence.mkdir()
    (evidence / "hr.txt").write_text("HR register 2025 (test)\n", encoding="utf-8")
    ledger = base / "workforce.csv"
    ledger.write_text(WORKFORCE, encoding="utf-8")
    with Store(db) as s:
        import_ledgers(s, [ledger], evidence_dir=evidence, bases={"sd": "CN"}, kind="workforce")
        approve_all_drafts(s, approver="approver")
    return db


def write_report(db: Path, out: Path, *extra: str, epoch: str | None = EPOCH) -> tuple[int, str, str]:
    env = {"SOURCE_DATE_EPOCH": epoch} if epoch else None
    return run("report", "--year", "2025", "--out", str(out), "--db", str(db), "--format", "json", *extra, env=env)


@pytest.fixture(scope="module")
def written(store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    out = tmp_path_factory.mktemp("out")
    code, stdout, stderr = write_report(store, out)
    assert code == 0, stderr
    return out, json.loads(stdout)


def pdf_text(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def test_the_pdf_has_the_sections_and_hand_computed_figures(written: tuple[Path, dict[str, object]]) -> None:
    out, doc = written
    pages = pdf_text(out / "report-2025-en.pdf")
    text = "\n".join(pages)
    for title in ("Contents", "The group and its bases", "Environmental performance against the standards",
                  "Greenhouse gases and CBAM", "Employees and safety", "Community", "Overseas contribution",
                  "Data quality and marks", "HKEX ESG Reporting Code content index", "GRI cross-reference",
                  "Assurance appendix", "Claim check of this report's text"):
        assert title in text, title
    # SO2 mean over the three valid hours: (20 + 30 + 40) / 3 = 30.0 mg/m3 (O2 6 % = reference: corrected = measured)
    assert "the SO2 concentration of the power plants averaged 30.0 mg/m3" in text
    # the ultra-low SO2 limit 35 mg/m3 is exceeded in the 40 mg/m3 hour: 1 of 3 judged hours -> compliance 2/3
    assert "3 hours were judged against the limits across the group and 1 of them exceeded a limit" in text
    assert "66.67 %" in text
    # capture: 3 valid of the 24 operating clock hours of 2025-03-03 (no stop flag) = 12.50 %
    assert "12.50 %" in text
    # SO2 tonnes: flow 100 m3/s x 3600 = 360,000 m3/h; (20 + 30 + 40) mg/m3 x 360,000 m3/h x 1e-6 = 32.4 kg = 0.0324 t
    assert "SO2 emissions of the power plants were 0.032 t" in text
    # employees: 80 + 120 from the approved workforce rows
    assert re.search(r"Employees at year end 200 people", text)
    # no approved ledger rows for the GHG and overseas sections: said, not zero
    assert "No approved ledger rows for 2025" in text
    # the JSON document has the data dictionary's keys
    assert list(doc) == [f.name for d in DOCUMENTS if d.command == "ultralow report --format json" for f in d.keys]
    # page 1 carries the store's content hash and the software version
    assert str(doc["content_hash"]) in pages[0].replace("\n", "")
    assert "ultralow 0." in pages[0]
    # the claim check of the report's own text: the highlights are supported, nothing contradicted
    claims = doc["claims"]
    assert isinstance(claims, dict) and claims["summary"]["supported"] >= 2 and claims["contradicted"] == 0


def test_every_hkex_kpi_has_an_index_row_with_section_and_page(written: tuple[Path, dict[str, object]]) -> None:
    out, _ = written
    pages = pdf_text(out / "report-2025-en.pdf")
    rows = index_rows(out / "report-2025-en.pdf")
    assert sorted(rows) == sorted(d.id for d in definitions())  # every Part C KPI and Part D metric
    for kpi, (_, title, section, value, _, _) in rows.items():
        assert title and value, kpi
        assert re.fullmatch(r".+, \d+", section), (kpi, section)  # section name, page number
    # B1.1 is reported in "Employees and safety": the page number is that section's real page (target-counter)
    section_page = next(i + 1 for i, p in enumerate(pages) if p.splitlines()[1:2] == ["Employees and safety"])
    assert rows["B1.1"][2:4] == [f"Employees and safety, {section_page}", "200 people"]
    assert rows["A1.3"][3].startswith("explain: no approved production rows")  # no waste ledger: explained


KPI_ID = re.compile(r"[AB]\d\.\d|D\.Scope[12]")
INDEX_HEADER = ("KPI", "Disclosure", "Section,", "Value", "GRI", "Ref.")


def index_rows(path: Path) -> dict[str, list[str]]:
    """The HKEX index rows by KPI id: the words of each row put into the columns the header words start
    (the cells wrap, so plain text extraction interleaves neighbouring cells)."""
    rows: dict[str, list[str]] = {}
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            line = next((w["top"] for w in words if w["text"] == "Disclosure"), None)
            header = {w["text"]: w for w in words if w["text"] in INDEX_HEADER and line is not None
                      and abs(w["top"] - line) < 1}
            if any(k not in header for k in INDEX_HEADER):
                continue
            edges = [header[k]["x0"] - 1 for k in INDEX_HEADER] + [page.width]
            starts = sorted((w["top"], w["text"]) for w in words
                            if KPI_ID.fullmatch(w["text"]) and abs(w["x0"] - 1 - edges[0]) < 2)
            for i, (top, kpi) in enumerate(starts):
                bottom = starts[i + 1][0] if i + 1 < len(starts) else page.height - 45  # above the footer
                inside = [w for w in words if top - 1 <= w["top"] < bottom - 1]
                rows[kpi] = [" ".join(w["text"] for w in sorted(
                    (w for w in inside if edges[c] <= w["x0"] < edges[c + 1]), key=lambda w: (round(w["top"]), w["x0"])))
                    for c in range(len(INDEX_HEADER))]
    return rows


def test_the_chinese_report_embeds_a_cjk_font(written: tuple[Path, dict[str, object]]) -> None:
    out, _ = written
    text = "\n".join(pdf_text(out / "report-2025-zh.pdf"))
    assert "对照排放标准的环境表现" in text and "香港联交所" in text
    assert "电厂二氧化硫平均浓度为30.0 mg/m3" in text
    # the registry's Chinese names (name_zh) in the Chinese report, its English names in the English one
    # (the claims annex quotes the English report's sentences, so "Test Group" appears there too)
    assert text.splitlines()[0].startswith("测试集团 · ") and "山东基地" in text
    english = "\n".join(pdf_text(out / "report-2025-en.pdf"))
    assert english.splitlines()[0].startswith("Test Group · ") and "Shandong" in english
    fonts = subprocess.run(["pdffonts", str(out / "report-2025-zh.pdf")], capture_output=True, text=True,
                           check=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded


def test_the_same_store_gives_the_same_bytes(store: Path, written: tuple[Path, dict[str, object]],
                                             tmp_path: Path) -> None:
    out, _ = written
    code, _, err = write_report(store, tmp_path / "again")
    assert code == 0, err
    for name in ("report-2025-en.pdf", "report-2025-zh.pdf", "report-2025-en.html", "report-2025-zh.html"):
        assert hashlib.sha256((out / name).read_bytes()).digest() == \
            hashlib.sha256((tmp_path / "again" / name).read_bytes()).digest(), name
    # another creation date: only the date differs
    code, _, err = write_report(store, tmp_path / "later", "--no-pdf", epoch="1767312000")
    assert code == 0, err
    first = (out / "report-2025-en.html").read_text(encoding="utf-8")
    later = (tmp_path / "later" / "report-2025-en.html").read_text(encoding="utf-8")
    assert first != later
    assert first.replace("2026-01-01T00:00:00Z", "DATE") == later.replace("2026-01-02T00:00:00Z", "DATE")


def test_a_contradicted_claim_refuses_the_report(store: Path, tmp_path: Path) -> None:
    statement = tmp_path / "statement.txt"
    statement.write_text("In 2025, the SO2 concentration of the power plants averaged 15 mg/m3.\n", encoding="utf-8")
    code, _, err = write_report(store, tmp_path / "refused", "--statement", str(statement))
    assert code == 1
    assert "contradicted" in err and "15 mg/m3" in err
    assert not (tmp_path / "refused").exists() or not any((tmp_path / "refused").iterdir())
    code, stdout, err = write_report(store, tmp_path / "allowed", "--statement", str(statement), "--lang", "en",
                                     "--allow-contradicted")
    assert code == 0, err
    assert json.loads(stdout)["claims"]["contradicted"] == 1
    text = "\n".join(pdf_text(tmp_path / "allowed" / "report-2025-en.pdf"))
    assert "CONTRADICTED CLAIMS" in text and "--allow-contradicted" in text


def test_page_images_for_a_person_to_look_at(written: tuple[Path, dict[str, object]]) -> None:
    out, _ = written
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "zh"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(out / f"report-2025-{lang}.pdf"),
                        str(OUTPUT / f"small-{lang}")], check=True)
    assert len(list(OUTPUT.glob("small-en-*.png"))) >= 10


def test_the_public_sites_reports_page_lists_the_generated_reports(
        store: Path, written: tuple[Path, dict[str, object]]) -> None:
    import httpx

    from ultralow.app import Application
    from ultralow.web.app import create_app
    from ultralow.web.context import WebContext
    from ultralow.web.server import ThreadedWebServer

    out, _ = written
    with Application.open(store) as app, \
            ThreadedWebServer(create_app(WebContext(app=app, reports_dir=out), build_on_start=False)) as server:
        page = httpx.get(server.url + "/en/reports")
        for name in ("report-2025-en.pdf", "report-2025-en.html", "report-2025-zh.pdf", "report-2025-zh.html"):
            assert f'href="/reports/{name}"' in page.text, name
        pdf = httpx.get(server.url + "/reports/report-2025-zh.pdf")
        assert pdf.status_code == 200 and pdf.content == (out / "report-2025-zh.pdf").read_bytes()
        html = httpx.get(server.url + "/reports/report-2025-en.html")
        # the stand-alone report keeps its inline stylesheet, and no script may run
        policy = html.headers["content-security-policy"]
        assert "style-src 'unsafe-inline'" in policy and "script-src" not in policy and "default-src 'none'" in policy


def test_a_year_without_data_is_refused_with_the_span_the_store_holds(store: Path, tmp_path: Path) -> None:
    code, _, err = run("report", "--year", "2024", "--out", str(tmp_path / "none"), "--db", str(store))
    assert code == 1
    assert "no minute readings in 2024 (the store holds 2025-03-03 to 2025-03-03)" in err
    assert not (tmp_path / "none").exists()
