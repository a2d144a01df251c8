"""The demo's readable summary and its JSON document."""

from __future__ import annotations

import json
from datetime import date, datetime

from rich.console import Console

from ultralow.cems import Period
from ultralow.demo.group import group_for_run
from ultralow.demo.job import DemoRun, StepTime
from ultralow.demo.render import RichSteps, _pct, print_summary, summary_json
from ultralow.demo.summary import GroupRow, IncidentCheck
from ultralow.store import StoreCounts


def _run() -> DemoRun:
    registry = group_for_run(1, ["binzhou-port-pl2"])
    demo = DemoRun("x.duckdb", True, 7, Period(date(2025, 1, 1), date(2025, 1, 4)), registry)
    demo.steps = [StepTime("generate", 1.25, "1 outlet"), StepTime("bulk load", 2.5, "rows")]
    demo.counts = StoreCounts(10, 100, 100, 0, 0)
    demo.stream = {"packets": 10, "acked": 10}
    row = GroupRow("binzhou-port", "potline", 1, 72, 72, 72, 5, 1.0, 67 / 72, 0, 0, None, 1.5, None, 0.75)
    total = GroupRow("ALL", "all", 1, 72, 72, 72, 5, 1.0, 67 / 72, 0, 0, None, 1.5, None, 0.75)
    demo.groups = [row, total]
    demo.worst_events = [{"base": "binzhou-port", "outlet_id": "binzhou-port-pl2", "source_type": "potline",
                          "code": "a34013", "start": datetime(2025, 1, 2, 21), "end": datetime(2025, 1, 3, 2),
                          "duration_h": 5, "peak_corrected_mg_m3": 46.3, "limit_mg_m3": 20.0, "peak_multiple": 1.315,
                          "limit_set": "GB25465-2010"}]
    demo.findings = {"flat_line": {"findings": 1, "hours": 10}}
    demo.incidents = [IncidentCheck("breach", "binzhou-port-pl2", "bag-filter breach", "2025-01-02T21:00:00",
                                    "2025-01-03T02:00:00", 1, 5, {}, 1.0, True)]
    demo.claims = {"available": False, "message": "no corpus texts under /nowhere: claim check skipped"}
    return demo


def test_tables_name_the_group_as_synthetic_and_show_the_figures():
    console = Console(record=True, width=250)
    print_summary(_run(), console)
    text = console.export_text()
    assert "Demo Aluminium Group (synthetic)" in text and "SYNTHETIC demo data" in text
    assert "Binzhou Port industrial park (synthetic)" in text and "group total" in text
    # compliance 67 / 72 = 93.06 %; 5 exceeded hours; PM 0.75 t
    assert "93.06 %" in text and "0.8" in text
    assert "binzhou-port-pl2" in text and "46.3" in text and "1.31" in text
    assert "flat_line" in text and "bag-filter breach" in text
    assert "no corpus texts under /nowhere" in text
    assert "generate" in text and "1.2" in text and "total" in text and "3.8" in text  # 1.25 + 2.5 s


def test_json_document_is_plain_json():
    doc = json.loads(json.dumps(summary_json(_run()), default=str))
    assert doc["seed"] == 7 and doc["replaced"] is True and doc["synthetic"] is True
    assert doc["groups"][0]["compliance_rate"] == 67 / 72
    assert doc["worst_events"][0]["start"] == "2025-01-02T21:00:00"
    assert doc["claims"] == {"available": False, "message": "no corpus texts under /nowhere: claim check skipped"}
    assert doc["total_seconds"] == 3.75


def test_percentages_never_round_a_shortfall_to_100():
    assert _pct(None) == "—"
    assert _pct(1.0) == "100.00 %"
    assert _pct(0.5) == "50.00 %"
    # 14 exceeded hours of 600,000 judged: 99.99767 %, not 100.00 %
    assert _pct(1 - 14 / 600_000) == "99.9977 %"


def test_step_lines_go_to_the_console_without_a_terminal():
    console = Console(record=True, width=80, force_terminal=False)
    with RichSteps(console) as steps:
        steps.start("bulk load", 10, "rows")
        steps.advance(5)
        steps.finish("bulk load", 2.345, "a long detail " * 8)
    text = console.export_text()
    # one line per step even when it is longer than the console is wide
    assert text.startswith("1. bulk load: 2.3 s  a long detail") and text.count("\n") == 1


def test_summary_fits_80_columns_with_every_number_whole():
    """Every line within 80 columns, and each figure appears whole (not "100.…")."""
    console = Console(record=True, width=80)
    print_summary(_run(), console)
    text = console.export_text()
    assert all(len(line) <= 80 for line in text.splitlines()), max(text.splitlines(), key=len)
    assert "…" not in text
    for figure in ("100.00 %", "93.06 %", "46.3", "1.31", "GB25465-2010", "2025-01-02 21:00", "1.5", "0.8"):
        assert figure in text, figure
    assert "Binzhou Port" in text and "bag-filter breach" in text
