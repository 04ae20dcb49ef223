"""Service-level optimiser: the service level per ABC class (or per SKU) that reaches a target overall fill rate
with the least average inventory value. The method is in `docs/optimiser.md`; in short:

1. **Sweep.** Simulate every SKU at each service level of a grid (one level for all SKUs per run, common random
   numbers across levels). SKUs do not interact in the simulator, so a SKU's outcome in a plan that mixes
   levels is its outcome in the uniform run at its own level: per group (class or SKU) and level we know the
   fill it contributes and the inventory value it holds.
2. **Choose.** By class, with few groups, every combination of levels is tried (exact on the grid); by SKU,
   greedy marginal analysis — repeatedly raise the group whose next step buys the most fill per unit of
   inventory value — which is the classic near-optimal rule for this multiple-choice knapsack.
3. **Verify.** The chosen plan and the best uniform level that reaches the target are simulated again on
   fresh seeds the choice never saw; if the plan falls short there, the internal target is raised by the
   shortfall and the choice repeated (a few rounds at most), each round on new seeds.

Fill rates are served ÷ demanded, weighted by units or by value (unit cost × expected demand).
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from core.errors import CodedError
from core.kpis.measures import ABC_A_BELOW, ABC_B_BELOW
from core.sim.backends import (
    DEFAULT_CHUNK_SKUS,
    Backend,
    ChunkTask,
    InProcess,
    chunk_seed,
    simulate_chunk,
    sweep_levels,
)
from core.sim.scenarios import TRADEOFF_LEVELS
from core.sim.simulation import ClassSettings, Scenario

WEIGHTS = ("value", "units")
GROUPINGS = ("class", "sku")
EXHAUSTIVE_LIMIT = 100_000  # level combinations tried one by one when optimising by class
REPAIR_ROUNDS = 4
FRONTIER_POINTS = 60


@dataclass
class Optimisation:
    """What the optimiser recommends and how it was checked (SPEC §5 `optimize`)."""

    scenario: Scenario
    target_fill: float
    weight: str
    by: str
    levels: pd.DataFrame  # sku, abc_class, service_level
    class_levels: dict[str, float]  # by class only: the level of each class
    achieved: dict[str, float]  # fill_rate, avg_inventory_value of the plan on fresh seeds
    uniform: dict[str, float]  # service_level, fill_rate, avg_inventory_value of the best uniform level, fresh seeds
    frontier: pd.DataFrame  # fill_rate, avg_inventory_value, kind (uniform | optimised), on the tuning seeds
    current_inventory_value: float | None  # Σ on_hand × unit cost where every SKU has an on-hand
    rounds: int

    @property
    def cash_vs_uniform(self) -> float:
        """Inventory value the plan frees against the best uniform level at equal service (fresh seeds)."""
        return self.uniform["avg_inventory_value"] - self.achieved["avg_inventory_value"]

    @property
    def reached(self) -> bool:
        return self.achieved["fill_rate"] >= self.target_fill

    def payload(self) -> dict:
        levels = self.levels.astype(object).where(self.levels.notna(), None)
        return {
            "policy": self.scenario.policy,
            "target_fill": self.target_fill,
            "by": self.by,
            "levels": levels.to_dict("records"),
            "achieved": dict(self.achieved),
            "uniform": dict(self.uniform),
            "cash_vs_uniform": self.cash_vs_uniform,
            "frontier": self.frontier.to_dict("records"),
        }


def abc_by_value(params: pd.DataFrame) -> np.ndarray:
    """ABC class per SKU where the parameters give none: by stock value (on-hand × unit cost) when every SKU
    has an on-hand, else by annual usage value, with the thresholds of SPEC §3 (A < 80 %, B < 95 % before)."""
    cost = params["unit_cost"].to_numpy(float)
    on_hand = params["on_hand"].to_numpy(float) if "on_hand" in params else np.full(len(params), np.nan)
    value = on_hand * cost if not np.isnan(on_hand).any() else params["mean_daily_demand"].to_numpy(float) * cost
    order = np.lexsort((params["sku"].astype(str).to_numpy(), -value))
    total = value.sum()
    share = value[order] / total if total > 0 else np.zeros(len(value))
    before = np.cumsum(share) - share
    ranked = np.select([before < ABC_A_BELOW, before < ABC_B_BELOW], ["A", "B"], "C")
    classes = np.empty(len(value), dtype=object)
    classes[order] = ranked
    given = params["abc_class"] if "abc_class" in params else pd.Series([None] * len(params))
    given = given.astype(object).where(given.notna() & (given.astype(str).str.strip() != ""), None)
    return np.where(given.isna(), classes, given.astype(str).str.strip().str.upper()).astype(object)


def fill_weights(params: pd.DataFrame, weight: str) -> np.ndarray:
    """Expected demand per SKU in units, or in value (× unit cost)."""
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {', '.join(WEIGHTS)}")
    units = params["mean_daily_demand"].to_numpy(float)
    return units if weight == "units" else units * params["unit_cost"].to_numpy(float)


def _grid(sweep: pd.DataFrame, levels: tuple[float, ...], n: int, column: str) -> np.ndarray:
    """levels × SKUs array of one sweep column (rows come in level order, then SKU order)."""
    return sweep[column].to_numpy(float).reshape(len(levels), n)


def _weighted_fill(fill: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per SKU fill × weight ÷ total weight; a SKU that saw no demand counts as fully served."""
    total = weights.sum()
    return np.where(np.isnan(fill), 1.0, fill) * weights / (total if total > 0 else 1.0)


def _exhaustive(fill: np.ndarray, value: np.ndarray, target: float) -> tuple[np.ndarray, pd.DataFrame]:
    """Every combination of levels of the G groups (fill and value are G × L): the cheapest reaching the target,
    and the efficient frontier of all combinations."""
    groups, count = fill.shape
    combos = np.array(list(itertools.product(range(count), repeat=groups)), dtype=int)
    rows = np.arange(groups)
    total_fill = fill[rows, combos].sum(axis=1)
    total_value = value[rows, combos].sum(axis=1)
    feasible = np.flatnonzero(total_fill >= target)
    best = combos[feasible[np.argmin(total_value[feasible])]] if len(feasible) else combos[-1]
    order = np.argsort(total_value, kind="stable")
    efficient = order[total_fill[order] > np.maximum.accumulate(np.r_[-np.inf, total_fill[order][:-1]])]
    return best, pd.DataFrame({"fill_rate": total_fill[efficient], "avg_inventory_value": total_value[efficient]})


def _greedy(fill: np.ndarray, value: np.ndarray, target: float) -> tuple[np.ndarray, pd.DataFrame]:
    """Marginal analysis: from every group at the lowest level, repeatedly take the step (a group to any higher
    level) with the most fill per unit of value — free steps first — until the target is reached; then carry on
    to the top to trace the frontier. Returns the levels at the target and the path."""
    groups = fill.shape[0]
    choice = np.zeros(groups, dtype=int)
    total_fill, total_value = float(fill[:, 0].sum()), float(value[:, 0].sum())
    path, at_target = [(total_fill, total_value)], None

    def best_step(g: int) -> tuple[float, int] | None:
        current = choice[g]
        gain = fill[g, current + 1:] - fill[g, current]
        cost = value[g, current + 1:] - value[g, current]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(cost > 0, gain / np.where(cost > 0, cost, 1), np.inf)
        ratio = np.where(gain > 0, ratio, -np.inf)
        if not len(ratio) or ratio.max() == -np.inf:
            return None
        step = int(np.argmax(ratio))
        return float(ratio[step]), current + 1 + step

    heap = []
    for g in range(groups):
        step = best_step(g)
        if step is not None:
            heap.append((-step[0], g, step[1]))
    heapq.heapify(heap)
    if total_fill >= target:
        at_target = choice.copy()
    while heap:
        _, g, level = heapq.heappop(heap)
        total_fill += fill[g, level] - fill[g, choice[g]]
        total_value += value[g, level] - value[g, choice[g]]
        choice[g] = level
        path.append((total_fill, total_value))
        if at_target is None and total_fill >= target:
            at_target = choice.copy()
        step = best_step(g)
        if step is not None:
            heapq.heappush(heap, (-step[0], g, step[1]))
    frontier = pd.DataFrame(path, columns=["fill_rate", "avg_inventory_value"])
    return (choice if at_target is None else at_target), frontier


def _thin(frontier: pd.DataFrame, points: int = FRONTIER_POINTS) -> pd.DataFrame:
    if len(frontier) <= points:
        return frontier.reset_index(drop=True)
    keep = np.unique(np.round(np.linspace(0, len(frontier) - 1, points)).astype(int))
    return frontier.iloc[keep].reset_index(drop=True)


def fresh_seed(seed: int, round_number: int) -> int:
    """A seed the choice never saw: derived from the tuning seed and the verification round."""
    return int(np.random.SeedSequence([seed, 0x5EED, round_number]).generate_state(1, dtype=np.uint32)[0])


def plan_tasks(params: pd.DataFrame, base: Scenario, sku_levels: np.ndarray, seed: int,
               chunk_skus: int = DEFAULT_CHUNK_SKUS) -> list[ChunkTask]:
    """Tasks simulating a plan with a service level per SKU through the public scenario: each block's SKUs are
    labelled by their level and the scenario gives each label its level (per-class settings)."""
    grid, labels = np.unique(sku_levels, return_inverse=True)
    tasks = []
    for k, start in enumerate(range(0, len(params), max(1, chunk_skus))):
        block = params.iloc[start:start + chunk_skus].reset_index(drop=True)
        block["abc_class"] = [f"L{i}" for i in labels[start:start + chunk_skus]]
        by_class = {f"L{i}": ClassSettings(service_level=float(level)) for i, level in enumerate(grid)}
        scenario = replace(base, by_class=by_class, seed=chunk_seed(seed, k))
        tasks.append(ChunkTask(block, scenario, float("nan")))
    return tasks


def simulate_plan(params: pd.DataFrame, base: Scenario, sku_levels: np.ndarray, seed: int,
                  backend: Backend | None = None, chunk_skus: int = DEFAULT_CHUNK_SKUS) -> pd.DataFrame:
    """Per-SKU outcome (avg_inventory_value, fill_rate) of a plan with one service level per SKU."""
    tasks = plan_tasks(params, base, sku_levels, seed, chunk_skus)
    table = pd.concat((backend or InProcess()).map(simulate_chunk, tasks), ignore_index=True)
    table["service_level"] = sku_levels
    return table


def _outcome(table: pd.DataFrame, weights: np.ndarray) -> dict[str, float]:
    fill = _weighted_fill(table["fill_rate"].to_numpy(float), weights).sum()
    return {"fill_rate": float(fill), "avg_inventory_value": float(table["avg_inventory_value"].sum())}


def optimise(params: pd.DataFrame, base: Scenario, target_fill: float, weight: str = "value", by: str = "class",
             levels: tuple[float, ...] = TRADEOFF_LEVELS, backend: Backend | None = None,
             chunk_skus: int = DEFAULT_CHUNK_SKUS, progress=None) -> Optimisation:
    """The least-inventory service levels reaching `target_fill` (see the module docstring).

    `base` gives the policy and every other setting; its per-class settings are not used (the optimiser sets
    the service levels, one policy for all). `progress(fraction)` is called as the stages finish.
    """
    if not 0 < target_fill < 1:
        raise ValueError(f"target fill rate must be between 0 and 1 (exclusive), got {target_fill}")
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    if params.empty:
        raise ValueError("no SKUs to optimise")
    levels = tuple(sorted(levels))
    report = progress or (lambda _fraction: None)
    base = replace(base, by_class={})
    params = params.reset_index(drop=True)
    classes = abc_by_value(params)
    weights = fill_weights(params, weight)
    n = len(params)

    sweep = sweep_levels(params, base, levels, backend, chunk_skus)
    report(0.6)
    sku_fill = _weighted_fill(_grid(sweep, levels, n, "fill_rate"), weights)  # L × n
    sku_value = _grid(sweep, levels, n, "avg_inventory_value")
    uniform_fill, uniform_value = sku_fill.sum(axis=1), sku_value.sum(axis=1)
    if uniform_fill[-1] < target_fill:
        raise CodedError("fill_out_of_reach", f"target fill rate {target_fill:.4f} is out of reach: at the highest "
                         f"service level ({levels[-1]:.3f}) the simulated fill rate is {uniform_fill[-1]:.4f}",
                         target=target_fill, level=levels[-1], achieved=float(uniform_fill[-1]))
    uniform_index = int(np.argmax(uniform_fill >= target_fill))

    group_names = np.unique(classes.astype(str)) if by == "class" else np.arange(n)
    member = (np.searchsorted(group_names, classes.astype(str)) if by == "class" else np.arange(n))
    group_fill = np.zeros((len(group_names), len(levels)))
    group_value = np.zeros_like(group_fill)
    np.add.at(group_fill, member, sku_fill.T)
    np.add.at(group_value, member, sku_value.T)
    exhaustive = by == "class" and len(levels) ** len(group_names) <= EXHAUSTIVE_LIMIT
    choose = _exhaustive if exhaustive else _greedy

    aim, rounds = target_fill, 0
    while True:
        rounds += 1
        choice, frontier = choose(group_fill, group_value, aim)
        sku_levels = np.asarray(levels)[choice[member]]
        achieved = _outcome(simulate_plan(params, base, sku_levels, fresh_seed(base.seed, rounds), backend,
                                          chunk_skus), weights)
        report(min(0.95, 0.6 + 0.1 * rounds))
        shortfall = target_fill - achieved["fill_rate"]
        if shortfall <= 0 or rounds >= REPAIR_ROUNDS or (choice == len(levels) - 1).all():
            break
        aim = min(uniform_fill[-1], aim + shortfall)
    uniform_run = simulate_plan(params, base, np.full(n, levels[uniform_index]), fresh_seed(base.seed, rounds),
                                backend, chunk_skus)  # the seeds of the plan's last check: a paired comparison
    uniform = {"service_level": levels[uniform_index], **_outcome(uniform_run, weights)}
    frontier = pd.concat([
        pd.DataFrame({"fill_rate": uniform_fill, "avg_inventory_value": uniform_value, "kind": "uniform"}),
        _thin(frontier).assign(kind="optimised"),
    ], ignore_index=True)
    on_hand = params["on_hand"].to_numpy(float)
    current = None if np.isnan(on_hand).any() else float((on_hand * params["unit_cost"].to_numpy(float)).sum())
    table = pd.DataFrame({"sku": params["sku"].to_numpy(), "abc_class": classes, "service_level": sku_levels})
    class_levels = ({str(name): float(levels[choice[g]]) for g, name in enumerate(group_names)}
                    if by == "class" else {})
    report(1.0)
    return Optimisation(base, target_fill, weight, by, table, class_levels, achieved, uniform, frontier, current,
                        rounds)


def class_settings(optimisation: Optimisation) -> dict[str, ClassSettings]:
    """The recommended levels as the what-if scenario's per-class settings (by-class optimisations only)."""
    policy, review = optimisation.scenario.policy, optimisation.scenario.review_days
    return {name: ClassSettings(policy=policy, service_level=level, review_days=review)
            for name, level in optimisation.class_levels.items()}
