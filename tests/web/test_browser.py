"""The site in a real browser (Playwright driving Debian's Chromium): one browser for the module.

Screenshots are written to ``test-output/web/`` for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def test_language_switch_keeps_the_page_and_sets_lang(live_site: str, browser: Any,
                                                      screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_site + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("input[name=q]").get_attribute("placeholder") == "Please enter the keyword"
    page.screenshot(path=str(screenshot_dir / "home-en.png"), full_page=True)
    page.click("a[hreflang=zh]")
    page.wait_for_url("**/zh/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("nav.sections").inner_text().count("海外贡献") == 1
    page.screenshot(path=str(screenshot_dir / "home-zh.png"), full_page=True)
    assert errors == []  # CSP violations and failed assets show up as console errors
    page.close()


def test_phone_width_has_no_horizontal_scroll(live_site: str, browser: Any, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    page.goto(live_site + "/zh/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    page.screenshot(path=str(screenshot_dir / "home-zh-phone.png"), full_page=True)
    page.close()
