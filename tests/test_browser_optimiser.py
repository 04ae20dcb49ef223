"""The plan-and-orders page in a real browser on the sample data: the frontier (one level for all vs optimised,
today's stock, the target), today's proposal by supplier, and "apply these levels" landing in the what-if
scenario. Screenshots: `screenshots/plan_frontier.png`, `plan_orders.png`, `plan_applied_what_if.png`."""

from __future__ import annotations

import pytest

from tests.test_browser import SCREENSHOTS, _open, app_url, browser, page  # noqa: F401  (fixtures)
from ui.i18n import catalog

pytestmark = pytest.mark.browser
ZH = catalog("zh")


def _settled(page) -> None:  # noqa: F811
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=180_000)
    page.wait_for_timeout(1000)


def _open_plan(page, app_url) -> None:  # noqa: F811
    _open(page, app_url, "plan_orders")
    page.wait_for_selector('[data-testid="stVegaLiteChart"]', timeout=180_000)
    _settled(page)


def test_frontier_and_proposals_on_the_sample(page, app_url):  # noqa: F811
    _open_plan(page, app_url)
    assert page.locator('[data-testid="stException"]').count() == 0
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    assert any(ZH["orders.cash_vs_uniform"] in label for label in labels)
    assert page.get_by_text(ZH["orders.kind.optimised"]).count() >= 1  # the legend
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "plan_frontier.png", full_page=True)

    page.get_by_role("tab", name=ZH["orders.tab_orders"]).click()
    page.get_by_text(ZH["orders.by_supplier"]).wait_for(timeout=60_000)
    _settled(page)
    assert page.get_by_role("button", name=ZH["orders.download_workbook"]).is_visible()
    page.screenshot(path=SCREENSHOTS / "plan_orders.png", full_page=True)
    assert (SCREENSHOTS / "plan_orders.png").stat().st_size > 10_000


def test_apply_these_levels_opens_what_if_with_the_class_levels(page, app_url):  # noqa: F811
    _open_plan(page, app_url)
    page.get_by_role("button", name=ZH["orders.apply"]).click()
    page.wait_for_url("**/what_if**", timeout=60_000)
    page.wait_for_selector('[data-testid="stVegaLiteChart"]', timeout=180_000)
    _settled(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_text(ZH["whatif.by_class"]).click()
    page.wait_for_timeout(800)
    toggle = page.locator('[data-testid="stCheckbox"]').filter(has_text=ZH["whatif.by_class_on"])
    assert toggle.locator("input").is_checked()
    page.screenshot(path=SCREENSHOTS / "plan_applied_what_if.png", full_page=True)
