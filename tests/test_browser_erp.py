"""Real ERP exports through the real app: upload, the Overview headline is the true TIV, and the Data page names
the recognised report layout and its conventions. Screenshots go to `screenshots/`."""

from __future__ import annotations

import pytest

from core.formatting import money
from tests import test_browser as browser_app
from tests.erp_corpus import write_corpus
from tests.test_browser import SCREENSHOTS, _headline, _open, uploader, wait_until_read

app_url, browser, page = browser_app.app_url, browser_app.browser, browser_app.page  # the same fixtures

pytestmark = pytest.mark.browser
TRUE_TIV = 3086.25 + 87.30 + 2500.00  # the three lots of tests/erp_corpus.py, by hand
OVERVIEW_DRAWN = ("() => { const label = document.querySelector('[data-testid=\"stMetricLabel\"]');"
                  " return !!label && label.innerText.includes('TIV'); }")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("erp_corpus"))


def _upload_and_read(page, url: str, path, shot: str, recognised: str) -> tuple[str, str]:
    """Upload a lots file on the Data page; returns (the Data page's text, the Overview headline). Waits for the
    `recognised` line, which only this file's run draws (an earlier upload's page may still be on screen)."""
    _open(page, url, "data")
    uploader(page).set_input_files(str(path))
    wait_until_read(page, path.name)
    page.get_by_text(recognised).first.wait_for(timeout=120_000)  # a loaded CI machine: like the waits below
    page.wait_for_timeout(1500)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{shot}_data.png", full_page=True)
    text = page.locator('[data-testid="stMain"]').inner_text()
    page.locator('[data-testid="stSidebarNav"] a').nth(0).click()
    page.wait_for_function(OVERVIEW_DRAWN, timeout=120_000)  # the Overview's own TIV, not a figure of the Data page
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    page.screenshot(path=SCREENSHOTS / f"{shot}_overview.png", full_page=True)
    return text, _headline(page)


def test_german_sap_export_shows_the_true_tiv_in_euro_and_names_profile_and_locale(page, app_url, corpus):
    recognised = "SAP MB52 / MB5B (German) · 小数点为逗号 · EUR"
    text, headline = _upload_and_read(page, app_url, corpus["sap_mb52_de.csv"], "erp_sap_de", recognised)
    assert recognised in text
    assert headline == money(TRUE_TIV, "EUR")


def test_kingdee_xls_shows_the_true_tiv_and_names_the_profile(page, app_url, corpus):
    recognised = "Kingdee K/3 即时库存 · 小数点为句点 · CNY"
    text, headline = _upload_and_read(page, app_url, corpus["kingdee_k3.xls"], "erp_kingdee_xls", recognised)
    assert recognised in text
    assert headline == money(TRUE_TIV, "CNY")
