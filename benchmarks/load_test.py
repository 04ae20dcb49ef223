"""A workshop room on one server: N concurrent sessions through the real `streamlit run`, on loopback only.

Each session is a browser context of its own in one headless Chromium (separate cookies, its own websocket
session), driven with Playwright's async API:

1. opens the app (overview) — time to first figure;
2. moves the what-if service-level slider — time to updated figures;
3. uploads its own lots file on the Data page and returns to the overview — time to updated figures (the
   headline must become that file's TIV, computed here by the engine, so a session showing another's data is an
   error);
4. filters one warehouse in the sidebar — time to updated figures (again checked against the engine).

A figure is read only once it belongs to the step: the target page's title and its first metric are drawn by
the current run (Streamlit marks what an earlier run or the previous page left on screen `data-stale`), and the
value is the expected one — or, for the slider, a new one. A step whose run has finished (no status widget) with
another value on screen is an error. Prints p50/p95 of each, errors, and the server's memory: the peak RSS of the
streamlit process tree sampled every 0.2 s (psutil). Bounded: at most 30 sessions, each with a time limit.

    flock /tmp/bench.lock flock /tmp/browser.lock python -m benchmarks.load_test --sessions 1 5 20
    python -m benchmarks.load_test --sessions 20 --rows 1000000 --steps upload   # memory with big uploads
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
from playwright.async_api import TimeoutError as PlaywrightTimeout

from core.formatting import money
from core.intake.loading import load_lots
from core.kpis import measures as kpis
from core.kpis.dashboard import Filters, apply_filters
from core.kpis.report import Dataset
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, serve_app
from ui.i18n import catalog

MAX_SESSIONS = 30
SESSION_SECONDS = 600
GRACE_SECONDS = 10  # after a run ends with another value, how long a follow-up rerun may take to show the right one
STEPS = ("open", "slider", "upload", "filter")
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
WAREHOUSES = ("原材料仓", "成品仓", "五金仓")
LABELS = catalog("zh")
PAGES = {"overview": ("nav.overview", "overview.title"), "what_if": ("nav.what_if", "whatif.title"),
         "data": ("nav.data", "data.title")}
FIGURE = """([title, before, expected, needMetric, settleOnIdle]) => {
    const fresh = s => [...document.querySelectorAll(
        `[data-testid="stElementContainer"]:not([data-stale="true"]) ${s}`)];
    if (!fresh('h1').some(h => h.innerText.trim().startsWith(title))) return false;
    const idle = !document.querySelector('[data-testid="stStatusWidget"]');
    if (!needMetric) return idle;
    const metric = fresh('[data-testid="stMetricValue"]')[0];
    if (!metric || (before !== null && metric.innerText === before)) return false;
    return expected === null || metric.innerText === expected || (settleOnIdle && idle);
}"""


def lots_file(folder: Path, session: int, rows: int) -> Path:
    """A lots file of its own for each session (different values, so different figures)."""
    rng = np.random.default_rng(session)
    frame = pd.DataFrame({
        "物料编码": [f"S{session}-{i:07d}" for i in range(rows)],
        "仓库": rng.choice(WAREHOUSES, rows),
        "数量": rng.integers(1, 500, rows),
        "单价": rng.uniform(1, 900, rows).round(2),
        "入库日期": pd.Timestamp("2025-12-31") - pd.to_timedelta(rng.integers(0, 900, rows), unit="D"),
    })
    path = folder / f"session{session:02d}_lots.csv"
    frame.to_csv(path, index=False, date_format="%Y-%m-%d")
    return path


def expected_headlines(path: Path) -> tuple[str, str]:
    """The engine's TIV for the whole file and for the first warehouse alone, as the overview shows them."""
    lots = load_lots(path)
    data = Dataset(lots.data, None, lots.currency)

    def headline(selection: Filters) -> str:
        stock = kpis.as_of_stock(apply_filters(data, selection).lots, None)[2]
        return money(kpis.total_inventory_value(stock), "CNY")
    return headline(Filters()), headline(Filters(warehouse=(WAREHOUSES[0],)))


class MemorySampler(threading.Thread):
    """The peak RSS (MB) of a process and its children while the load runs, and the CPU seconds spent by them and
    by the browsers (Chromium's processes) — on this machine the browsers share the server's cores."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peak_mb, self.running = psutil.Process(pid), 0.0, True
        self.cpu: dict[str, dict[int, float]] = {"server": {}, "browsers": {}}  # last CPU seconds seen per process
        self.started = {"server": self._cpu_now("server"), "browsers": self._cpu_now("browsers")}

    def _processes(self, side: str) -> list[psutil.Process]:
        if side == "server":
            return [self.root, *self.root.children(recursive=True)]
        return [p for p in psutil.process_iter(["name"]) if "chrom" in (p.info["name"] or "")]

    def _cpu_now(self, side: str) -> float:
        total = 0.0
        for process in self._processes(side):
            try:
                times = process.cpu_times()
                self.cpu[side][process.pid] = times.user + times.system
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    def cpu_seconds(self, side: str) -> float:
        """CPU seconds used since the sampler was made (a process that ended counts as last seen)."""
        return sum(self.cpu[side].values()) - self.started[side]

    def run(self) -> None:
        while self.running:
            try:
                total = sum(p.memory_info().rss for p in self._processes("server")) / (1 << 20)
                self.peak_mb = max(self.peak_mb, total)
            except psutil.Error:
                pass
            self._cpu_now("server")
            self._cpu_now("browsers")
            time.sleep(0.2)


async def figure(tab, page: str, before: str | None = None, expected: str | None = None) -> str:
    """The page's headline once this run of `page` drew it (and it differs from `before`): the expected value as
    soon as it shows, else what is shown when the run has finished. Without a metric wanted (`before` and
    `expected` None and `page` the data page), waits for the page's run to finish."""
    title = LABELS[PAGES[page][1]]
    need_metric = page != "data"
    await tab.wait_for_function(FIGURE, arg=[title, before, expected, need_metric, True],
                                timeout=SESSION_SECONDS * 1000)
    if not need_metric:
        return ""
    shown = await fresh_headline(tab)
    if expected is not None and shown != expected:  # the run ended on another value: a rerun may still follow
        try:
            await tab.wait_for_function(FIGURE, arg=[title, None, expected, True, False],
                                        timeout=GRACE_SECONDS * 1000)
        except PlaywrightTimeout:
            return shown
        shown = await fresh_headline(tab)
    return shown


async def fresh_headline(tab) -> str:
    return await tab.evaluate("""() => { const m = document.querySelector(
        '[data-testid="stElementContainer"]:not([data-stale="true"]) [data-testid="stMetricValue"]');
        return m ? m.innerText : ''; }""")


async def open_page(tab, page: str) -> None:
    """Click the page's link in the sidebar (the same session: no reload)."""
    await tab.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=LABELS[PAGES[page][0]],
                                                                   exact=True).click()


async def session(browser, url: str, upload: Path, expected: tuple[str, str], steps: tuple[str, ...],
                  timings: dict[str, list[float]], errors: list[str]) -> None:
    context = await browser.new_context(viewport={"width": 1440, "height": 1600}, locale="zh-CN")
    tab = await context.new_page()
    try:
        started = time.monotonic()
        await tab.goto(url, timeout=SESSION_SECONDS * 1000)
        await figure(tab, "overview")
        timings["first figure"].append(time.monotonic() - started)
        await tab.wait_for_function(IDLE, timeout=SESSION_SECONDS * 1000)
        if "slider" in steps:
            await open_page(tab, "what_if")
            await tab.wait_for_function("() => document.querySelectorAll('[data-testid=\"stElementContainer\"]"
                                        ":not([data-stale=\"true\"]) [data-testid=\"stVegaLiteChart\"]')"
                                        ".length >= 2", timeout=SESSION_SECONDS * 1000)
            before = await figure(tab, "what_if")
            await tab.wait_for_function(IDLE, timeout=SESSION_SECONDS * 1000)
            await tab.locator('[data-testid="stMain"] [data-testid="stSlider"] input[type="range"]').first.focus()
            started = time.monotonic()
            await tab.keyboard.press("End")
            await figure(tab, "what_if", before=before)
            timings["slider → figures"].append(time.monotonic() - started)
            await tab.wait_for_function(IDLE, timeout=SESSION_SECONDS * 1000)
        if "upload" in steps:
            await open_page(tab, "data")
            await figure(tab, "data")
            started = time.monotonic()
            await tab.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
                str(upload), timeout=SESSION_SECONDS * 1000)  # twenty big files handed to one browser at once
            switched = tab.locator('[data-testid="stAlertContentSuccess"]', has_text=upload.name)
            await switched.first.wait_for(timeout=SESSION_SECONDS * 1000)  # the server now shows this file
            await tab.wait_for_function(IDLE, timeout=SESSION_SECONDS * 1000)
            await open_page(tab, "overview")
            shown = await figure(tab, "overview", expected=expected[0])
            timings["upload → figures"].append(time.monotonic() - started)
            if shown != expected[0]:
                errors.append(f"{upload.name}: headline {shown}, the engine says {expected[0]}")
            await tab.wait_for_function(IDLE, timeout=SESSION_SECONDS * 1000)
        if "filter" in steps:
            before = await fresh_headline(tab)
            want = expected[1] if "upload" in steps else None
            box = tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(0)
            started = time.monotonic()
            await box.click()
            await tab.get_by_role("option", name=WAREHOUSES[0], exact=True).click()
            shown = await figure(tab, "overview", before=before, expected=want)
            timings["filter → figures"].append(time.monotonic() - started)
            if want is not None and shown != want:
                errors.append(f"{upload.name} filtered: headline {shown}, the engine says {want}")
        if await tab.locator('[data-testid="stException"]').count():
            errors.append(f"{upload.name}: an exception on the page")
    except Exception as error:  # a timeout or a lost connection is one error of this session
        errors.append(f"{upload.name}: {type(error).__name__}: {str(error).splitlines()[0][:160]}")
    finally:
        await context.close()


async def run_room(url: str, uploads: list[Path], expected: list[tuple[str, str]],
                   steps: tuple[str, ...]) -> tuple[dict[str, list[float]], list[str]]:
    from playwright.async_api import async_playwright

    timings: dict[str, list[float]] = {k: [] for k in ("first figure", "slider → figures", "upload → figures",
                                                        "filter → figures")}
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        await asyncio.gather(*(session(browser, url, path, want, steps, timings, errors)
                               for path, want in zip(uploads, expected, strict=True)))
        await browser.close()
    return timings, errors


def percentile(values: list[float], share: float) -> float:
    return float(np.percentile(values, share * 100)) if values else float("nan")


def server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[1]
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if "streamlit" in " ".join(cmdline) and port in cmdline:
            return process.pid
    raise LookupError(port)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--rows", type=int, default=2_000, help="rows in each session's uploaded lots file")
    parser.add_argument("--steps", nargs="+", choices=STEPS[1:], default=list(STEPS[1:]))
    args = parser.parse_args()
    if max(args.sessions) > MAX_SESSIONS:
        parser.error(f"at most {MAX_SESSIONS} sessions")
    steps = tuple(args.steps)
    print(f"{os.cpu_count()} CPU cores; uploads of {args.rows:,} rows; steps: {', '.join(steps)}")
    header = f"{'N':>3} {'measure':<18} {'p50 s':>7} {'p95 s':>7} {'count':>6}"
    with tempfile.TemporaryDirectory() as folder:
        uploads = [lots_file(Path(folder), i, args.rows) for i in range(max(args.sessions))]
        expected = [expected_headlines(path) for path in uploads]
        for n in args.sessions:
            with serve_app(Path(folder) / f"data{n}") as url:
                sampler = MemorySampler(server_pid(url))
                sampler.start()
                base_mb = psutil.Process(server_pid(url)).memory_info().rss / (1 << 20)
                started = time.monotonic()
                timings, errors = asyncio.run(run_room(url, uploads[:n], expected[:n], steps))
                wall = time.monotonic() - started
                sampler.running = False
                sampler.join()
            print(header)
            for measure, values in timings.items():
                if values:
                    print(f"{n:>3} {measure:<18} {percentile(values, .5):>7.2f} {percentile(values, .95):>7.2f} "
                          f"{len(values):>6}")
            updated = [v for k, v in timings.items() if k != "first figure" for v in v]
            print(f"{n:>3} {'all updates':<18} {percentile(updated, .5):>7.2f} {percentile(updated, .95):>7.2f} "
                  f"{len(updated):>6}")
            print(f"N={n}: errors {len(errors)}; wall {wall:.1f} s; server RSS at start {base_mb:,.0f} MB, "
                  f"peak {sampler.peak_mb:,.0f} MB ({(sampler.peak_mb - base_mb) / n:,.0f} MB per session)")
            server_cpu, browser_cpu = sampler.cpu_seconds("server"), sampler.cpu_seconds("browsers")
            print(f"N={n}: CPU seconds: server {server_cpu:,.1f}, browsers {browser_cpu:,.1f} "
                  f"(of {wall * (os.cpu_count() or 1):,.1f} the cores had); the server's share "
                  f"{server_cpu / max(server_cpu + browser_cpu, 1e-9):.0%}")
            for error in errors[:10]:
                print("  error:", error)
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
