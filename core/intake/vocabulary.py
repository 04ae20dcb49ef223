"""Header evidence: what a header's words say a column is, in the languages stock lists are exported in.

The words are data (`vocabulary/headers.json`). A header matches a role by its normalised text exactly; SAP's
stock-category columns, whose abbreviations differ between releases and logon languages ('Wert frei verw.',
'Wert frei verwend.', 'Val.utiliz.livre'), are decided by a category word and, for their value, a value word.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from core.intake.schema import normalize_header

VOCABULARY_FILE = Path(__file__).resolve().parent / "vocabulary" / "headers.json"


@cache
def _vocabulary() -> dict:
    return json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))


@cache
def _role_words() -> dict[str, str]:
    return {normalize_header(word): role for role, words in _vocabulary()["roles"].items() for word in words}


@cache
def _kind_words() -> dict[str, frozenset[str]]:
    return {kind: frozenset(normalize_header(w) for w in words) for kind, words in _vocabulary()["kinds"].items()}


def role_of_header(header: object) -> str | None:
    """The role the header's words name ('CodigoArticulo' → sku, '含税成本金额' → value), or None."""
    return _role_words().get(normalize_header(header))


def says_value(header: object) -> bool:
    """The header names an amount of money (Wert, Valor, 金额, Value …), not a count or a price."""
    text = normalize_header(header)
    vocabulary = _vocabulary()
    return any(w in text for w in vocabulary["value_words"]) or text.startswith(tuple(vocabulary["value_prefixes"]))


def category_of_header(header: object) -> str | None:
    """'qty_blocked', 'value_in_transit', …: a stock-category column by its words, or None."""
    text = normalize_header(header)
    if not text:
        return None
    for category, words in _vocabulary()["categories"]:
        if any(word in text for word in words):
            return f"{'value' if says_value(header) else 'qty'}_{category}"
    return None


def kind_evidence(headers: list[str]) -> dict[str, list[str]]:
    """Headers that mark another kind of file (movements, purchase ledger, price list), by kind."""
    found: dict[str, list[str]] = {}
    for kind, words in _kind_words().items():
        hits = [h for h in headers if normalize_header(h) in words]
        if hits:
            found[kind] = hits
    return found
