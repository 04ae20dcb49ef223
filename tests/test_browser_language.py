"""The language a user chose holds in a real browser (issue 22): Streamlit drops every widget's value when a script
opens another page itself, which once turned the app Chinese after "Apply these levels in what-if"."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, IDLE, serve_app
from ui.i18n import catalog

pytestmark = pytest.mark.browser


def settle(page) -> None:
    page.wait_for_timeout(1500)
    page.wait_for_function(IDLE, timeout=600_000)


def test_applying_the_optimisers_levels_in_what_if_keeps_english(tmp_path):
    english = catalog("en")
    with serve_app(tmp_path / "data") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(f"{url}/plan_orders")
        settle(page)
        page.get_by_text("English", exact=True).click()
        settle(page)
        assert page.locator("h1").first.inner_text() == english["nav.plan_orders"]
        apply = page.locator(".st-key-btn_apply_levels button").first
        apply.wait_for(timeout=600_000)
        apply.click()
        page.wait_for_url("**/what_if**", timeout=600_000)
        settle(page)
        assert page.locator("h1").first.inner_text() == english["whatif.title"]
        assert english["nav.plan_orders"] in page.locator('[data-testid="stSidebarNav"]').inner_text()
        note = english["whatif.from_plan"].split(":")[0]  # the levels applied exactly, on other seeds: said in English
        assert note in page.locator('[data-testid="stMain"]').inner_text()
        browser.close()


def test_a_language_switch_keeps_the_tab_the_user_is_on(tmp_path):
    """Reviewer R11: on "今天该订什么", switching to English showed the first tab again."""
    english = catalog("en")
    with serve_app(tmp_path / "data") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(f"{url}/plan_orders")
        settle(page)
        page.get_by_role("tab").nth(1).click()
        settle(page)
        page.get_by_text("English", exact=True).click()
        settle(page)
        selected = page.locator('[role="tab"][aria-selected="true"]').first
        assert selected.inner_text() == english["orders.tab_orders"]
        browser.close()


def test_a_reload_keeps_the_language_chosen(tmp_path):
    """A reload is a new session; it came back in Chinese (reviewer R31). The address now carries the choice."""
    english = catalog("en")
    with serve_app(tmp_path / "data") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN").new_page()
        page.goto(f"{url}/turnover")
        settle(page)
        page.get_by_text("English", exact=True).click()
        settle(page)
        assert page.locator("h1").first.inner_text() == english["nav.turnover"]
        page.reload()
        settle(page)
        assert "lang=en" in page.url
        assert page.locator("h1").first.inner_text() == english["nav.turnover"]
        browser.close()
