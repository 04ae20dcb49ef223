"""Decimal mark, date order and text encoding are decided from evidence in the file (SPEC §2.4)."""

from __future__ import annotations

import pytest

from core.intake.conventions import COMMA, POINT, ConventionChoice, infer
from core.intake.loading import load_lots
from core.intake.reading import decode_text


def test_any_first_part_above_twelve_decides_day_first():
    conventions = infer(["12.5"], ["01/02/2025", "13/02/2025"])
    assert (conventions.day_first, conventions.date_basis) == (True, "evidence")


def test_a_second_part_above_twelve_decides_month_first():
    conventions = infer([], ["01/02/2025", "12/31/2025"])
    assert (conventions.day_first, conventions.date_basis) == (False, "evidence")


def test_decimal_comma_in_the_numbers_decides_ambiguous_dates_day_first():
    conventions = infer(["174,69", "0,5"], ["01/02/2025"])
    assert (conventions.decimal, conventions.day_first, conventions.date_basis) == (COMMA, True, "numbers")
    assert conventions.notes == ()


def test_dates_nothing_decides_are_a_warning():
    conventions = infer(["1", "2"], ["01/02/2025", "03/04/2025"])
    assert conventions.date_basis == "default"
    assert "could be day-first or month-first" in conventions.notes[0]


def test_dotted_dates_are_day_first():
    assert infer([], ["01.02.2025"]).day_first is True


def test_numbers_written_both_ways_are_a_warning_and_the_majority_wins():
    conventions = infer(["1.234,56", "0,5", "2.5"], [])
    assert conventions.decimal == COMMA
    assert "written both ways" in conventions.notes[0]


def test_thousands_only_numbers_decide_nothing():
    conventions = infer(["1.234", "1,234", "20"], [])
    assert (conventions.decimal, conventions.decimal_basis) == (POINT, "default")


def test_the_users_choice_wins_over_the_evidence():
    conventions = infer(["0,5"], ["13/02/2025"], ConventionChoice(decimal=POINT, day_first=False))
    assert (conventions.decimal, conventions.day_first) == (POINT, False)


def test_windows_1252_german_is_not_mistaken_for_gbk_and_gbk_stays_gbk():
    assert decode_text("Währung;Qualitätsprüfung;Außenlager €\n".encode("cp1252"), "x") == (
        "Währung;Qualitätsprüfung;Außenlager €\n", "cp1252")
    assert decode_text("物料编码,仓库,数量\n螺丝,成品仓,1\n".encode("gbk"), "x")[1] == "gb18030"


def test_separator_comes_from_the_body_not_a_title_line_full_of_commas(tmp_path):
    path = tmp_path / "lots.csv"
    path.write_text("Stock report, plant 1000, as of 31.12.2025, all values in EUR\n"
                    "sku;warehouse;qty;unit_cost\nA;W1;2;1,5\nB;W2;3;2,5\n", encoding="utf-8")
    result = load_lots(path)
    assert result.data["value"].tolist() == pytest.approx([3.0, 7.5])
    assert result.data["_row"].tolist() == [3, 4]
