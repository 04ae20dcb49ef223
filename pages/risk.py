"""Risk: SLOB against the 5 % target, supplier backlog, dead-stock warnings and the risk worklist."""

import pandas as pd
import streamlit as st

from core.formatting import number, percent
from core.kpis.measures import SLOB_TARGET_SHARE
from core.storage import WORKLIST_CODES, WORKLIST_FIELDS, EditConflict, coded, edits_from_editor
from ui import charts, state
from ui.i18n import code_text, money, plain, t
from ui.page import dashboard_page
from ui.widgets import csv_download, display_frame, export_frame, no_data_note, table, workbook_download

WORKLIST_ROWS = 1000
EDITABLE = ("owner", "action", "action_status")

numbers = dashboard_page("risk.title")
cur = numbers.currency
_lots = state.dataset().lots
IDLE_WORDS = ("" if "last_move_date" in _lots and _lots["last_move_date"].notna().any()
              else "_by_receipt")  # without a last-movement date, idle days are days since receipt: say so

st.subheader(t("risk.slob"))
if numbers.slob is None:
    no_data_note("turnover.no_ages")
else:
    share, value, skus = st.columns(3)
    gap = numbers.slob["share"] - SLOB_TARGET_SHARE
    share.metric(t("risk.slob_share"), percent(numbers.slob["share"]),
                 delta=t("risk.vs_target", gap=f"{gap * 100:+.1f}", target=percent(SLOB_TARGET_SHARE))
                 if round(gap * 100, 1) != 0 else None,
                 delta_color="inverse")
    value.metric(t("risk.slob_value"), money(numbers.slob["value"], cur))
    skus.metric(t("risk.slob_skus"), number(numbers.slob["sku_count"]))
    st.altair_chart(charts.slob_chart(numbers.slob_by_type, SLOB_TARGET_SHARE), width="stretch")
    table(numbers.slob_by_type, "slob_by_stock_type", cur, money=("value", "slob_value"), shares=("slob_share",))

st.subheader(t("risk.suppliers"))
st.caption(t("risk.suppliers_help"))
backlog = numbers.suppliers_top5.copy()
mixed = backlog["unit"] == "mixed"
backlog["qty"] = backlog["qty"].astype(float).where(~mixed)  # a sum over different units says nothing
backlog["unit"] = backlog["unit"].where(~mixed, t("risk.mixed_units"))
table(backlog, "supplier_backlog_top5", cur)

st.subheader(t("risk.dead_stock"))
if numbers.dead_stock is None:
    no_data_note("turnover.no_ages")
else:
    for column, band in zip(st.columns(2), ("over_365", "d181_365"), strict=True):
        figures = numbers.dead_stock[band]
        with column.container(border=True):
            st.markdown(f"**{t(f'risk.band_{band}' + IDLE_WORDS)}**")
            st.metric(t("col.value"), money(figures["value"], cur))
            st.caption(t("risk.band_counts", skus=number(figures["sku_count"]), qty=number(figures["qty"])))
            color = "red" if band == "over_365" else "orange"
            st.markdown(f":{color}-background[{t(f'risk.advice_{band}')}]")


def _merged_worklist(from_file: pd.DataFrame, saved: pd.DataFrame) -> pd.DataFrame:
    """The file's tracker fields, overridden by what users saved (`saved`, by lot key); the editable columns first.
    Rows keep their order, so the head of a merge is the merge of the head."""
    rest = [c for c in from_file.columns if c not in (*EDITABLE, "lot_key")]
    worklist = from_file[[*EDITABLE, *rest, "lot_key"]].copy()
    labels = state.store().labels
    for field in WORKLIST_CODES:  # a tracker column of the file may hold our labels, in either language
        worklist[field] = worklist[field].map(lambda v, f=field: coded(f, v, labels))
    for field in WORKLIST_FIELDS:
        stored = worklist["lot_key"].map(saved[field]) if len(saved) else None
        if stored is not None:
            worklist[field] = stored.where(worklist["lot_key"].isin(saved.index), worklist[field])
    worklist["version"] = worklist["lot_key"].map(saved["version"]).fillna(0).astype(int) if len(saved) else 0
    return worklist


def _in_words(worklist: pd.DataFrame) -> pd.DataFrame:
    """The worklist with its action and status codes in the words of the current language."""
    return worklist.assign(**{f: worklist[f].map(lambda v, f=f: code_text(f, v)) for f in WORKLIST_CODES})


def _choices(field: str, shown: pd.Series) -> list[str]:
    """The current language's label of every code, then any other text the rows hold (typed in the ERP)."""
    labels = [code_text(field, code) for code in WORKLIST_CODES[field]]
    return labels + sorted({str(v) for v in shown.dropna() if v != ""} - set(labels))


def _saved_row(lot: object, row: dict) -> str:
    """A refused row as saved now; the catalog names the status field `status`."""
    words = {f: code_text(f, row[f]) if f in WORKLIST_CODES else row[f] for f in WORKLIST_FIELDS}
    shown = {f: "—" if pd.isna(v) or v == "" else plain(str(v)) for f, v in words.items()}
    return t("risk.conflict_row", lot=plain(str(lot)), owner=shown["owner"], action=shown["action"],
             status=shown["action_status"])


def _save_edits() -> None:
    editor = st.session_state[state.editor_key("worklist_editor")]
    edits = edits_from_editor(st.session_state["worklist_shown"], editor["edited_rows"])
    if len(edits):
        try:
            state.store().save_worklist_edits(edits)
        except EditConflict as conflict:
            state.tell_conflict("worklist_editor", conflict, _saved_row)
            return
        st.toast(t("risk.saved_one") if len(edits) == 1 else t("risk.saved", count=len(edits)), icon=":material/save:")


st.subheader(t("risk.worklist"))
st.caption(t("risk.worklist_help" + IDLE_WORDS))
from_file = state.worklist()
if from_file.empty:
    no_data_note("risk.worklist_empty" if numbers.dead_stock is not None else "turnover.no_ages")  # no ages, no idle
else:
    saved_edits = state.store().worklist_edits().set_index("lot_key")

    def full() -> pd.DataFrame:
        """Every row merged, for the downloads: made when a button is clicked, not on every rerun. Without the
        app's own key of a lot (its item, warehouse and batch are columns of their own); idle days whole."""
        merged = _merged_worklist(from_file, saved_edits).drop(columns=["version", "lot_key"])
        return _in_words(merged.assign(idle_days=merged["idle_days"].round().astype("Int64")))

    worklist = _in_words(_merged_worklist(from_file.head(WORKLIST_ROWS), saved_edits).reset_index(drop=True))
    st.session_state["worklist_shown"] = worklist  # in words: the store turns an edit's label back into its code
    shown, config = display_frame(worklist.drop(columns="version"), cur, money=("value",))
    config |= {"owner": st.column_config.TextColumn(t("col.owner")),
               "action": st.column_config.SelectboxColumn(t("col.action"),
                                                          options=_choices("action", worklist["action"])),
               "action_status": st.column_config.SelectboxColumn(
                   t("col.action_status"), options=_choices("action_status", worklist["action_status"]))}
    locked = [c for c in shown.columns if c not in EDITABLE]
    state.show_conflict("worklist_editor")
    st.data_editor(shown, column_config=config, disabled=locked, hide_index=True, width="stretch", placeholder="—",
                   key=state.editor_key("worklist_editor"), on_change=_save_edits)
    if len(from_file) > WORKLIST_ROWS:
        st.caption(t("common.rows_shown", shown=WORKLIST_ROWS, total=f"{len(from_file):,}"))
    csv_download(lambda: export_frame(full(), cur, money=("value",)), "risk_worklist", "download_risk_worklist")


def risk_sheets() -> dict[str, pd.DataFrame]:
    """The page's tables as one workbook, made when the button is clicked (the worklist may be long)."""
    sheets = {t("risk.suppliers"): export_frame(backlog, cur, ("value",), ("share",))}
    if numbers.slob_by_type is not None:
        sheets = {t("sheet.slob"): export_frame(numbers.slob_by_type, cur, ("value", "slob_value"), ("slob_share",)),
                  **sheets}
    if not from_file.empty:
        sheets[t("risk.worklist")] = export_frame(full(), cur, money=("value",))
    return sheets


workbook_download(risk_sheets, "risk", "risk_workbook")
