"""ERP report profiles: which headers a known stock report carries and what each means (data in profiles/*.json).

A profile is recognised by the headers only it explains: a header the generic aliases of the schema or the
multilingual vocabulary already map the same way is no evidence for a profile (a plain Chinese lots file is not
"Kingdee" because it has 仓库, nor a plain CSV with SKU, Location, Qty On Hand a "WMS export").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.intake.schema import normalize_header
from core.intake.vocabulary import role_of_header

PROFILE_FOLDER = Path(__file__).resolve().parent / "profiles"
MIN_RECOGNISED = 3  # headers a profile must explain before a file is said to be that report


@dataclass(frozen=True)
class ErpProfile:
    """One report layout: header (normalised) → column key; keys outside the schema are known but not loaded."""

    id: str
    name: str
    columns: dict[str, str]
    currency: str | None = None

    def key_of(self, header: object) -> str | None:
        return self.columns.get(normalize_header(header))


@cache
def profiles() -> tuple[ErpProfile, ...]:
    """Every profile in the profile folder, in file order."""
    found = []
    for path in sorted(PROFILE_FOLDER.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8"))["profiles"]:
            columns = {normalize_header(header): key for header, key in item["columns"].items()}
            found.append(ErpProfile(item["id"], item["name"], columns, item.get("currency")))
    return tuple(found)


def recognise(headers: list[str], generic_key_of, keys: tuple[str, ...]) -> ErpProfile | None:
    """The profile that explains most headers the generic aliases do not (ties: most headers explained)."""
    best, best_score = None, (0, 0)
    for profile in profiles():
        explained = [h for h in headers if profile.key_of(h)]
        generic = {h: generic_key_of(h) or role_of_header(h) for h in explained}
        distinctive = [h for h in explained if generic[h] != profile.key_of(h)
                       and (profile.key_of(h) in keys or generic[h] is None)]
        score = (len(distinctive), len(explained))
        if distinctive and len(explained) >= MIN_RECOGNISED and score > best_score:
            best, best_score = profile, score
    return best
