"""Replenishment simulator engine (SPEC §4): many SKUs at once, with replications, on a simpy calendar.

simpy drives the calendar, a day at a time; within day t demand is served at t, the orders due land at t + 0.5
and the policy reviews at t + 0.75, for every SKU in every replication over flat arrays (`core.sim.day_step`:
numpy passes, or one compiled pass when the run repays loading numba). An order placed at the review of day t
with lead time L lands at t + L + 0.5: after that day's demand, before its review.

Randomness: one stream per source (demand, lead time) per replication, spawned from
`np.random.SeedSequence(seed)`, drawn every day for every SKU whether or not it is used — so two scenarios
with the same seed see the same demand (common random numbers), and replication r's numbers do not depend on
how many replications run. The draws are kept for the next run when they fit (`core.sim.draws`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
import simpy

from core.sim import day_step, draws
from core.sim.policies import (
    DAYS_PER_YEAR,
    ORDER_RULES,
    POLICIES,
    SERVICE_TARGETS,
    drawn_lead_time_moments,
    order_quantity,
    policy_levels,
    z_value,
)

DEMAND_DISTRIBUTIONS = ("normal", "gamma")
STARTS = ("steady", "today")
GOLDEN_RATIO_FRACTION = 0.6180339887498949  # spreads the starting phase of (s, Q) and (s, S) over their cycle
LEAD_TIME_REACH = 4  # standard deviations: the longest lead time a settling run waits for
CSL_TOLERANCE, FILL_TOLERANCE = 0.02, 0.005
NO_DRAWS = np.empty(0, dtype=np.float32)
TOTAL_METRICS = ("avg_inventory_value", "ito", "dio", "fill_rate", "cycle_service_level", "stockout_days", "orders",
                 "cash_release")
PARAMETER_NUMBERS = ("mean_daily_demand", "std_daily_demand", "lead_time_days", "lead_time_std_days", "unit_cost",
                     "on_hand", "on_order", "ordering_cost", "holding_cost")

SkuTable = Mapping[str, np.ndarray]
"""Columns of one row per SKU as arrays: the engine's input (`sku_table` makes one) and its per-SKU output."""


@dataclass(frozen=True)
class ClassSettings:
    """Settings for one ABC class that differ from the scenario's (None keeps the scenario's)."""

    policy: str | None = None
    service_level: float | None = None
    review_days: int | None = None


@dataclass(frozen=True)
class Scenario:
    """Everything a what-if run depends on. Frozen: a misspelt setting is an error, not ignored."""

    policy: str = "periodic"
    service_level: float = 0.95
    review_days: int = 7
    lead_time_scale: float = 1.0
    lead_time_cv: float | None = None
    order_rule: str = "auto"
    cover_days: float = 30.0
    horizon_days: int = 365
    warmup_days: int = 0
    replications: int = 20
    seed: int = 1
    lost_sales: bool = False
    demand_distribution: str = "gamma"
    service_target: str = "csl"
    by_class: dict[str, ClassSettings] = field(default_factory=dict)
    start: str = "steady"

    def __post_init__(self) -> None:
        checks = [
            (self.policy in POLICIES, f"policy must be one of {', '.join(POLICIES)}"),
            (0 < self.service_level < 1,
             f"service level must be between 0 and 1 (exclusive), got {self.service_level}"),
            (self.review_days >= 1, "review days must be at least 1"),
            (self.lead_time_scale > 0, "lead-time scale must be positive"),
            (self.lead_time_cv is None or self.lead_time_cv >= 0, "lead-time variability must be zero or more"),
            (self.order_rule in ORDER_RULES, f"order rule must be one of {', '.join(ORDER_RULES)}"),
            (self.cover_days > 0, "cover days must be positive"),
            (self.horizon_days > self.warmup_days >= 0, "the horizon must be longer than the warm-up"),
            (self.replications >= 1, "replications must be at least 1"),
            (self.demand_distribution in DEMAND_DISTRIBUTIONS, "demand distribution must be normal or gamma"),
            (self.service_target in SERVICE_TARGETS, "service target must be csl (cycle service level) or fill"),
            (self.start in STARTS, "start must be steady (the policy's own level) or today (today's stock)"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        for name, settings in self.by_class.items():
            if settings.policy is not None and settings.policy not in POLICIES:
                raise ValueError(f"class {name}: policy must be one of {', '.join(POLICIES)}")
            if settings.service_level is not None and not 0 < settings.service_level < 1:
                raise ValueError(f"class {name}: service level must be between 0 and 1 (exclusive)")
            if settings.review_days is not None and settings.review_days < 1:
                raise ValueError(f"class {name}: review days must be at least 1")

    @property
    def service_measure(self) -> str:
        """The simulated measure `service_level` targets: `cycle_service_level`, or `fill_rate`."""
        return "fill_rate" if self.service_target == "fill" else "cycle_service_level"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Scenario:
        by_class = {k: ClassSettings(**v) for k, v in (data.get("by_class") or {}).items()}
        return cls(**{**data, "by_class": by_class})


def sku_table(columns: Mapping[str, object], default_lead_time: float | None = None) -> dict[str, np.ndarray]:
    """The engine's input from planning columns (arrays or pandas columns): every parameter as float64 with NaN
    where blank, `abc_class` as text ("" where blank), `sku` as given; the optional columns filled as
    `core.sim.planning.complete_parameters` fills them (lead time from the default, σ_L 0, on order 0)."""
    n = len(columns["sku"])
    table = {"sku": np.asarray(columns["sku"], dtype=object)}
    for name in PARAMETER_NUMBERS:
        table[name] = _numbers(columns[name]) if name in columns else np.full(n, np.nan)
    if default_lead_time is not None:
        table["lead_time_days"] = _filled(table["lead_time_days"], default_lead_time)
    table["lead_time_std_days"] = _filled(table["lead_time_std_days"], 0.0)
    table["on_order"] = _filled(table["on_order"], 0.0)
    classes = np.asarray(columns["abc_class"], dtype=object) if "abc_class" in columns else np.full(n, None)
    table["abc_class"] = np.array(["" if _blank(c) else str(c) for c in classes], dtype=object)
    return table


def _numbers(values: object) -> np.ndarray:
    """Float64 with NaN for blanks, whether the column comes as floats, objects with None or a nullable type."""
    array = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if array.dtype.kind == "f":
        return array.astype(float)
    return np.array([np.nan if _blank(v) else float(v) for v in array], dtype=float)


def _blank(value: object) -> bool:
    """None, NaN or a missing marker of another library (pandas' NA is not equal to itself, nor unequal)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:
        return True


def _filled(values: object, default: float) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return np.where(np.isnan(array), default, array)


def sku_settings(params: SkuTable, scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Policy, z and review days per SKU, with the scenario's per-ABC-class overrides applied."""
    policy, level, review = sku_targets(params, scenario)
    levels, positions = np.unique(level, return_inverse=True)
    z = np.array([z_value(s) for s in levels])[positions]
    return policy, z, review


def sku_targets(params: SkuTable, scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Policy, targeted service level and review days per SKU, with the per-ABC-class overrides applied."""
    n = len(params["sku"])
    policy = np.full(n, scenario.policy, dtype=object)
    level = np.full(n, scenario.service_level)
    review = np.full(n, scenario.review_days)
    if scenario.by_class:
        classes = np.array([str(c).upper() for c in params["abc_class"]], dtype=object)
    for name, settings in scenario.by_class.items():
        mask = classes == name.upper()
        if settings.policy is not None:
            policy[mask] = settings.policy
        if settings.service_level is not None:
            level[mask] = settings.service_level
        if settings.review_days is not None:
            review[mask] = settings.review_days
    return policy.astype(str), level, review.astype(int)


def effective_lead_times(params: SkuTable, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """(L, σ_L) in days after scaling: L rounded to whole days, at least 1."""
    lead = np.maximum(1, np.round(np.asarray(params["lead_time_days"], dtype=float) * scenario.lead_time_scale))
    if scenario.lead_time_cv is not None:
        return lead, lead * scenario.lead_time_cv
    return lead, np.asarray(params["lead_time_std_days"], dtype=float) * scenario.lead_time_scale


def level_arrays(params: SkuTable, scenario: Scenario) -> dict[str, np.ndarray]:
    """The policy levels each SKU is simulated with (safety stock, s, S, Q), and its targeted service level.

    With `service_target` "fill" the service level is a fill rate, and the levels are set for it. The levels see
    the lead time as it is drawn (whole days, at least one); `lead_time_days` and `lead_time_std_days` are the
    parameters of the draw.
    """
    policy, z, review = sku_settings(params, scenario)
    target = sku_targets(params, scenario)[1]
    lead, lead_std = effective_lead_times(params, scenario)
    q = order_quantity(params, scenario.order_rule, scenario.cover_days)
    fill = target if scenario.service_target == "fill" else None
    drawn_lead, drawn_std = drawn_lead_time_moments(lead, lead_std)
    levels = policy_levels(params, policy, z, review, drawn_lead, drawn_std, q, fill_rate=fill,
                           distribution=scenario.demand_distribution)
    return {**levels, "service_level": target, "review_days": review, "lead_time_days": lead,
            "lead_time_std_days": lead_std}


class Model:
    """State of n SKUs × r replications as flat arrays of length r·n; simpy processes move it.

    Steady state (the scenario's `start`, by default): every SKU with demand starts at its policy's own level with
    nothing on order, and the first `settling` days — the longest lead time plus the review period, after which
    no order of the start is still on its way and the stock on order is the policy's own — are run before the
    scenario's days begin. What is measured (and `daily_value`) is then the policy's steady state, the same
    whatever the horizon; today's stock enters only as the current inventory value cash release is measured
    against. SKUs without demand keep today's stock, since no demand will ever take it away.
    With start "today" the run starts from today's on-hand and on-order and has no settling days.
    """

    def __init__(self, params: SkuTable, levels: SkuTable, scenario: Scenario, first_replication: int = 0) -> None:
        """Replications first_replication … + scenario.replications − 1 (a block of a larger run: each draws
        from its own streams, the same wherever it runs)."""
        reps, n = scenario.replications, len(params["sku"])
        self.scenario, self.reps, self.n = scenario, reps, n
        tile = lambda values: np.tile(np.asarray(values, dtype=float), reps)  # noqa: E731
        self.mu, self.sigma = tile(params["mean_daily_demand"]), tile(params["std_daily_demand"])
        self.cost = tile(params["unit_cost"])
        self.s, self.S, self.Q = tile(levels["reorder_point"]), tile(levels["order_up_to"]), tile(levels["order_qty"])
        self.lead, self.lead_std = tile(levels["lead_time_days"]), tile(levels["lead_time_std_days"])
        self.review_days = np.tile(np.asarray(levels["review_days"], dtype=int), reps)
        policy = np.tile(np.asarray(levels["policy"], dtype=str), reps)
        self.periodic, self.rop, self.minmax = policy == "periodic", policy == "rop", policy == "minmax"
        self.continuous = self.rop | self.minmax
        self.settling = settling_days(params, levels) if scenario.start == "steady" else 0
        self.days, self.first_measured = self.settling + scenario.horizon_days, self.settling + scenario.warmup_days
        self.kernels = day_step.kernels(reps * n * self.days)  # numpy, or compiled when worth it
        self.on_hand = tile(initial_on_hand(params, levels))
        self.on_order = tile(params["on_order"])
        if scenario.start == "steady":
            self.on_hand, self.on_order = steady_start(params, levels, reps, first_replication)
        self.backorders = np.zeros(reps * n)
        self.short = np.zeros(reps * n, dtype=bool)
        self.cycle_day = np.full(reps * n, -1)
        self.random_lead = bool((self.lead_std > 0).any())
        mu, var = self.mu[:n], np.square(self.sigma[:n])
        self.gamma_skus = np.flatnonzero((mu > 0) & (var > 0))
        self.gamma_shape = np.square(mu[self.gamma_skus]) / var[self.gamma_skus]
        self.gamma_scale = var[self.gamma_skus] / mu[self.gamma_skus]
        self._open_streams(first_replication)
        self.demand_block = self.lead_z = np.empty((0, reps * n))
        zeros = lambda dtype=float: np.zeros(reps * n, dtype=dtype)  # noqa: E731
        self.demand, self.served, self.shipped, self.on_hand_days = zeros(), zeros(), zeros(), zeros()
        self.stockout_days, self.orders, self.cycles, self.ok_cycles = zeros(int), zeros(int), zeros(int), zeros(int)
        self.daily_value = np.zeros((scenario.horizon_days, reps))
        self.stock_value = np.zeros(reps * n)  # on-hand × unit cost at the end of the day
        self.next_review = np.zeros(reps * n, dtype=np.int64)  # periodic SKUs review on days 0, R, 2R, …
        self.in_transit = self.kernels.orders_in_transit(reps * n)  # None after the last day

    def _open_streams(self, first: int) -> None:
        """The demand and lead-time streams of this model's replications, kept across runs when they fit."""
        reps, n, horizon = self.reps, self.n, draws.kept_days(self.days)
        demand_seeds, lead_seeds = (s.spawn(first + reps)[first:]
                                    for s in np.random.SeedSequence(self.scenario.seed).spawn(2))
        if self.scenario.demand_distribution == "gamma":
            draw, kind = draws.gamma_units(self.gamma_shape), ("gamma", draws.fingerprint(self.gamma_shape))
            columns = len(self.gamma_skus)
        else:
            draw, kind, columns = draws.standard_normals(n), ("normal", n), n
        keep = draws.worth_keeping(reps, horizon, columns + (n if self.random_lead else 0))
        self.demand_units = draws.StreamBlocks(demand_seeds, draw, kind, horizon, keep)
        if self.random_lead:
            self.lead_units = draws.StreamBlocks(lead_seeds, draws.standard_normals(n), ("normal", n), horizon, keep)

    def _demand_draws(self, start: int) -> np.ndarray:
        """Days start … start + 31 × (replication, SKU) demands: normal truncated at zero, or gamma with μ, σ²."""
        units, n = self.demand_units.block(start), self.n
        if self.scenario.demand_distribution == "gamma":
            if len(self.demand_block) != draws.BLOCK_DAYS:  # the first block; later ones only rewrite gamma SKUs
                self.demand_block = np.tile(self.mu[:n], (draws.BLOCK_DAYS, self.reps))
            block = self.demand_block
            for r, unit in enumerate(units):
                self.kernels.fill_gamma_demand(block, unit, r * n, self.gamma_skus, self.gamma_scale)
            return block
        return np.maximum(0.0, self.mu + self.sigma * np.concatenate(units, axis=1))

    def _draw_demand(self, day: int) -> np.ndarray:
        if day % draws.BLOCK_DAYS == 0:
            self.demand_block = self._demand_draws(day)
        return self.demand_block[day % draws.BLOCK_DAYS]

    def _lead_draws(self, day: int) -> np.ndarray:
        """Today's standard normal lead-time draw of every SKU-replication (empty with fixed lead times); call
        every day, in order: the draws are made for every SKU whether or not it orders."""
        if not self.random_lead:
            return NO_DRAWS
        if day % draws.BLOCK_DAYS == 0:
            self.lead_z = np.concatenate(self.lead_units.block(day), axis=1)
        return self.lead_z[day % draws.BLOCK_DAYS]

    def lead_times(self, day: int, index: np.ndarray) -> np.ndarray:
        """Lead times of orders placed today by the SKUs at `index`: max(1, round(L + σ_L z)), or L when fixed."""
        if not self.random_lead:
            return self.lead[index]
        z = self._lead_draws(day)[index]
        return np.maximum(1.0, np.round(self.lead[index] + self.lead_std[index] * z))

    def expect(self, index: np.ndarray, landing: np.ndarray, qty: np.ndarray) -> None:
        """Orders of the SKU-replications at `index` (at most one each) landing on `landing`, in transit."""
        self.in_transit.make_room(self.in_transit.longest())
        self.kernels.expect_each(np.asarray(index, dtype=np.int64), np.asarray(landing, dtype=np.int64),
                                 np.asarray(qty, dtype=float), *self.in_transit.arrays())

    def step(self, day: int, measured: bool) -> None:
        """The day for every SKU-replication — demand, the receipts due, the review (`core.sim.day_step`) — and
        the day's closing inventory value per replication (from the first day after settling)."""
        longest = self.kernels.step_day(
            day, measured, self.scenario.lost_sales, self._draw_demand(day), self._lead_draws(day),
            self.periodic, self.next_review, self.review_days, self.continuous, self.rop, self.s, self.S, self.Q,
            self.lead, self.lead_std, self.on_hand, self.backorders, self.on_order, self.short, self.cycle_day,
            self.demand, self.served, self.shipped, self.stockout_days, self.cycles, self.ok_cycles, self.orders,
            self.on_hand_days, *self.in_transit.arrays())
        self.in_transit.make_room(longest)  # for tomorrow's orders
        if day >= self.settling:  # the days after settling are the run's days
            np.multiply(self.on_hand, self.cost, out=self.stock_value)  # one buffer for every day
            self.stock_value.reshape(self.reps, self.n).sum(axis=1, out=self.daily_value[day - self.settling])


def initial_on_hand(params: SkuTable, levels: SkuTable) -> np.ndarray:
    """On-hand from the parameters, else the policy's order-up-to level (s + Q for reorder point)."""
    on_hand = np.asarray(params["on_hand"], dtype=float)
    return np.where(np.isnan(on_hand), np.asarray(levels["order_up_to"], dtype=float), on_hand)


def settling_days(params: SkuTable, levels: SkuTable) -> int:
    """Days a steady-state run settles before it is measured: the longest lead time drawn (L + 4 σ_L) plus the
    review period, over the SKUs with demand; by then every order of the start has landed and each SKU's stock
    on order is what its policy placed (0 when no SKU has demand)."""
    demand = np.asarray(params["mean_daily_demand"], dtype=float) > 0
    if not demand.any():
        return 0
    lead = np.asarray(levels["lead_time_days"], dtype=float) + LEAD_TIME_REACH * np.asarray(
        levels["lead_time_std_days"], dtype=float)
    review = np.where(np.asarray(levels["policy"]) == "periodic", np.asarray(levels["review_days"], dtype=float), 1.0)
    return int(np.ceil((lead + review)[demand].max())) + 1


def steady_start(params: SkuTable, levels: SkuTable, reps: int, first_replication: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """On-hand and on-order per (replication, SKU) at the start of a steady-state run: periodic review at S; a
    reorder point or min-max somewhere in its cycle, s + u (S − s) with u spread evenly over replications and
    SKUs (a golden-ratio sequence, so the start does not favour the top of the cycle); nothing on order. SKUs
    without demand keep today's on-hand and on-order."""
    n = len(params["sku"])
    low, top = np.asarray(levels["reorder_point"], dtype=float), np.asarray(levels["order_up_to"], dtype=float)
    index = np.arange(first_replication * n, (first_replication + reps) * n, dtype=float) + 1
    phase = np.where(np.tile(np.asarray(levels["policy"]) == "periodic", reps), 1.0,
                     (index * GOLDEN_RATIO_FRACTION) % 1.0)
    steady = np.tile(low, reps) + phase * np.tile(top - low, reps)
    demand = np.tile(np.asarray(params["mean_daily_demand"], dtype=float) > 0, reps)
    on_hand = np.where(demand, steady, np.tile(initial_on_hand(params, levels), reps))
    on_order = np.where(demand, 0.0, np.tile(np.asarray(params["on_order"], dtype=float), reps))
    return on_hand, on_order


def run_calendar(model: Model, scenario: Scenario) -> None:
    """The days of the scenario on the model (its settling days first), in this process."""
    env = simpy.Environment()
    warmup = model.first_measured

    def days():
        for day in range(model.days):
            model.step(day, measured=day >= warmup)
            yield env.timeout(1)

    pending = np.flatnonzero(model.on_order > 0)
    lead = model.lead[pending].astype(np.int64)
    model.expect(pending, lead - 1, model.on_order[pending])  # on order today: as if placed yesterday
    env.process(days())
    env.run(until=model.days)
    model.in_transit = None  # what is still on its way after the last day is no outcome


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def replication_totals(model: Model, days: int, current_value: float) -> dict[str, np.ndarray]:
    """Each total metric per replication."""
    shape = (model.reps, model.n)
    cost = model.cost.reshape(shape)
    inventory_value = (model.on_hand_days.reshape(shape) * cost).sum(axis=1) / days
    annual_cogs = (model.shipped.reshape(shape) * cost).sum(axis=1) * DAYS_PER_YEAR / days
    ito = _ratio(annual_cogs, inventory_value)
    return {
        "avg_inventory_value": inventory_value,
        "ito": ito,
        "dio": _ratio(np.full_like(ito, DAYS_PER_YEAR), ito),
        "fill_rate": _ratio(model.served.reshape(shape).sum(1), model.demand.reshape(shape).sum(1)),
        "cycle_service_level": _ratio(model.ok_cycles.reshape(shape).sum(1), model.cycles.reshape(shape).sum(1)),
        "stockout_days": model.stockout_days.reshape(shape).sum(1).astype(float),
        "orders": model.orders.reshape(shape).sum(1).astype(float),
        "cash_release": current_value - inventory_value,
    }


def sku_results(model: Model, params: SkuTable, levels: SkuTable, days: int) -> dict[str, np.ndarray]:
    """Per SKU, means over replications: the levels, stock, service, stock-out days, orders, and whether the
    SKU met its target."""
    shape = (model.reps, model.n)
    mean = lambda values: values.reshape(shape).mean(axis=0)  # noqa: E731
    avg_on_hand = mean(model.on_hand_days) / days
    table = {"sku": levels["sku"], "abc_class": params["abc_class"],
             **{k: levels[k] for k in ("policy", "safety_stock", "reorder_point", "order_up_to", "order_qty")}}
    table["avg_on_hand"] = avg_on_hand
    table["avg_inventory_value"] = avg_on_hand * np.asarray(params["unit_cost"], dtype=float)
    table["fill_rate"] = _ratio(mean(model.served), mean(model.demand))
    table["cycle_service_level"] = _ratio(mean(model.ok_cycles.astype(float)), mean(model.cycles.astype(float)))
    table["stockout_days"] = mean(model.stockout_days.astype(float))
    table["orders"] = mean(model.orders.astype(float))
    table["cycles"] = mean(model.cycles.astype(float))
    table["demand_units"] = mean(model.demand)
    target = np.asarray(levels["service_level"], dtype=float)
    table["service_level"] = target
    achieved = table[model.scenario.service_measure]
    table["target_met"] = target_met(model, target, achieved)
    return table


def target_met(model: Model, target: np.ndarray, achieved: np.ndarray) -> np.ndarray:
    """Per SKU: did the simulation deliver the target? None where nothing was measured (no cycle, no demand).

    Short by more than the tolerance the SPEC allows (0.02 of cycle service level, 0.005 of fill rate) plus
    two standard errors of the SKU's own estimate over its cycles, so a few unlucky cycles do not flag a SKU.
    """
    cycles = model.cycles.reshape(model.reps, model.n).sum(axis=0)
    if model.scenario.service_target == "fill":
        tolerance = np.full_like(target, FILL_TOLERANCE)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            tolerance = CSL_TOLERANCE + 2 * np.sqrt(target * (1 - target) / cycles)
    met = (achieved >= target - tolerance).astype(object)
    met[np.isnan(achieved) | (cycles <= 0)] = None
    return met


def spread(values: Mapping[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Mean, standard deviation, 5th and 95th percentile of each metric over replications, blanks (NaN) left out;
    the deviation is 0 with fewer than two values, the others NaN with none."""
    table = {}
    for metric, column in values.items():
        kept = column[~np.isnan(column)]
        if not len(kept):
            table[metric] = {"mean": float("nan"), "std": 0.0, "p05": float("nan"), "p95": float("nan")}
            continue
        std = float(np.std(kept, ddof=1)) if len(kept) > 1 else 0.0
        table[metric] = {"mean": float(np.nanmean(column)), "std": std,
                         "p05": float(np.quantile(kept, 0.05)), "p95": float(np.quantile(kept, 0.95))}
    return table


@dataclass
class Run:
    """What one scenario run gives, as arrays: per SKU, per replication, and the daily inventory value."""

    scenario: Scenario
    skus: dict[str, np.ndarray]
    replications: dict[str, np.ndarray]
    spread: dict[str, dict[str, float]]
    daily_value: np.ndarray  # day × replication
    current_inventory_value: float
    skus_without_on_hand: list[str] = field(default_factory=list)
    settling_days: int = 0  # run before the measured days (steady-state start), see `Model`

    @property
    def totals(self) -> dict[str, float | None]:
        """Each total metric's mean over replications (None where it has no value, e.g. no demand at all)."""
        return {metric: (None if np.isnan(row["mean"]) else row["mean"]) for metric, row in self.spread.items()}

    @property
    def achieved_service(self) -> float | None:
        """The simulated measure the scenario targeted: cycle service level, or fill rate."""
        return self.totals[self.scenario.service_measure]

    @property
    def skus_missing_target(self) -> list[str]:
        """SKUs whose simulated service falls short of their target (typically very lumpy demand)."""
        return [str(sku) for sku, met in zip(self.skus["sku"], self.skus["target_met"], strict=True) if met is False]


def run(params: SkuTable, scenario: Scenario, current_inventory_value: float | None = None,
        calendar: Callable[[Model, Scenario], None] | None = None, levels: SkuTable | None = None) -> Run:
    """Run a scenario over every SKU of `params` (a `sku_table`); see `core.sim.simulation.simulate`. `levels`:
    `level_arrays(params, scenario)` when the caller has them already."""
    if not len(params["sku"]):
        raise ValueError("no SKUs to simulate")
    levels = level_arrays(params, scenario) if levels is None else levels
    on_hand = np.asarray(params["on_hand"], dtype=float)
    if current_inventory_value is None:
        current_inventory_value = float(np.nansum(on_hand * np.asarray(params["unit_cost"], dtype=float)))
    model = Model(params, levels, scenario)
    (calendar or run_calendar)(model, scenario)
    days = scenario.horizon_days - scenario.warmup_days
    replications = replication_totals(model, days, current_inventory_value)
    without = [str(sku) for sku in np.asarray(params["sku"])[np.isnan(on_hand)]]
    return Run(scenario, sku_results(model, params, levels, days), replications, spread(replications),
               model.daily_value, current_inventory_value, without, model.settling)
