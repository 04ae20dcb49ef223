"""One simulated day of every (replication, SKU) (SPEC §4 timing), and which implementation runs it.

`core.sim.engine` keeps the calendar: a simpy process moves the clock a day at a time and calls `step_day`,
which takes every SKU-replication through the day's three moments in order — demand served at t, the orders
due received at t + 0.5, the review at t + 0.75 — and counts its end-of-day stock. Orders in transit
(`InTransit`) wait per SKU-replication in the order they were placed; receipts of one SKU landing on one day
are taken in that order, and the first closes the replenishment cycle.

Two implementations give the same figures to the last bit, each SKU's arithmetic operation for operation in
the same order: the numpy passes here, and one numba-compiled pass per day (`core.sim.day_step_compiled`),
about twice as fast per SKU-day but costing a fresh process ~0.8 s to import numba and load its cached
kernels (~6 s to compile them once after an install). `kernels` picks numpy for a run too small to repay
that — `python -m core.cli simulate` on the sample — and the compiled pass for a big run or in a long-lived
process that asked for it (`prefer_compiled`: the app server, its simulation workers, the optimiser).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from types import ModuleType

import numpy as np

NOTHING_DUE = np.iinfo(np.int64).max
COMPILED_FROM_SKU_DAYS = 60_000_000  # below this a fresh process finishes sooner with numpy (benchmarks/day_step_bench)
_state: dict = {"prefer": False, "compiled": None, "unavailable": False}
_loading = threading.Lock()  # the app's sessions ask at once; one thread imports, the others wait for it


class InTransit:
    """Orders on their way, per SKU-replication i, in the order placed: landing day `day[i, k]` and quantity
    `qty[i, k]` for k < `count[i]`; `next_due[i]` is the soonest landing day (`NOTHING_DUE` when none). Room for
    `room` orders each at first, doubled whenever the longest list fills it."""

    def __init__(self, width: int, room: int = 8) -> None:
        self.day = np.zeros((width, room), dtype=np.int64)
        self.qty = np.zeros((width, room))
        self.count = np.zeros(width, dtype=np.int64)
        self.next_due = np.full(width, NOTHING_DUE, dtype=np.int64)

    def make_room(self, longest: int) -> None:
        """Room for one more order each, given the longest list."""
        room = self.day.shape[1]
        if longest >= room:
            self.day = np.pad(self.day, ((0, 0), (0, room)))
            self.qty = np.pad(self.qty, ((0, 0), (0, room)))

    def longest(self) -> int:
        """The longest list of orders in transit."""
        return int(self.count.max(initial=0))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return self.day, self.qty, self.count, self.next_due


class Arrivals:
    """Orders on their way for the numpy passes: per landing day, the batches landing that day in the order
    they were placed (SKU-replication index and quantity, each SKU at most once per batch)."""

    def __init__(self) -> None:
        self.by_day: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}

    def make_room(self, longest: int) -> None:
        """Nothing to make: a day's list grows as orders join it."""

    def longest(self) -> int:
        return 0

    def arrays(self) -> tuple[dict[int, list[tuple[np.ndarray, np.ndarray]]]]:
        return (self.by_day,)


def orders_in_transit(width: int) -> Arrivals:
    """The numpy passes' orders in transit (`Arrivals`; the compiled pass keeps an `InTransit`)."""
    return Arrivals()


def prefer_compiled() -> None:
    """Run every later simulation of this process on the compiled day step (a long-lived process: numba's
    start-up is paid once, here, not by the first run)."""
    _state["prefer"] = True
    load_compiled()


def kernels(sku_days: int) -> ModuleType:
    """The implementation for a run of `sku_days`: this module's numpy passes, or the compiled ones when numba is
    loaded already, asked for, or worth loading for a run this big (and can be loaded)."""
    if _state["prefer"] or _state["compiled"] is not None or sku_days >= COMPILED_FROM_SKU_DAYS:
        compiled = load_compiled()
        if compiled is not None:
            return compiled
    return sys.modules[__name__]


def load_compiled() -> ModuleType | None:
    """The compiled kernels, or None when numba cannot give them (the numpy passes give the same figures).

    numba caches compiled code next to the source, else in the user's cache folder; on an install where neither
    can be written (a read-only image, no writable home) it refuses to cache at all, so the cache goes to the
    temporary folder instead (`NUMBA_CACHE_DIR` set by hand wins when it can be written)."""
    if _state["compiled"] is None and not _state["unavailable"]:
        with _loading:
            if _state["compiled"] is None and not _state["unavailable"]:
                _state["compiled"] = _import_compiled()
                _state["unavailable"] = _state["compiled"] is None
    return _state["compiled"]


def _import_compiled() -> ModuleType | None:
    try:
        import core.sim.day_step_compiled as compiled
    except RuntimeError:  # "cannot cache function …: no locator available"
        import numba

        numba.config.CACHE_DIR = os.path.join(tempfile.gettempdir(), "inventory-board-numba-cache")
        try:
            import core.sim.day_step_compiled as compiled
        except (RuntimeError, OSError):
            return None
    except ImportError:
        return None
    return compiled


def fill_gamma_demand(block: np.ndarray, units: np.ndarray, offset: int, skus: np.ndarray,
                      scale: np.ndarray) -> None:
    """block[d, offset + skus[j]] = units[d, j] × scale[j]: one replication's gamma demands from standard gamma
    draws (float32, widened exactly)."""
    block[:units.shape[0], offset + skus] = units * scale


def expect_each(index: np.ndarray, landing: np.ndarray, qty: np.ndarray, by_day: dict) -> None:
    """Orders of SKU-replications index[k] (each at most once) landing on landing[k], joining the batches of
    their landing days (`Arrivals.by_day`)."""
    for day in np.unique(landing):
        same = landing == day
        by_day.setdefault(int(day), []).append((index[same], qty[same]))


def step_day(day, measured, lost_sales, wanted, lead_z,
             periodic, next_review, review_days, continuous, rop, reorder_point, order_up_to, order_qty, lead,
             lead_std, on_hand, backorders, on_order, short, cycle_day,
             demand, served, shipped, stockout_days, cycles, ok_cycles, orders, on_hand_days, by_day) -> int:
    """Day `day` for every SKU-replication, as `day_step_compiled.step_day` (its docstring says what happens),
    with the orders in transit in `Arrivals.by_day`; returns 0 (no room to make)."""
    given = np.minimum(on_hand, wanted)
    on_hand -= given
    unmet = wanted - given
    if not lost_sales:
        backorders += unmet
    stocked_out = (unmet > 0) | (backorders > 0)
    short |= stocked_out
    if measured:
        demand += wanted
        served += given
        shipped += given
        stockout_days += stocked_out
    for index, qty in _rounds(by_day.pop(day, [])):
        _receive(day, measured, index, qty, on_hand, backorders, short, on_order, cycle_day, shipped, cycles,
                 ok_cycles)
    qty = _review(day, on_hand, backorders, periodic, next_review, review_days, continuous, rop, reorder_point,
                  order_up_to, order_qty, on_order)
    _place(day, measured, qty, lead_z, lead, lead_std, on_order, orders, by_day)
    if measured:
        on_hand_days += on_hand
    return 0


def _rounds(batches: list[tuple[np.ndarray, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """A day's receipts in rounds, each SKU at most once a round: every SKU's first receipt of the day (in the
    order placed), then every second one, …"""
    if len(batches) <= 1:
        return batches
    index = np.concatenate([index for index, _ in batches])
    qty = np.concatenate([qty for _, qty in batches])
    order = np.argsort(index, kind="stable")
    ordered = index[order]
    first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    rank = np.empty_like(order)
    rank[order] = np.arange(len(index)) - np.repeat(first, np.diff(np.r_[first, len(index)]))
    return [(index[rank == round_], qty[rank == round_]) for round_ in range(int(rank.max()) + 1)]


def _receive(day, measured, index, qty, stock, owed, is_short, on_order, cycle_day, shipped, cycles,
             ok_cycles) -> None:
    """One batch of orders landing today (each SKU at most once): the first receipt of a SKU's day closes its
    replenishment cycle; back-orders are filled from what came in."""
    closing = index[cycle_day[index] != day]
    cycle_day[closing] = day
    if measured:
        cycles[closing] += 1
        ok_cycles[closing] += ~is_short[closing]
    on_order[index] -= qty
    received = stock[index] + qty
    filled = np.minimum(received, owed[index])
    stock[index] = received - filled
    owed[index] -= filled
    if measured:
        shipped[index] += filled
    is_short[index] = owed[index] > 0


def _review(day, stock, owed, periodic, next_review, review_days, continuous, rop, reorder_point, order_up_to,
            order_qty, on_order) -> np.ndarray:
    """What each SKU-replication orders at today's review (0 where nothing)."""
    qty = np.zeros(stock.size)
    reviewing = np.flatnonzero(periodic & (next_review == day))
    next_review[reviewing] = day + review_days[reviewing]
    qty[reviewing] = np.maximum(0.0, order_up_to[reviewing] - (stock[reviewing] + on_order[reviewing]
                                                               - owed[reviewing]))
    watched = np.flatnonzero(continuous & ~periodic)
    position = stock[watched] + on_order[watched] - owed[watched]
    below = position <= reorder_point[watched]
    watched, position = watched[below], position[below]
    by_quantity = rop[watched]
    q = order_qty[watched]
    with np.errstate(divide="ignore", invalid="ignore"):
        multiple = (np.floor((reorder_point[watched] - position) / q) + 1) * q
    qty[watched] = np.where(by_quantity, np.where(q > 0, multiple, 0.0),
                            np.maximum(0.0, order_up_to[watched] - position))
    return qty


def _place(day, measured, qty, lead_z, lead, lead_std, on_order, orders, by_day) -> None:
    """Today's orders on order and in transit, landing after max(1, round(L + σ_L z)) days (L when fixed)."""
    placed = np.flatnonzero(qty > 0)
    if not placed.size:
        return
    ordered = qty[placed]
    on_order[placed] += ordered
    if measured:
        orders[placed] += 1
    days = lead[placed]
    if lead_z.size:
        days = np.maximum(1.0, np.rint(lead[placed] + lead_std[placed] * lead_z[placed].astype(np.float64)))
    expect_each(placed, day + days.astype(np.int64), ordered, by_day)
