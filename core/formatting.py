"""Every number a user reads is formatted here: money in the data's currency, shares, days.

CNY amounts read in 万 in Chinese (`¥11,941.69万`, `¥0.50万`; tables in 万元) and in thousands in English
(`¥119,416.89k`, `¥5.00k`; tables in ¥k): one unit per language, whatever the size, so that no figure reads in
another unit than the one beside it (never a bare `¥5,000.00` beside `¥1.69万`, nor `¥3.94M` beside `¥87.38k`)."""

from __future__ import annotations

import math

CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "JP¥", "HKD": "HK$"}
WHOLE_UNIT_CURRENCIES = frozenset({"JPY", "KRW", "CLP", "VND", "ISK"})  # no minor unit in use: no decimals shown
WAN = 10_000
THOUSAND = 1_000


def _missing(value: float | None) -> bool:
    """Nothing to show: None, NaN, or an infinity (days of supply without demand are not a number of days)."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def currency_symbol(currency: str) -> str:
    return CURRENCY_SYMBOLS.get(currency.upper(), currency.upper() + " ")


def uses_wan(currency: str) -> bool:
    return currency.upper() in ("CNY", "RMB")


def money(value: float | None, currency: str = "CNY", exact: bool = False, language: str = "zh") -> str:
    """CNY amounts always in one unit per language (unless `exact`), the unit of the tables and chart axes
    beside them, so figures shown together read alike: `¥11,884.31万`, `¥0.50万`, `¥0.00万` in Chinese;
    `¥118,843.12k`, `¥912.30k`, `¥0.50k` in English (never `¥3.94M` beside `¥87.38k`). Two decimals, or to the
    yuan when two would show nothing (`¥0.0030万` for ¥30, never `¥0.00万`). Other currencies as they are:
    `$1,234.56`, `JP¥130,062,250`."""
    if _missing(value):
        return "—"
    symbol = currency_symbol(currency)
    sign = "-" if value < 0 else ""
    size = abs(value)
    if uses_wan(currency) and not exact:
        scale, suffix = (WAN, "万") if language == "zh" else (THOUSAND, "k")
        decimals = 2 if size < 0.5 or size / scale >= 0.005 else round(math.log10(scale))  # to the yuan
        shown = f"{size / scale:,.{decimals}f}"
        return f"{sign if any(d in shown for d in '123456789') else ''}{symbol}{shown}{suffix}"
    decimals = 0 if currency.upper() in WHOLE_UNIT_CURRENCIES else 2
    return f"{sign}{symbol}{size:,.{decimals}f}"


def percent(share: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage with one decimal: 0.1234 → `12.3%`."""
    return "—" if _missing(share) else f"{share * 100:.{decimals}f}%"


def number(value: float | None, decimals: int = 0) -> str:
    return "—" if _missing(value) else f"{value:,.{decimals}f}"


def counted(count: int, one: str, many: str, grouped: bool = True) -> str:
    """A count with its noun in English: `1 SKU`, `2 SKUs`, `1,200 lots` (`1200 lots` not `grouped`)."""
    return f"{count:{',' if grouped else ''}} {one if count == 1 else many}"


def signed_percent(change: float | None) -> str:
    return "—" if _missing(change) else f"{change * 100:+.1f}%"


def money_divisor(currency: str, language: str = "zh") -> float:
    """What money columns, inputs and chart axes are divided by for CNY: 10,000 (万) in Chinese, 1,000 (¥k) in
    English; 1 for other currencies."""
    if not uses_wan(currency):
        return 1.0
    return WAN if language == "zh" else THOUSAND


MONEY_KPIS = frozenset({"tiv", "avg_inventory_value", "cash_release"})
SHARE_KPI_DECIMALS = {"fill_rate": 2, "cycle_service_level": 2, "slob_share": 1}
NUMBER_KPI_DECIMALS = {"ito": 2, "dio": 1}


def kpi_value(kpi: str, value: float | None, currency: str, language: str = "zh") -> str:
    """A KPI by name: money, a share, or a number with the decimals it is read with (ITO 2, DIO 1, counts 0)."""
    if kpi in MONEY_KPIS:
        return money(value, currency, language=language)
    if kpi in SHARE_KPI_DECIMALS:
        return percent(value, SHARE_KPI_DECIMALS[kpi])
    return number(value, NUMBER_KPI_DECIMALS.get(kpi, 0))


POINTS = {"zh": "个百分点", "en": "pp"}


def points(change: float | None, decimals: int = 2, language: str = "zh") -> str:
    """A change of a share in percentage points, signed: 0.0019 → `+0.19 pp` / `+0.19 个百分点` (never `0.19%`,
    which would be a relative change)."""
    return "—" if _missing(change) else f"{change * 100:+.{decimals}f} {POINTS.get(language, 'pp')}"


def kpi_change(kpi: str, change: float | None, currency: str, language: str = "zh") -> str:
    """A difference of a KPI: shares in percentage points, money and numbers signed in their own form."""
    if kpi in SHARE_KPI_DECIMALS:
        return points(change, SHARE_KPI_DECIMALS[kpi], language)
    shown = kpi_value(kpi, change, currency, language)
    return shown if _missing(change) or shown.startswith("-") else "+" + shown


def kpi_delta(kpi: str, change: float | None, currency: str, language: str = "zh") -> str | None:
    """A change as `st.metric` shows it, or None when it is missing or rounds to nothing (no "↑ ¥0.00")."""
    if _missing(change):
        return None
    shown = kpi_change(kpi, change, currency, language)
    return shown if any(digit in shown for digit in "123456789") else None
