"""Errors from `core` in the user's language: a coded error is worded from the catalogue with its numbers formatted
here; a file problem core describes in fixed English words is matched to its catalogue entry. Text no catalogue
knows is shown as it is, made inert."""

from __future__ import annotations

from core.errors import CodedError
from core.formatting import percent
from core.intake.problems import InputError
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
            return t("error.missing_column", file=plain(problem.file), column=t(f"col.{problem.missing}"),
                     closest=plain(", ".join(problem.closest) or "—"))
        if problem.message in FILE_MESSAGES and problem.row is None:
            return t("error.in_file", file=plain(problem.file), message=t(FILE_MESSAGES[problem.message]))
    return plain(str(error))
