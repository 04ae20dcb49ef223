"""One scenario's replications split across processes, with the result `simulate` gives in one, bit for bit.

Replication r draws from its own random streams (the r-th spawned from the scenario's seed), whatever else
runs, so a block of replications can run anywhere: each worker runs its block on a model of that many
replications, hands back the model's per-(replication, SKU) arrays, and they are laid side by side in
replication order — the layout a single run would have produced — before the usual means and spreads.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import replace
from itertools import pairwise

import numpy as np
import pandas as pd

from core.sim import engine
from core.sim import simulation as sim
from core.sim.engine import Model, Scenario


def blocks(replications: int, parts: int) -> list[tuple[int, int]]:
    """(first replication, count) of up to `parts` near-equal consecutive blocks."""
    bounds = np.linspace(0, replications, min(parts, replications) + 1).round().astype(int)
    return [(int(a), int(b - a)) for a, b in pairwise(bounds)]


def run_block(table: engine.SkuTable, levels: engine.SkuTable, scenario: Scenario, first: int,
              count: int) -> dict[str, np.ndarray]:
    """Replications first … first + count − 1 of `scenario` on the engine's table with its `levels`
    (`engine.level_arrays`, worked out once for every block): the model's per-replication arrays after the last
    day."""
    block = replace(scenario, replications=count)
    model = Model(table, levels, block, first_replication=first)
    engine.run_calendar(model, block)
    return {name: value for name, value in vars(model).items() if _per_replication(value, model)}


def _per_replication(value: object, model: Model) -> bool:
    """An array laid out per (replication, SKU) or per (day, replication) — what `_stitch` lays side by side.
    The draw buffers (7.5 MB for 10 of the sample's replications) stay in the worker."""
    if not isinstance(value, np.ndarray):
        return False
    return ((value.ndim == 1 and len(value) == model.reps * model.n)
            or (value.ndim == 2 and value.shape == (model.scenario.horizon_days, model.reps)))


def _stitch(model: Model, parts: list[dict[str, np.ndarray]]) -> None:
    """Lay the blocks' arrays side by side: per-(replication, SKU) arrays end to end, day × replication tables
    column by column. Arrays of another shape (the draw buffers) are left alone."""
    for name, value in vars(model).copy().items():
        if _per_replication(value, model):
            join = np.concatenate if value.ndim == 1 else np.hstack
            setattr(model, name, join([part[name] for part in parts]))


def simulate_parallel(params: pd.DataFrame, scenario: Scenario, workers: Executor, parts: int = 2,
                      current_inventory_value: float | None = None) -> sim.SimulationResult:
    """`simulate`, with the replications in `parts` blocks: the first here, the others on `workers`."""
    spans = blocks(scenario.replications, parts)
    if len(spans) == 1:
        return sim.simulate(params, scenario, current_inventory_value)

    table = sim.frame_table(params)  # made once, here, with the levels; the workers get their arrays
    levels = engine.level_arrays(table, scenario)

    def calendar(model: Model, _: Scenario) -> None:
        pending = [workers.submit(run_block, table, levels, scenario, first, count) for first, count in spans[1:]]
        here = run_block(table, levels, scenario, *spans[0])
        _stitch(model, [here, *(job.result() for job in pending)])

    return sim.simulate(params, scenario, current_inventory_value, calendar=calendar, levels=levels)
