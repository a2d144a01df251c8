"""Charts: Vega-Lite specifications built from plain rows, rendered to SVG on the server (vl-convert).

The builders are pure (rows in, a Vega-Lite dict out); :func:`to_svg` is the only place that runs the
renderer. The report and the public site share both, so a figure looks the same in the PDF and online.
"""

from ultralow.charts.labels import ChartText, chart_text
from ultralow.charts.render import to_svg
from ultralow.charts.specs import hourly_vs_limit, kpi_trend, monthly_tonnes

__all__ = ["ChartText", "chart_text", "hourly_vs_limit", "kpi_trend", "monthly_tonnes", "to_svg"]
