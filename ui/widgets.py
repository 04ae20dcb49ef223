"""Tables users can read and take away: money in 万 where CNY, shares in %, a CSV download under each."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.export import csv_bytes, excel_workbook
from core.formatting import money_divisor
from ui.i18n import money_unit, stock_type_label, t

SHOWN_ROWS = 500


def display_frame(frame: pd.DataFrame, currency: str, money: tuple[str, ...] = (),
                  shares: tuple[str, ...] = ()) -> tuple[pd.DataFrame, dict]:
    """Money scaled to the display unit and shares as percentages, with translated column labels."""
    divisor = money_divisor(currency)
    shown = frame.copy()
    config: dict[str, object] = {}
    for column in shown.columns:
        label = t(f"col.{column}")
        if column in money:
            shown[column] = (shown[column] / divisor).round(2)
            config[column] = st.column_config.NumberColumn(f"{label} ({money_unit(currency)})", format="localized")
        elif column in shares:
            shown[column] = shown[column] * 100
            config[column] = st.column_config.NumberColumn(f"{label} (%)", format="%.1f")
        elif column == "stock_type":
            shown[column] = shown[column].map(stock_type_label)
            config[column] = st.column_config.TextColumn(label)
        elif pd.api.types.is_datetime64_any_dtype(shown[column]):
            config[column] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        else:
            config[column] = st.column_config.Column(label)
    return shown, config


def table(frame: pd.DataFrame, key: str, currency: str, money: tuple[str, ...] = ("value",),
          shares: tuple[str, ...] = ("share",), height: int | None = None) -> None:
    """A table (the first rows of a large one) and a CSV download of all of it."""
    shown, config = display_frame(frame.head(SHOWN_ROWS), currency, money, shares)
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch", height=height or "auto", key=key)
    if len(frame) > SHOWN_ROWS:
        st.caption(t("common.rows_shown", shown=SHOWN_ROWS, total=f"{len(frame):,}"))
    csv_download(frame, f"{key}.csv", f"download_{key}")


def csv_download(frame: pd.DataFrame, file_name: str, key: str, label: str | None = None) -> None:
    """A button that downloads `frame` as CSV Excel opens with Chinese intact."""
    st.download_button(label or t("common.download_csv"), csv_bytes(frame), file_name=file_name, mime="text/csv",
                       key=key, icon=":material/download:")


def workbook_download(tables: dict[str, pd.DataFrame], file_name: str, key: str) -> None:
    st.download_button(t("common.download_excel"), excel_workbook(tables), file_name=file_name, key=key,
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/table_view:")


def no_data_note(message_key: str) -> None:
    st.info(t(message_key), icon=":material/info:")
