"""Sweep backends (issue 14): a Dask LocalCluster gives the very numbers the in-process backend gives."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import pytest

from core.sim.backends import (
    HereAndWorkers,
    InProcess,
    backend_from_env,
    chunk_seed,
    local_cluster,
    run_scenarios,
    sweep_levels,
)
from core.sim.optimise import optimise
from core.sim.planning import complete_parameters
from core.sim.simulation import Scenario, simulate

BASE = Scenario(policy="periodic", review_days=7, replications=3, horizon_days=120, seed=11,
                demand_distribution="gamma")


def params(n: int = 6) -> pd.DataFrame:
    return complete_parameters(pd.DataFrame({
        "sku": [f"S{i}" for i in range(n)], "mean_daily_demand": [5.0 + 3 * i for i in range(n)],
        "std_daily_demand": [4.0 + i for i in range(n)], "lead_time_days": [3 + i for i in range(n)],
        "lead_time_std_days": [0.0, 1.0] * (n // 2), "unit_cost": [1.0 + 10 * i for i in range(n)],
        "abc_class": (["A", "B", "C"] * n)[:n], "on_hand": [50.0] * n}))


@pytest.fixture(scope="module")
def cluster():
    backend = local_cluster(workers=2, processes=False)
    yield backend
    backend.close()


def test_sweep_on_a_local_cluster_equals_in_process(cluster):
    here = sweep_levels(params(), BASE, (0.8, 0.95, 0.99), InProcess(), chunk_skus=4)
    there = sweep_levels(params(), BASE, (0.8, 0.95, 0.99), cluster, chunk_skus=4)
    pd.testing.assert_frame_equal(here, there, check_exact=True)


def test_scenarios_on_a_local_cluster_equal_in_process(cluster):
    scenarios = [BASE, Scenario(**{**BASE.to_dict(), "by_class": {}, "policy": "minmax"})]
    for here, there in zip(run_scenarios(params(), scenarios), run_scenarios(params(), scenarios, cluster),
                           strict=True):
        assert here.totals == there.totals
        pd.testing.assert_frame_equal(here.skus, there.skus, check_exact=True)


def test_optimiser_on_a_local_cluster_equals_in_process(cluster):
    here = optimise(params(), BASE, 0.95, by="sku", chunk_skus=4)
    there = optimise(params(), BASE, 0.95, by="sku", backend=cluster, chunk_skus=4)
    assert here.payload() == there.payload()


def test_one_block_sweep_is_the_plain_simulation():
    sweep = sweep_levels(params(), BASE, (0.9,))
    plain = simulate(params(), Scenario(**{**BASE.to_dict(), "by_class": {}, "service_level": 0.9}))
    assert sweep["avg_inventory_value"].tolist() == plain.skus["avg_inventory_value"].tolist()


def test_block_seeds_are_distinct_and_do_not_depend_on_the_level():
    seeds = [chunk_seed(11, k) for k in range(50)]
    assert seeds[0] == 11 and len(set(seeds)) == 50
    sweep = sweep_levels(params(), BASE, (0.8, 0.99), chunk_skus=3)
    # same demand at both levels: a SKU's lower level never holds more stock
    low, high = sweep[sweep["service_level"] == 0.8], sweep[sweep["service_level"] == 0.99]
    assert (low["avg_inventory_value"].to_numpy() < high["avg_inventory_value"].to_numpy()).all()


def test_backend_from_environment_defaults_to_in_process():
    assert isinstance(backend_from_env({}), InProcess)


def test_sweep_shared_between_this_process_and_a_worker_process_equals_in_process():
    """One server's cores without Dask: every other block in a spawned worker process, results in task order."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as workers:
        split = HereAndWorkers(workers, 1)
        shared = sweep_levels(params(), BASE, (0.8, 0.95, 0.99), split, chunk_skus=4)
        assert split.map(abs, [-1, -2, -3, -4, -5]) == [1, 2, 3, 4, 5]
    pd.testing.assert_frame_equal(sweep_levels(params(), BASE, (0.8, 0.95, 0.99), InProcess(), chunk_skus=4),
                                  shared, check_exact=True)
