"""`--mapping FILE`: a small JSON or YAML file of header → column, for exports the aliases do not know.

Flat form (applies to the command's main file — lots for `report`, parameters for `simulate`):
    {"Artikel-Nr.": "sku", "Lager": "warehouse"}
Sectioned form, with optional reading conventions:
    lots: {"Artikel-Nr.": sku}
    movements: {"Datum": date}
    planning: {"Teil": sku}
    prices: {"Artikel-Nr.": sku, "Preis": unit_cost}
    locale: {decimal: ",", dates: day-first, currency: EUR}
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from core.intake.conventions import COMMA, POINT, ConventionChoice
from core.intake.problems import fail
from core.intake.schema import LOTS, MOVEMENTS, PLANNING, PRICES, FileSchema, normalize_header

SECTIONS: dict[str, FileSchema] = {"lots": LOTS, "movements": MOVEMENTS, "planning": PLANNING, "prices": PRICES}
_DATE_ORDERS = {"day-first": True, "dmy": True, "month-first": False, "mdy": False}


@dataclass(frozen=True)
class MappingFile:
    """Per file kind: canonical column → header (the loaders' `mapping`), and the conventions set by hand."""

    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    choice: ConventionChoice | None = None

    def for_kind(self, kind: str) -> dict[str, str] | None:
        return self.columns.get(kind) or None


def header_signature(kind: str, headers: list[str]) -> str:
    """The layout of a file: its kind and headers, normalised, so next month's export of the same report matches."""
    text = kind + "\x1f" + "\x1f".join(normalize_header(h) for h in headers)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _parse(text: str, path: Path) -> object:
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise fail(path.name, f"not valid YAML ({error.__class__.__name__})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise fail(path.name, f"not valid JSON: {error.msg} at line {error.lineno}") from None


def _columns(section: object, schema: FileSchema, path: Path) -> dict[str, str]:
    if not isinstance(section, dict):
        raise fail(path.name, f"the {schema.name} mapping must be header: column pairs")
    columns: dict[str, str] = {}
    for header, key in section.items():
        if key not in schema.keys:
            raise fail(path.name, f"'{key}' (for header '{header}') is not a {schema.name} column; "
                                  f"columns are: {', '.join(schema.keys)}")
        columns[str(key)] = str(header)
    return columns


def _choice(section: object, path: Path) -> ConventionChoice:
    if not isinstance(section, dict):
        raise fail(path.name, "locale must hold decimal, dates and/or currency")
    decimal, dates = section.get("decimal"), section.get("dates")
    if decimal not in (None, POINT, COMMA):
        raise fail(path.name, f"decimal must be '.' or ',', got '{decimal}'")
    if dates is not None and dates not in _DATE_ORDERS:
        raise fail(path.name, f"dates must be day-first or month-first, got '{dates}'")
    currency = section.get("currency")
    return ConventionChoice(decimal, _DATE_ORDERS.get(dates) if dates else None,
                            str(currency).upper() if currency else None)


def read_mapping_file(path: str | Path, main_kind: str) -> MappingFile:
    """The mapping file at `path`; a flat header → column mapping applies to `main_kind` ("lots" or "planning")."""
    path = Path(path)
    if not path.is_file():
        raise fail(path.name, "mapping file not found")
    content = _parse(path.read_text(encoding="utf-8-sig"), path)
    if not isinstance(content, dict):
        raise fail(path.name, "a mapping file holds header: column pairs (JSON object or YAML mapping)")
    sectioned = any(k in SECTIONS or k == "locale" for k in content)
    if not sectioned:
        return MappingFile({main_kind: _columns(content, SECTIONS[main_kind], path)})
    unknown = sorted(set(content) - set(SECTIONS) - {"locale"})
    if unknown:
        raise fail(path.name, f"unknown section(s): {', '.join(unknown)}; "
                              f"use lots, movements, planning, prices, locale")
    columns = {kind: _columns(content[kind], SECTIONS[kind], path) for kind in SECTIONS if kind in content}
    choice = _choice(content["locale"], path) if "locale" in content else None
    return MappingFile(columns, choice)
