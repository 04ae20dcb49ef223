"""Every number a user reads is formatted here: money in the data's currency (¥ and 万 for CNY), shares, days."""

from __future__ import annotations

import math

CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}
WAN = 10_000


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def currency_symbol(currency: str) -> str:
    return CURRENCY_SYMBOLS.get(currency.upper(), currency.upper() + " ")


def uses_wan(currency: str) -> bool:
    return currency.upper() in ("CNY", "RMB")


def money(value: float | None, currency: str = "CNY", exact: bool = False) -> str:
    """`¥11,884.31万` for CNY amounts of 10,000 and more (unless `exact`), else `¥1,234.56` / `$1,234.56`."""
    if _missing(value):
        return "—"
    symbol = currency_symbol(currency)
    sign = "-" if value < 0 else ""
    if uses_wan(currency) and abs(value) >= WAN and not exact:
        return f"{sign}{symbol}{abs(value) / WAN:,.2f}万"
    return f"{sign}{symbol}{abs(value):,.2f}"


def percent(share: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage with one decimal: 0.1234 → `12.3%`."""
    return "—" if _missing(share) else f"{share * 100:.{decimals}f}%"


def number(value: float | None, decimals: int = 0) -> str:
    return "—" if _missing(value) else f"{value:,.{decimals}f}"


def signed_percent(change: float | None) -> str:
    return "—" if _missing(change) else f"{change * 100:+.1f}%"


def money_divisor(currency: str) -> float:
    """What money columns and chart axes are divided by: 10,000 (万) for CNY, else 1."""
    return WAN if uses_wan(currency) else 1.0


MONEY_KPIS = frozenset({"tiv", "avg_inventory_value", "cash_release"})
SHARE_KPI_DECIMALS = {"fill_rate": 2, "cycle_service_level": 2, "slob_share": 1}
NUMBER_KPI_DECIMALS = {"ito": 2, "dio": 1}


def kpi_value(kpi: str, value: float | None, currency: str) -> str:
    """A KPI by name: money, a share, or a number with the decimals it is read with (ITO 2, DIO 1, counts 0)."""
    if kpi in MONEY_KPIS:
        return money(value, currency)
    if kpi in SHARE_KPI_DECIMALS:
        return percent(value, SHARE_KPI_DECIMALS[kpi])
    return number(value, NUMBER_KPI_DECIMALS.get(kpi, 0))
