"""The efficient-frontier chart of the planning page: inventory value against fill rate, uniform vs optimised."""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.sim.optimise import Optimisation
from ui.charts import BLUE, GREEN, GREY, RED
from ui.i18n import money as money_text
from ui.i18n import money_divisor, money_unit, t


def frontier_chart(result: Optimisation, currency: str) -> alt.LayerChart:
    """Both frontiers over the whole range of levels (tuning seeds), the plan and the best uniform level as checked
    on fresh seeds — each labelled beside its own point — the target fill rate (or the budget) and, when every SKU
    has an on-hand, today's stock value."""
    divisor = money_divisor(currency)
    money = f"{t('col.value')} ({money_unit(currency)})"
    fill = t("col.fill_rate") + " (%)"
    kinds = {"uniform": t("orders.kind.uniform"), "optimised": t("orders.kind.optimised")}
    curve = result.frontier.assign(amount=result.frontier["avg_inventory_value"] / divisor,
                                   fill=result.frontier["fill_rate"] * 100, kind=result.frontier["kind"].map(kinds))
    x = alt.X("amount:Q", title=money, scale=alt.Scale(zero=False))
    y = alt.Y("fill:Q", title=fill, scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("kind:N", title=" "), alt.Tooltip("fill:Q", title=fill, format=".2f"),
               alt.Tooltip("amount:Q", title=money, format=",.2f")]
    color = alt.Color("kind:N", title=None, scale=alt.Scale(domain=list(kinds.values()), range=[GREY, BLUE]),
                      legend=alt.Legend(orient="bottom"))
    optimised = alt.Chart(curve[curve["kind"] == kinds["optimised"]]).mark_line(point=True).encode(
        x=x, y=y, tooltip=tooltip, color=color)
    uniform = alt.Chart(curve[curve["kind"] == kinds["uniform"]]).mark_line(
        strokeDash=[6, 3], strokeWidth=2.5, point=alt.OverlayMarkDef(shape="square", size=70, filled=True)).encode(
        x=x, y=y, tooltip=tooltip, color=color)
    marks = pd.DataFrame({
        "amount": [result.achieved["avg_inventory_value"] / divisor, result.uniform["avg_inventory_value"] / divisor],
        "fill": [result.achieved["fill_rate"] * 100, result.uniform["fill_rate"] * 100],
        "kind": [t("orders.mark.plan"), t("orders.mark.uniform", level=f"{result.uniform['service_level']:.2%}")],
    })
    plan_point, uniform_point = (
        alt.Chart(frame).mark_point(size=200, shape="diamond", filled=True, color=colour, opacity=1).encode(
            x="amount:Q", y="fill:Q", tooltip=tooltip)
        for frame, colour in ((marks.head(1), GREEN), (marks.tail(1), RED)))
    # each label starts right beside its own point (same x and y, a few pixels to the right), so it names the
    # point it stands next to; the plan's sits above its point, the uniform level's below, as the two are close
    plan_label = alt.Chart(marks.head(1)).mark_text(dx=9, dy=-9, align="left", baseline="bottom",
                                                    fontWeight="bold", color=GREEN).encode(
        x="amount:Q", y="fill:Q", text="kind:N")
    uniform_label = alt.Chart(marks.tail(1)).mark_text(dx=9, dy=9, align="left", baseline="top",
                                                       fontWeight="bold", color=RED).encode(
        x="amount:Q", y="fill:Q", text="kind:N")
    layers = [uniform, optimised, _goal(result, divisor, money, fill), uniform_point, plan_point, plan_label,
              uniform_label]
    if result.current_inventory_value is not None:
        layers += _today(result.current_inventory_value, divisor, money, currency)
    return alt.layer(*layers).properties(height=380)


def _goal(result: Optimisation, divisor: float, money: str, fill: str) -> alt.Chart:
    """The target fill rate (a horizontal rule) or the stock budget (a vertical one)."""
    if result.budget is not None:
        frame = pd.DataFrame({"amount": [result.budget / divisor], "kind": [t("orders.budget")]})
        return alt.Chart(frame).mark_rule(strokeDash=[4, 4], color=RED).encode(
            x="amount:Q", tooltip=[alt.Tooltip("kind:N", title=" "), alt.Tooltip("amount:Q", title=money,
                                                                                format=",.2f")])
    frame = pd.DataFrame({"fill": [result.target_fill * 100], "kind": [t("orders.target")]})
    return alt.Chart(frame).mark_rule(strokeDash=[4, 4], color=RED).encode(
        y="fill:Q", tooltip=[alt.Tooltip("kind:N", title=" "), alt.Tooltip("fill:Q", title=fill, format=".2f")])


def _today(value: float, divisor: float, money: str, currency: str) -> list[alt.Chart]:
    """Today's stock value: a vertical rule, labelled at the top of the plot at exactly that value."""
    frame = pd.DataFrame({"amount": [value / divisor],
                          "kind": [t("orders.mark.today", value=money_text(value, currency))]})
    rule = alt.Chart(frame).mark_rule(strokeDash=[2, 3], color=GREY).encode(
        x="amount:Q", tooltip=[alt.Tooltip("kind:N", title=" "), alt.Tooltip("amount:Q", title=money,
                                                                            format=",.2f")])
    label = alt.Chart(frame).mark_text(align="right", baseline="top", dx=-4, y=4, color=GREY).encode(
        x="amount:Q", text="kind:N")
    return [rule, label]
