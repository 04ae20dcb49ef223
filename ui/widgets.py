"""Tables users can read and take away. One path for screen and file: `display_frame` turns a core table into what
the screen shows (money in the display unit, shares in %, labels instead of codes, fixed decimals, headers in the
UI language) and `export_frame` writes exactly that into CSV and Excel, built only when the download is clicked."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.export import csv_bytes, excel_workbook, file_name
from core.formatting import SHARE_KPI_DECIMALS, currency_symbol, uses_wan
from ui.i18n import catalog, language, money_divisor, money_unit, speaking, t

SHOWN_ROWS = 500
CODE_PREFIXES = {"stock_type": "stock_type", "band": "band", "bucket": "bucket", "status": "plan.status_code",
                 "severity": "severity", "policy": "whatif.policy"}
DECIMALS = {"qty": 2, "on_hand": 2, "on_order": 2, "mean_daily_demand": 2, "unit_cost": 2, "days_of_supply": 1,
            "order_qty": 0,  # whole units or packs by construction: 29, not 29.00
            "idle_days": 0, "age_days": 0, "threshold_days": 0, "dio": 1}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHARE_DECIMALS = {**SHARE_KPI_DECIMALS, "service_level": 2}  # fill rate 98.65 %, a plan's level 96.92 %: as shown


def code_label(column: str, code: object) -> object:
    """The catalog's label for a code in a column (`finished_goods` → 成品, `over_365` → >365 天), else the value."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return ""
    key = f"{CODE_PREFIXES[column]}.{code}"
    return t(key) if key in catalog("en") else code


def column_label(column: str) -> str:
    key = f"col.{column}"
    return t(key) if key in catalog("en") else column


def display_frame(frame: pd.DataFrame, currency: str, money: tuple[str, ...] = (),
                  shares: tuple[str, ...] = (), labels: dict[str, str] | None = None) -> tuple[pd.DataFrame, dict]:
    """Money scaled to the display unit, shares as percentages, codes as labels, fixed decimals, translated headers
    (`labels` names columns the `col.*` catalogue does not); the column configuration carries each header (with its
    unit) and number format."""
    divisor = money_divisor(currency)
    shown = frame.copy()
    config: dict[str, object] = {}
    for column in shown.columns:
        label = (labels or {}).get(column) or column_label(column)
        values = shown[column]
        if column in money:
            shown[column] = (values / divisor).round(2)
            config[column] = st.column_config.NumberColumn(f"{label} ({money_unit(currency)})", format="%,.2f")
        elif column in shares:
            decimals = SHARE_DECIMALS.get(column, 1)
            shown[column] = (values * 100).round(decimals)
            config[column] = st.column_config.NumberColumn(f"{label} (%)", format=f"%.{decimals}f")
        elif column in CODE_PREFIXES:
            shown[column] = values.map({code: code_label(column, code) for code in values.dropna().unique()})
            shown[column] = shown[column].astype(object).where(values.notna(), "")
            config[column] = st.column_config.TextColumn(label)
        elif pd.api.types.is_bool_dtype(values):
            config[column] = st.column_config.CheckboxColumn(label)
        elif pd.api.types.is_datetime64_any_dtype(values):
            config[column] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif pd.api.types.is_integer_dtype(values):
            config[column] = st.column_config.NumberColumn(label, format="%,d")
        elif pd.api.types.is_float_dtype(values):
            decimals = DECIMALS.get(column, 2)
            finite = values.where(values.abs() != math.inf)  # days of supply without demand: no number of days
            shown[column] = finite.round(decimals)
            config[column] = st.column_config.NumberColumn(label, format=f"%,.{decimals}f")
        else:
            shown[column] = values.astype(object).where(values.notna(), "")
            config[column] = st.column_config.TextColumn(label)
    return shown, config


def excel_format(column_format: str, is_money: bool, currency: str) -> str:
    """The Excel number format of a column shown with printf `column_format`: the cell holds the number the screen
    shows (万 / ¥k for CNY money, % for shares) and Excel draws it as the screen does: `¥1,234.50万`, `93.9%`."""
    decimals = column_format.split(".")[1][0] if "." in column_format else "0"
    body = "#,##0" if "," in column_format or is_money else "0"
    body += "." + "0" * int(decimals) if decimals != "0" else ""
    if is_money and uses_wan(currency):
        return f'"{currency_symbol(currency)}"{body}"{"万" if language() == "zh" else "k"}"'
    if is_money:
        return f'"{currency_symbol(currency)}"{body}'
    return body


def export_frame(frame: pd.DataFrame, currency: str, money: tuple[str, ...] = (),
                 shares: tuple[str, ...] = (), labels: dict[str, str] | None = None) -> pd.DataFrame:
    """What the screen shows, as a file: numbers as numbers in the unit the header names, headers in the UI
    language, booleans as 是/否 (Yes/No), dates as dates. Money is exact to the cent in the display unit (the cell
    holds 0.567791 where Excel shows `¥0.57万`). `attrs["number_formats"]` holds each number column's Excel format,
    which `excel_workbook` applies (Excel then shows `¥1,234.50万` where the cell holds 1234.5)."""
    shown, config = display_frame(frame, currency, money, shares, labels)
    divisor = money_divisor(currency)
    cents = 2 + round(math.log10(divisor))  # the display unit's decimals of one cent: 6 in 万, 5 in ¥k
    for column in money:
        if column in frame:  # to the cent, not to the screen's two decimals (¥100 in 万): a column sums to its total
            shown[column] = (frame[column] / divisor).round(cents)
    formats = {}
    for column in shown.columns:
        if pd.api.types.is_bool_dtype(shown[column]):
            shown[column] = shown[column].map({True: t("common.yes"), False: t("common.no")})
        elif pd.api.types.is_datetime64_any_dtype(shown[column]):
            shown[column] = shown[column].dt.date
        elif pd.api.types.is_numeric_dtype(shown[column]) and config[column].get("type_config", {}).get("format"):
            share = " (%)" if column in shares else ""
            formats[config[column]["label"]] = excel_format(config[column]["type_config"]["format"],
                                                            column in money, currency) + ('"%"' if share else "")
    shown = shown.rename(columns={c: config[c]["label"] for c in shown.columns})
    shown.attrs["number_formats"] = formats
    return shown


def table(frame: pd.DataFrame, key: str, currency: str, money: tuple[str, ...] = ("value",),
          shares: tuple[str, ...] = ("share",), height: int | None = None) -> None:
    """A table (the first rows of a large one) and a CSV download of all of it, as shown."""
    shown, config = display_frame(frame.head(SHOWN_ROWS), currency, money, shares)
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch", height=height or "auto", key=key,
                 placeholder="—")
    if len(frame) > SHOWN_ROWS:
        st.caption(t("common.rows_shown", shown=SHOWN_ROWS, total=f"{len(frame):,}"))
    csv_download(lambda: export_frame(frame, currency, money, shares), key, f"download_{key}")


def _later(build: Callable[[], bytes]) -> Callable[[], bytes]:
    """Streamlit runs a callable `data` only when the button is clicked, on another thread: no rerun pays for it.
    The file is built in the language the page was drawn in."""
    drawn_in = language()

    def built() -> bytes:
        with speaking(drawn_in):
            return build()
    return built


def csv_download(shown: pd.DataFrame | Callable[[], pd.DataFrame], name: str, key: str,
                 label: str | None = None) -> None:
    """A button that downloads a table in its shown form (`export_frame`) as CSV Excel opens intact; pass a
    function that makes it to have it made only when the button is clicked."""
    make = shown if callable(shown) else lambda: shown
    st.download_button(label or t("common.download_csv"), _later(lambda: csv_bytes(make())),
                       file_name=file_name(name, "csv"), mime="text/csv", key=key, icon=":material/download:",
                       on_click="ignore")


def workbook_download(tables: dict[str, pd.DataFrame] | Callable[[], dict[str, pd.DataFrame]], name: str, key: str,
                      label: str | None = None) -> None:
    """One workbook of tables in their shown form (`export_frame`), built when clicked; pass a function that makes
    the tables to have them made then too."""
    make = tables if callable(tables) else lambda: tables
    st.download_button(label or t("common.download_excel"), _later(lambda: excel_workbook(make())),
                       file_name=file_name(name, "xlsx"), key=key, mime=XLSX_MIME, icon=":material/table_view:",
                       on_click="ignore")


def no_data_note(message_key: str) -> None:
    st.info(t(message_key), icon=":material/info:")


def tiv_key(divisor: float) -> str:
    """The key of the TIV-reduction box names its money unit (万 or ¥k). The browser keeps a keyed box's number
    whatever its label says, so with one key a language switch would carry 1000 (万) over as 1000 (¥k) and a save
    would store a target 10× off; with the unit in the key a switch draws a new box filled from the saved target."""
    return f"tg_tiv_{divisor:g}"


_FORMAT_LITERAL = re.compile(r'"([^"]*)"')


def printed(frame: pd.DataFrame) -> pd.DataFrame:
    """A table of `export_frame` for reading on paper: each number column as text in its Excel format, the way
    the screen shows it (`¥1,234.50万`, `93.9%`, `1,075`), not `1234.5`."""
    shown = frame.copy()
    for column, excel in frame.attrs.get("number_formats", {}).items():
        literals = _FORMAT_LITERAL.findall(excel)
        body = _FORMAT_LITERAL.sub("", excel)
        prefix = literals[0] if literals and excel.startswith('"') else ""
        suffix = literals[-1] if literals and excel.endswith('"') and (len(literals) > 1 or not prefix) else ""
        decimals = len(body.split(".")[1]) if "." in body else 0
        grouping = "," if "," in body else ""
        shown[column] = [f"{prefix}{v:{grouping}.{decimals}f}{suffix}" if isinstance(v, int | float) and v == v
                         else v for v in frame[column]]
    return shown


def language_kept_tabs(key: str, labels: dict[str, str]) -> list:
    """Tabs (code → label) that stay on the tab the user chose when the language changes: the chosen tab is kept
    as its code, and each language and choice has its own widget, opened on that tab (the browser would otherwise
    reopen a widget it has seen on the tab it last showed)."""
    chosen = st.session_state.get(f"{key}_code")
    codes = {label: code for code, label in labels.items()}
    widget = f"{key}_{language()}_{chosen}"  # a new widget per language and choice: the browser keeps a tab's own

    def remember() -> None:
        st.session_state[f"{key}_code"] = codes.get(st.session_state.get(widget), chosen)

    return st.tabs(list(labels.values()), default=labels.get(chosen), key=widget, on_change=remember)
