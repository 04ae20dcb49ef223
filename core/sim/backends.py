"""Where simulation sweeps run: in this process (default), a Dask LocalCluster across this machine's cores, or
any Dask scheduler by address — chosen by the environment:

- `IDB_DASK_SCHEDULER=tcp://host:8786` → the cluster at that address;
- `IDB_DASK=local` → a LocalCluster of one single-threaded worker process per core (`IDB_DASK_WORKERS=N` to
  set the count);
- neither → in-process.

Every task carries its own scenario and seed and builds its own random streams, so no random state is shared
between tasks and the same seeds give the same numbers on every backend. Dask is imported only when a Dask
backend is asked for, so the app and the command line do not pay for it otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from core.sim import day_step
from core.sim.simulation import Scenario, SimulationResult, simulate

DEFAULT_CHUNK_SKUS = 10_000
SWEEP_COLUMNS = ("sku", "abc_class", "avg_inventory_value", "fill_rate", "cycle_service_level")


class Backend(Protocol):
    name: str

    def map(self, function: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        """`[function(task) for task in tasks]`, in order, wherever the backend runs them."""

    def close(self) -> None:
        """Release what the backend started (a local cluster); a no-op otherwise."""


class InProcess:
    """Runs every task here, one after the other."""

    name = "in-process"

    def map(self, function: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        return [function(task) for task in tasks]

    def close(self) -> None:
        return None


class HereAndWorkers:
    """Tasks shared between this process and a pool of worker processes (`concurrent.futures`), results in task
    order: every (workers + 1)-th task here, the others on the pool — one server's sweeps on all its cores without
    a Dask scheduler. The pool belongs to whoever made it (`close` leaves it running)."""

    def __init__(self, workers: Executor, worker_count: int) -> None:
        self.workers, self.parts = workers, worker_count + 1

    def map(self, function: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        away = {i: self.workers.submit(function, task) for i, task in enumerate(tasks) if i % self.parts}
        here = {i: function(task) for i, task in enumerate(tasks) if not i % self.parts}
        return [here[i] if i in here else away[i].result() for i in range(len(tasks))]

    def close(self) -> None:
        """Nothing to close: the pool is its owner's."""


class DaskBackend:
    """Runs tasks on a Dask cluster through a `distributed.Client`; closes the cluster only if it started it."""

    def __init__(self, client: Any, cluster: Any = None, name: str = "dask") -> None:
        self.client, self.cluster, self.name = client, cluster, name

    def map(self, function: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        futures = self.client.map(function, list(tasks), pure=False)
        return self.client.gather(futures)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> DaskBackend:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def local_cluster(workers: int | None = None, processes: bool = True) -> DaskBackend:
    """A LocalCluster of `workers` single-threaded workers (default: one per core)."""
    from distributed import Client, LocalCluster

    count = workers or os.cpu_count() or 1
    where = {"host": "127.0.0.1"} if processes else {}  # loopback only; threads talk in-process
    cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=processes,
                           dashboard_address="127.0.0.1:0", **where)
    return DaskBackend(Client(cluster), cluster, name=f"dask-local-{count}")


def remote_cluster(address: str) -> DaskBackend:
    """A client of the Dask scheduler at `address` (tcp://host:8786); the cluster stays up when closed."""
    from distributed import Client

    return DaskBackend(Client(address), name=f"dask@{address}")


def backend_from_env(environ: Mapping[str, str] | None = None) -> Backend:
    """The backend the environment asks for (see the module docstring)."""
    env = os.environ if environ is None else environ
    if env.get("IDB_DASK_SCHEDULER"):
        return remote_cluster(env["IDB_DASK_SCHEDULER"])
    if env.get("IDB_DASK", "").lower() in ("local", "1", "true", "yes"):
        workers = int(env["IDB_DASK_WORKERS"]) if env.get("IDB_DASK_WORKERS") else None
        return local_cluster(workers)
    return InProcess()


@dataclass(frozen=True)
class ChunkTask:
    """One block of SKUs at one scenario: everything a worker needs, the seed included."""

    params: pd.DataFrame
    scenario: Scenario
    level: float


def chunk_seed(seed: int, chunk: int) -> int:
    """The seed of SKU block `chunk`: the scenario's own seed for the first, a derived one for the others.

    It depends on the seed and the block only — not on the service level — so every level of a sweep sees the
    same demand (common random numbers), and not on the backend.
    """
    if chunk == 0:
        return seed
    return int(np.random.SeedSequence([seed, chunk]).generate_state(1, dtype=np.uint32)[0])


def simulate_chunk(task: ChunkTask) -> pd.DataFrame:
    """Per-SKU outcome of one block at one level (a top-level function, so worker processes can run it)."""
    day_step.prefer_compiled()  # a worker simulates again and again: numba's start-up is paid once
    result = simulate(task.params, task.scenario)
    table = result.skus[[c for c in SWEEP_COLUMNS if c in result.skus]].copy()
    table.insert(0, "service_level", task.level)
    return table


def sweep_tasks(params: pd.DataFrame, base: Scenario, levels: Iterable[float],
                chunk_skus: int = DEFAULT_CHUNK_SKUS) -> list[ChunkTask]:
    """One task per (service level, block of `chunk_skus` SKUs), one service level for every SKU of the task."""
    blocks = [params.iloc[start:start + chunk_skus].reset_index(drop=True)
              for start in range(0, len(params), max(1, chunk_skus))]
    return [ChunkTask(block, replace(base, service_level=level, by_class={}, seed=chunk_seed(base.seed, k)), level)
            for level in levels for k, block in enumerate(blocks)]


def sweep_levels(params: pd.DataFrame, base: Scenario, levels: Iterable[float], backend: Backend | None = None,
                 chunk_skus: int = DEFAULT_CHUNK_SKUS) -> pd.DataFrame:
    """Per SKU and service level: average inventory value and fill rate (means over replications).

    Rows come back in the order of `levels`, then of `params`.
    """
    tasks = sweep_tasks(params, base, levels, chunk_skus)
    return pd.concat((backend or InProcess()).map(simulate_chunk, tasks), ignore_index=True)


def _simulate_task(task: tuple[pd.DataFrame, Scenario, float | None]) -> SimulationResult:
    params, scenario, current = task
    day_step.prefer_compiled()
    return simulate(params, scenario, current)


def run_scenarios(params: pd.DataFrame, scenarios: Sequence[Scenario], backend: Backend | None = None,
                  current_inventory_value: float | None = None) -> list[SimulationResult]:
    """Whole runs of several scenarios (a trade-off curve, a comparison), one task each, in order."""
    tasks = [(params, scenario, current_inventory_value) for scenario in scenarios]
    return (backend or InProcess()).map(_simulate_task, tasks)
