"""Structured input problems: fatal ones stop a load, row-level ones set a row aside.

pandas is imported by the functions that build tables of problems, not by the module: the command line's fast
paths raise `InputError` without loading pandas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FATAL = "fatal"
ERROR = "error"  # the row is set aside
WARNING = "warning"  # the row is kept; a figure may be less complete
NOTE = "note"  # not stock at all (a totals or subtotal row): left out on purpose, never counted

PROBLEM_COLUMNS = ["file", "row", "column", "value", "message", "severity"]
PROBLEM_KINDS = (r"(is not a number|is not a date|is negative|is empty|different number of fields|appears twice"
                 r"|totals row|differs from qty × unit cost)")  # what a row-level message says is wrong


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as the user sees the file (row 1 is the header)."""

    file: str
    message: str
    severity: str = FATAL
    row: int | None = None
    column: str | None = None
    value: str | None = None
    missing: str | None = None  # the required column that is missing, for a message in the user's language
    closest: tuple[str, ...] = ()  # the file's headers most like it
    candidates: dict[str, list[str]] | None = None  # every missing column → the headers whose values could fill it

    def __str__(self) -> str:
        return format_problem(self.file, self.row, self.column, self.message)


class InputError(Exception):
    """A file or parameter set that cannot be used at all; `str(error)` is the one message a user sees."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def fail(file: str, message: str, row: int | None = None, column: str | None = None, missing: str | None = None,
         closest: tuple[str, ...] = (), candidates: dict[str, list[str]] | None = None) -> InputError:
    return InputError(Problem(file=file, message=message, row=row, column=column, missing=missing, closest=closest,
                              candidates=candidates))


def format_problem(file: str, row: int | None, column: str | None, message: str) -> str:
    """`lots.csv: row 3, column '数量' (qty): '12a' is not a number`."""
    where = [file]
    if row is not None:
        where.append(f" row {row}")
    if column:
        where.append(f" column {column}")
    head = where[0] + (":" + ",".join(where[1:]) if len(where) > 1 else "")
    return f"{head}: {message}"


def empty_problems() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})


def problems_frame(file: str, rows: pd.Series, column: str, values: pd.Series, what: pd.Series | str,
                   severity: str = ERROR) -> pd.DataFrame:
    """Vectorised constructor: one problem per row of `rows`, with messages in the `format_problem` shape."""
    import pandas as pd

    values = values.astype(object).where(values.notna(), "").astype(str)
    if isinstance(what, str):
        what = pd.Series(what, index=rows.index)
    message = file + ": row " + rows.astype(str) + ", column " + column + ": " + what
    return pd.DataFrame({
        "file": file, "row": rows.to_numpy(), "column": column, "value": values.to_numpy(),
        "message": message.to_numpy(), "severity": severity,
    })


def problem_summary(problems: pd.DataFrame) -> pd.DataFrame:
    """Counts by column, kind of problem and severity: what to fix first in a file."""
    import pandas as pd

    if problems.empty:
        return pd.DataFrame(columns=["column", "problem", "severity", "rows"])
    kind = problems["message"].str.extract(PROBLEM_KINDS)[0]
    table = problems.assign(problem=kind.fillna("other"))
    counts = table.groupby(["column", "problem", "severity"], dropna=False).size().rename("rows").reset_index()
    return counts.sort_values("rows", ascending=False, ignore_index=True)
