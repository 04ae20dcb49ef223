"""A workshop room without browsers: N sessions speak Streamlit's own websocket protocol to the real server.

Each virtual user opens a websocket to `streamlit run app.py` (a free loopback port, started here) and sends the
`BackMsg` rerun requests a browser sends, reading the `ForwardMsg` deltas back — almost no client CPU, so the
figures are the server's. Each session:

1. opens the what-if page — time to its first headline figure (the first metric) and to all figures (the run's
   `script_finished`);
2. moves the service-level slider to a value of its own (as the browser does: a rerun of the page's fragment
   with the slider's new state) — time to the updated headline and to all figures;
3. filters one warehouse in the sidebar (a full rerun) — the same two times.

A step is an error when the run shows an exception, ends without a headline, shows the same headline after a
move that must change it, or passes the time limit. Prints p50/p95 of each time, errors, and the server's CPU
seconds and peak RSS (its process tree, sampled every 0.2 s). Bounded: at most 60 sessions, each step within
`--step-seconds`, loopback only. Uses /tmp/browser.lock like the browser tests (one measurement at a time):

    flock /tmp/bench.lock flock /tmp/browser.lock nice -n 10 python -m benchmarks.protocol_load --sessions 1 5 20 50
    flock /tmp/browser.lock nice -n 10 python -m benchmarks.protocol_load --cold-start 3   # first Overview figure
    flock /tmp/browser.lock python -m benchmarks.protocol_load --moves 12   # server CPU per what-if move

`--moves K`: one session opens the what-if page and moves the service-level slider K times, each to a level
not simulated before (after one move that is not counted: the workers' first run); prints the server's CPU
seconds per move (its process and its simulation workers) and the median time to the headline and to all
figures — what one move costs the server, whatever else runs on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.load_test import MemorySampler, percentile, server_pid
from tests.test_browser import serve_app

MAX_SESSIONS = 60
WAREHOUSES = ("原材料仓", "成品仓", "五金仓")
PAGE = "what_if"
SLIDER, FILTER = "wi_service_level", "filter_warehouse"
SEEN: dict[str, str] = {}  # widget id → fragment, as any session saw it


@dataclass
class Run:
    """What one script run sent back: when the first metric came, when the run finished, the metrics' values,
    the widgets it drew (id → the fragment it is in) and any exception."""

    started: float
    first_metric: float | None = None
    finished: float | None = None
    metrics: list[str] = field(default_factory=list)
    widgets: dict[str, str] = field(default_factory=dict)
    exception: str | None = None


class VirtualUser:
    """One browser tab's side of the protocol, nothing drawn."""

    def __init__(self, url: str, number: int, step_seconds: float, page: str = PAGE) -> None:
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.number, self.step_seconds, self.page = number, step_seconds, page
        self.page_hash = ""
        self.widgets: dict[str, str] = {}
        self.states: dict[str, WidgetState] = {}

    async def rerun(self, socket, fragment: str = "") -> Run:
        """Ask for a run (of the page, or of one fragment) with the widget states set so far; read until the run
        finishes."""
        message = BackMsg()
        client = message.rerun_script
        client.page_name, client.page_script_hash = self.page, self.page_hash
        client.context_info.timezone, client.context_info.locale = "Asia/Shanghai", "zh-CN"
        client.widget_states.widgets.extend(self.states.values())
        if fragment:
            client.fragment_id = fragment
        run = Run(time.perf_counter())
        await socket.send(message.SerializeToString())
        async with asyncio.timeout(self.step_seconds):
            while run.finished is None:
                self.read(ForwardMsg.FromString(await socket.recv()), run)
        self.widgets.update(run.widgets)
        return run

    def read(self, message: ForwardMsg, run: Run) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            for page in message.new_session.app_pages:
                if page.page_name.replace(" ", "_") == self.page:
                    self.page_hash = page.page_script_hash
        elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            run.finished = time.perf_counter()
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            inner = element.WhichOneof("type")
            if inner == "metric":
                run.metrics.append(element.metric.body)
                run.first_metric = run.first_metric or time.perf_counter()
            elif inner == "exception":
                run.exception = element.exception.message
            widget_id = getattr(getattr(element, inner), "id", "") if inner else ""
            if isinstance(widget_id, str) and widget_id:
                run.widgets[widget_id] = message.delta.fragment_id

    def widget(self, key: str) -> tuple[str, str]:
        """(id, fragment) of the widget drawn with this key. A widget's id depends on its key and its arguments
        only, the same in every session; a run does not always send this session the sidebar's elements again
        when they are unchanged, so an id another session saw is taken too (the step's check that the figures
        change tells whether the server took it)."""
        SEEN.update(self.widgets)
        for widget_id, fragment in SEEN.items():
            if widget_id.endswith(f"-{key}"):
                return widget_id, fragment
        raise LookupError(f"no widget {key} drawn (drawn: {', '.join(sorted(self.widgets))[:300]})")

    async def session(self, timings: dict[str, list[float]], errors: list[str]) -> None:
        try:
            async with connect(self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60,
                               ping_interval=None) as socket:
                opened = await self.rerun(socket)
                self.record("open", opened, None, timings, errors)
                slider, fragment = self.widget(SLIDER)
                level = 90.0 + (self.number % 90) / 10  # a value of its own: 90.0 … 98.9
                self.states[slider] = WidgetState(id=slider, double_array_value={"data": [level]})
                moved = await self.rerun(socket, fragment)
                self.record("slider", moved, opened.metrics, timings, errors)
                warehouse, _ = self.widget(FILTER)
                choice = WAREHOUSES[self.number % len(WAREHOUSES)]
                self.states[warehouse] = WidgetState(id=warehouse, string_array_value={"data": [choice]})
                filtered = await self.rerun(socket)
                self.record("filter", filtered, moved.metrics, timings, errors)
        except (TimeoutError, LookupError, OSError, ConnectionClosed) as error:
            errors.append(f"session {self.number}: {type(error).__name__} {error}")

    @staticmethod
    def record(step: str, run: Run, before: list[str] | None, timings: dict[str, list[float]],
               errors: list[str]) -> None:
        if run.exception or run.first_metric is None:
            errors.append(f"{step}: {run.exception or 'no headline figure'}")
            return
        if before is not None and run.metrics[:1] == before[:1]:
            errors.append(f"{step}: headline unchanged ({run.metrics[0]})")
            return
        timings[f"{step} headline"].append(run.first_metric - run.started)
        timings[f"{step} all figures"].append(run.finished - run.started)


async def cold_open(url: str, step_seconds: float) -> Run:
    """One session opening the Overview of a server nobody has visited yet."""
    user = VirtualUser(url, 0, step_seconds, page="overview")
    async with connect(user.ws_url, subprotocols=["streamlit"], max_size=None, ping_interval=None) as socket:
        return await user.rerun(socket)


def cold_starts(runs: int, step_seconds: float) -> None:
    """Each run a fresh server: from its first healthy answer to the Overview's first figure and all figures."""
    firsts, alls = [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            with serve_app(Path(folder) / f"cold{run}") as url:
                opened = asyncio.run(cold_open(url, step_seconds))
            if opened.first_metric is None or opened.exception:
                print(f"cold start {run}: {opened.exception or 'no headline figure'}")
                continue
            firsts.append(opened.first_metric - opened.started)
            alls.append(opened.finished - opened.started)
    print(f"cold start, Overview of the sample, {len(firsts)} fresh servers: first figure p50 "
          f"{percentile(firsts, .5):.2f} s (max {max(firsts, default=float('nan')):.2f} s), all figures p50 "
          f"{percentile(alls, .5):.2f} s")


async def slider_moves(url: str, count: int, step_seconds: float, sampler: MemorySampler
                       ) -> tuple[list[float], list[float], float, list[str]]:
    """One session moving the what-if slider `count` times: (headline times, all-figures times, server CPU seconds
    of the counted moves, errors)."""
    user, errors = VirtualUser(url, 0, step_seconds), []
    headline, whole, cpu = [], [], 0.0
    async with connect(user.ws_url, subprotocols=["streamlit"], max_size=None, ping_interval=None) as socket:
        before = (await user.rerun(socket)).metrics
        slider, fragment = user.widget(SLIDER)
        for move in range(count + 1):
            user.states[slider] = WidgetState(id=slider, double_array_value={"data": [round(90.0 + 0.7 * move, 1)]})
            start = sampler._cpu_now("server")
            run = await user.rerun(socket, fragment)
            if run.exception or run.first_metric is None or run.metrics[:1] == before[:1]:
                errors.append(f"move {move}: {run.exception or 'headline missing or unchanged'}")
            before = run.metrics
            if move:  # the first move loads the workers' kernels
                cpu += sampler._cpu_now("server") - start
                headline.append(run.first_metric - run.started)
                whole.append(run.finished - run.started)
    return headline, whole, cpu, errors


def measure_moves(count: int, step_seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder, serve_app(Path(folder) / "moves") as url:
        sampler = MemorySampler(server_pid(url))
        headline, whole, cpu, errors = asyncio.run(slider_moves(url, count, step_seconds, sampler))
    print(f"what-if slider, {len(whole)} moves of one session: server CPU {cpu / max(len(whole), 1):.2f} s a move; "
          f"headline p50 {percentile(headline, .5):.2f} s, all figures p50 {percentile(whole, .5):.2f} s; "
          f"errors {len(errors)}; load average {os.getloadavg()[0]:.1f}")
    for error in errors[:5]:
        print("  error:", error)


async def room(url: str, sessions: int, step_seconds: float) -> tuple[dict[str, list[float]], list[str]]:
    timings: dict[str, list[float]] = {f"{step} {what}": [] for step in ("open", "slider", "filter")
                                       for what in ("headline", "all figures")}
    errors: list[str] = []
    users = [VirtualUser(url, i, step_seconds) for i in range(sessions)]
    await asyncio.gather(*(user.session(timings, errors) for user in users))
    return timings, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 20, 50])
    parser.add_argument("--step-seconds", type=float, default=300.0)
    parser.add_argument("--cold-start", type=int, metavar="RUNS", help="only time the first Overview of RUNS "
                        "fresh servers (time from the server answering to its first figure)")
    parser.add_argument("--moves", type=int, metavar="K", help="only time K slider moves of one session and the "
                        "server CPU each costs")
    args = parser.parse_args()
    if args.moves:
        measure_moves(args.moves, args.step_seconds)
        return 0
    if args.cold_start:
        cold_starts(args.cold_start, args.step_seconds)
        return 0
    if max(args.sessions) > MAX_SESSIONS:
        parser.error(f"at most {MAX_SESSIONS} sessions")
    print(f"{os.cpu_count()} CPU cores; what-if page of the sample; each session: open, slider, filter")
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sessions:
            with serve_app(Path(folder) / f"data{n}") as url:
                pid = server_pid(url)
                sampler = MemorySampler(pid)
                sampler.start()
                started = time.monotonic()
                timings, errors = asyncio.run(room(url, n, args.step_seconds))
                wall = time.monotonic() - started
                sampler.running = False
                sampler.join()
            print(f"{'N':>3} {'measure':<22} {'p50 s':>7} {'p95 s':>7} {'count':>6}")
            for measure, values in timings.items():
                print(f"{n:>3} {measure:<22} {percentile(values, .5):>7.2f} {percentile(values, .95):>7.2f} "
                      f"{len(values):>6}")
            print(f"N={n}: errors {len(errors)}; wall {wall:.1f} s; server CPU {sampler.cpu_seconds('server'):.1f} s; "
                  f"server peak RSS {sampler.peak_mb:,.0f} MB")
            for error in errors[:10]:
                print("  error:", error)
            print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
