"""A room of sessions cannot grow the server without limit: every page-layer data cache is bounded in entries and
lets an idle session's results go."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

SOURCES = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]


def _data_caches() -> dict[str, set[str]]:
    """`file:function` → the keyword arguments of its `st.cache_data(...)` decorator."""
    found = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                target = call.func if call else decorator
                if isinstance(target, ast.Attribute) and target.attr == "cache_data":
                    found[f"{path.name}:{node.name}"] = {k.arg for k in call.keywords} if call else set()
    return found


def test_every_data_cache_has_a_size_bound_and_a_time_to_live():
    caches = _data_caches()
    assert {"what_if.py:run", "targets.py:history", "plan_orders.py:run_optimiser", "state.py:_numbers"} <= set(caches)
    assert {name: sorted({"max_entries", "ttl"} - keywords) for name, keywords in caches.items()
            if not {"max_entries", "ttl"} <= keywords} == {}
