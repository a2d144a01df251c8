"""HTTP tests of the application skeleton: redirects, the page frame, languages, headers, static assets."""

from __future__ import annotations

import re

import httpx

from ultralow.web.headers import CONTENT_SECURITY_POLICY


def test_root_redirects_to_the_browser_language(live_site: str) -> None:
    english = httpx.get(live_site + "/", follow_redirects=False)
    assert english.status_code == 307 and english.headers["location"] == "/en/"
    chinese = httpx.get(live_site + "/", headers={"accept-language": "zh-CN,zh;q=0.9"}, follow_redirects=True)
    assert chinese.url.path == "/zh/"


def test_home_in_both_languages_with_lang_and_switch(live_site: str) -> None:
    en = httpx.get(live_site + "/en/")
    assert en.status_code == 200
    assert '<html lang="en">' in en.text
    assert 'href="/zh/" hreflang="zh"' in en.text
    assert "Please enter the keyword" in en.text
    zh = httpx.get(live_site + "/zh/")
    assert '<html lang="zh-Hans">' in zh.text
    assert 'href="/en/" hreflang="en"' in zh.text
    assert "请输入关键词" in zh.text and "海外贡献" in zh.text


def test_security_headers_and_no_inline_script(live_site: str) -> None:
    page = httpx.get(live_site + "/en/")
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)  # no inline script element
    assert not re.search(r"\son[a-z]+=", page.text)  # no inline event handler
    assert "http://" not in page.text.replace(live_site, "") and "https://" not in page.text  # no CDN


def test_static_css_is_served_locally(live_site: str) -> None:
    css = httpx.get(live_site + "/static/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.headers["x-content-type-options"] == "nosniff"


def test_unknown_page_is_404_in_the_page_frame(live_site: str) -> None:
    missing = httpx.get(live_site + "/zh/no-such-page")
    assert missing.status_code == 404
    assert "页面不存在" in missing.text


def test_unprefixed_section_redirects(live_site: str) -> None:
    claims = httpx.get(live_site + "/claims", follow_redirects=False)
    assert claims.status_code == 307 and claims.headers["location"] == "/en/claims"
    bare = httpx.get(live_site + "/zh", follow_redirects=False)
    assert bare.headers["location"] == "/zh/"


def test_the_registrys_chinese_names_on_the_chinese_pages(live_site: str) -> None:
    # examples/ultralow.toml: group "Example Aluminium Group" / 示例铝业集团, base shandong-power
    # "Shandong captive power plant" / 山东自备电厂; boke-alumina has no name_zh (its one name on both)
    zh, en = httpx.get(live_site + "/zh/who-we-are"), httpx.get(live_site + "/en/who-we-are")
    assert zh.status_code == en.status_code == 200
    assert "<title>" in zh.text and "· 示例铝业集团</title>" in zh.text and "山东自备电厂" in zh.text
    assert "Boké alumina refinery" in zh.text and "Shandong captive power plant" not in zh.text
    assert "· Example Aluminium Group</title>" in en.text and "Shandong captive power plant" in en.text
    assert "山东自备电厂" not in en.text
