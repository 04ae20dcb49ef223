"""Errors a user reads, as a code and its numbers: the app words them from its catalogues in the user's language
(`error.<code>`), the command line prints the English text they carry."""

from __future__ import annotations


class CodedError(ValueError):
    """A ValueError with `code` (its catalogue key after `error.`) and `params`: raw numbers, shares as fractions,
    for the reader's own formatting; `str()` is the English message."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code, self.params = code, params
