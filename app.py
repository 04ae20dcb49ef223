"""Inventory Decision Board (库存决策看板) — routes to the pages; the sidebar holds language and filters."""

from __future__ import annotations

import streamlit as st

from core.intake.problems import InputError
from ui import state
from ui.i18n import language_switch, plain, stock_type_label, t

PERSISTENT_PREFIXES = ("day_basis", "filter_", "wi_", "po_")  # value widgets only: never buttons or uploads

st.set_page_config(page_title="库存决策看板 · Inventory Decision Board", page_icon=":material/inventory_2:",
                   layout="wide")
HEADLINE_STYLE = "<style>[data-testid='stMetricValue'] { font-size: clamp(1.3rem, 2.3vw, 2.25rem); }</style>"
for key in [k for k in st.session_state if str(k).startswith(PERSISTENT_PREFIXES)]:
    st.session_state[key] = st.session_state[key]  # keep widget values while their page is not shown

st.html(HEADLINE_STYLE)  # headline figures shrink with the window: "¥11,941.69万" whole at 1024 px
language_switch()
pages = [
    st.Page("pages/overview.py", title=t("nav.overview"), icon=":material/dashboard:", default=True),
    st.Page("pages/turnover.py", title=t("nav.turnover"), icon=":material/autorenew:"),
    st.Page("pages/risk.py", title=t("nav.risk"), icon=":material/warning:"),
    st.Page("pages/what_if.py", title=t("nav.what_if"), icon=":material/tune:"),
    st.Page("pages/plan_orders.py", title=t("nav.plan_orders"), icon=":material/shopping_cart:"),
    st.Page("pages/targets.py", title=t("nav.targets"), icon=":material/flag:"),
    st.Page("pages/data.py", title=t("nav.data"), icon=":material/upload_file:"),
]
navigation = st.navigation(pages)


def sidebar_filters() -> None:
    try:
        options = state.options()
    except InputError:
        st.sidebar.warning(t("data.fix_on_data_page"))
        return
    st.sidebar.subheader(t("filters.title"))
    for column, values in options.items():
        label = stock_type_label if column == "stock_type" else (lambda v: v or "—")
        st.sidebar.multiselect(t(f"col.{column}"), values, key=f"filter_{column}", format_func=label,
                               placeholder=t("filters.all"))
    source = state.current_source()
    st.sidebar.caption(t("filters.source_sample") if source.is_sample else
                       t("filters.source_files", name=plain(source.lots.name)))


sidebar_filters()
state.warn_if_read_only()
navigation.run()
