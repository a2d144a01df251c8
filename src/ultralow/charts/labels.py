"""The words on the charts, per language; callers may override any of them."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ChartText:
    """Axis titles and legend words of the charts in one language."""

    lang: str
    hour: str
    month: str
    period: str
    concentration_mg_m3: str
    limit: str
    exceeded: str
    tonnes: str
    pollutant: str
    invalid_note: str

    def with_(self, **changes: str) -> ChartText:
        return replace(self, **changes)


_TEXT = {
    "en": ChartText(
        lang="en",
        hour="Hour (plant local time)",
        month="Month",
        period="Period",
        concentration_mg_m3="Hourly mean, corrected (mg/m³)",
        limit="Limit",
        exceeded="Exceedance hour",
        tonnes="Emissions (t)",
        pollutant="Pollutant",
        invalid_note="Gaps are invalid hours (no value shown)",
    ),
    "zh": ChartText(
        lang="zh",
        hour="小时（厂区当地时间）",
        month="月份",
        period="期间",
        concentration_mg_m3="小时均值（折算，mg/m³）",
        limit="限值",
        exceeded="超标小时",
        tonnes="排放量（吨）",
        pollutant="污染物",
        invalid_note="空缺为无效小时（不显示数值）",
    ),
}


def chart_text(lang: str) -> ChartText:
    """The chart words for ``lang`` (``en`` or ``zh``); unknown languages are an error."""
    try:
        return _TEXT[lang]
    except KeyError:
        raise ValueError(f"chart language {lang!r}: expected one of {sorted(_TEXT)}") from None
