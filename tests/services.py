"""Real servers from Debian's packages, started by the tests in throwaway folders: a PostgreSQL cluster, nginx.

Nothing here writes outside its own temporary folder or listens beyond loopback; every process is stopped by
the context manager that started it, also when the test fails. A missing package is an error, not a skip: CI
installs `postgresql` and `nginx` (see `.ci/run`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

STARTUP_SECONDS = 90.0
"""How long a server may take to answer on a slow, loaded machine before the test gives up."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(ready: Callable[[], bool], what: str, seconds: float = STARTUP_SECONDS,
               alive: subprocess.Popen | None = None) -> None:
    """Poll `ready` until it holds; fail naming `what` when time runs out or the process it waits for exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if alive is not None and alive.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with status {alive.returncode}")
        with contextlib.suppress(OSError):
            if ready():
                return
        time.sleep(0.25)
    raise TimeoutError(f"{what}: not ready after {seconds:.0f} s")


def stop(process: subprocess.Popen, seconds: float = 15.0) -> None:
    """Terminate one process we started, then kill it if it does not exit in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def postgres_bin(program: str) -> str:
    """A PostgreSQL server program from Debian's `postgresql` package (the newest major version installed)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"), key=lambda p: int(Path(p).parts[4]))
    if not found:
        raise FileNotFoundError(f"{program} not found under /usr/lib/postgresql: apt-get install postgresql")
    return found[-1]


def _as_server_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: as root, run them as Debian's `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def postgres_cluster() -> Iterator[str]:
    """A fresh PostgreSQL cluster on a free loopback port, trusting local connections; yields its admin URL
    (SQLAlchemy, psycopg 3). Durability is off (fsync): the cluster lives for one test session."""
    folder = Path(tempfile.mkdtemp(prefix="idb-postgres-"))
    data, port = folder / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(_as_server_user([postgres_bin("initdb"), "-D", str(data), "-U", "idb", "--auth=trust",
                                    "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                   check=True, capture_output=True, timeout=STARTUP_SECONDS)
    options = (f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=200")
    ctl = _as_server_user([postgres_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "server.log")])
    try:
        subprocess.run([*ctl, "-o", options, "-w", "-t", str(int(STARTUP_SECONDS)), "start"],
                       check=True, capture_output=True, timeout=STARTUP_SECONDS + 10)
        yield f"postgresql+psycopg://idb@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*ctl, "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def create_database(admin_url: str, name: str) -> str:
    """A new empty database in the cluster; its URL."""
    import sqlalchemy as sa

    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _own_paths(conf: str, prefix: Path) -> str:
    """A production nginx.conf made to run unprivileged in the foreground: pid, logs and temporary files under
    `prefix`, nothing written to the system's paths."""
    top = f"daemon off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log warn;\n"
    temporary = "".join(f"    {kind}_temp_path {prefix}/{kind};\n"
                        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    http = f"http {{\n    access_log {prefix}/access.log;\n{temporary}"
    if conf.count("http {") != 1:
        raise ValueError("expected one http block in the nginx configuration")
    return top + conf.replace("http {", http, 1)


@contextlib.contextmanager
def nginx(conf: str) -> Iterator[subprocess.Popen]:
    """nginx in the foreground running the configuration `conf` (as written for production, see `_own_paths`);
    yields the process once its configuration tested clean."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise FileNotFoundError("nginx not found: apt-get install nginx")
    prefix = Path(tempfile.mkdtemp(prefix="idb-nginx-"))
    path = prefix / "nginx.conf"
    path.write_text(_own_paths(conf, prefix))
    command = [binary, "-p", str(prefix), "-c", str(path), "-e", str(prefix / "error.log")]
    subprocess.run([*command, "-t"], check=True, capture_output=True, timeout=60)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        stop(process)
        shutil.rmtree(prefix, ignore_errors=True)
