"""Altair charts with tooltips; money on axes in the display unit (万 where CNY)."""

from __future__ import annotations

import functools
import json

import altair as alt
import pandas as pd
from streamlit.elements.vega_charts import _altair_globals_lock  # Altair's theme is global to every thread

from ui.i18n import language, money_divisor, money_unit, stock_type_label, t

BLUE, ORANGE, RED, GREEN, GREY = "#1f6feb", "#f59e0b", "#dc2626", "#16a34a", "#94a3b8"


def _money_title(currency: str) -> str:
    return f"{t('col.value')} ({money_unit(currency)})"


def trend_chart(trend: pd.DataFrame, currency: str) -> alt.Chart:
    divisor = money_divisor(currency)
    data = trend.assign(amount=trend["tiv"] / divisor)
    return alt.Chart(data).mark_bar(color=BLUE, cornerRadiusTopLeft=3, cornerRadiusTopRight=3).encode(
        x=alt.X("period:N", title=t("col.period"), sort=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("amount:Q", title=_money_title(currency)),
        tooltip=[alt.Tooltip("period:N", title=t("col.period")),
                 alt.Tooltip("amount:Q", title=_money_title(currency), format=",.2f")],
    ).properties(height=300)


def share_bars(table: pd.DataFrame, by: str, currency: str, color: str = BLUE) -> alt.Chart:
    divisor = money_divisor(currency)
    labels = table[by].map(stock_type_label) if by == "stock_type" else table[by].replace("", "—")
    data = table.assign(label=labels, amount=table["value"] / divisor, pct=table["share"] * 100)
    return alt.Chart(data).mark_bar(color=color).encode(
        y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False, labelLimit=220)),
        x=alt.X("amount:Q", title=_money_title(currency)),
        tooltip=[alt.Tooltip("label:N", title=t(f"col.{by}")),
                 alt.Tooltip("amount:Q", title=_money_title(currency), format=",.2f"),
                 alt.Tooltip("pct:Q", title=f"{t('col.share')} (%)", format=".1f")],
    ).properties(height=max(160, 34 * len(data)))


def pareto_chart(abc: pd.DataFrame, currency: str, top: int = 60) -> alt.LayerChart:
    """Top SKUs by value (bars, coloured by ABC class) with the cumulative share (line, right axis)."""
    divisor = money_divisor(currency)
    data = abc.head(top).assign(amount=lambda f: f["value"] / divisor, cumulative=abc["share"].cumsum().head(top) * 100,
                                rank=range(1, min(top, len(abc)) + 1))
    base = alt.Chart(data).encode(x=alt.X("sku:N", sort=None, title=t("col.sku"), axis=alt.Axis(labels=False)))
    tooltip = [alt.Tooltip("rank:Q", title="#"), alt.Tooltip("sku:N", title=t("col.sku")),
               alt.Tooltip("amount:Q", title=_money_title(currency), format=",.2f"),
               alt.Tooltip("abc:N", title=t("col.abc")),
               alt.Tooltip("cumulative:Q", title=t("overview.cumulative_share"), format=".1f")]
    bars = base.mark_bar().encode(
        y=alt.Y("amount:Q", title=_money_title(currency)),
        color=alt.Color("abc:N", title=t("col.abc"), scale=alt.Scale(domain=["A", "B", "C"],
                                                                      range=[BLUE, ORANGE, GREY])),
        tooltip=tooltip)
    line = base.mark_line(color=RED, point=True).encode(
        y=alt.Y("cumulative:Q", title=t("overview.cumulative_share"), scale=alt.Scale(domain=[0, 100])),
        tooltip=tooltip)
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=320)


def aging_chart(by_type: pd.DataFrame, buckets: list[str], currency: str) -> alt.Chart:
    divisor = money_divisor(currency)
    data = by_type.assign(amount=by_type["value"] / divisor, type_label=by_type["stock_type"].map(stock_type_label))
    codes = sorted(data["stock_type"].dropna().astype(str).unique())
    names = json.dumps({code: stock_type_label(code) for code in codes}, ensure_ascii=False)
    colours = alt.Scale(domain=codes, scheme="tableau10")  # by code: a stock type keeps its colour in every language
    bucket_names = json.dumps({b: t(f"bucket.{b}") for b in buckets}, ensure_ascii=False)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("bucket:N", sort=buckets, title=t("col.bucket"),
                axis=alt.Axis(labelAngle=0, labelExpr=f"{bucket_names}[datum.label] || datum.label")),
        y=alt.Y("sum(amount):Q", title=_money_title(currency)),
        color=alt.Color("stock_type:N", title=t("col.stock_type"), scale=colours,
                        legend=alt.Legend(labelExpr=f"{names}[datum.label] || datum.label")),
        tooltip=[alt.Tooltip("bucket:N", title=t("col.bucket")), alt.Tooltip("type_label:N", title=t("col.stock_type")),
                 alt.Tooltip("sum(amount):Q", title=_money_title(currency), format=",.2f")],
    ).properties(height=320)


def slob_chart(table: pd.DataFrame, target: float) -> alt.LayerChart:
    data = table.assign(pct=table["slob_share"] * 100, type_label=table["stock_type"].map(stock_type_label))
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("type_label:N", sort="-x", title=None),
        x=alt.X("pct:Q", title=f"{t('risk.slob_share_of_type')} (%)"),
        color=alt.condition(alt.datum.pct > target * 100, alt.value(RED), alt.value(GREEN)),
        tooltip=[alt.Tooltip("type_label:N", title=t("col.stock_type")),
                 alt.Tooltip("pct:Q", title="SLOB %", format=".1f"),
                 alt.Tooltip("threshold_days:Q", title=t("col.threshold_days"))])
    rule = alt.Chart(pd.DataFrame({"x": [target * 100]})).mark_rule(color=GREY, strokeDash=[4, 4]).encode(x="x:Q")
    return alt.layer(bars, rule).properties(height=max(160, 30 * len(data)))


RUN_COLOURS = ["#475569", BLUE, RED, GREEN, ORANGE]  # runs told apart at a glance, legend whole


def _daily_value_frame(series: dict[str, pd.DataFrame], currency: str) -> pd.DataFrame:
    divisor = money_divisor(currency)
    data = pd.concat([s.assign(run=name) for name, s in series.items()], ignore_index=True)
    data[["mean", "p05", "p95"]] = data[["mean", "p05", "p95"]] / divisor
    return data


def _daily_value_layers(data: pd.DataFrame | alt.NamedData, names: list[str], currency: str,
                        days: tuple[float, float]) -> alt.LayerChart:
    palette = alt.Scale(domain=names, range=RUN_COLOURS[:len(names)])
    legend = alt.Legend(orient="bottom", direction="vertical", labelLimit=0, symbolStrokeWidth=3, symbolOpacity=1)
    scale = alt.Scale(domain=list(days), nice=False)  # the horizon's own days: no empty tail to a round number
    base = alt.Chart(data).encode(x=alt.X("day:Q", title=t("whatif.day"), scale=scale),
                                  color=alt.Color("run:N", title=None, sort=names, scale=palette, legend=legend))
    band = base.mark_area(opacity=0.12).encode(y=alt.Y("p05:Q", title=_money_title(currency)), y2="p95:Q")
    line = base.mark_line(strokeWidth=2.5).encode(y="mean:Q", tooltip=[
        alt.Tooltip("run:N", title=" "), alt.Tooltip("day:Q", title=t("whatif.day")),
        alt.Tooltip("mean:Q", title=_money_title(currency), format=",.2f")])
    return alt.layer(band, line).properties(height=320)


def daily_value_chart(series: dict[str, pd.DataFrame], currency: str) -> alt.LayerChart:
    """Projected daily inventory value of several runs: mean line and 5–95 % band."""
    data = _daily_value_frame(series, currency)
    return _daily_value_layers(data, list(series), currency, _day_range(data))


def _day_range(data: pd.DataFrame) -> tuple[float, float]:
    return float(data["day"].min()), float(data["day"].max())


def daily_value_spec(series: dict[str, pd.DataFrame], currency: str) -> dict:
    """`daily_value_chart` as the Vega-Lite spec `st.vega_lite_chart` draws: Altair builds and checks the chart
    once per run names, currency and language, and each redraw fills that spec with its own days (a moved
    what-if control spends ~1 ms here instead of ~70 ms building and validating the same chart again)."""
    data = _daily_value_frame(series, currency)
    return _filled(_daily_value_template(tuple(series), currency, language(), _day_range(data)), {"days": data})


@functools.lru_cache(maxsize=64)
def _daily_value_template(names: tuple[str, ...], currency: str, _language: str, days: tuple[float, float]) -> str:
    return _spec_of(_daily_value_layers(alt.NamedData(name="days"), list(names), currency, days))


def _tradeoff_frames(curve: pd.DataFrame, current: dict, currency: str) -> dict[str, pd.DataFrame]:
    divisor = money_divisor(currency)
    data = curve.assign(amount=curve["avg_inventory_value"] / divisor, fill=curve["fill_rate"] * 100,
                        level=curve["service_level"] * 100)
    marker = pd.DataFrame({"amount": [current["avg_inventory_value"] / divisor], "fill": [current["fill_rate"] * 100],
                           "label": [t("whatif.current_position")]})
    return {"curve": data, "position": marker}


def _tradeoff_layers(data: pd.DataFrame | alt.NamedData, marker: pd.DataFrame | alt.NamedData,
                     currency: str) -> alt.LayerChart:
    tooltip = [alt.Tooltip("level:Q", title=t("whatif.service_level") + " (%)", format=".1f"),
               alt.Tooltip("fill:Q", title=t("col.fill_rate") + " (%)", format=".2f"),
               alt.Tooltip("amount:Q", title=_money_title(currency), format=",.2f")]
    line = alt.Chart(data).mark_line(point=True, color=BLUE).encode(
        x=alt.X("amount:Q", title=_money_title(currency), scale=alt.Scale(zero=False)),
        y=alt.Y("fill:Q", title=t("col.fill_rate") + " (%)", scale=alt.Scale(zero=False)), tooltip=tooltip)
    point = alt.Chart(marker).mark_point(size=220, shape="diamond", filled=True, color=RED).encode(
        x="amount:Q", y="fill:Q", tooltip=[alt.Tooltip("label:N", title=" ")])
    text = alt.Chart(marker).mark_text(dx=12, align="left", color=RED).encode(x="amount:Q", y="fill:Q", text="label:N")
    return alt.layer(line, point, text).properties(height=340)


def tradeoff_chart(curve: pd.DataFrame, current: dict, currency: str) -> alt.LayerChart:
    """Average inventory value against fill rate across service levels; the current settings marked."""
    frames = _tradeoff_frames(curve, current, currency)
    return _tradeoff_layers(frames["curve"], frames["position"], currency)


def tradeoff_spec(curve: pd.DataFrame, current: dict, currency: str) -> dict:
    """`tradeoff_chart` as a Vega-Lite spec built once per currency and language (see `daily_value_spec`)."""
    return _filled(_tradeoff_template(currency, language()), _tradeoff_frames(curve, current, currency))


@functools.lru_cache(maxsize=16)
def _tradeoff_template(currency: str, _language: str) -> str:
    return _spec_of(_tradeoff_layers(alt.NamedData(name="curve"), alt.NamedData(name="position"), currency))


def _spec_of(chart: alt.TopLevelMixin) -> str:
    """The chart's Vega-Lite spec as JSON, as `st.altair_chart` makes it (without Altair's default theme), its
    data left as the named datasets it was built on."""
    with _altair_globals_lock, alt.theme.enable("none"):
        return json.dumps(chart.to_dict(), ensure_ascii=False)


def _filled(template: str, frames: dict[str, pd.DataFrame]) -> dict:
    """A spec from its template with these frames as its named datasets (`st.vega_lite_chart` sends them as Arrow)."""
    spec = json.loads(template)
    spec["datasets"] = frames
    return spec
