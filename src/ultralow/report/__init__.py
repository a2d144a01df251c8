"""The annual ESG / responsibility report: HTML and PDF in English and Chinese, every figure numbered with
its evidence, the report's own claims checked before it is written.

    from ultralow.app import Application
    from ultralow.report import build_report
    with Application.open("ultralow.duckdb") as app:
        result = build_report(app, 2025, Path("reports"), langs=("en", "zh"))

Every figure comes through ``ultralow.app`` (judge, site selections, GHG, CBAM, KPIs, ledgers).
"""

from ultralow.report.build import ReportFile, ReportRefused, ReportResult, build_report, claim_text
from ultralow.report.figures import ReportData, collect

__all__ = ["ReportData", "ReportFile", "ReportRefused", "ReportResult", "build_report", "claim_text", "collect"]
