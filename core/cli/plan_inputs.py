"""Planning parameters for `optimize` and `propose`, with the optional per-SKU columns kept (SPEC §2.3, §5):
`service_level` (overrides the command's level), `supplier`, `backorders`, `pack_size` and `moq` (what an order is
rounded to)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.intake.loading import load_planning
from core.intake.problems import fail
from core.sim.planning import parameters_from_file

OPTIONAL_COLUMNS = ("service_level", "supplier", "backorders", "pack_size", "moq")


def parameters_with_options(path: str, default_lead_time: float | None = None,
                            need_stock: bool = False) -> pd.DataFrame:
    """Checked parameters in file order, plus the optional columns the file has; a service level outside (0, 1)
    — or, with `need_stock`, an empty on-hand — fails naming its row."""
    loaded = load_planning(path)
    params = parameters_from_file(loaded, default_lead_time).params
    rows = loaded.data["_row"].to_numpy()
    empty = params["on_hand"].isna().to_numpy()
    if need_stock and empty.any():
        raise fail(loaded.name, "is empty; a proposal needs today's stock of every SKU", row=int(rows[empty][0]),
                   column="'on_hand'")
    for column in OPTIONAL_COLUMNS:
        if column in loaded.data:
            params[column] = loaded.data[column].to_numpy()
    if "service_level" in params:
        level = pd.to_numeric(params["service_level"], errors="coerce").to_numpy(float)
        bad = ~np.isnan(level) & ((level <= 0) | (level >= 1))
        if bad.any():
            raise fail(loaded.name, f"service level must be between 0 and 1 (exclusive), got {level[bad][0]:g}",
                       row=int(rows[bad][0]), column="'service_level'")
        params["service_level"] = level
    for column in ("pack_size", "moq"):
        if column in params:
            amount = pd.to_numeric(params[column], errors="coerce").to_numpy(float)
            bad = amount < 0
            if bad.any():
                raise fail(loaded.name, f"{column} cannot be negative, got {amount[bad][0]:g}",
                           row=int(rows[bad][0]), column=f"'{column}'")
            params[column] = amount
    return params
