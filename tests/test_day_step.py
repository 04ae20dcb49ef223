"""The day step's two implementations (numpy passes, numba-compiled pass) give the same figures to the bit, and
a fresh process only loads numba when a run repays it — and never crashes where numba's cache cannot be written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.sim import day_step, engine
from core.sim.planning import complete_parameters
from core.sim.simulation import Scenario, frame_table
from tests.conftest import ROOT, SAMPLE

COMPILED = day_step.load_compiled()
BASE = Scenario(replications=3, horizon_days=150)
SCENARIOS = {
    "periodic, gamma, steady": BASE,
    "reorder point, random lead times": replace(BASE, policy="rop", lead_time_cv=0.4),
    "min-max, lost sales": replace(BASE, policy="minmax", lost_sales=True),
    "reorder point by cover, normal demand, from today's stock and orders": replace(
        BASE, policy="rop", order_rule="cover", cover_days=3, demand_distribution="normal", start="today"),
    "daily review, lead times spread wide (orders cross and land together)": replace(
        BASE, review_days=1, lead_time_cv=0.5, start="today"),
}


def sample_table() -> engine.SkuTable:
    params = complete_parameters(pd.read_csv(SAMPLE / "planning_parameters.csv").head(400))
    rng = np.random.default_rng(5)  # stock and orders of today, for the runs starting from them
    return frame_table(params.assign(on_hand=rng.uniform(0, 200, len(params)),
                                     on_order=np.where(rng.random(len(params)) < 0.5, 50.0, 0.0)))


def run_on(table: engine.SkuTable, scenario: Scenario, kernels) -> dict[str, np.ndarray]:
    model = engine.Model(table, engine.level_arrays(table, scenario), scenario)
    model.kernels, model.in_transit = kernels, kernels.orders_in_transit(model.reps * model.n)
    engine.run_calendar(model, scenario)
    return {name: value for name, value in vars(model).items() if isinstance(value, np.ndarray)}


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_numpy_and_compiled_day_steps_give_every_array_to_the_bit(scenario):
    assert COMPILED is not None
    table = sample_table()
    numpy_run, compiled_run = run_on(table, scenario, day_step), run_on(table, scenario, COMPILED)
    assert numpy_run["orders"].sum() > 0 and numpy_run["stockout_days"].sum() > 0  # the runs do something
    for name, values in compiled_run.items():
        assert np.array_equal(numpy_run[name], values, equal_nan=True), name


def fresh_python(code: str, **env: str) -> str:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**os.environ, **env}, timeout=300).stdout.strip()


def test_a_fresh_process_loads_numba_only_for_a_run_big_enough_or_when_asked():
    code = ("import sys; from core.sim import day_step as d; "
            "print(d.kernels(2_000 * 365 * 20).__name__, 'numba' in sys.modules, "
            "d.kernels(d.COMPILED_FROM_SKU_DAYS).__name__, d.kernels(10).__name__)")
    assert fresh_python(code).split() == ["core.sim.day_step", "False", "core.sim.day_step_compiled",
                                          "core.sim.day_step_compiled"]  # once loaded, kept for every run
    asked = "from core.sim import day_step as d; d.prefer_compiled(); print(d.kernels(10).__name__)"
    assert fresh_python(asked) == "core.sim.day_step_compiled"


def test_an_install_where_numbas_cache_cannot_be_written_caches_in_the_temporary_folder(tmp_path):
    """A read-only install with no writable home: numba refuses to cache next to the code or in the user's cache
    folder (it raises at import); the kernels are cached in the temporary folder instead. Paths under a plain
    file stand for what cannot be written (the tests may run as root, who writes anywhere)."""
    install = tmp_path / "install"
    shutil.copytree(ROOT / "core", install / "core", ignore=shutil.ignore_patterns("__pycache__"))
    for package in ("core", "core/sim"):
        (install / package / "__pycache__").write_text("not a folder")
    blocked = tmp_path / "a file"
    blocked.write_text("")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    code = ("from core.sim import day_step as d; k = d.load_compiled(); import numpy as np; "
            "i = k.orders_in_transit(2); k.expect_each(np.array([1]), np.array([4]), np.array([3.0]), *i.arrays()); "
            "print(k.__name__, i.count.tolist(), i.next_due[1])")
    env = {"PYTHONPATH": str(install), "HOME": str(blocked / "home"), "XDG_CACHE_HOME": str(blocked / "cache"),
           "TMPDIR": str(temporary), "PYTHONDONTWRITEBYTECODE": "1"}
    output = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={k: v for k, v in {**os.environ, **env}.items() if k != "NUMBA_CACHE_DIR"},
                            timeout=600)
    assert output.returncode == 0, output.stderr
    assert output.stdout.split() == ["core.sim.day_step_compiled", "[0,", "1]", "4"]
    assert list(Path(temporary, "inventory-board-numba-cache").rglob("*.nbi"))  # the kernels' cache index
