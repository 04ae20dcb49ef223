"""Labels come from the locale catalogs in `ui/locales/*.json`: `t("overview.tiv")`."""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import streamlit as st

from core import formatting
from core.formatting import uses_wan

LOCALES = Path(__file__).resolve().parent / "locales"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"


@functools.cache
def catalog(language: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))


_SPOKEN = threading.local()


def language() -> str:
    spoken = getattr(_SPOKEN, "language", None)
    if spoken:
        return spoken
    chosen = st.session_state.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


@contextlib.contextmanager
def speaking(chosen: str) -> Iterator[None]:
    """Labels in `chosen` on this thread, with no session to ask: a download built when clicked runs outside the
    script, so it carries the language its page was drawn in."""
    before, _SPOKEN.language = getattr(_SPOKEN, "language", None), chosen
    try:
        yield
    finally:
        _SPOKEN.language = before


_PLURAL = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")


def one(value: object) -> bool:
    """A count of one, given as a number or as shown (`1`, ` 1 `)."""
    return str(value).strip() in ("1", "-1")


def t(key: str, **values: object) -> str:
    """The label for `key` in the current language (English, then the key itself, when missing).

    `{count|SKU|SKUs}` in a label is the word for the value of `count`: the first form for one, the second for
    any other number ("1 SKU", "0 SKUs", "2 SKUs"); Chinese labels need none."""
    text = catalog(language()).get(key) or catalog("en").get(key) or key
    if not values:
        return text
    text = _PLURAL.sub(lambda m: m[2] if one(values.get(m[1])) else m[3], text)
    return text.format(**values)


CODED_FIELDS = {"action": "risk.action", "action_status": "risk.status", "status": "plan.status_code"}


def label_codes(prefix: str) -> dict[str, str]:
    """Every language's label of each code under `prefix` (`risk.status.doing` → 进行中, In progress), to its code."""
    return {text: key.removeprefix(prefix + ".") for language_code in LANGUAGES
            for key, text in catalog(language_code).items() if key.startswith(prefix + ".")}


def worklist_label_codes() -> dict[str, dict[str, str]]:
    """What the store turns back into codes: worklist actions and statuses saved as labels in either language."""
    return {field: label_codes(CODED_FIELDS[field]) for field in ("action", "action_status")}


def code_text(field: str, code: object) -> str:
    """A stored code in the current language (`doing` → 进行中 / In progress); text no catalogue knows as it is."""
    if code is None or (isinstance(code, float) and code != code) or code == "":
        return ""
    key = f"{CODED_FIELDS[field]}.{code}"
    return t(key) if key in catalog("en") else str(code)


def plain(text: object) -> str:
    """Text from a file made inert for Streamlit's markdown: no links, images, emphasis, icons or colours."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def stock_type_label(code: str) -> str:
    return t(f"stock_type.{code}") if f"stock_type.{code}" in catalog("en") else code


def money_unit(currency: str) -> str:
    """Unit of money columns, inputs and axes: 万元 / ¥k where CNY, else the currency code."""
    return t("common.wan_unit") if uses_wan(currency) else currency


def money_divisor(currency: str) -> float:
    return formatting.money_divisor(currency, language())


def money(value: float | None, currency: str, exact: bool = False) -> str:
    """Money in the current language's reading (`¥11,941.69万` / `¥119.42M`)."""
    return formatting.money(value, currency, exact, language())


def points(change: float | None, decimals: int = 2) -> str:
    """A change of a share in percentage points in the current language: `+0.19 pp` / `+0.19 个百分点`."""
    return formatting.points(change, decimals, language())


def kpi_value(kpi: str, value: float | None, currency: str) -> str:
    return formatting.kpi_value(kpi, value, currency, language())


def kpi_change(kpi: str, change: float | None, currency: str) -> str:
    return formatting.kpi_change(kpi, change, currency, language())


def kpi_delta(kpi: str, change: float | None, currency: str) -> str | None:
    return formatting.kpi_delta(kpi, change, currency, language())


def first_language() -> str:
    """A new session's language: the one in the address (`?lang=en`), else Chinese."""
    asked = st.query_params.get("lang")
    return asked if asked in LANGUAGES else DEFAULT_LANGUAGE


def address_language() -> dict[str, str]:
    """What the address carries so that a reload or a shared link opens in the language chosen: `{"lang": "en"}`
    when the choice is not the default (or the address already names one), else nothing, so most addresses stay
    clean."""
    chosen = language()
    if chosen != DEFAULT_LANGUAGE or "lang" in st.query_params:
        return {"lang": chosen}
    return {}


def language_switch() -> None:
    """中文 / English as a radio: a click on the selected language changes nothing (it cannot be cleared).

    The choice is stored as the session's own value on every run, not left as the radio's: Streamlit drops every
    widget's value when a script opens another page itself (`st.switch_page` sends no widget values), and the
    language would fall back to Chinese, as "Apply these levels in what-if" on Plan & orders did. It is also
    written to the address: a reload starts a new session, which used to come back in Chinese."""
    chosen = st.session_state.get("lang")  # set before the widget is drawn, never after
    st.session_state["lang"] = chosen if chosen in LANGUAGES else first_language()
    st.sidebar.radio(" ", options=list(LANGUAGES), format_func=LANGUAGES.get, key="lang", horizontal=True,
                     label_visibility="collapsed")
    wanted = address_language()
    if wanted and st.query_params.get("lang") != wanted["lang"]:
        st.query_params.update(wanted)
