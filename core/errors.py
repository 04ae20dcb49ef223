"""Errors a user reads, as a code and its numbers: the app words them from its catalogues in the user's language
(`error.<code>`), the command line prints the English text they carry."""

from __future__ import annotations


class CodedError(ValueError):
    """A ValueError with `code` (its catalogue key after `error.`) and `params`: raw numbers, shares as fractions,
    for the reader's own formatting; `str()` is the English message."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code, self.params = code, params


class Said(str):
    """A note or warning from `core`: its English text (what the command line prints and the JSON carries), with
    `code` (its catalogue key after `said.`) and `params` (the file's own words and raw numbers) so the app can
    word it in the user's language."""

    code: str
    params: dict[str, object]

    def __new__(cls, code: str, text: str, **params: object) -> Said:
        said = super().__new__(cls, text)
        said.code, said.params = code, params
        return said

    def __reduce__(self) -> tuple:
        return _said, (self.code, str(self), self.params)


def _said(code: str, text: str, params: dict[str, object]) -> Said:
    return Said(code, text, **params)
