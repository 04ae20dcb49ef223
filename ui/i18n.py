"""Labels come from the locale catalogs in `ui/locales/*.json`: `t("overview.tiv")`."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import streamlit as st

from core.formatting import uses_wan

LOCALES = Path(__file__).resolve().parent / "locales"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"


@functools.cache
def catalog(language: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))


def language() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def t(key: str, **values: object) -> str:
    """The label for `key` in the current language (English, then the key itself, when missing)."""
    text = catalog(language()).get(key) or catalog("en").get(key) or key
    return text.format(**values) if values else text


def plain(text: object) -> str:
    """Text from a file made inert for Streamlit's markdown: no links, images, emphasis, icons or colours."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def stock_type_label(code: str) -> str:
    return t(f"stock_type.{code}") if f"stock_type.{code}" in catalog("en") else code


def money_unit(currency: str) -> str:
    """Unit of money columns and axes: 万元 / ¥10k where CNY (amounts in 万), else the currency code."""
    return t("common.wan_unit") if uses_wan(currency) else currency


def language_switch() -> None:
    st.sidebar.segmented_control(" ", options=list(LANGUAGES), format_func=LANGUAGES.get, key="lang",
                                 default=DEFAULT_LANGUAGE, label_visibility="collapsed")
    if st.session_state.get("lang") is None:  # a second click on the selected option clears it
        st.session_state["lang"] = DEFAULT_LANGUAGE
