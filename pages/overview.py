"""Overview: TIV and its trend, mix by warehouse and stock type, BU and SKU ranking with ABC classes."""

import streamlit as st

from core.formatting import number, percent, signed_percent
from ui import charts
from ui.i18n import money, plain, t
from ui.page import dashboard_page
from ui.widgets import export_frame, table, workbook_download

numbers = dashboard_page("overview.title")
cur = numbers.currency

tiv, skus, lots, top_bu = st.columns(4)
previous = numbers.previous_date
tiv.metric(t("overview.tiv"), money(numbers.tiv, cur), delta=signed_percent(numbers.tiv_change)
           if numbers.tiv_change is not None and round(numbers.tiv_change, 3) != 0 else None, delta_color="inverse",
           help=t("overview.tiv_help", date=previous.date().isoformat()) if previous is not None else None)
skus.metric(t("overview.sku_count"), number(numbers.sku_count))
lots.metric(t("overview.lot_count"), number(numbers.lot_count))
if len(numbers.ranking_bu):
    leader = numbers.ranking_bu.iloc[0]
    top_bu.metric(t("overview.top_bu_share"), percent(leader["share"]), help=money(leader["value"], cur))
    top_bu.caption(plain(leader["bu"]) or "—")

st.subheader(t("overview.trend"))
grain = st.segmented_control(t("overview.grain"), ["month", "year"], default="month", key="trend_grain",
                             format_func=lambda g: t(f"overview.by_{g}"), required=True)
trend = numbers.trend_month if grain == "month" else numbers.trend_year
st.altair_chart(charts.trend_chart(trend, cur), width="stretch")

st.subheader(t("overview.mix"))
left, right = st.columns(2)
with left:
    st.markdown(f"**{t('overview.by_warehouse')}**")
    st.altair_chart(charts.share_bars(numbers.mix_warehouse, "warehouse", cur), width="stretch")
    table(numbers.mix_warehouse, "mix_by_warehouse", cur)
with right:
    st.markdown(f"**{t('overview.by_stock_type')}**")
    st.altair_chart(charts.share_bars(numbers.mix_stock_type, "stock_type", cur, charts.ORANGE), width="stretch")
    table(numbers.mix_stock_type, "mix_by_stock_type", cur)

st.subheader(t("overview.ranking"))
left, right = st.columns(2)
with left:
    st.markdown(f"**{t('overview.ranking_bu')}**")
    table(numbers.ranking_bu, "ranking_bu", cur)
    st.markdown(f"**{t('overview.abc_summary')}**")
    table(numbers.abc_summary, "abc_summary", cur)
with right:
    st.markdown(f"**{t('overview.ranking_sku')}**")
    table(numbers.abc, "ranking_sku", cur, height=390)

st.markdown(f"**{t('overview.pareto')}**")
st.altair_chart(charts.pareto_chart(numbers.abc, cur), width="stretch")
sheets = {t("overview.trend"): export_frame(trend, cur, money=("tiv",))}
sheets |= {t(name): export_frame(frame, cur, money=("value",), shares=("share",)) for name, frame in (
    ("overview.by_warehouse", numbers.mix_warehouse), ("overview.by_stock_type", numbers.mix_stock_type),
    ("overview.ranking_bu", numbers.ranking_bu), ("overview.ranking_sku", numbers.abc),
    ("overview.abc_summary", numbers.abc_summary))}
workbook_download(sheets, "overview", "overview_workbook")
