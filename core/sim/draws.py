"""The random numbers of a simulation, read a block of days at a time, and kept for the next run when they fit.

A replication's draws depend on its stream (the scenario's seed and the replication's number), on the demand
model and, for gamma demand, on each SKU's shape — never on the service level, policy, review period, lead-time
scale or any other setting a what-if control moves. So a moved slider need not draw again: the draws of each
stream are kept in this process, least recently used out first, within `KEPT_BYTES`.

Kept or not, the numbers are the same. Each stream is consumed in order, so drawing its whole horizon in one call
gives the rows that block-by-block calls give (a test holds the two to the bit).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

BLOCK_DAYS = 32  # without keeping, a stream is drawn a block of days at a time: memory stays at a block
KEPT_GRAIN_DAYS = 128  # kept streams are drawn to a multiple of this, so a moved control that changes a run's
# settling days by a few (a longer lead time) reads the same kept rows: each stream is consumed in order, so the
# first rows of a longer draw are the rows of a shorter one
KEPT_BYTES = int(float(os.environ.get("IDB_KEPT_DRAWS_MB", "512")) * 2**20)

Draw = Callable[[np.random.Generator, int], np.ndarray]  # (stream, rows) → rows × columns of float32


class KeptDraws:
    """Arrays by key within a byte budget, least recently used out first; safe to share between threads."""

    def __init__(self, budget: int) -> None:
        self.budget, self.size = budget, 0
        self._arrays: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], np.ndarray]) -> np.ndarray:
        with self._lock:
            if key in self._arrays:
                self._arrays.move_to_end(key)
                return self._arrays[key]
        array = make()
        array.flags.writeable = False
        with self._lock:
            if key not in self._arrays and array.nbytes <= self.budget:
                self._arrays[key] = array
                self.size += array.nbytes
                while self.size > self.budget:
                    self.size -= self._arrays.popitem(last=False)[1].nbytes
        return array

    def clear(self) -> None:
        with self._lock:
            self._arrays.clear()
            self.size = 0


KEPT = KeptDraws(KEPT_BYTES)


def fingerprint(values: np.ndarray) -> str:
    """A digest of the numbers a draw depends on (the gamma shapes), for the keep's key."""
    return hashlib.blake2b(np.ascontiguousarray(values).tobytes(), digest_size=16).hexdigest()


class StreamBlocks:
    """Blocks of BLOCK_DAYS rows of one random source, for each replication's stream, read in day order.

    `keep`: draw each stream's whole horizon once and keep it in `KEPT` under `kind` + the stream's identity, so
    a later run with the same streams reads instead of drawing.
    """

    def __init__(self, seeds: list[np.random.SeedSequence], draw: Draw, kind: tuple, horizon: int,
                 keep: bool) -> None:
        self.draw = draw
        self.whole: list[np.ndarray] | None = None
        if keep:
            self.whole = [KEPT.get((*kind, seed.entropy, seed.spawn_key, horizon),
                                   lambda seed=seed: draw(np.random.default_rng(seed), horizon)) for seed in seeds]
        else:
            self.streams = [np.random.default_rng(seed) for seed in seeds]

    def block(self, start: int) -> list[np.ndarray]:
        """Per replication, the rows of days start … start + BLOCK_DAYS − 1 (call with start = 0, 32, 64, …)."""
        if self.whole is not None:
            return [whole[start:start + BLOCK_DAYS] for whole in self.whole]
        return [self.draw(stream, BLOCK_DAYS) for stream in self.streams]


def gamma_units(shape: np.ndarray) -> Draw:
    """Standard gamma draws with one shape per column (scale them by the SKU's scale)."""
    return lambda stream, rows: stream.standard_gamma(shape, (rows, len(shape)), dtype=np.float32)


def standard_normals(columns: int) -> Draw:
    return lambda stream, rows: stream.standard_normal((rows, columns), dtype=np.float32)


def kept_days(days: int) -> int:
    """The rows a kept stream is drawn to for a run of `days` days."""
    return -(-days // KEPT_GRAIN_DAYS) * KEPT_GRAIN_DAYS


def worth_keeping(replications: int, horizon: int, columns: int) -> bool:
    """Keep a run's draws when they take at most half the budget, so a scenario and its baseline both fit."""
    return replications * horizon * columns * 4 <= KEPT_BYTES // 2
