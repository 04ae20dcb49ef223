"""How a file writes numbers and dates, inferred from evidence in its cells (SPEC §2.4).

Decimal comma vs point: `1.234,56`, `0,5`, `174,69` can only be decimal-comma numbers; `1,234.56`, `0.5`
only decimal-point ones; `1.234` and `1,234` decide nothing. Day-first vs month-first: a first part above 12
(`31.12.2025`) or a second part above 12 (`12/31/2025`) decides; dotted dates are day-first by convention;
otherwise the locale seen in the numbers decides, and with no evidence at all the guess is a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.errors import Said

POINT, COMMA = ".", ","
_NOISE = re.compile(r"R\$|[¥￥$€£円\s\u00a0']|RMB|CNY|USD|EUR|GBP|HKD|BRL|CLP|MXN|JPY|元|(?<=\d)\s*[^\W\d_]{1,6}\.?$")
_COMMA_ONLY = re.compile(r"^[-+(]?(\d{1,3}(\.\d{3})+,\d+|\d{1,3}(\.\d{3}){2,}|\d+,(\d{1,2}|\d{4,})"
                         r"|(0|\d{4,}),\d+)\)?$")
_POINT_ONLY = re.compile(r"^[-+(]?(\d{1,3}(,\d{3})+\.\d+|\d{1,3}(,\d{3}){2,}|\d+\.(\d{1,2}|\d{4,})"
                         r"|(0|\d{4,})\.\d+)\)?$")
_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T].*)?$")


@dataclass(frozen=True)
class Conventions:
    """The decimal mark and date order used to read a file, and how each was decided."""

    decimal: str = POINT
    day_first: bool = False
    decimal_basis: str = "default"  # evidence | default | user
    date_basis: str = "none"  # evidence | dots | numbers | default | none (no day/month dates) | user
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """'decimal comma, day-first dates' — for messages and the Data page."""
        mark = "decimal comma" if self.decimal == COMMA else "decimal point"
        if self.date_basis == "none":
            return mark
        return f"{mark}, {'day-first' if self.day_first else 'month-first'} dates"


@dataclass(frozen=True)
class ConventionChoice:
    """What the user set by hand; None leaves it to the evidence."""

    decimal: str | None = None
    day_first: bool | None = None
    currency: str | None = None


def decimal_votes(cells: Iterable[object]) -> tuple[int, int]:
    """(cells only a decimal comma explains, cells only a decimal point explains)."""
    comma = point = 0
    for cell in cells:
        if cell is None or isinstance(cell, (int, float)):
            continue
        text = _NOISE.sub("", str(cell))
        if _COMMA_ONLY.match(text):
            comma += 1
        elif _POINT_ONLY.match(text):
            point += 1
    return comma, point


def date_votes(cells: Iterable[object]) -> tuple[int, int, int, int]:
    """(day-first evidence, month-first evidence, dotted dates, day/month dates seen)."""
    day = month = dots = seen = 0
    for cell in cells:
        match = _DMY.match(str(cell).strip()) if isinstance(cell, str) else None
        if not match:
            continue
        seen += 1
        first, second = int(match.group(1)), int(match.group(3))
        day += first > 12
        month += second > 12
        dots += match.group(2) == "."
    return day, month, dots, seen


def infer(number_cells: list[object], date_cells: list[object], choice: ConventionChoice | None = None) -> Conventions:
    """Conventions from a sample of the number and date columns; the user's choice wins where given."""
    choice = choice or ConventionChoice()
    notes: list[str] = []
    comma, point = decimal_votes(number_cells)
    if choice.decimal in (POINT, COMMA):
        decimal, decimal_basis = choice.decimal, "user"
    elif comma or point:
        decimal, decimal_basis = (COMMA if comma > point else POINT), "evidence"
        if comma and point:
            notes.append(Said("decimal_both_ways" if decimal == COMMA else "decimal_both_ways_point",
                              f"numbers are written both ways ({comma} with a decimal comma, {point} with a point); "
                              f"read with a decimal {'comma' if decimal == COMMA else 'point'} — check the decimal "
                              f"mark", comma=comma, point=point))
    else:
        decimal, decimal_basis = POINT, "default"
    day, month, dots, seen = date_votes(date_cells)
    if choice.day_first is not None:
        return Conventions(decimal, choice.day_first, decimal_basis, "user", tuple(notes))
    if not seen:
        return Conventions(decimal, decimal == COMMA, decimal_basis, "none", tuple(notes))
    if day or month:
        if day and month:
            notes.append(Said("dates_both_ways", f"dates are written both day-first ({day}) and month-first "
                              f"({month}); check the date order", day=day, month=month))
        return Conventions(decimal, day >= month, decimal_basis, "evidence", tuple(notes))
    if dots * 2 >= seen:
        return Conventions(decimal, True, decimal_basis, "dots", tuple(notes))
    if decimal_basis == "evidence":
        return Conventions(decimal, decimal == COMMA, decimal_basis, "numbers", tuple(notes))
    notes.append(Said("dates_undecided", "dates like 01/02/2025 could be day-first or month-first and nothing in "
                      "the file decides; read month-first — set the date order if that is wrong"))
    return Conventions(decimal, False, decimal_basis, "default", tuple(notes))
