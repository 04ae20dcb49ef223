"""The efficient-frontier chart of the planning page: inventory value against fill rate, uniform vs optimised."""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.sim.optimise import Optimisation
from ui.charts import BLUE, GREEN, GREY, RED
from ui.i18n import money_divisor, money_unit, t


def frontier_chart(result: Optimisation, currency: str) -> alt.LayerChart:
    """Both frontiers (tuning seeds), the plan and the best uniform level as checked on fresh seeds, the target
    fill rate and, when every SKU has an on-hand, today's stock value."""
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
        "kind": [t("orders.mark.plan"), t("orders.mark.uniform", level=f"{result.uniform['service_level']:.1%}")],
    })
    points = alt.Chart(marks).mark_point(size=200, shape="diamond", filled=True).encode(
        x="amount:Q", y="fill:Q", tooltip=tooltip,
        color=alt.Color("kind:N", scale=alt.Scale(range=[GREEN, RED]), legend=None))
    # the plan sits just left of and below the uniform point: its label goes below-left, the other above-right
    plan_label = alt.Chart(marks.head(1)).mark_text(dx=-10, dy=16, align="right", fontWeight="bold",
                                                    color=GREEN).encode(x="amount:Q", y="fill:Q", text="kind:N")
    uniform_label = alt.Chart(marks.tail(1)).mark_text(dx=10, dy=-16, align="left", fontWeight="bold",
                                                       color=RED).encode(x="amount:Q", y="fill:Q", text="kind:N")
    target = alt.Chart(pd.DataFrame({"fill": [result.target_fill * 100], "kind": [t("orders.target")]})).mark_rule(
        strokeDash=[4, 4], color=RED).encode(y="fill:Q", tooltip=[alt.Tooltip("kind:N", title=" "),
                                                                  alt.Tooltip("fill:Q", title=fill, format=".2f")])
    layers = [uniform, optimised, target, points, plan_label, uniform_label]
    if result.current_inventory_value is not None:
        today = pd.DataFrame({"amount": [result.current_inventory_value / divisor], "kind": [t("orders.today")]})
        layers.append(alt.Chart(today).mark_rule(strokeDash=[2, 3], color=GREY).encode(
            x="amount:Q", tooltip=[alt.Tooltip("kind:N", title=" "),
                                   alt.Tooltip("amount:Q", title=money, format=",.2f")]))
    return alt.layer(*layers).properties(height=380)
