"""Screenshots of every page at 1440 px in both languages, and the downloads of chosen pages, for a person to look at
(issue 22: "every page at 1440 px in both languages, opened and looked at; every download opened and read back").

Run under the browser lock, on a quiet CPU:

    flock /tmp/browser.lock nice -n 10 python -m benchmarks.screenshots --out /tmp/shots [--pages what_if,...]
        [--downloads overview,what_if,plan_orders] [--languages en,zh]

Writes `<language>_<page>[_tab<n>].png` (the whole page, each of its tabs) and `<language>_<page>…__<file>` for
each download button shown, and prints each file written. It starts the app on a free loopback port with an
empty data folder."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, serve_app

PAGES = ("overview", "turnover", "risk", "what_if", "plan_orders", "targets", "data")
LANGUAGES = {"zh": "中文", "en": "English"}
WIDTH = 1440
SETTLE_MS = 600_000
IDLE = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"], [data-testid=\"stSpinner\"]') && "
        "![...document.querySelectorAll('[data-testid=\"stProgress\"]')].some(e => e.innerText.includes('…'))")
# no script, no spinner (a fragment's simulation), no progress bar of a run ("模拟中…"; a plan's "完成 0.0%" stays)
MAX_HEIGHT = 16_000


def settle(page) -> None:
    """The page drawn: its title shown, then no script running (the status widget gone) for a moment."""
    page.locator("h1").first.wait_for(timeout=SETTLE_MS)
    page.wait_for_timeout(2000)
    page.wait_for_function(IDLE, timeout=SETTLE_MS)
    page.wait_for_timeout(2000)
    page.wait_for_function(IDLE, timeout=SETTLE_MS)


def open_page(page, url: str, name: str, language: str) -> None:
    """The page in `language`: the sidebar's language radio is clicked on the page itself (a new session each)."""
    page.goto(f"{url}/{'' if name == 'overview' else name}")
    settle(page)
    if language != "zh":
        page.get_by_text(LANGUAGES[language], exact=True).click()
        settle(page)


def whole_page(page) -> None:
    """Streamlit scrolls its main block, not the document: the window is made as tall as that block, so that a
    full-page screenshot holds all of it."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 1000")
    page.set_viewport_size({"width": WIDTH, "height": min(int(height) + 80, MAX_HEIGHT)})
    page.wait_for_timeout(2500)
    page.wait_for_function(IDLE, timeout=SETTLE_MS)


def save_shown_downloads(page, out: Path, prefix: str) -> list[Path]:
    saved = []
    buttons = page.locator('[data-testid="stDownloadButton"] button:visible')
    print(f"  {buttons.count()} download buttons on {prefix}")
    for i in range(buttons.count()):
        try:
            with page.expect_download(timeout=120_000) as started:
                buttons.nth(i).click(timeout=10_000)
            download = started.value
        except PlaywrightError as error:  # a button on a tab not shown, say
            print(f"  no download from button {i} of {prefix}: {str(error).splitlines()[0]}")
            continue
        target = out / f"{prefix}__{download.suggested_filename}"
        download.save_as(target)
        saved.append(target)
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "idb_screenshots")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--languages", default="zh,en")
    parser.add_argument("--downloads", default="overview,what_if,plan_orders")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    downloads = set(args.downloads.split(",")) if args.downloads else set()
    with tempfile.TemporaryDirectory() as data, serve_app(Path(data)) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for language in args.languages.split(","):
            for name in args.pages.split(","):
                page = browser.new_page(viewport={"width": WIDTH, "height": 1000}, accept_downloads=True)
                open_page(page, url, name, language)
                tabs = page.get_by_role("tab")
                for tab in range(max(1, tabs.count())):  # each tab of a page with tabs, in turn
                    prefix = f"{language}_{name}" + (f"_tab{tab + 1}" if tabs.count() else "")
                    if tabs.count():
                        tabs.nth(tab).click()
                        settle(page)
                    whole_page(page)
                    page.screenshot(path=args.out / f"{prefix}.png", full_page=True)
                    print(args.out / f"{prefix}.png")
                    if name in downloads:
                        for path in save_shown_downloads(page, args.out, prefix):
                            print(path)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
