"""A workshop room in the browser: sessions on one server see only their own uploads, two editing one worklist row
end on one value with the loser told, and a compression bomb uploaded to the server is refused without the server's
memory growing by 500 MB.

Run only through the lock: `flock /tmp/browser.lock python -m pytest -q -m browser tests/test_browser_sessions.py`.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from core.formatting import money
from core.intake.loading import load_lots
from core.kpis.dashboard import build_dashboard
from core.kpis.report import Dataset
from core.storage import Store
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, serve_app, uploader, wait_until_read

pytestmark = pytest.mark.browser
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
ROW_HEIGHT = 35  # the data grid's row (and header) height in pixels
COMPANY_A = ("物料编码,仓库,数量,单价,入库日期\n"
             "A-001,五金仓,1000,2.5,2026-01-05\nA-002,五金仓,40,12,2026-03-01\n")
COMPANY_B = ("物料编码,仓库,数量,单价,入库日期\n"
             "B-001,钢材仓,3,4800,2026-10-20\nB-002,钢材仓,7,950,2026-09-02\nB-003,成品仓,11,333,2026-08-15\n")


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium; each session of a test is a context of its own (separate cookies and storage)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def server_process(url: str) -> psutil.Process:
    """The `streamlit run` process listening on the URL's port."""
    port = url.rsplit(":", 1)[1]
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if "streamlit" in " ".join(cmdline) and port in cmdline:
            return process
    raise LookupError(f"no streamlit process on port {port}")


def peak_rss_mb(process: psutil.Process) -> float:
    """The process's high-water mark of resident memory (VmHWM), in MB."""
    status = Path(f"/proc/{process.pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024


def engine_tiv(path: Path) -> str:
    lots = load_lots(path)
    return money(build_dashboard(Dataset(lots.data, None, lots.currency)).tiv, "CNY")


def open_data_page(context, url: str):
    tab = context.new_page()
    tab.goto(f"{url}/data")
    uploader(tab).wait_for(state="attached", timeout=60_000)
    return tab


def upload_and_show_overview(tab, path: Path) -> None:
    uploader(tab).set_input_files(str(path))
    wait_until_read(tab, path.name)
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    tab.locator('[data-testid="stSidebarNav"] a').nth(0).click()  # the same session: no reload
    tab.wait_for_selector('[data-testid="stMetricValue"]', timeout=120_000)
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)


def headline(tab) -> str:
    return tab.locator('[data-testid="stMetricValue"]').first.inner_text()


def test_two_sessions_with_different_uploads_see_only_their_own_numbers(chromium, tmp_path):
    files = {}
    for name, text in (("甲公司库存.csv", COMPANY_A), ("乙公司库存.csv", COMPANY_B)):
        files[name] = tmp_path / name
        files[name].write_bytes(text.encode("gbk"))
    expected = {name: engine_tiv(path) for name, path in files.items()}
    assert len(set(expected.values())) == 2
    with serve_app(tmp_path / "data") as url:
        contexts = [chromium.new_context(viewport={"width": 1440, "height": 1600}, locale="zh-CN") for _ in files]
        try:
            tabs = [open_data_page(context, url) for context in contexts]
            for tab, path in zip(tabs, files.values(), strict=True):
                upload_and_show_overview(tab, path)
            for tab in tabs:  # each looks again after the other's upload
                tab.locator('[data-testid="stSidebarNav"] a').nth(0).click()
                tab.wait_for_timeout(1500)
            for tab, (name, path) in zip(tabs, files.items(), strict=True):
                other = next(n for n in files if n != name)
                assert headline(tab) == expected[name]
                text = tab.locator("body").inner_text()
                assert expected[other] not in text
                assert other not in text
                assert path.name in text  # the sidebar names the session's own file
        finally:
            for context in contexts:
                context.close()


def test_a_gzip_bomb_uploaded_to_the_server_is_refused_and_the_server_stays_small(chromium, tmp_path):
    bomb = tmp_path / "stock.csv.gz"
    member = gzip.compress("物料编码,仓库,数量,金额\n".encode() + b"\0" * (10 << 20), compresslevel=9)
    bomb.write_bytes(member * 500)  # 5 GB of zeros in about 5 MB
    with serve_app(tmp_path / "data") as url:
        context = chromium.new_context(viewport={"width": 1440, "height": 1600}, locale="zh-CN")
        try:
            tab = open_data_page(context, url)
            tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                  timeout=120_000)
            server = server_process(url)
            before = peak_rss_mb(server)
            started = time.monotonic()
            uploader(tab).set_input_files(str(bomb))
            tab.get_by_text("stock.csv.gz: refused").first.wait_for(timeout=60_000)
            seconds = time.monotonic() - started
            growth = peak_rss_mb(server) - before
            print(f"bomb upload refused in {seconds:.2f} s; server peak memory grew {growth:.0f} MB")
            assert growth < 500
            assert seconds < 5
            assert tab.locator('[data-testid="stException"]').count() == 0
        finally:
            context.close()


def open_risk_worklist(context, url: str):
    """A session on the risk page, its worklist (the page's last data grid) in view; returns (tab, grid)."""
    tab = context.new_page()
    tab.goto(f"{url}/risk")
    tab.wait_for_selector('[data-testid="stMetricValue"]', timeout=120_000)
    tab.wait_for_function(IDLE, timeout=120_000)
    grid = tab.locator('[data-testid="stDataFrame"]').last
    grid.scroll_into_view_if_needed()
    grid.locator("#glide-cell-3-0").wait_for(state="attached", timeout=60_000)
    return tab, grid


def owner_shown(grid) -> str:
    """The owner of the worklist's first row, as the grid's accessible table holds it (owner is column 0)."""
    return grid.locator("#glide-cell-0-0").inner_text()


def type_owner(tab, grid, name: str) -> None:
    """Edit the first row's owner as a user does: double-click the cell, type, Enter."""
    grid.dblclick(position={"x": 40, "y": ROW_HEIGHT * 1.5})
    editor = tab.get_by_test_id("portal").locator("textarea")
    editor.wait_for(timeout=10_000)
    editor.fill(name)
    editor.press("Enter")


def board(data: Path) -> Store:
    """The app's database, as the server under test writes it."""
    return Store(f"sqlite:///{data / 'board.sqlite'}")


def wait_until_stored(tab, holds: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Wait for a save to reach the database rather than for its toast: a toast shows for four seconds only, and a
    busy machine can miss it. A save that never lands fails naming it, with a screenshot of the page."""
    deadline = time.monotonic() + seconds
    while not holds():
        if time.monotonic() > deadline:
            SCREENSHOTS.mkdir(exist_ok=True)
            tab.screenshot(path=SCREENSHOTS / "save_not_landed.png")
            pytest.fail(f"{what} did not reach the database within {seconds:.0f} s (screenshot: save_not_landed.png)")
        time.sleep(0.25)


def settled_worklist(tab, seconds: float = 60):
    """The worklist grid once the page has stopped redrawing it. A refused save redraws the editor under a new key,
    and Streamlit shows its running badge only a moment after a rerun starts, so one idle check can come too early
    and the grid found then be replaced under the next action."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tab.wait_for_function(IDLE, timeout=60_000)
        grid = tab.locator('[data-testid="stDataFrame"]').last
        grid.locator("#glide-cell-0-0").wait_for(state="attached", timeout=60_000)
        handle = grid.element_handle()
        tab.wait_for_timeout(750)
        if handle.evaluate("element => element.isConnected") and tab.evaluate(IDLE):
            return grid
    raise AssertionError(f"the worklist was still being redrawn after {seconds:.0f} s")


def test_two_sessions_editing_one_worklist_row_end_on_one_value_and_the_loser_is_told(chromium, tmp_path):
    data = tmp_path / "data"
    with serve_app(data) as url:
        contexts = [chromium.new_context(viewport={"width": 1440, "height": 1600}, locale="zh-CN") for _ in "AB"]
        try:
            (alice, alice_grid), (bob, bob_grid) = [open_risk_worklist(c, url) for c in contexts]
            assert owner_shown(alice_grid) == owner_shown(bob_grid) == ""  # both drawn before either saves
            lot = bob_grid.locator("#glide-cell-3-0").inner_text()

            type_owner(alice, alice_grid, "王芳")
            wait_until_stored(alice, lambda: "王芳" in board(data).worklist_edits()["owner"].tolist(),
                              "Alice's owner 王芳")
            type_owner(bob, bob_grid, "李雷")
            told = bob.locator('[data-testid="stAlertContentWarning"]').filter(has_text="未保存")
            told.first.wait_for(timeout=60_000)
            bob_grid = settled_worklist(bob)
            bob_grid.scroll_into_view_if_needed()
            SCREENSHOTS.mkdir(exist_ok=True)
            bob.screenshot(path=SCREENSHOTS / "worklist_conflict_loser.png")

            assert told.count() == 1 and told.first.is_visible()
            gap = bob_grid.bounding_box()["y"] - (told.first.bounding_box()["y"] + told.first.bounding_box()["height"])
            assert 0 <= gap < 100, "the message is told beside the table, not at the top of the page"
            assert "他人已先保存" in told.first.inner_text() and "王芳" in told.first.inner_text()
            assert "李雷" not in told.first.inner_text()
            assert owner_shown(bob_grid) == "王芳", "the loser's table shows the winner's value"
            alice.reload()
            alice_grid = settled_worklist(alice)
            assert owner_shown(alice_grid) == "王芳"
            assert alice.get_by_text("李雷").count() == 0
        finally:
            for context in contexts:
                context.close()
    saved = board(data).worklist_edits()
    assert saved[["owner", "version"]].values.tolist() == [["王芳", 1]]
    assert saved["lot_key"].iloc[0].startswith(lot)


def open_what_if(context, url: str):
    tab = context.new_page()
    tab.goto(f"{url}/what_if?replications=3&horizon_days=180&policy=periodic")
    tab.wait_for_selector('[data-testid="stMetricValue"]', timeout=180_000)
    tab.wait_for_function(IDLE, timeout=180_000)
    return tab


def save_scenario_as(tab, name: str) -> None:
    tab.get_by_label("情景名称").fill(name)
    tab.get_by_role("button", name="保存情景").click()
    tab.wait_for_function(IDLE, timeout=120_000)


def test_a_scenario_replaced_by_another_browser_while_the_replace_question_is_open_is_not_overwritten(chromium,
                                                                                                         tmp_path):
    data = tmp_path / "data"
    with serve_app(data) as url:
        contexts = [chromium.new_context(viewport={"width": 1440, "height": 1600}, locale="zh-CN") for _ in "AB"]
        try:
            alice, bob = [open_what_if(c, url) for c in contexts]
            save_scenario_as(alice, "基准")
            wait_until_stored(alice, lambda: board(data).scenario_versions().get("基准") is not None, "Alice's 基准")
            alice.get_by_text("最小-最大 (s,S)").first.click()  # Alice changes her mind: min-max, same name
            alice.wait_for_function(IDLE, timeout=180_000)
            save_scenario_as(alice, "基准")  # the replace question is now open for Alice
            alice.get_by_text("已有名为“基准”的情景").first.wait_for(timeout=30_000)
            bob.get_by_text("再订货点 (s,Q)").first.click()  # Bob picks another policy and replaces the scenario
            bob.wait_for_function(IDLE, timeout=180_000)
            save_scenario_as(bob, "基准")
            bob.get_by_role("button", name="覆盖").click()
            wait_until_stored(bob, lambda: board(data).load_scenario("基准")["policy"] == "rop", "Bob's 基准 (rop)")

            alice.get_by_role("button", name="覆盖").click()
            told = alice.locator('[data-testid="stAlertContentWarning"]').filter(has_text="未保存")
            told.first.wait_for(timeout=60_000)
            alice.wait_for_function(IDLE, timeout=120_000)
            told.first.scroll_into_view_if_needed()
            SCREENSHOTS.mkdir(exist_ok=True)
            alice.screenshot(path=SCREENSHOTS / "scenario_conflict_loser.png")
            assert "他人已保存了“基准”" in told.first.inner_text() and "再订货点" in told.first.inner_text()
            alice.get_by_role("button", name="载入已保存的").click()  # the page's address holds every setting
            alice.wait_for_function("() => new URLSearchParams(location.search).get('policy') === 'rop'",
                                    timeout=120_000)
        finally:
            for context in contexts:
                context.close()
    assert board(data).load_scenario("基准")["policy"] == "rop"
