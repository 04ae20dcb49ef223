"""A room of sessions cannot grow the server without limit: every page-layer data cache is bounded in entries and
lets an idle session's results go."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

SOURCES = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]


SHARED_RESOURCES = {"state.py:database", "state.py:_shared_cluster", "state.py:simulation_workers"}  # one per server


def _caches() -> dict[str, set[str]]:
    """`file:function` → the keyword arguments of its `st.cache_data(...)` or `st.cache_resource(...)` decorator."""
    found = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                target = call.func if call else decorator
                if isinstance(target, ast.Attribute) and target.attr in ("cache_data", "cache_resource"):
                    found[f"{path.name}:{node.name}"] = {k.arg for k in call.keywords} if call else set()
    return found


def test_every_cache_of_a_sessions_figures_has_a_size_bound_and_a_time_to_live():
    caches = _caches()
    assert {"what_if.py:run", "targets.py:history", "plan_orders.py:run_optimiser", "state.py:_numbers",
            "state.py:_load", *SHARED_RESOURCES} <= set(caches)
    assert {name: sorted({"max_entries", "ttl"} - keywords) for name, keywords in caches.items()
            if name not in SHARED_RESOURCES and not {"max_entries", "ttl"} <= keywords} == {}
