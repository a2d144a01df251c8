"""The annual ESG / responsibility report: HTML and PDF in English and Chinese, every figure numbered with
its evidence, the report's own claims checked before it is written.

    from ultralow.app import Application
    from ultralow.report import build_report
    with Application.open("ultralow.duckdb") as app:
        result = build_report(app, 2025, Path("reports"), langs=("en", "zh"))

Every figure comes through ``ultralow.app`` (judge, site selections, GHG, CBAM, KPIs, ledgers).
"""

from __future__ import annotations

from typing import Any

# imported on first use, so that ``python -m ultralow.report.pdf`` loads only WeasyPrint
_EXPORTS = {"ReportFile": "build", "ReportRefused": "build", "ReportResult": "build", "build_report": "build",
            "claim_text": "build", "ReportData": "figures", "collect": "figures"}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f"ultralow.report.{_EXPORTS[name]}"), name)
    raise AttributeError(name)


__all__ = ["ReportData", "ReportFile", "ReportRefused", "ReportResult", "build_report", "claim_text", "collect"]
