"""Data: upload lots and movements, fix the column mapping, see what was set aside, pick the as-of date."""

import contextlib

import pandas as pd
import streamlit as st

from core.formatting import number
from core.intake.problems import InputError, problem_summary
from core.intake.schema import LOTS
from ui import state
from ui.i18n import plain, t
from ui.page import through_app
from ui.widgets import csv_download, display_frame

FILE_TYPES = ["csv", "txt", "gz", "xlsx"]
UNMAPPED = "—"
PREVIEW_ROWS = 200

through_app()
st.title(t("data.title"))
st.caption(t("data.upload_limit", mb=st.get_option("server.maxUploadSize")))


def _uploaded(key: str) -> tuple[str, bytes] | None:
    file = st.session_state.get(key)
    return (file.name, file.getvalue()) if file is not None else None


def _switch_to_upload() -> None:
    state.use_upload(_uploaded("upload_lots"), _uploaded("upload_movements"))


left, right = st.columns(2)
left.file_uploader(t("data.lots_file"), type=FILE_TYPES, key="upload_lots", on_change=_switch_to_upload,
                   help=t("data.lots_help"))
right.file_uploader(t("data.movements_file"), type=FILE_TYPES, key="upload_movements", on_change=_switch_to_upload,
                    help=t("data.movements_help"))
source = state.current_source()
if source.is_sample:
    st.info(t("data.showing_sample"), icon=":material/info:")
else:
    st.success(t("data.showing_files", lots=plain(source.lots.name),
                 movements=plain(source.movements.name) if source.movements else "—"), icon=":material/check_circle:")
    st.button(t("data.use_sample"), on_click=state.use_sample)


def apply_mapping() -> None:
    chosen = {c.key: st.session_state.get(f"map_{c.key}", UNMAPPED) for c in LOTS.columns}
    state.set_mapping({k: v for k, v in chosen.items() if v != UNMAPPED})


def mapping_editor(error: InputError | None) -> None:
    headers, automatic = state.lots_headers(source.lots.digest, source.lots)
    current = {**automatic, **dict(source.mapping)}
    with st.expander(t("data.mapping"), expanded=error is not None), st.form("mapping_form"):
        st.caption(t("data.mapping_help"))
        columns = st.columns(3)
        for i, column in enumerate(LOTS.columns):
            options = [UNMAPPED, *headers]
            index = options.index(current[column.key]) if current.get(column.key) in options else 0
            label = t(f"col.{column.key}") + (" *" if column.required else "")
            columns[i % 3].selectbox(label, options, index=index, key=f"map_{column.key}")
        st.form_submit_button(t("data.apply_mapping"), type="primary", on_click=apply_mapping)


try:
    lots, movements = state.loaded()
except InputError as error:
    st.error(plain(error), icon=":material/error:")
    if error.problem.file == source.lots.name:
        with contextlib.suppress(InputError):  # a file that cannot be read at all has no headers to map
            mapping_editor(error)
    st.stop()

mapping_editor(None)
st.subheader(t("data.validation"))
for result in (lots, movements):
    if result is None:
        continue
    used, aside = len(result.data), result.rejected_count
    warnings = int((result.problems["severity"] == "warning").sum()) if len(result.problems) else 0
    st.markdown(f"**{plain(result.name)}** · {t('data.encoding')}: {plain(result.encoding or 'xlsx')}")
    a, b, c = st.columns(3)
    a.metric(t("data.rows_used"), number(used))
    b.metric(t("data.rows_set_aside"), number(aside))
    c.metric(t("data.warnings"), number(warnings))
    if len(result.problems):
        summary = problem_summary(result.problems)
        st.dataframe(summary.rename(columns=lambda c: t(f"col.{c}")), hide_index=True, width="stretch")
    if aside:
        st.markdown(f"**{t('data.set_aside_rows')}**")
        st.dataframe(result.rejected.head(500).astype(str), hide_index=True, width="stretch")
        csv_download(result.rejected, f"set_aside_{result.name}.csv", f"rejects_{result.name}",
                     t("data.download_set_aside"))
    if result.unmatched:
        st.caption(t("data.unmatched", headers=plain(", ".join(result.unmatched))))
if movements is None:
    st.info(t("data.no_movements"), icon=":material/info:")

st.subheader(t("data.as_of"))
dates = state.snapshot_dates()
if dates:
    current = state.as_of() or dates[-1]
    chosen = st.selectbox(t("data.as_of"), dates, index=dates.index(current) if current in dates else len(dates) - 1,
                          format_func=lambda d: pd.Timestamp(d).date().isoformat(), key="as_of_widget")
    st.session_state[state.AS_OF_KEY] = pd.Timestamp(chosen)
else:
    chosen = st.date_input(t("data.as_of_single"), value=state.as_of() or pd.Timestamp.today(), key="as_of_date")
    st.session_state[state.AS_OF_KEY] = pd.Timestamp(chosen)
st.caption(t("data.snapshots", count=len(dates)))
st.subheader(t("data.preview"))
preview, config = display_frame(lots.data.drop(columns=["_row"]).head(PREVIEW_ROWS), lots.currency,
                                money=("value",))
st.dataframe(preview, column_config=config, hide_index=True, width="stretch")
st.caption(t("data.preview_rows", shown=min(PREVIEW_ROWS, len(lots.data)), total=f"{len(lots.data):,}"))
