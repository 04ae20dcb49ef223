"""Random draws kept between runs: a moved what-if control re-runs the calendar without drawing again, and the
figures are exactly those of drawing afresh a block of days at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.sim import draws
from core.sim.planning import complete_parameters
from core.sim.simulation import Scenario, simulate


@pytest.fixture
def params() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    mean = rng.lognormal(1.5, 1.0, 40)
    mean[:3] = 0.0  # no demand: no gamma draw for these SKUs
    return complete_parameters(pd.DataFrame({
        "sku": [f"S{i}" for i in range(40)], "mean_daily_demand": mean, "std_daily_demand": mean * 0.7,
        "lead_time_days": rng.choice([4, 9, 21], 40), "lead_time_std_days": rng.choice([0.0, 2.0], 40),
        "unit_cost": rng.lognormal(2.0, 0.5, 40), "abc_class": rng.choice(["A", "B", "C"], 40),
    }))


@pytest.fixture(autouse=True)
def empty_keep():
    draws.KEPT.clear()
    yield
    draws.KEPT.clear()


class CountedDraws:
    """Counts the streams drawn afresh for keeping (a read of kept draws does not count)."""

    def __init__(self, monkeypatch) -> None:
        self.count, make = 0, draws.KEPT.get

        def counted(key, draw):
            def counting():
                self.count += 1
                return draw()
            return make(key, counting)

        monkeypatch.setattr(draws.KEPT, "get", counted)


@pytest.mark.parametrize("scenario", [
    Scenario(policy="rop", replications=3, horizon_days=75, demand_distribution="gamma"),
    Scenario(policy="periodic", replications=2, horizon_days=64, warmup_days=5, demand_distribution="normal",
             lost_sales=True),
    Scenario(policy="minmax", replications=4, horizon_days=33, lead_time_cv=0.4),
])
def test_kept_draws_give_exactly_the_figures_of_drawing_block_by_block(params, scenario, monkeypatch):
    kept = simulate(params, scenario)
    assert draws.KEPT.size > 0
    monkeypatch.setattr(draws, "KEPT_BYTES", 0)  # nothing is worth keeping: every block drawn from the streams
    fresh = simulate(params, scenario)
    pd.testing.assert_frame_equal(kept.replications, fresh.replications, check_exact=True)
    pd.testing.assert_frame_equal(kept.skus, fresh.skus, check_exact=True)
    pd.testing.assert_frame_equal(kept.daily_value, fresh.daily_value, check_exact=True)


def test_moving_a_control_reuses_the_draws_and_a_new_seed_or_demand_model_draws_again(params, monkeypatch):
    base = Scenario(policy="rop", replications=3, horizon_days=60)
    simulate(params, base)
    counted = CountedDraws(monkeypatch)
    for moved in (Scenario(policy="rop", replications=3, horizon_days=60, service_level=0.99),
                  Scenario(policy="periodic", replications=3, horizon_days=60, review_days=3, lead_time_scale=1.5),
                  Scenario(policy="minmax", replications=2, horizon_days=60, lost_sales=True)):
        simulate(params, moved)
    assert counted.count == 0
    simulate(params, Scenario(policy="rop", replications=3, horizon_days=60, seed=2))
    assert counted.count == 6  # three replications × (demand, lead time)
    simulate(params, Scenario(policy="rop", replications=3, horizon_days=60, demand_distribution="normal"))
    assert counted.count == 9  # demand only: the lead-time streams are the seed's


def test_other_demand_parameters_are_drawn_for_not_read_from_the_keep(params, monkeypatch):
    scenario = Scenario(replications=2, horizon_days=40)
    simulate(params, scenario)
    counted = CountedDraws(monkeypatch)
    simulate(params.assign(std_daily_demand=params["std_daily_demand"] * 1.1), scenario)
    assert counted.count == 2  # new gamma shapes: new demand draws; lead-time normals are reused


def test_the_keep_drops_the_least_recently_used_arrays_beyond_its_budget():
    keep = draws.KeptDraws(budget=3 * 800)
    for name in "abc":
        keep.get((name,), lambda: np.zeros(100))
    keep.get(("a",), lambda: pytest.fail("a is kept"))
    keep.get(("d",), lambda: np.zeros(100))  # over budget: b, the least recently used, goes
    assert keep.size == 3 * 800
    drawn = []
    keep.get(("b",), lambda: drawn.append("b") or np.zeros(100))
    assert drawn == ["b"]
    assert not keep.get(("a",), lambda: np.ones(1)).flags.writeable


def test_a_run_too_large_for_half_the_budget_is_not_kept(params, monkeypatch):
    monkeypatch.setattr(draws, "KEPT_BYTES", 2 * (3 * 50 * (40 + 40) * 4) - 1)  # demand and lead-time normals
    simulate(params, Scenario(replications=3, horizon_days=50, demand_distribution="normal"))
    assert draws.KEPT.size == 0
