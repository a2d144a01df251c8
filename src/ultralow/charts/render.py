"""Server-side rendering of Vega-Lite specifications to SVG (vl-convert, no browser, no network)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import vl_convert

# One pinned Vega-Lite version so the same spec gives the same SVG bytes after an upgrade of the default.
VEGA_LITE_VERSION = "5.21"


def to_svg(spec: Mapping[str, Any], *, lang: str = "en") -> str:
    """The chart as an SVG document (text). Data must be inline: no URL is fetched."""
    svg: str = vl_convert.vegalite_to_svg(
        dict(spec),
        vl_version=VEGA_LITE_VERSION,
        allowed_base_urls=[],
        format_locale="zh-CN" if lang == "zh" else "en-US",
        time_format_locale="zh-CN" if lang == "zh" else "en-US",
    )
    return svg
