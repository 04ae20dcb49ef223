"""Replications split across processes give exactly the figures of one process (each replication has its own
random streams), so the what-if page may use both cores without changing a number."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest

from core.sim.parallel import blocks, simulate_parallel
from core.sim.planning import complete_parameters
from core.sim.simulation import ClassSettings, Scenario, simulate


@pytest.fixture(scope="module")
def workers():
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


@pytest.fixture(scope="module")
def params() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    mean = rng.lognormal(1.5, 1.0, 60)
    return complete_parameters(pd.DataFrame({
        "sku": [f"S{i}" for i in range(60)], "mean_daily_demand": mean, "std_daily_demand": mean * 0.6,
        "lead_time_days": rng.choice([5, 12, 30], 60), "unit_cost": rng.lognormal(2.0, 0.5, 60),
        "abc_class": rng.choice(["A", "B", "C"], 60),
    }))


def test_blocks_cover_every_replication_once_in_order():
    assert blocks(20, 2) == [(0, 10), (10, 10)]
    assert blocks(7, 3) == [(0, 2), (2, 3), (5, 2)]
    assert blocks(1, 2) == [(0, 1)]


@pytest.mark.parametrize("scenario", [
    Scenario(policy="periodic", replications=5, horizon_days=120, demand_distribution="gamma"),
    Scenario(policy="rop", replications=4, horizon_days=90, warmup_days=10, lead_time_cv=0.3, lost_sales=True),
    Scenario(policy="minmax", replications=6, horizon_days=60, demand_distribution="normal",
             by_class={"A": ClassSettings(policy="periodic", service_level=0.99, review_days=3)}),
])
def test_replications_in_blocks_across_processes_give_the_one_process_result_exactly(params, scenario, workers):
    one = simulate(params, scenario)
    split = simulate_parallel(params, scenario, workers, parts=3)
    assert split.totals == one.totals
    pd.testing.assert_frame_equal(split.replications, one.replications, check_exact=True)
    pd.testing.assert_frame_equal(split.skus, one.skus, check_exact=True)
    pd.testing.assert_frame_equal(split.daily_value, one.daily_value, check_exact=True)
    pd.testing.assert_frame_equal(split.spread, one.spread, check_exact=True)
