"""The app in headless Chromium, timed as a user feels it.

- `slider`: the default what-if page (sample data: 2,000 SKUs × 365 days × 20 replications); the service-level
  slider is moved one step at a time (each step a new scenario, never a cached one) and the time from the key
  press to the first changed figure, and to all figures (the run over: the trade-off chart and tables drawn,
  the page idle), is taken; prints the medians and every move (target: all figures ≤ 0.5 s median).
- `plan`: Plan & orders on the sample: the first visit (the optimiser's first run, to the page idle), then the
  target fill slider moved one step at a time (each a new question) — time to the first changed figure and to
  all figures (target ≤ 2 s).
- `upload`: a 1,000,000-row lots CSV (the single-snapshot file of `kpi_bench.py`) is uploaded on the data page;
  the time from handing the file to the browser to the Overview headline showing the file's TIV (aim ≤ 5 s),
  next to the pyarrow parse of the same file in process (the floor).
Both print the Streamlit server's peak memory. Run under the browser lock, on a quiet CPU:
`flock /tmp/browser.lock flock /tmp/bench.lock python benchmarks/browser_bench.py slider|upload [--moves 7]`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.kpi_bench import temporary_lots
from core.formatting import money

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
METRIC = '[data-testid="stMetricValue"]'
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def served_app(peak: dict):
    """`streamlit run app.py` on a free loopback port with an empty data folder; its peak memory goes to `peak`."""
    port, folder = _free_port(), tempfile.mkdtemp()
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true",
                                "--server.maxUploadSize", "1000"],
                               cwd=ROOT, env={**os.environ, "IDB_DATA_DIR": folder},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        _, _, usage = os.wait4(process.pid, 0)
        peak["server_mb"] = usage.ru_maxrss / 1024


@contextlib.contextmanager
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 2400}, locale="zh-CN").new_page()
        try:
            yield page
        finally:
            browser.close()


def _open(page, url: str, path: str) -> None:
    page.goto(f"{url}/{path}")
    page.wait_for_selector(METRIC, timeout=300_000)
    page.wait_for_function(IDLE, timeout=300_000)


def slider(moves: int) -> list[float]:
    """Seconds from each slider key press to the first changed headline figure, and to all figures."""
    peak: dict = {}
    times, whole = [], []
    with served_app(peak) as url, browser_page() as page:
        _open(page, url, "what_if")
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length >= 2",
                               timeout=300_000)
        thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
        for _ in range(moves):
            page.wait_for_function(IDLE, timeout=300_000)
            page.wait_for_timeout(500)
            before = page.locator(METRIC).first.inner_text()
            thumb.focus()
            started = time.perf_counter()
            page.keyboard.press("ArrowRight")  # 95.0 % → 95.1 % → …: a scenario not simulated before
            page.wait_for_function("b => document.querySelector('[data-testid=\"stMetricValue\"]').innerText !== b",
                                   arg=before, timeout=300_000)
            times.append(time.perf_counter() - started)
            page.wait_for_function(IDLE, timeout=300_000)
            whole.append(time.perf_counter() - started)
    print(f"what-if slider → headline, {moves} moves: median {statistics.median(times):.2f} s; each: "
          f"{', '.join(f'{t:.2f}' for t in times)}")
    print(f"what-if slider → all figures: median {statistics.median(whole):.2f} s (target ≤ 0.5 s); each: "
          f"{', '.join(f'{t:.2f}' for t in whole)}")
    print(f"streamlit server peak memory: {peak['server_mb']:.0f} MB")
    return times


def plan(moves: int) -> list[float]:
    """Seconds to the first Plan & orders figures, then from each target-slider key press to the changed figures."""
    peak: dict = {}
    times, whole = [], []
    with served_app(peak) as url, browser_page() as page:
        started = time.perf_counter()
        _open(page, url, "plan_orders")
        first = time.perf_counter() - started
        thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
        for _ in range(moves):
            page.wait_for_function(IDLE, timeout=300_000)
            page.wait_for_timeout(500)
            before = page.locator(METRIC).nth(1).inner_text()  # the plan's stock
            thumb.focus()
            started = time.perf_counter()
            page.keyboard.press("ArrowLeft")  # 97.0 % → 96.9 % → …: a question not asked before
            page.wait_for_function("b => document.querySelectorAll('[data-testid=\"stMetricValue\"]')[1]"
                                   "?.innerText !== b", arg=before, timeout=300_000)
            times.append(time.perf_counter() - started)
            page.wait_for_function(IDLE, timeout=300_000)
            whole.append(time.perf_counter() - started)
    print(f"Plan & orders, first visit → figures: {first:.2f} s")
    print(f"target fill slider → changed figure, {moves} moves: median {statistics.median(times):.2f} s; → all "
          f"figures: median {statistics.median(whole):.2f} s (target ≤ 2 s); each: "
          f"{', '.join(f'{t:.2f}/{w:.2f}' for t, w in zip(times, whole, strict=True))}")
    print(f"streamlit server peak memory: {peak['server_mb']:.0f} MB")
    return whole


def upload(rows: int) -> float:
    """Seconds from handing a `rows`-row lots CSV to the upload widget to the Overview headline showing its TIV."""
    import pyarrow.csv as pacsv

    from core.intake.loading import load_lots

    peak: dict = {}
    with temporary_lots(rows, snapshots=1, skus=100_000, suppliers=500) as path:
        start = time.perf_counter()
        pacsv.read_csv(path)
        parse = time.perf_counter() - start
        expected = money(float(load_lots(path).data["value"].sum()), "CNY")
        with served_app(peak) as url, browser_page() as page:
            _open(page, url, "data")
            started = time.perf_counter()
            page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
            # the uploader shows the file's name at once, while it is still being sent: wait until the data page
            # has read it (its "rows used" figure), or leaving the page would drop the upload
            page.wait_for_function("n => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
                                   ".some(e => e.innerText === n)", arg=f"{rows:,}", timeout=600_000)
            read = time.perf_counter() - started
            page.locator('[data-testid="stSidebarNav"] a').nth(0).click()
            try:
                page.wait_for_function("t => document.querySelector('[data-testid=\"stMetricValue\"]')?.innerText"
                                       " === t", arg=expected, timeout=600_000)
            finally:
                page.screenshot(path=Path(tempfile.gettempdir()) / "upload_bench.png", full_page=True)
            seconds = time.perf_counter() - started
    print(f"upload {rows:,}-row CSV → Overview headline {expected}: {seconds:.2f} s (aim ≤ 5 s), of which "
          f"sent and read on the data page {read:.2f} s; pyarrow parse in process {parse:.2f} s: "
          f"{seconds / parse:.1f}×")
    print(f"streamlit server peak memory: {peak['server_mb']:.0f} MB")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("slider", "plan", "upload"))
    parser.add_argument("--moves", type=int, default=7)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    {"slider": lambda: slider(args.moves), "plan": lambda: plan(args.moves),
     "upload": lambda: upload(args.rows)}[args.what]()


if __name__ == "__main__":
    main()
