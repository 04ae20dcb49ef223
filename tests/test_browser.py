"""The real app in a real browser: `streamlit run` on a free local port, driven by Playwright on Debian's
headless Chromium (/usr/bin/chromium). Screenshots of every page go to `screenshots/` at the repository root."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.formatting import money
from core.intake.loading import load_lots, load_movements
from core.kpis.dashboard import build_dashboard
from core.kpis.report import Dataset
from tests.conftest import ROOT, SAMPLE
from ui import i18n

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
PAGES = {"overview": "", "turnover": "turnover", "risk": "risk", "what_if": "what_if", "targets": "targets",
         "data": "data"}
GBK_LOTS = ("物料编码,物料名称,仓库,事业部,供应商,数量,单位,单价,入库日期\n"
            "A-001,不锈钢螺丝,五金仓,BU1,华东五金,1000,pcs,2.5,2026-01-05\n"
            "B-002,冷轧钢板,原材料仓,BU2,宁波钢材,3,吨,4800,2026-10-20\n")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not come up")


@contextlib.contextmanager
def serve_app(data_dir: Path):
    """`streamlit run app.py` on a free loopback port, stopped afterwards."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true"],
                               cwd=ROOT, env={**os.environ, "IDB_DATA_DIR": str(data_dir)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def uploader(page, kind: str = "lots"):
    """The file input of the uploader for `kind` (lots, movements, prices), found by its label in either language.
    Not by position: while the page is drawn, the first input on it was once the movements uploader, and a stock
    list went in as movements."""
    labels = "|".join(re.escape(i18n.catalog(language)[f"data.{kind}_file"]) for language in i18n.LANGUAGES)
    label = page.locator('[data-testid="stWidgetLabel"]').filter(has_text=re.compile(f"^({labels})$"))
    return page.locator('[data-testid="stFileUploader"]').filter(has=label).locator('input[type="file"]')


def wait_until_read(page, name: str) -> None:
    """The uploader shows a file's name at once, while it is still being sent; the data page names the file in its
    success message only once it has read it. Leaving the page before that drops the upload."""
    page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text=name).first.wait_for(timeout=120_000)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with serve_app(tmp_path_factory.mktemp("data")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), "browser tests need Debian's chromium: apt-get install -y chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 2400}, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()


def _open(page, url: str, path: str) -> None:
    page.goto(f"{url}/{path}")
    page.wait_for_selector('[data-testid="stTitle"], h1', timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    page.wait_for_timeout(1500)


def _headline(page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text()


HEADLINE_IS = """([text, wanted]) => {
    const shown = document.querySelector('[data-testid="stMetricValue"]');
    return !!shown && (shown.innerText === text) === wanted;
}"""


def what_the_page_shows(page) -> str:
    """The page's address, first figure and alerts: what a failed wait reports, so a CI log says what was seen."""
    shown = page.locator('[data-testid="stMetricValue"]')
    alerts = page.locator('[data-testid^="stAlertContent"], [data-testid="stException"]').all_inner_texts()
    first = shown.first.inner_text(timeout=5_000) if shown.count() else "(no figure)"
    return f"url={page.url} headline={first!r} alerts={[a[:200] for a in alerts]}"


def _headline_becomes(page, text: str) -> None:
    """Wait until the page's first figure reads `text` (a rerun shows it when it is done, not after a set time)."""
    try:
        page.wait_for_function(HEADLINE_IS, arg=[text, True], timeout=120_000)
    except Exception as timeout:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "headline_not_reached.png", full_page=True)
        raise AssertionError(f"headline never read {text!r}: {what_the_page_shows(page)}") from timeout


def _headline_leaves(page, text: str) -> str:
    """Wait until the page's first figure no longer reads `text`; return what it reads then."""
    page.wait_for_function(HEADLINE_IS, arg=[text, False], timeout=120_000)
    return _headline(page)


@pytest.fixture(scope="module")
def sample_tiv() -> str:
    lots, movements = load_lots(SAMPLE / "lots.csv.gz"), load_movements(SAMPLE / "movements.csv.gz")
    return money(build_dashboard(Dataset(lots.data, movements.data, lots.currency)).tiv, "CNY")


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_loads_without_an_error_and_is_screenshotted(name, page, app_url):
    _open(page, app_url, PAGES[name])
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000


def test_overview_headline_is_the_engines_tiv(page, app_url, sample_tiv):
    _open(page, app_url, "")
    assert _headline(page) == sample_tiv


def test_a_filter_set_in_the_sidebar_holds_on_every_page(page, app_url, sample_tiv):
    _open(page, app_url, "")
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(1).click()
    page.get_by_role("option", name="原材料").click()
    page.keyboard.press("Escape")
    filtered = _headline_leaves(page, sample_tiv)
    page.wait_for_function(IDLE, timeout=120_000)
    page.locator('[data-testid="stSidebarNav"] a').nth(1).click()
    page.wait_for_url("**/turnover", timeout=60_000)
    page.wait_for_function(IDLE, timeout=120_000)
    page.locator('[data-testid="stSidebarNav"] a').nth(0).click()
    _headline_becomes(page, filtered)
    page.wait_for_timeout(1500)  # and it stays so once the page has settled
    assert _headline(page) == filtered


def test_uploading_a_gbk_chinese_header_csv_changes_the_headline(page, app_url, sample_tiv, tmp_path):
    upload = tmp_path / "库存明细.csv"
    upload.write_bytes(GBK_LOTS.encode("gbk"))
    _open(page, app_url, "data")
    uploader(page).set_input_files(str(upload))
    wait_until_read(page, "库存明细.csv")
    page.wait_for_function(IDLE, timeout=120_000)  # the Data page has finished drawing what it read
    page.screenshot(path=SCREENSHOTS / "data_after_upload.png", full_page=True)
    page.locator('[data-testid="stSidebarNav"] a').nth(0).click()
    expected = money(1000 * 2.5 + 3 * 4800, "CNY")
    assert expected != sample_tiv
    _headline_becomes(page, expected)


def test_what_if_slider_moves_the_figures(page, app_url):
    _open(page, app_url, "what_if")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length >= 2",
                           timeout=120_000)  # the trade-off curve is drawn last: the first run is over
    page.wait_for_timeout(1000)
    before = _headline(page)
    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
    thumb.focus()
    started = time.monotonic()
    page.keyboard.press("End")  # service level 95 % → 99.9 %
    page.wait_for_function("before => document.querySelector('[data-testid=\"stMetricValue\"]').innerText !== before",
                           arg=before, timeout=120_000)
    elapsed = time.monotonic() - started
    print(f"what-if: slider change to updated figures in {elapsed:.2f} s")
    after = _headline(page)
    assert after != before
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    page.screenshot(path=SCREENSHOTS / "what_if_after_slider.png", full_page=True)


def test_a_shared_what_if_link_opened_first_after_a_restart_keeps_the_app_around_it(page, tmp_path):
    with serve_app(tmp_path) as url:
        page.goto(f"{url}/what_if?policy=rop&service_level=0.9&replications=2")
        page.wait_for_selector('[data-testid="stMetricValue"]', timeout=120_000)
        navigation = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        assert any("情景模拟" in item for item in navigation) and not any(item == "app" for item in navigation)
        assert page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').count() == 4
        assert "policy=rop" in page.url and "service_level=0.9" in page.url


def _tiv_reduction_box(page):
    return page.locator('[data-testid="stMain"] [data-testid="stForm"] [data-testid="stNumberInput"] input').first


LANGUAGES = '[data-testid="stSidebarUserContent"] [data-testid="stRadio"] [role="radiogroup"] label'


def _save_targets(page) -> None:
    page.locator('[data-testid="stMain"] [data-testid="stFormSubmitButton"] button').first.click()
    page.wait_for_timeout(500)
    page.wait_for_function(IDLE, timeout=120_000)


def test_a_tiv_target_typed_in_wan_reads_ten_times_more_in_k_after_a_language_switch(page, app_url):
    """Issue 22 item 1 in a real browser, where the page keeps a keyed box's number whatever its label says:
    300 (万) saved in Chinese reads 3,000.00 (¥k) in English, and saving there keeps ¥3,000,000."""
    _open(page, app_url, PAGES["targets"])
    box = _tiv_reduction_box(page)
    box.fill("300")
    _save_targets(page)
    assert _tiv_reduction_box(page).input_value() == "300.00"
    page.locator(LANGUAGES).nth(1).click()
    page.wait_for_function("() => document.body.innerText.includes('Save targets')", timeout=120_000)
    page.wait_for_function(IDLE, timeout=120_000)
    page.wait_for_timeout(1000)
    assert _tiv_reduction_box(page).input_value() == "3000.00"
    _save_targets(page)
    page.locator(LANGUAGES).nth(0).click()
    page.wait_for_function("() => document.body.innerText.includes('保存目标')", timeout=120_000)
    page.wait_for_function(IDLE, timeout=120_000)
    page.wait_for_timeout(1000)
    assert _tiv_reduction_box(page).input_value() == "300.00"
