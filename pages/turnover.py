"""Turnover & aging: ITO and DIO for the period, aging buckets, days of supply and sell-through."""

import streamlit as st

from core.formatting import number, percent
from core.kpis.measures import AGING_BUCKETS, UNKNOWN_AGE
from ui import charts, state
from ui.i18n import money, t
from ui.page import dashboard_page
from ui.widgets import export_frame, no_data_note, table, workbook_download

numbers = dashboard_page("turnover.title")
cur, turnover = numbers.currency, numbers.turnover

st.subheader(t("turnover.ito_dio"))
if turnover["ito"] is None:
    no_data_note("turnover.no_movements" if turnover["cogs"] is None else "turnover.no_average")
else:
    ito, dio, cogs, average = st.columns(4)
    ito.metric(t("turnover.ito"), number(turnover["ito"], 2), help=t("turnover.ito_help"))
    dio.metric(t("turnover.dio"), f"{number(turnover['dio'], 1)} {t('common.days')}",
               help=t("turnover.dio_help", basis=state.settings().day_basis))
    cogs.metric(t("turnover.cogs"), money(turnover["cogs"], cur))
    average.metric(t("turnover.avg_inventory"), money(turnover["avg_inventory"], cur))
    st.caption(t("turnover.period", start=turnover["period_start"].date().isoformat(),
                 end=turnover["period_end"].date().isoformat(), days=turnover["period_days"]))
    if turnover["uncosted_rows"]:
        st.warning(t("turnover.uncosted", rows=number(turnover["uncosted_rows"])))
    if turnover["short_history"]:
        st.warning(t("turnover.short_history", days=turnover["period_days"]))
st.radio(t("turnover.day_basis"), [365, 360], key="day_basis", horizontal=True,
         help=t("turnover.day_basis_help"))

st.subheader(t("turnover.aging"))
if numbers.aging is None:
    no_data_note("turnover.no_ages")
else:
    buckets = [*AGING_BUCKETS, UNKNOWN_AGE]
    st.altair_chart(charts.aging_chart(numbers.aging_by_type, buckets, cur), width="stretch")
    table(numbers.aging, "aging_buckets", cur)
    if numbers.future_receipt_lots:
        st.warning(t("turnover.future_receipts", count=number(numbers.future_receipt_lots)))

st.subheader(t("turnover.planning"))
if numbers.planning is None:  # without movements the notice above already said why; say only what is missing
    st.caption(t("turnover.planning_needs_movements") if turnover["cogs"] is None else t("turnover.no_average"))
else:
    plan = numbers.planning
    sell, stockout, supply, ratio = st.columns(4)
    sell.metric(t("turnover.sell_through"), percent(plan["sell_through"]), help=t("turnover.sell_through_help"))
    stockout.metric(t("turnover.stockout_rate"), percent(plan["stockout_rate"]), help=t("turnover.stockout_help"))
    supply.metric(t("turnover.median_dos"), number(plan["median_days_of_supply"], 1))
    ratio.metric(t("turnover.inventory_sales"), number(plan["inventory_sales_ratio"], 2),
                 help=t("turnover.inventory_sales_help"))
    st.markdown(f"**{t('turnover.days_of_supply')}**")
    table(numbers.days_of_supply, "days_of_supply", cur, money=(), shares=())

sheets = {t("turnover.aging"): export_frame(numbers.aging, cur, ("value",), ("share",))} \
    if numbers.aging is not None else {}
if numbers.days_of_supply is not None:
    sheets[t("turnover.days_of_supply")] = export_frame(numbers.days_of_supply, cur)
if sheets:
    workbook_download(sheets, "turnover_aging", "turnover_workbook")
