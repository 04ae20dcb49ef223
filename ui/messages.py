"""Errors from `core` in the user's language: a coded error is worded from the catalogue with its numbers formatted
here; a file problem core describes in fixed English words is matched to its catalogue entry. Text no catalogue
knows is shown as it is, made inert."""

from __future__ import annotations

import re

import pandas as pd

from core.errors import CodedError, Said
from core.formatting import number, percent
from core.intake.problems import PROBLEM_KINDS, InputError, Problem
from ui.i18n import money, plain, t

FILE_MESSAGES = {  # what `core.intake` says of a whole file, in fixed words → its catalogue key
    "the file is empty": "error.file_empty",
    "no data rows below the header": "error.no_data_rows",
    "the compressed file is damaged": "error.compressed_damaged",
    "the compressed file is damaged (it ends too early)": "error.compressed_damaged",
    "cannot read the Excel workbook: the file is damaged or not a workbook": "error.workbook_damaged",
    "unknown text encoding; save the file as UTF-8 or GBK CSV": "error.unknown_encoding",
    "not a CSV or XLSX file (binary content)": "error.binary_file",
    "not a CSV file: its first lines cannot be split into columns": "error.not_csv",
    "rows could not be told apart (unbalanced quotes?); check the file's quoting": "error.unbalanced_quotes",
}
SHEET_EMPTY = re.compile(r"^sheet '(?P<sheet>.*)' is empty$")
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
        if problem.row is None and problem.message in FILE_MESSAGES:
            return t("error.in_file", file=plain(problem.file), message=t(FILE_MESSAGES[problem.message]))
        sheet = SHEET_EMPTY.match(problem.message) if problem.row is None else None
        if sheet:
            return t("error.in_file", file=plain(problem.file), message=t("error.sheet_empty",
                                                                          sheet=plain(sheet["sheet"])))
    return plain(str(error))


def _missing_columns(problem: Problem) -> str:
    """Every column the file lacks in one message (a missing unit cost means neither a cost nor a value), each
    with the headers whose values could be it; a missing cost also points to the price-list upload."""
    candidates = problem.candidates or {problem.missing: list(problem.closest)}
    names = [required_column(role) for role in candidates]
    closest = sorted({header for headers in candidates.values() for header in headers})
    key = "error.missing_cost" if list(candidates) == ["unit_cost"] else "error.missing_column"
    return t(key, file=plain(problem.file), column=t("common.list_separator").join(names),
             closest=plain(", ".join(closest) or "—"))


def required_column(role: str) -> str:
    """A required column the file lacks, by name: a missing unit cost means neither a cost nor a value."""
    return t("error.cost_or_value") if role == "unit_cost" else t(f"col.{role}")


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


SHORT_SKUS_NAMED = 5
CHANCE_SHORT = 40  # a SKU meeting its cycle service level falls short by chance less often than 1 in 40


def shortfall_text(skus: pd.DataFrame, measure: str, service_target: str) -> str | None:
    """The SKUs of a simulation that fall short of their target (`target_met` False), the furthest first, each
    with what it achieved beside its target, and (for cycle service levels, whose tolerance holds two standard
    errors of each SKU's estimate) how many would fall short by chance alone; None when none does. No other
    cause is claimed: the simulation measures the shortfall, not its reason."""
    short = skus[skus["target_met"].eq(False)]
    if short.empty:
        return None
    short = short.assign(gap=short["service_level"] - short[measure]).sort_values("gap", ascending=False)
    named = [t("whatif.sku_short", sku=plain(row.sku), achieved=percent(getattr(row, measure)),
               target=percent(row.service_level)) for row in short.head(SHORT_SKUS_NAMED).itertuples()]
    if len(short) > SHORT_SKUS_NAMED:
        named.append(t("whatif.more_skus", count=number(len(short) - SHORT_SKUS_NAMED)))
    measured = int(skus["target_met"].notna().sum())
    tolerance = t(f"whatif.tolerance.{service_target}", measured=number(measured),
                  chance=number(measured / CHANCE_SHORT, 1 if measured < CHANCE_SHORT else 0))
    return t("whatif.service_missed", count=number(len(short)), tolerance=tolerance,
             skus=t("common.semicolon").join(named))


def shortfall_is_chance(skus: pd.DataFrame) -> bool:
    """No more SKUs short of their target than chance alone would leave short (a warning would cry wolf)."""
    short, measured = int(skus["target_met"].eq(False).sum()), int(skus["target_met"].notna().sum())
    return short <= measured / CHANCE_SHORT


COLUMN_LABEL = re.compile(r"^'(?P<header>.*)'(?: \((?P<key>\w+)\))?$")


def problem_slug(kind: str) -> str:
    """Catalogue key of a problem kind: 'is not a number' → is_not_a_number."""
    return re.sub(r"[^a-z]+", "_", kind.replace("×", "x")).strip("_")


def column_text(label: object) -> str:
    """A column as the reader labels it (`'数量' (qty)`: the file's header and the role it was read as) in the
    user's language, for a table cell (not markdown); anything else as it is."""
    found = COLUMN_LABEL.match(label) if isinstance(label, str) else None
    if found is None:
        return "" if label is None or label != label else str(label)
    header, key = found["header"], found["key"]
    if key is None or t(f"col.{key}") == header:
        return t("data.column_header", header=header)
    return t("data.column_role", header=header, role=t(f"col.{key}"))


def problem_text(row: object, column: object, value: object, message: str) -> str:
    """A row-level problem of a file in the user's language, for a table cell (not markdown): row, column, the
    cell and what is wrong with it; a message of a kind no catalogue knows as it is."""
    kind = re.search(PROBLEM_KINDS, str(message))
    if kind is None:
        return str(message)
    problem = t(f"data.problem.{problem_slug(kind[1])}")
    where = column_text(column)
    if not where:
        return t("data.problem_row", row=row, problem=problem)
    cell = "" if value is None or value != value else str(value)
    if not cell:
        return t("data.problem_cell_empty", row=row, column=where, problem=problem)
    return t("data.problem_cell", row=row, column=where, value=cell, problem=problem)


def set_aside_rows(rejected: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """The rows a file's reader set aside, as the file had them, each with the reasons in the user's language
    and the row and reason headers translated."""
    errors = problems[problems["severity"] == "error"]
    reasons = pd.Series([problem_text(p.row, p.column, p.value, p.message) for p in errors.itertuples()],
                        index=errors["row"].to_numpy(), dtype=object)
    told = reasons.groupby(level=0).agg(t("common.semicolon").join)
    shown = rejected.assign(reason=[told.get(row, reason) for row, reason in
                                    zip(rejected["row"], rejected["reason"], strict=True)])
    return shown.rename(columns={"row": t("col.row"), "reason": t("col.reason")})


def simulated_skus_text(params: pd.DataFrame, excluded: object) -> str:
    """How many SKUs a simulation runs, how many of them hold no stock today (the planning file lists SKUs the
    stock list does not: the Overview counts fewer), and how many could not be simulated."""
    parts = [t("whatif.skus", count=number(len(params)))]
    empty = int((params["on_hand"] <= 0).sum()) if "on_hand" in params else 0  # unknown (blank) is not empty
    if empty:
        parts.append(t("whatif.no_stock_today", count=number(empty)))
    if len(excluded):
        parts.append(t("whatif.excluded", count=number(len(excluded))))
    return " · ".join(parts)
