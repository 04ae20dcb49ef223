"""One simulated day of every (replication, SKU), compiled with numba (SPEC §4 timing): the kernels
`core.sim.day_step` uses when a run is big enough to repay loading numba, or in a long-lived process.

`core.sim.engine` keeps the calendar: a simpy process moves the clock a day at a time and calls `step_day`,
which takes each SKU-replication through the day's three moments in order — demand served at t, the orders
due received at t + 0.5, the review at t + 0.75 — and counts its end-of-day stock. SKUs do not interact, so
taking one SKU through all three moments, then the next, gives what taking every SKU through each moment
gives; the state is read and written once a day instead of in a dozen numpy passes with their temporaries.
Each SKU's arithmetic is the numpy engine's, operation for operation and in the same order, so the figures are
the same to the last bit (golden outputs).

Orders in transit (`InTransit`) wait per SKU-replication in the order they were placed; receipts of one SKU
landing on one day are taken in that order, and the first closes the replenishment cycle.

Compiled on first use and cached on disk (`cache=True`: only the first process after an install pays the
compile); the kernel releases the GIL, so replications on threads run on separate cores.
"""

from __future__ import annotations

import numba
import numpy as np

from core.sim.day_step import NOTHING_DUE, InTransit


def orders_in_transit(width: int) -> InTransit:
    """The compiled pass's orders in transit: per SKU-replication lists (`core.sim.day_step.InTransit`)."""
    return InTransit(width)


@numba.njit(cache=True, nogil=True, inline="always")
def _minimum(a: float, b: float) -> float:
    """np.minimum: NaN if either is NaN."""
    if a != a or b != b:
        return np.nan
    return a if a <= b else b


@numba.njit(cache=True, nogil=True, inline="always")
def _at_least_zero(x: float) -> float:
    """np.maximum(0.0, x): NaN stays NaN."""
    if x != x:
        return np.nan
    return x if x > 0.0 else 0.0


@numba.njit(cache=True, nogil=True, inline="always")
def _continuous_order(rop, reorder_point, order_up_to, order_qty, position):
    """What reorder point (s, Q) or min-max (s, S) orders at a review with the position at or below s."""
    if rop:
        return (np.floor((reorder_point - position) / order_qty) + 1) * order_qty if order_qty > 0 else 0.0
    return _at_least_zero(order_up_to - position)


@numba.njit(cache=True, nogil=True)
def fill_gamma_demand(block, units, offset, skus, scale):  # pragma: no cover - compiled
    """block[d, offset + skus[j]] = units[d, j] × scale[j]: one replication's gamma demands from standard gamma
    draws (float32, widened exactly as numpy widens them)."""
    for d in range(units.shape[0]):
        for j in range(skus.size):
            block[d, offset + skus[j]] = np.float64(units[d, j]) * scale[j]


@numba.njit(cache=True, nogil=True)
def expect_each(index, landing, qty, due_day, due_qty, due_count, next_due):  # pragma: no cover - compiled
    """Orders of SKU-replications index[k] landing on landing[k], appended to their lists (`InTransit`, room
    assumed)."""
    for k in range(index.size):
        i = index[k]
        slot = due_count[i]
        due_day[i, slot], due_qty[i, slot] = landing[k], qty[k]
        due_count[i] = slot + 1
        next_due[i] = min(next_due[i], landing[k])


@numba.njit(cache=True, nogil=True)
def step_day(day, measured, lost_sales, wanted, lead_z,  # pragma: no cover - compiled
             periodic, next_review, review_days, continuous, rop, reorder_point, order_up_to, order_qty, lead,
             lead_std, on_hand, backorders, on_order, short, cycle_day,
             demand, served, shipped, stockout_days, cycles, ok_cycles, orders, on_hand_days,
             due_day, due_qty, due_count, next_due):
    """Day `day` for every SKU-replication i; `wanted` is the day's demand, `lead_z` the day's standard normal
    lead-time draws (empty with fixed lead times); the last four, `InTransit.arrays()`. Returns the longest list
    of orders in transit an order joined today, so the caller can make room.

    Demand: served from on-hand, the rest back-ordered (or lost); a day with unmet demand or back-orders is a
    stock-out day and marks the cycle short. Receipts: each fills back-orders from what came in; the first of
    a day closes a replenishment cycle, served without shortage unless marked short. Review: the policy orders
    from the position (on-hand + on-order − back-orders); an order with lead time L lands on day + L, L drawn as
    max(1, round(L + σ_L z)) when random.
    """
    random_lead = lead_z.size > 0
    longest = 0
    for i in range(on_hand.size):
        stock, owed, want = on_hand[i], backorders[i], wanted[i]
        given = _minimum(stock, want)
        stock -= given
        unmet = want - given
        if not lost_sales:
            owed += unmet
        stocked_out = unmet > 0 or owed > 0
        is_short = short[i] or stocked_out
        if measured:
            demand[i] += want
            served[i] += given
            shipped[i] += given
            stockout_days[i] += stocked_out

        if next_due[i] == day:
            kept, soonest = 0, NOTHING_DUE
            for k in range(due_count[i]):
                landing, qty = due_day[i, k], due_qty[i, k]
                if landing != day:
                    due_day[i, kept], due_qty[i, kept] = landing, qty
                    kept += 1
                    soonest = min(soonest, landing)
                    continue
                if cycle_day[i] != day:
                    cycle_day[i] = day
                    if measured:
                        cycles[i] += 1
                        ok_cycles[i] += not is_short
                on_order[i] -= qty
                stock += qty
                filled = _minimum(stock, owed)
                stock -= filled
                owed -= filled
                if measured:
                    shipped[i] += filled
                is_short = owed > 0
            due_count[i], next_due[i] = kept, soonest

        qty = 0.0
        if periodic[i]:
            if next_review[i] == day:
                next_review[i] = day + review_days[i]
                qty = _at_least_zero(order_up_to[i] - (stock + on_order[i] - owed))
        elif continuous[i]:
            position = stock + on_order[i] - owed
            if position <= reorder_point[i]:
                qty = _continuous_order(rop[i], reorder_point[i], order_up_to[i], order_qty[i], position)
        if qty > 0:
            on_order[i] += qty
            if measured:
                orders[i] += 1
            days = max(1.0, np.rint(lead[i] + lead_std[i] * np.float64(lead_z[i]))) if random_lead else lead[i]
            landing, slot = day + np.int64(days), due_count[i]
            due_day[i, slot], due_qty[i, slot] = landing, qty
            due_count[i] = slot + 1
            next_due[i] = min(next_due[i], landing)
            longest = max(longest, slot + 1)
        on_hand[i], backorders[i], short[i] = stock, owed, is_short
        if measured:
            on_hand_days[i] += stock
    return longest
