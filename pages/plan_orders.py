"""From what-if to what to do: the least stock for a target fill rate, and what to order today."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from core.intake.problems import InputError
from core.sim.optimise import Optimisation, class_settings, optimise
from core.sim.policies import POLICIES
from core.sim.proposals import Proposal, propose
from core.sim.simulation import Scenario
from ui import state
from ui.exports import proposal_sheets
from ui.i18n import money, t
from ui.messages import error_text
from ui.page import through_app
from ui.plan_charts import frontier_chart
from ui.widgets import csv_download, display_frame, export_frame, workbook_download

DEFAULTS = {"po_target": 97.0, "po_weight": "value", "po_by": "class", "po_policy": "periodic",
            "po_review_days": 7, "po_replications": 5, "po_service_level": 95.0, "po_use_plan": False}
SHOWN_ROWS = 500


def initialise_controls() -> None:
    """Defaults, with the policy the what-if page has chosen when it has."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault("po_policy_orders", st.session_state["po_policy"])


def policy_label(policy: str) -> str:
    return t(f"whatif.policy.{policy}")


@st.cache_data(max_entries=8, ttl=state.CACHE_TTL, show_spinner=False)
def run_optimiser(key: str, _params: pd.DataFrame, base: Scenario, target: float, weight: str,
                  by: str) -> Optimisation:
    return optimise(_params, base, target, weight=weight, by=by)


def with_suppliers(params: pd.DataFrame) -> pd.DataFrame:
    """The supplier of each SKU's most valuable lot at the as-of snapshot, where the lots name suppliers."""
    if "supplier" in params and params["supplier"].notna().any():
        return params
    lots = state.dataset().lots
    if "supplier" not in lots:
        return params
    snapshot = lots["snapshot_date"].max() if "snapshot_date" in lots else None
    latest = lots[lots["snapshot_date"] == snapshot] if snapshot is not None else lots
    main = latest.sort_values("value", ascending=False).drop_duplicates("sku").set_index("sku")["supplier"]
    return params.assign(supplier=params["sku"].map(main))


def draw_optimiser(params: pd.DataFrame, key: str, currency: str) -> None:
    st.caption(t("orders.optimise_help"))
    left, middle, right = st.columns(3)
    left.slider(t("orders.target_fill") + " (%)", 80.0, 99.9, step=0.1, key="po_target")
    middle.radio(t("orders.weight"), ("value", "units"), key="po_weight", horizontal=True,
                 format_func=lambda w: t(f"orders.weight.{w}"))
    right.radio(t("orders.by"), ("class", "sku"), key="po_by", horizontal=True,
                format_func=lambda b: t(f"orders.by.{b}"))
    left.selectbox(t("whatif.policy"), POLICIES, key="po_policy", format_func=policy_label)
    middle.number_input(t("whatif.review_days"), 1, 90, key="po_review_days")
    right.slider(t("whatif.replications"), 1, 20, key="po_replications")
    s = st.session_state
    base = Scenario(policy=s["po_policy"], review_days=int(s["po_review_days"]), replications=int(s["po_replications"]),
                    demand_distribution=s.get("wi_demand", "gamma"))
    try:
        with st.spinner(t("orders.running", count=f"{len(params):,}")):
            result = run_optimiser(key, params, base, round(s["po_target"] / 100, 4), s["po_weight"], s["po_by"])
    except ValueError as error:
        st.warning(error_text(error), icon=":material/warning:")
        return
    s["po_plan"] = result
    draw_outcome(result, currency)


def draw_outcome(result: Optimisation, currency: str) -> None:
    cols = st.columns(4)
    cols[0].metric(t("orders.achieved_fill"), f"{result.achieved['fill_rate']:.2%}",
                   help=t("orders.fresh_seeds_help"))
    cols[1].metric(t("orders.plan_inventory"), money(result.achieved["avg_inventory_value"], currency))
    cols[2].metric(t("orders.uniform_inventory", level=f"{result.uniform['service_level']:.1%}"),
                   money(result.uniform["avg_inventory_value"], currency),
                   help=t("orders.uniform_help", fill=f"{result.uniform['fill_rate']:.2%}"))
    cols[3].metric(t("orders.cash_vs_uniform"), money(result.cash_vs_uniform, currency))
    if not result.reached:
        st.warning(t("orders.short_of_target"), icon=":material/warning:")
    st.altair_chart(frontier_chart(result, currency), width="stretch")
    if result.by == "class":
        levels = pd.DataFrame({"abc_class": list(result.class_levels),
                               "service_level": [v * 100 for v in result.class_levels.values()]})
        counts = result.levels["abc_class"].value_counts()
        levels.insert(1, "sku_count", levels["abc_class"].map(counts).astype(int))
        shown, config = display_frame(levels, currency)
        config["service_level"] = st.column_config.NumberColumn(t("col.service_level") + " (%)", format="%.1f")
        st.dataframe(shown, column_config=config, hide_index=True, key="po_class_levels")
        st.button(t("orders.apply"), icon=":material/input:", key="btn_apply_levels", on_click=apply_levels,
                  args=(result,), help=t("orders.apply_help"))
    else:
        counts = result.levels.groupby("service_level").size().rename("sku_count").reset_index()
        counts["service_level"] = counts["service_level"] * 100
        shown, config = display_frame(counts, currency)
        config["service_level"] = st.column_config.NumberColumn(t("col.service_level") + " (%)", format="%.1f")
        st.dataframe(shown, column_config=config, hide_index=True, key="po_sku_levels")
    csv_download(lambda: export_frame(result.levels, currency, shares=("service_level",)), "service_levels",
                 "dl_po_levels", t("orders.download_levels"))


def apply_levels(result: Optimisation) -> None:
    """Put the recommended class levels into the what-if scenario's per-class settings, then open it."""
    s = st.session_state
    s.update({"wi_policy": result.scenario.policy, "wi_review_days": result.scenario.review_days,
              "wi_by_class": True})
    for name, settings in class_settings(result).items():
        s[f"wi_{name}_policy"] = settings.policy
        s[f"wi_{name}_service_level"] = round(settings.service_level * 100, 1)
        s[f"wi_{name}_review_days"] = settings.review_days
    s["po_go_what_if"] = True


def translated(proposal: Proposal) -> Proposal:
    skus = proposal.skus.assign(rule=proposal.skus["rule"].map(lambda r: t(f"orders.rule.{r}")),
                                policy=proposal.skus["policy"].map(policy_label),
                                supplier=proposal.skus["supplier"].fillna(t("orders.no_supplier")))
    suppliers = proposal.suppliers.assign(supplier=proposal.suppliers["supplier"].fillna(t("orders.no_supplier")))
    return replace(proposal, skus=skus, suppliers=suppliers)


def draw_proposals(params: pd.DataFrame, currency: str, today: pd.Timestamp) -> None:
    st.caption(t("orders.propose_help"))
    plan = st.session_state.get("po_plan")
    left, middle, right = st.columns(3)
    left.selectbox(t("whatif.policy"), POLICIES, key="po_policy_orders", format_func=policy_label)
    middle.slider(t("whatif.service_level") + " (%)", 80.0, 99.9, step=0.1, key="po_service_level")
    right.toggle(t("orders.use_plan"), key="po_use_plan", disabled=plan is None, help=t("orders.use_plan_help"))
    s = st.session_state
    scenario = Scenario(policy=s["po_policy_orders"], service_level=round(s["po_service_level"] / 100, 4),
                        review_days=int(s["po_review_days"]))
    stock = with_suppliers(params)
    if s["po_use_plan"] and plan is not None:
        stock = stock.assign(service_level=stock["sku"].map(plan.levels.set_index("sku")["service_level"]))
    try:
        proposed = propose(stock, scenario, today)
        proposal = translated(proposed)
    except ValueError as error:
        st.warning(error_text(error), icon=":material/warning:")
        return
    lines = proposal.skus[proposal.skus["order_qty"] > 0]
    cols = st.columns(3)
    cols[0].metric(t("orders.order_value"), money(proposal.total_value, currency))
    cols[1].metric(t("orders.order_lines"), f"{len(lines):,}",
                   help=t("orders.of_skus", count=f"{len(proposal.skus):,}"))
    ordering = proposed.suppliers[proposed.suppliers["order_qty_lines"] > 0]
    cols[2].metric(t("orders.suppliers"), f"{int(ordering['supplier'].notna().sum()):,}",  # "(no supplier)" is none
                   help=t("orders.no_supplier_lines") if ordering["supplier"].isna().any() else None)
    st.subheader(t("orders.by_supplier"))
    shown, config = display_frame(proposal.suppliers, currency, money=("order_value",))
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch", key="po_suppliers")
    st.subheader(t("orders.lines"))
    columns = ["supplier", "sku", "position", "order_qty", "order_value", "arrival", "rule"]
    biggest = lines.sort_values("order_value", ascending=False)[columns].round({"position": 1, "order_qty": 1})
    shown, config = display_frame(biggest.head(SHOWN_ROWS), currency, money=("order_value",))
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch", key="po_lines")
    workbook_download(lambda: proposal_sheets(proposal, currency), "purchase_proposal", "dl_po_workbook",
                      label=t("orders.download_workbook"))


through_app()
if st.session_state.pop("po_go_what_if", False):
    st.switch_page("pages/what_if.py")
st.title(t("orders.title"))
initialise_controls()
try:
    numbers = state.numbers()
    inputs = state.simulation_inputs(float(st.session_state.get("wi_default_lead", 14)))
except (InputError, ValueError) as error:
    st.error(error_text(error))
    st.stop()
if inputs is None:
    st.info(t("whatif.needs_movements"), icon=":material/info:")
    st.stop()
params, excluded, key = inputs.params, inputs.excluded, inputs.key
if params.empty:
    st.info(t("whatif.no_skus"), icon=":material/info:")
    st.stop()
st.caption(t("whatif.skus", count=f"{len(params):,}") +
           (" · " + t("whatif.excluded", count=len(excluded)) if len(excluded) else ""))
optimiser_tab, orders_tab = st.tabs([t("orders.tab_optimise"), t("orders.tab_orders")])
with optimiser_tab:
    draw_optimiser(params, key, numbers.currency)
with orders_tab:
    draw_proposals(params, numbers.currency, numbers.as_of)
