"""The site in a real browser (Playwright driving Debian's Chromium): one browser for the module.

Screenshots are written to ``test-output/web/`` for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from ultralow.charts.specs import LIMIT_COLOUR

pytestmark = pytest.mark.slow

SECTIONS = ("who-we-are", "what-we-do", "esg", "social", "overseas")


def new_page(browser: Any, width: int = 1280) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.errors = []
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    return page


def test_the_five_sections_render_with_figures(demo_site: str, browser: Any, screenshot_dir: Path) -> None:
    page = new_page(browser)
    for slug in SECTIONS:
        for lang in ("en", "zh"):
            page.goto(f"{demo_site}/{lang}/{slug}")
            assert page.locator("h1").count() == 1
            assert page.locator(".figure").count() >= 1
            page.screenshot(path=str(screenshot_dir / f"{slug}-{lang}.png"), full_page=True)
    page.goto(f"{demo_site}/en/esg")
    capture = page.locator(".figure", has_text="Valid-hour capture rate")
    assert re.search(r"\d+\.\d\d%", capture.locator(".value").inner_text())
    assert "Period" in capture.inner_text() and "Last updated" in capture.inner_text()
    assert page.errors == []  # CSP violations and missing assets show up as console errors
    page.close()


def test_search_finds_the_overseas_page_in_both_languages(demo_site: str, browser: Any,
                                                          screenshot_dir: Path) -> None:
    page = new_page(browser)
    for lang, query in (("en", "Guinea"), ("zh", "几内亚")):
        page.goto(f"{demo_site}/{lang}/")
        page.fill("input[name=q]", query)
        page.press("input[name=q]", "Enter")
        page.wait_for_url(re.compile(r"/search\?q="))
        first_page_hit = page.locator(".results li", has=page.locator(f"a[href='/{lang}/overseas']"))
        assert first_page_hit.count() == 1
        assert first_page_hit.locator("mark").first.inner_text().lower() == query.lower()
        page.screenshot(path=str(screenshot_dir / f"search-{lang}.png"), full_page=True)
    page.goto(f"{demo_site}/en/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert page.locator("h1").inner_text().endswith("“<script>alert(1)</script>”")  # shown as text
    assert page.locator("input[name=q]").input_value() == "<script>alert(1)</script>"
    page.close()


def test_language_switch_keeps_the_page(demo_site: str, browser: Any) -> None:
    page = new_page(browser)
    page.goto(f"{demo_site}/en/esg")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("a[hreflang=zh]")
    page.wait_for_url("**/zh/esg")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "环境、社会及管治"
    page.click("a[hreflang=en]")
    page.wait_for_url("**/en/esg")
    page.close()


def test_evidence_link_opens_the_rows_behind_a_figure(demo_site: str, browser: Any, screenshot_dir: Path) -> None:
    page = new_page(browser)
    page.goto(f"{demo_site}/en/esg")
    page.locator(".figure", has_text="Exceedance hours").get_by_role("link", name="Evidence").click()
    page.wait_for_url("**/evidence/rollup/ALL/all")
    exceeded = page.locator("table.evidence-rows", has_text="Exceeded hours")
    assert exceeded.locator("tbody tr.exceeded").count() >= 1
    page.screenshot(path=str(screenshot_dir / "evidence-group.png"), full_page=True)
    page.close()


def test_outlet_chart_is_an_svg_with_the_limit_line(demo_site: str, browser: Any, screenshot_dir: Path) -> None:
    page = new_page(browser, width=1000)
    page.goto(f"{demo_site}/en/outlets/zouping-south-u3?code=a21002&month=1")
    image = page.locator("figure.chart img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    svg = httpx.get(demo_site + image.get_attribute("src"))
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg")
    rules = re.findall(r'<g class="mark-rule role-mark[^"]*"[^>]*>(.*?)</g>', svg.text, re.S)
    assert any(f'stroke="{LIMIT_COLOUR}"' in rule for rule in rules)  # the limit drawn as a rule
    page.locator("details.data-table summary").click()
    assert page.locator("table.hours tbody tr").count() == 72  # 3 days x 24 hours
    page.screenshot(path=str(screenshot_dir / "outlet-u3-nox.png"), full_page=True)
    page.close()


def test_phone_width_has_no_horizontal_scroll(demo_site: str, browser: Any, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    page.goto(demo_site + "/zh/esg")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(screenshot_dir / "esg-zh-phone.png"), full_page=False)
    page.close()
