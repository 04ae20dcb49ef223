"""Scenarios as text (the query string of a shareable link), and the runs behind the trade-off curve."""

from __future__ import annotations

from dataclasses import fields, replace

from core.sim.simulation import ClassSettings, Scenario

TRADEOFF_LEVELS = (0.80, 0.85, 0.90, 0.95, 0.975, 0.99, 0.995, 0.999)
_KINDS = {f.name: f.type for f in fields(Scenario)}
_CLASS_SEPARATOR, _FIELD_SEPARATOR = ";", ":"


def to_query(scenario: Scenario) -> dict[str, str]:
    """Every setting as a string; per-class settings as `A:periodic:0.99:7;C:rop:0.9:`."""
    query = {}
    for name, value in scenario.to_dict().items():
        if name == "by_class":
            query[name] = _CLASS_SEPARATOR.join(
                _FIELD_SEPARATOR.join([k, *("" if v is None else str(v) for v in settings.values())])
                for k, settings in sorted(value.items()))
        elif value is not None:
            query[name] = str(int(value) if isinstance(value, bool) else value)
    return query


def _value(name: str, text: str) -> object:
    kind = str(_KINDS[name])
    if "bool" in kind:
        return text in ("1", "true", "True")
    if "int" in kind and "float" not in kind:
        return int(float(text))
    if "float" in kind:
        return float(text)
    return text


def _class_settings(text: str) -> dict[str, ClassSettings]:
    out = {}
    for part in filter(None, text.split(_CLASS_SEPARATOR)):
        name, policy, level, review = [*part.split(_FIELD_SEPARATOR), "", "", ""][:4]
        out[name] = ClassSettings(policy=policy or None, service_level=float(level) if level else None,
                                  review_days=int(review) if review else None)
    return out


def from_query(query: dict[str, str], base: Scenario | None = None) -> Scenario:
    """A scenario from a query string; unknown keys are ignored, bad values raise ValueError."""
    values = {}
    for name, text in query.items():
        if name not in _KINDS or text == "":
            continue
        values[name] = _class_settings(text) if name == "by_class" else _value(name, text)
    return replace(base or Scenario(), **values)


def tradeoff_scenarios(scenario: Scenario, levels: tuple[float, ...] = TRADEOFF_LEVELS,
                       replications: int = 3) -> list[Scenario]:
    """The runs of a trade-off curve: the scenario at each service level, with at most `replications`
    replications and no per-class overrides (one service level for every SKU is what the curve varies)."""
    runs = min(replications, scenario.replications)
    return [replace(scenario, service_level=level, replications=runs, by_class={}) for level in levels]
