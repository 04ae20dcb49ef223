"""Numbers as users read them: ¥ and 万 for CNY, shares as percentages, each KPI with its own decimals."""

from __future__ import annotations

import pytest

from core.formatting import kpi_value, money, money_divisor, percent


@pytest.mark.parametrize(("value", "currency", "shown"), [
    (119_416_887.86, "CNY", "¥11,941.69万"), (9_999.5, "CNY", "¥9,999.50"), (-25_000.0, "CNY", "-¥2.50万"),
    (1_234.5, "USD", "$1,234.50"), (None, "CNY", "—"),
])
def test_money_in_the_datas_currency(value, currency, shown):
    assert money(value, currency) == shown


def test_money_divisor_is_wan_only_for_cny():
    assert (money_divisor("CNY"), money_divisor("EUR")) == (10_000, 1.0)


@pytest.mark.parametrize(("kpi", "value", "shown"), [
    ("tiv", 25_000.0, "¥2.50万"), ("cash_release", -25_000.0, "-¥2.50万"), ("fill_rate", 0.99768, "99.77%"),
    ("slob_share", 0.0749, "7.5%"), ("ito", 6.0213, "6.02"), ("dio", 60.66, "60.7"), ("stockout_days", 4727.4, "4,727"),
])
def test_each_kpi_is_shown_with_its_own_form(kpi, value, shown):
    assert kpi_value(kpi, value, "CNY") == shown


def test_missing_share_is_a_dash_not_zero():
    assert percent(None) == "—" and kpi_value("fill_rate", None, "CNY") == "—"


def test_yen_and_pesos_read_as_themselves_in_whole_units():
    """A yen list must not read like renminbi, and yen and Chilean pesos have no minor unit in use."""
    assert money(130_062_250, "JPY") == "JP¥130,062,250"
    assert money(1_234.6, "CLP", language="en") == "CLP 1,235"
    assert money(1_234.5, "USD") == "$1,234.50"
