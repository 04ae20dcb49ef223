"""The simulator as pandas tables (SPEC §4): `simulate` runs `core.sim.engine` on a parameters frame and returns
per-SKU, per-replication and daily tables for the pages, the optimiser and the command line's full path.

The engine itself works on arrays and does not import pandas, so `python -m core.cli simulate` on a plain
parameters file starts without it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.sim import engine
from core.sim.engine import TOTAL_METRICS, ClassSettings, Model, Scenario

__all__ = ["TOTAL_METRICS", "ClassSettings", "Scenario", "SimulationResult", "compare", "frame_table",
           "plan_levels", "simulate"]


@dataclass
class SimulationResult:
    """Means over replications per SKU and in total, the spread of the totals, and the daily inventory value."""

    scenario: Scenario
    skus: pd.DataFrame
    totals: dict[str, float | None]
    spread: pd.DataFrame
    replications: pd.DataFrame
    daily_value: pd.DataFrame
    current_inventory_value: float
    skus_without_on_hand: list[str] = field(default_factory=list)
    settling_days: int = 0

    @property
    def achieved_service(self) -> float | None:
        """The simulated measure the scenario targeted: cycle service level, or fill rate."""
        return self.totals[self.scenario.service_measure]

    def service_by_target(self) -> pd.DataFrame:
        """Per targeted service level (they differ by ABC class with per-class settings): the ABC classes that
        target it, SKUs, and the achieved measure pooled over them (cycles for CSL, demand for fill rate)."""
        skus = self.skus
        fill = self.scenario.service_target == "fill"
        measure, weight = ("fill_rate", "demand_units") if fill else ("cycle_service_level", "cycles")
        frame = pd.DataFrame({"target": skus["service_level"], "classes": skus["abc_class"].fillna("").astype(str),
                              "weighted": skus[measure].fillna(0.0) * skus[weight], "weight": skus[weight]})
        table = frame.groupby("target", sort=True).agg(
            classes=("classes", lambda c: "".join(sorted(set(c)))), sku_count=("weight", "size"),
            weighted=("weighted", "sum"), weight=("weight", "sum"))
        table["achieved"] = table["weighted"] / table["weight"].where(table["weight"] > 0)
        return table.reset_index()[["target", "classes", "sku_count", "achieved"]]

    @property
    def skus_missing_target(self) -> pd.DataFrame:
        """SKUs whose simulated service falls short of their target (typically very lumpy demand)."""
        return self.skus[self.skus["target_met"].eq(False)]


def frame_table(params: pd.DataFrame) -> dict[str, np.ndarray]:
    """The engine's input (`engine.sku_table`) from a parameters frame."""
    return engine.sku_table({column: params[column].to_numpy() for column in params})


def plan_levels(params: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The policy levels each SKU is simulated with (`engine.level_arrays`), as a table."""
    return pd.DataFrame(engine.level_arrays(frame_table(params), scenario))


def simulate(params: pd.DataFrame, scenario: Scenario, current_inventory_value: float | None = None,
             calendar: Callable[[Model, Scenario], None] | None = None,
             levels: engine.SkuTable | None = None) -> SimulationResult:
    """Run a scenario over every SKU of `params` (see `core.sim.planning`).

    Every measure is the policy's steady state by default (`Scenario.start`, see `engine.Model`): the same
    whatever the horizon, apart from simulation noise. Cash release is measured against
    `current_inventory_value`: the lots' TIV at as-of when the parameters come from lots. By default it is
    Σ on_hand × unit cost of the parameters, and the SKUs without an on_hand are named in `skus_without_on_hand`
    (with `start="today"` they start at the policy's level, stock that does not exist today, so it is not counted
    as current stock).
    `calendar` runs the days on the model (default: here, in this process; `core.sim.parallel` splits the
    replications across processes, handing over the `levels` it worked out once).
    """
    if params.empty:
        raise ValueError("no SKUs to simulate")
    outcome = engine.run(frame_table(params), scenario, current_inventory_value, calendar, levels)
    replications = pd.DataFrame(outcome.replications)
    daily = outcome.daily_value
    daily_value = pd.DataFrame({"day": np.arange(scenario.horizon_days), "mean": daily.mean(axis=1),
                                "p05": np.quantile(daily, 0.05, axis=1), "p95": np.quantile(daily, 0.95, axis=1)})
    return SimulationResult(scenario, pd.DataFrame(outcome.skus), outcome.totals, _spread_table(replications),
                            replications, daily_value, outcome.current_inventory_value, outcome.skus_without_on_hand,
                            outcome.settling_days)


def _spread_table(values: pd.DataFrame) -> pd.DataFrame:
    """`engine.spread` of each column, one row per metric."""
    return pd.DataFrame.from_dict(engine.spread({c: values[c].to_numpy(float) for c in values}), orient="index")


def compare(scenario: SimulationResult, baseline: SimulationResult) -> pd.DataFrame:
    """Scenario minus baseline per total metric, with the spread of the paired difference over replications.

    Both runs must share the seed and replication count: replication r of each saw the same demand, so the
    paired difference is what the policy change did, not noise. Cash release against the baseline is the
    baseline's average inventory value minus the scenario's.
    """
    if len(scenario.replications) != len(baseline.replications):
        raise ValueError("compare runs with the same number of replications")
    delta = scenario.replications - baseline.replications
    delta["cash_release"] = -delta["avg_inventory_value"]
    table = _spread_table(delta).rename(columns={"mean": "delta", "std": "delta_std"})
    table.insert(0, "baseline", baseline.spread["mean"])
    table.insert(1, "scenario", scenario.spread["mean"])
    return table.rename_axis("metric").reset_index()
