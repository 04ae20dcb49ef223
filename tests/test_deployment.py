"""Several app servers behind one address, as docs/deployment.md sets them up, with the real parts: a throwaway
PostgreSQL cluster and nginx from Debian's packages (running deploy/nginx.conf), two `streamlit run` servers on
that database, a Dask scheduler and worker for the optimiser's sweeps.

No browser: the sessions speak Streamlit's own websocket protocol through nginx (`benchmarks.protocol_load`), so
the test proves the proxy passes the websocket upgrade, and two sessions, each pinned to its own server, edit one
worklist row: the first save is kept, the second is refused and told what is saved now.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from distributed import get_task_stream
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

from benchmarks.protocol_load import Run, VirtualUser
from core.sim.optimise import optimise
from core.storage import Store
from tests.conftest import ROOT
from tests.services import free_port, nginx, stop, wait_until
from tests.test_backends import BASE, params
from ui import state

BOARD = "board.example"  # the company's name for the one address: no machine here is called that
STEP_SECONDS = 240.0  # one page run on a loaded two-core machine; a run that finishes is never this slow
COOKIE_SECRET = "same-on-every-server"  # as in deploy/compose.yaml: a session may land on any server

PINNED = """location /server-a/ {{ proxy_pass http://127.0.0.1:{a}/; }}
        location /server-b/ {{ proxy_pass http://127.0.0.1:{b}/; }}
        location / {{"""
"""Beside the one address, one path per server, so that the test can pin a session to each: every client here
comes from 127.0.0.1, which `ip_hash` sends to one and the same server."""


def proxy_conf(port: int, a: int, b: int) -> str:
    """deploy/nginx.conf as shipped, its two app servers and its port moved to this machine's loopback."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    moves = {"server app1:8501;": f"server 127.0.0.1:{a};", "server app2:8501;": f"server 127.0.0.1:{b};",
             "listen 80;": f"listen 127.0.0.1:{port};", "location / {": PINNED.format(a=a, b=b)}
    for shipped, here in moves.items():
        assert conf.count(shipped) == 1, f"deploy/nginx.conf no longer has one `{shipped}`"
        conf = conf.replace(shipped, here)
    return conf


@contextlib.contextmanager
def app_server(database_url: str, data_dir: Path) -> Iterator[tuple[int, subprocess.Popen]]:
    """`streamlit run app.py` on a free loopback port, saving to the shared database; stopped afterwards."""
    port = free_port()
    environment = {**os.environ, "IDB_DATABASE_URL": database_url, "IDB_DATA_DIR": str(data_dir),
                   "STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_SECRET}
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true"],
                               cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield port, process
    finally:
        stop(process)


def healthy(url: str) -> bool:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
        return response.status == 200 and response.read() == b"ok"


def session_socket(user: VirtualUser):
    """The session's websocket, opened as a browser on the company's page opens it: to the board's host name (its
    Host and Origin, which Streamlit compares), the connection itself made to this machine's loopback."""
    board = urlsplit(user.ws_url)
    return connect(user.ws_url, host="127.0.0.1", port=board.port, origin=f"http://{board.netloc}",
                   subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_interval=None)


class Reader(VirtualUser):
    """A session on the risk page that also keeps the warnings and errors each run draws."""

    def __init__(self, url: str) -> None:
        super().__init__(url, 0, STEP_SECONDS, page="risk")
        self.alerts: list[str] = []

    def read(self, message, run: Run) -> None:
        super().read(message, run)
        if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "alert":
                self.alerts.append(element.alert.body)

    def edit_owner(self, owner: str) -> None:
        """Type an owner into the worklist's first row, as the data editor sends it."""
        editor = next(i for i in self.widgets if "-worklist_editor_" in i)
        edits = json.dumps({"edited_rows": {"0": {"owner": owner}}, "added_rows": [], "deleted_rows": []})
        self.states[editor] = WidgetState(id=editor, string_value=edits)


async def two_sessions_edit_one_row(url_a: str, url_b: str) -> tuple[Reader, Reader, Run, Run]:
    """Alice on one server and Bob on the other open the worklist; Alice saves an owner, then Bob, who saw the row
    before her save, saves another."""
    alice, bob = Reader(url_a), Reader(url_b)
    async with session_socket(alice) as alice_socket, session_socket(bob) as bob_socket:
        for user, socket in ((alice, alice_socket), (bob, bob_socket)):
            opened = await user.rerun(socket)
            assert opened.exception is None, opened.exception
        alice.edit_owner("王芳")
        alice_saved = await alice.rerun(alice_socket)
        bob.edit_owner("李雷")
        bob_refused = await bob.rerun(bob_socket)
    return alice, bob, alice_saved, bob_refused


async def open_overview(url: str) -> Run:
    """A session at the one address (whichever server `ip_hash` picks) opening the Overview."""
    user = VirtualUser(url, 0, STEP_SECONDS, page="overview")
    async with session_socket(user) as socket:
        return await user.rerun(socket)


def test_two_servers_behind_nginx_share_one_postgresql_and_tell_the_second_editor_of_the_first_save(
        postgres_url, tmp_path):
    with (app_server(postgres_url, tmp_path / "a") as (port_a, server_a),
          app_server(postgres_url, tmp_path / "b") as (port_b, server_b)):
        proxy_port = free_port()
        with nginx(proxy_conf(proxy_port, port_a, port_b)) as proxy:
            front = f"http://127.0.0.1:{proxy_port}"
            for server, port in ((server_a, port_a), (server_b, port_b)):
                wait_until(lambda p=port: healthy(f"http://127.0.0.1:{p}"), f"app server on {port}", alive=server)
            wait_until(lambda: healthy(front), "nginx in front of both servers", alive=proxy)
            assert healthy(f"{front}/server-a") and healthy(f"{front}/server-b")

            board = f"http://{BOARD}:{proxy_port}"
            overview = asyncio.run(open_overview(board))
            alice, bob, alice_saved, bob_refused = asyncio.run(
                two_sessions_edit_one_row(f"{board}/server-a", f"{board}/server-b"))

    assert overview.exception is None and overview.metrics  # the one address: a session's figures arrive

    assert alice_saved.exception is None and bob_refused.exception is None
    assert not any("王芳" in alert for alert in alice.alerts)
    told = [alert for alert in bob.alerts if "王芳" in alert]
    assert len(told) == 1, bob.alerts  # Bob is told the row now holds Alice's owner
    saved = Store(postgres_url).worklist_edits()
    assert saved[["owner", "version"]].values.tolist() == [["王芳", 1]]


@contextlib.contextmanager
def dask_cluster() -> Iterator[str]:
    """A Dask scheduler and one single-threaded worker process on loopback, as deploy/compose.yaml runs them."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"cwd": ROOT, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # the worker imports core
    scheduler = subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port",
                                  str(port), "--no-dashboard"], **quiet)
    worker = subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--nthreads", "1", "--nworkers",
                               "1", "--host", "127.0.0.1", "--no-dashboard"], **quiet)
    try:
        yield address
    finally:
        stop(worker)
        stop(scheduler)


def test_with_a_dask_scheduler_set_the_optimisers_sweeps_run_on_its_workers_with_the_same_numbers(monkeypatch):
    with dask_cluster() as address:
        monkeypatch.setenv("IDB_DASK_SCHEDULER", address)
        backend = state.simulation_backend()
        try:
            backend.client.wait_for_workers(1, timeout=STEP_SECONDS)
            with get_task_stream(backend.client) as tasks:
                shared = optimise(params(), BASE, 0.95, by="sku", backend=backend, chunk_skus=4)
            assert tasks.data and all(task["worker"] for task in tasks.data)  # run by the worker
        finally:
            backend.close()
            state._shared_cluster.clear()
    assert shared.payload() == optimise(params(), BASE, 0.95, by="sku", chunk_skus=4).payload()
    monkeypatch.delenv("IDB_DASK_SCHEDULER")
    assert state.simulation_backend() is None  # without a scheduler, this server's own process
