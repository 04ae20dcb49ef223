"""Data: upload lots and movements, see which report layout and conventions were recognised and correct them,
fix the column mappings (remembered per file layout), see what was set aside, pick the as-of date."""


import pandas as pd
import streamlit as st

from core.formatting import number
from core.intake.conventions import COMMA, POINT
from core.intake.loading import LoadResult
from core.intake.problems import InputError, problem_summary
from ui import state
from ui.i18n import plain, t
from ui.messages import column_text, error_text, problem_slug, required_column, said_text, set_aside_rows
from ui.page import through_app
from ui.widgets import csv_download, display_frame

FILE_TYPES = ["csv", "txt", "tsv", "gz", "xlsx", "xls"]
UNMAPPED = "—"
AUTO = "auto"
CURRENCIES = [AUTO, "CNY", "EUR", "USD", "GBP", "HKD", "JPY", "BRL", "CLP", "MXN", "ARS", "INR", "IDR", "CHF"]
PREVIEW_ROWS = 200

through_app()
st.title(t("data.title"))
st.caption(t("data.upload_limit", mb=st.get_option("server.maxUploadSize")))


def _uploaded(key: str) -> tuple[str, bytes] | None:
    file = st.session_state.get(key)
    return (file.name, file.getvalue()) if file is not None else None


def _switch_to_upload() -> None:
    state.use_upload(_uploaded("upload_lots"), _uploaded("upload_movements"))


def _use_prices() -> None:
    state.use_prices(_uploaded("upload_prices"))


left, middle, right = st.columns(3)
left.file_uploader(t("data.lots_file"), type=FILE_TYPES, key="upload_lots", on_change=_switch_to_upload,
                   help=t("data.lots_help"))
middle.file_uploader(t("data.movements_file"), type=FILE_TYPES, key="upload_movements", on_change=_switch_to_upload,
                     help=t("data.movements_help"))
right.file_uploader(t("data.prices_file"), type=FILE_TYPES, key="upload_prices", on_change=_use_prices,
                    help=t("data.prices_help"))
source = state.current_source()
try:
    loaded, load_error = state.loaded(), None
except InputError as error:
    loaded, load_error = None, error
if source.is_sample:
    st.info(t("data.showing_sample"), icon=":material/info:")
else:
    if load_error is None:  # no green "showing your file" above the red "cannot use your file"
        st.success(t("data.showing_files", lots=plain(source.lots.name),
                     movements=plain(source.movements.name) if source.movements else "—"),
                   icon=":material/check_circle:")
    st.button(t("data.use_sample"), on_click=state.use_sample)


def apply_mapping(kind: str) -> None:
    chosen = {c.key: st.session_state.get(f"map_{kind}_{c.key}", UNMAPPED) for c in state.SCHEMAS[kind].columns}
    state.set_mapping({k: v for k, v in chosen.items() if v != UNMAPPED}, kind)


def mapping_editor(kind: str, error: InputError | None, chosen: dict[str, str] | None = None) -> None:
    """One select box per canonical column, set to the roles chosen (by the headers, the values or the user);
    applying reloads the file and remembers the mapping for its layout."""
    file = source.file(kind)
    try:
        headers, automatic = state.file_headers(kind, file.digest, file, source.sheet if kind == "lots" else None)
    except InputError:
        return
    current = {**automatic, **(chosen or {}), **source.mapping_of(kind)}
    with st.expander(t(f"data.mapping_{kind}"), expanded=error is not None), st.form(f"mapping_form_{kind}"):
        st.caption(t("data.mapping_help"))
        columns = st.columns(3)
        for i, column in enumerate(state.SCHEMAS[kind].columns):
            options = [UNMAPPED, *headers]
            index = options.index(current[column.key]) if current.get(column.key) in options else 0
            label = t(f"col.{column.key}") + (" *" if column.required else "")
            columns[i % 3].selectbox(label, options, index=index, key=f"map_{kind}_{column.key}")
        st.form_submit_button(t("data.apply_mapping"), type="primary", on_click=apply_mapping, args=(kind,),
                              key=f"btn_apply_{kind}_mapping")


def error_message(error: InputError) -> str:
    """Missing required columns in the user's language, each with the columns whose values could be it; any
    other problem of the file worded as every page words it."""
    problem = error.problem
    if not problem.missing:
        return error_text(error)
    if problem.candidates and len(problem.candidates) > 1:
        roles = t("common.semicolon").join(
            t("data.missing_role", column=required_column(key), candidates=plain(", ".join(found) or "—"))
            for key, found in problem.candidates.items())
        return t("data.missing_roles", file=plain(problem.file), roles=roles)
    if not problem.closest:  # nothing in the file comes close: no empty "closest headers: —" clause
        return t("data.missing_column_none_close", file=plain(problem.file), column=required_column(problem.missing))
    return t("data.missing_column", file=plain(problem.file), column=required_column(problem.missing),
             closest=plain(", ".join(problem.closest)))


def recognised(result: LoadResult) -> str:
    """'SAP MB52 / MB5B (German) · decimal comma · EUR' in the user's language."""
    conventions = result.conventions
    parts = [result.profile or t("data.profile_generic"),
             t("data.decimal_comma") if conventions.decimal == COMMA else t("data.decimal_point")]
    if conventions.date_basis != "none":
        parts.append(t("data.dates_day_first") if conventions.day_first else t("data.dates_month_first"))
    assumed = result.currency_basis == "default"
    parts.append(result.currency + (t("common.parenthesised", text=t("data.currency_assumed")) if assumed else "")
                 + f" — {t('data.currency_source', source=t(f'data.currency_from.{result.currency_source}'))}")
    return " · ".join(plain(p) for p in parts)


def sheet_picker(result: LoadResult | None) -> None:
    """Which sheet of a workbook is read; shown for workbooks of more than one sheet."""
    sheets = (result.extra.get("sheets") if result else None) or []
    if len(sheets) < 2:
        return
    chosen = result.extra.get("sheet")
    picked = st.selectbox(t("data.sheet"), sheets, index=sheets.index(chosen) if chosen in sheets else 0,
                          help=t("data.sheet_help"), key="sheet_picker")
    if picked != chosen:
        state.use_sheet(picked)
        st.rerun()


ROLE_EXAMPLES = 3


def roles_table(result: LoadResult) -> None:
    """The role each column was read as, how it was decided, and a few of its values."""
    roles = result.extra.get("roles")
    if roles is None:
        return
    rows = []
    for key, header in roles.mapping.items():
        evidence = roles.evidence.get(header)
        rows.append({"role": t(f"col.{key}"), "header": header,
                     "decided_by": t(f"data.decided.{roles.sources.get(key, 'mapping')}"),
                     "confidence": f"{roles.confidence(key):.0%}",
                     "values_seen": said_text(evidence.describe()) if evidence else "",
                     "examples": ", ".join(evidence.examples[:ROLE_EXAMPLES]) if evidence else ""})
    with st.expander(t("data.roles"), expanded=any(s in ("arithmetic", "content", "keyword")
                                                    for s in roles.sources.values())):
        st.caption(t("data.roles_help"))
        st.dataframe(pd.DataFrame(rows).rename(columns=lambda c: t(f"col.{c}")), hide_index=True, width="stretch")


def apply_conventions() -> None:
    decimal = st.session_state.get("conv_decimal", AUTO)
    dates = st.session_state.get("conv_dates", AUTO)
    currency = st.session_state.get("conv_currency", AUTO)
    state.set_conventions(None if decimal == AUTO else decimal, None if dates == AUTO else dates == "day",
                          None if currency == AUTO else currency)


def conventions_editor(result: LoadResult) -> None:
    """Correct the decimal mark, date order and currency when the evidence misled the reader."""
    decimal, day_first, currency = source.conventions
    labels = {AUTO: t("data.auto"), POINT: t("data.decimal_point"), COMMA: t("data.decimal_comma"),
              "day": t("data.dates_day_first"), "month": t("data.dates_month_first")}
    with st.expander(t("data.conventions")), st.form("conventions_form"):
        st.caption(t("data.conventions_help"))
        a, b, c = st.columns(3)
        a.selectbox(t("data.decimal_mark"), [AUTO, POINT, COMMA], index=[AUTO, POINT, COMMA].index(decimal or AUTO),
                    format_func=labels.get, key="conv_decimal")
        dates = AUTO if day_first is None else ("day" if day_first else "month")
        b.selectbox(t("data.date_order"), [AUTO, "day", "month"], index=[AUTO, "day", "month"].index(dates),
                    format_func=labels.get, key="conv_dates")
        c.selectbox(t("col.currency"), CURRENCIES, index=CURRENCIES.index(currency) if currency in CURRENCIES else 0,
                    format_func=lambda code: labels.get(code, code), key="conv_currency")
        st.form_submit_button(t("data.apply_conventions"), type="primary", on_click=apply_conventions)


if load_error is not None:
    st.error(error_message(load_error), icon=":material/error:")
    failed = "movements" if source.movements and load_error.problem.file == source.movements.name else "lots"
    if load_error.problem.file in (source.lots.name, source.movements.name if source.movements else None):
        mapping_editor(failed, load_error)
    st.stop()
lots, movements = loaded

sheet_picker(lots)
roles_table(lots)
mapping_editor("lots", None, lots.mapping)
movements_problem = state.movements_problem()
if movements_problem is not None:
    st.error(error_message(movements_problem), icon=":material/error:")
    st.caption(t("data.movements_unusable"))
if source.movements:
    mapping_editor("movements", movements_problem)
st.markdown(t("data.recognised_as", what=recognised(lots)))
for note in lots.conventions.notes:
    st.warning(said_text(note), icon=":material/warning:")
for note in lots.extra.get("notes", ()):
    st.info(t("data.intake_note", note=said_text(note)), icon=":material/info:")
for warning in lots.extra.get("warnings", ()):
    st.warning(t("data.intake_warning", warning=said_text(warning)), icon=":material/warning:")
if lots.extra.get("unpriced"):
    unpriced = lots.extra["unpriced"]
    st.warning(t("data.unpriced", count=number(len(unpriced)), items=plain(", ".join(unpriced[:20]))),
               icon=":material/warning:")
conventions_editor(lots)
st.subheader(t("data.validation"))
for result in (lots, movements):
    if result is None:
        continue
    used, aside = len(result.data), result.rejected_count
    warnings = int((result.problems["severity"] == "warning").sum()) if len(result.problems) else 0
    st.markdown(t("data.file_encoding", file=plain(result.name), encoding=plain(result.encoding or "Excel")))
    a, b, c, d = st.columns(4)
    a.metric(t("data.rows_used"), number(used))
    b.metric(t("data.rows_set_aside"), number(aside))
    c.metric(t("data.warnings"), number(warnings))
    d.metric(t("data.totals_rows"), number(result.totals_rows))
    if result.extra.get("value_mismatch_rows"):
        st.warning(t("data.value_mismatch", rows=number(result.extra["value_mismatch_rows"])),
                   icon=":material/warning:")
    if len(result.problems):
        summary = problem_summary(result.problems)
        summary["column"] = summary["column"].map(column_text)
        summary["problem"] = summary["problem"].map(lambda kind: t(f"data.problem.{problem_slug(kind)}"))
        summary["severity"] = summary["severity"].map(lambda level: t(f"data.severity.{level}"))
        st.dataframe(summary.rename(columns=lambda c: t(f"col.{c}")), hide_index=True, width="stretch")
    if aside:
        st.markdown(f"**{t('data.set_aside_rows')}**")
        set_aside = set_aside_rows(result.rejected, result.problems)
        st.dataframe(set_aside.head(500).astype(str), hide_index=True, width="stretch")
        csv_download(set_aside, f"set_aside_{result.name}", f"rejects_{result.name}", t("data.download_set_aside"))
    if result.unmatched:
        st.caption(t("data.unmatched", headers=plain(", ".join(result.unmatched))))
if movements is None and state.movements_problem() is None:
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
st.caption(t("data.snapshots", count=len(dates)) if dates else t("data.no_snapshot_dates"))
st.subheader(t("data.preview"))
preview, config = display_frame(lots.data.drop(columns=["_row"]).head(PREVIEW_ROWS), lots.currency,
                                money=("value",))
st.dataframe(preview, column_config=config, hide_index=True, width="stretch", placeholder="—")
st.caption(t("data.preview_rows", shown=min(PREVIEW_ROWS, len(lots.data)), total=f"{len(lots.data):,}"))
