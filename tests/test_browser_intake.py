"""Issue 20 through the real app: a stock list in another language, and a quantity-only list valued by a price list
uploaded beside it, each read with no mapping; the Overview headline is the TIV worked out by hand."""

from __future__ import annotations

import pytest

from core.formatting import money
from tests import test_browser as browser_app
from tests.test_browser import SCREENSHOTS, _headline, _open, uploader, wait_until_read

app_url, browser, page = browser_app.app_url, browser_app.browser, browser_app.page  # the same fixtures

pytestmark = pytest.mark.browser
OVERVIEW_DRAWN = ("() => { const label = document.querySelector('[data-testid=\"stMetricLabel\"]');"
                  " return !!label && label.innerText.includes('TIV'); }")


def _overview_headline(page, shot: str) -> str:
    page.locator('[data-testid="stSidebarNav"] a').nth(0).click()
    page.wait_for_function(OVERVIEW_DRAWN, timeout=120_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{shot}_overview.png", full_page=True)
    return _headline(page)


def test_a_chilean_list_is_read_by_its_words_and_the_headline_is_its_tiv(page, app_url, tmp_path):
    # 10 × 1.500 + 5 × 2.000 = 25.000 (CLP written as "$", read as the currency sign $).
    path = tmp_path / "inventario.csv"
    path.write_text("CodigoArticulo;Descripcion;CodigoBodega;StockActual;CostoUnitario;ValorTotalInventario\n"
                    "A100;Tornillo;B01;10;1500;15000\nA200;Tuerca;B02;5;2000;10000\n", encoding="utf-8")
    _open(page, app_url, "data")
    uploader(page).set_input_files(str(path))
    wait_until_read(page, path.name)
    page.get_by_text("inventario.csv").first.wait_for(timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert _overview_headline(page, "intake_chile") == money(25000, "CNY")


def test_a_quantity_only_list_with_a_price_list_shows_the_valued_headline(page, app_url, tmp_path):
    # 10 × 1,50 + 4 × 2,25 = 24,00 EUR; item 1003 has no price: listed, not valued.
    stock, prices = tmp_path / "lager.csv", tmp_path / "preise.csv"
    stock.write_text("ArtikelNr;Lagerbestand\n1001;10\n1002;4\n1003;2\n", encoding="utf-8")
    prices.write_text("Artikelnummer;Einkaufspreis;Währung\n1001;1,50;EUR\n1002;2,25;EUR\n", encoding="utf-8")
    _open(page, app_url, "data")
    uploader(page, "prices").set_input_files(str(prices))
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    uploader(page).set_input_files(str(stock))
    wait_until_read(page, stock.name)
    page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="1003").first.wait_for(
        timeout=60_000)  # the unpriced item is listed
    assert _overview_headline(page, "intake_prices") == money(24, "EUR")
