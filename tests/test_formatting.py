"""Numbers as users read them: ¥ and 万 for CNY, shares as percentages, each KPI with its own decimals."""

from __future__ import annotations

import pytest

from core.formatting import kpi_value, money, money_divisor, percent


@pytest.mark.parametrize(("value", "currency", "shown"), [
    (119_416_887.86, "CNY", "¥11,941.69万"), (9_999.5, "CNY", "¥1.00万"), (-25_000.0, "CNY", "-¥2.50万"),
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


@pytest.mark.parametrize(("value", "zh", "en"), [
    (5_000.0, "¥0.50万", "¥5.00k"),  # beside ¥1.69万 / ¥16.90k, never a bare ¥5,000.00
    (16_900.0, "¥1.69万", "¥16.90k"),
    (30.0, "¥0.0030万", "¥0.03k"),  # two decimals of 万 would show ¥0.00万: to the yuan instead
    (0.0, "¥0.00万", "¥0.00k"),
    (-0.2, "¥0.00万", "¥0.00k"),  # no "-¥0.00万"
    (2_500_000.0, "¥250.00万", "¥2,500.00k"),  # not ¥2.50M beside ¥87.38k
    (119_416_887.86, "¥11,941.69万", "¥119,416.89k"),
])
def test_cny_reads_in_one_unit_per_language_whatever_its_size(value, zh, en):
    """Issue 22: amounts under 1万 read in plain yuan beside 万 figures; money shown together reads in one unit."""
    assert (money(value, "CNY", language="zh"), money(value, "CNY", language="en")) == (zh, en)
    assert money(5_000.0, "CNY", exact=True) == "¥5,000.00"  # what the command line's order list prints


def test_a_money_change_of_nothing_has_no_delta_and_a_small_one_keeps_its_unit():
    from core.formatting import kpi_change, kpi_delta
    assert kpi_delta("cash_release", 0.0, "CNY", "en") is None
    assert kpi_change("cash_release", 0.0, "CNY", "en") == "+¥0.00k"
    assert kpi_change("cash_release", 4_200.0, "CNY", "en") == "+¥4.20k"
    assert kpi_change("cash_release", -4_200.0, "CNY", "zh") == "-¥0.42万"
