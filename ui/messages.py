"""Errors from `core` in the user's language: a coded error is worded from the catalogue with its numbers formatted
here; a file problem core describes in fixed English words is matched to its catalogue entry. Text no catalogue
knows is shown as it is, made inert."""

from __future__ import annotations

from core.errors import CodedError, Said
from core.formatting import number, percent
from core.intake.problems import InputError, Problem
from ui.i18n import money, plain, t

FILE_MESSAGES = {"the file is empty": "error.file_empty"}
SHARE_PARAMS = {"target", "level", "achieved", "uniform"}
MONEY_PARAMS = {"budget", "lowest"}


def error_text(error: Exception, currency: str = "CNY") -> str:
    """The one message a page shows for an error from `core`, in the current language (money in `currency`)."""
    if isinstance(error, CodedError):
        values = {k: percent(v, 2) if k in SHARE_PARAMS else money(v, currency) if k in MONEY_PARAMS else v
                  for k, v in error.params.items()}
        return t(f"error.{error.code}", **values)
    if isinstance(error, InputError):
        problem = error.problem
        if problem.missing:
            return _missing_columns(problem)
        if problem.message in FILE_MESSAGES and problem.row is None:
            return t("error.in_file", file=plain(problem.file), message=t(FILE_MESSAGES[problem.message]))
    return plain(str(error))


def _missing_columns(problem: Problem) -> str:
    """Every column the file lacks in one message (a missing unit cost means neither a cost nor a value), each
    with the headers whose values could be it; a missing cost also points to the price-list upload."""
    candidates = problem.candidates or {problem.missing: list(problem.closest)}
    names = [t("error.cost_or_value") if role == "unit_cost" else t(f"col.{role}") for role in candidates]
    closest = sorted({header for headers in candidates.values() for header in headers})
    key = "error.missing_cost" if list(candidates) == ["unit_cost"] else "error.missing_column"
    return t(key, file=plain(problem.file), column=t("common.list_separator").join(names),
             closest=plain(", ".join(closest) or "—"))


def said_text(text: str) -> str:
    """A note or warning from `core` in the user's language: the file's own words made inert, counts and shares
    formatted here; text no catalogue knows is shown as it is, made inert."""
    if not isinstance(text, Said):
        return plain(text)
    values = {}
    for key, value in text.params.items():
        if key == "share":
            values[key] = percent(value, 0)
        elif key == "role":
            values[key] = t(f"col.{value}")
        elif isinstance(value, int | float):
            values[key] = number(value, 0 if float(value).is_integer() else 2)
        else:
            values[key] = plain(value)
    return t(f"said.{text.code}", **values)
