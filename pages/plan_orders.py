"""From what-if to what to do: the least stock for a target fill rate, and what to order today."""

from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st

from core.intake.problems import InputError
from core.sim.optimise import DEFAULT_REPLICATIONS, Optimisation, SweepRuns, class_settings, optimise
from core.sim.policies import POLICIES
from core.sim.proposals import Proposal, propose, with_lot_suppliers
from core.sim.simulation import Scenario
from ui import state
from ui.exports import proposal_sheets
from ui.i18n import money, points, t
from ui.messages import error_text
from ui.page import through_app
from ui.plan_charts import frontier_chart
from ui.widgets import csv_download, display_frame, export_frame, language_kept_tabs, workbook_download

DEFAULTS = {"po_question": "target", "po_target": 97.0, "po_budget_share": 50, "po_weight": "value", "po_by": "class",
            "po_policy": "periodic", "po_review_days": 7, "po_replications": DEFAULT_REPLICATIONS,
            "po_service_level": 95.0, "po_use_plan": False}
SHOWN_ROWS = 500


def initialise_controls() -> None:
    """Defaults, with the policy the what-if page has chosen when it has."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault("po_policy_orders", st.session_state["po_policy"])


def policy_label(policy: str) -> str:
    return t(f"whatif.policy.{policy}")


@st.cache_resource(max_entries=8, ttl=state.CACHE_TTL, show_spinner=False)
def sweep_runs(key: str, base: Scenario) -> SweepRuns:
    """The optimiser's uniform runs on this data and base scenario, kept for every later question and session:
    moving the target or the budget simulates only the levels not run yet and the fresh-seed checks."""
    return {}


@st.cache_data(max_entries=8, ttl=state.CACHE_TTL, show_spinner=False)
def run_optimiser(key: str, _params: pd.DataFrame, base: Scenario, target: float | None, weight: str,
                  by: str, budget: float | None = None) -> Optimisation:
    ask = partial(optimise, _params, base, target, weight=weight, by=by, budget=budget,
                  sweep_runs=sweep_runs(key, base))
    try:
        return ask(backend=state.sweep_backend())
    except BrokenProcessPool:  # a worker died (out of memory): start new ones next time, answer from here now
        state.simulation_workers.clear()
        return ask(backend=state.simulation_backend())


def today_stock_value(params: pd.DataFrame) -> float | None:
    """Σ on-hand × unit cost, when every SKU has an on-hand."""
    on_hand = params["on_hand"]
    return None if on_hand.isna().any() else float((on_hand * params["unit_cost"]).sum())


def question_controls(params: pd.DataFrame, currency: str, column) -> tuple[float | None, float | None]:
    """(target fill, budget) from the question the user asks; (None, None) when the budget cannot be set."""
    s = st.session_state
    if s["po_question"] == "target":
        column.slider(t("orders.target_fill") + " (%)", 50.0, 99.9, step=0.1, key="po_target")
        return round(s["po_target"] / 100, 4), None
    today = today_stock_value(params)
    if today is None:
        st.info(t("orders.needs_on_hand"), icon=":material/info:")
        return None, None
    column.slider(t("orders.budget_share"), 10, 150, step=1, key="po_budget_share")
    budget = round(today * s["po_budget_share"] / 100, 2)
    column.caption(t("orders.budget_caption", budget=money(budget, currency), today=money(today, currency),
                     release=money(today - budget, currency)))
    return None, budget


def draw_optimiser(params: pd.DataFrame, key: str, currency: str) -> None:
    st.caption(t("orders.optimise_help"))
    st.radio(t("orders.question"), ("target", "budget"), key="po_question", horizontal=True,
             format_func=lambda q: t(f"orders.question.{q}"))
    left, middle, right = st.columns(3)
    target, budget = question_controls(params, currency, left)
    if target is None and budget is None:
        return
    middle.radio(t("orders.weight"), ("value", "units"), key="po_weight", horizontal=True,
                 format_func=lambda w: t(f"orders.weight.{w}"))
    right.radio(t("orders.by"), ("class", "sku"), key="po_by", horizontal=True,
                format_func=lambda b: t(f"orders.by.{b}"))
    left.selectbox(t("whatif.policy"), POLICIES, key="po_policy", format_func=policy_label)
    middle.number_input(t("whatif.review_days"), 1, 90, key="po_review_days")
    right.slider(t("whatif.replications"), 1, 40, key="po_replications",
                 help=t("orders.replications_help", count=DEFAULT_REPLICATIONS))
    s = st.session_state
    base = Scenario(policy=s["po_policy"], review_days=int(s["po_review_days"]), replications=int(s["po_replications"]),
                    demand_distribution=s.get("wi_demand", "gamma"))
    try:
        with st.spinner(t("orders.running", count=f"{len(params):,}")):
            result = run_optimiser(key, params, base, target, s["po_weight"], s["po_by"], budget)
    except ValueError as error:
        st.warning(error_text(error, currency), icon=":material/warning:")
        return
    s["po_plan"] = result
    draw_outcome(result, currency)


def draw_outcome(result: Optimisation, currency: str) -> None:
    cols = st.columns(4)
    cols[0].metric(t("orders.achieved_fill"), f"{result.achieved['fill_rate']:.2%}",
                   help=t("orders.fresh_seeds_help"))
    cols[1].metric(t("orders.plan_inventory"), money(result.achieved["avg_inventory_value"], currency))
    uniform_help = "orders.uniform_help_budget" if result.budget is not None else "orders.uniform_help"
    cols[2].metric(t("orders.uniform_inventory", level=f"{result.uniform['service_level']:.2%}"),
                   money(result.uniform["avg_inventory_value"], currency),
                   help=t(uniform_help, fill=f"{result.uniform['fill_rate']:.2%}"))
    if result.budget is not None:
        gain = result.achieved["fill_rate"] - result.uniform["fill_rate"]
        cols[3].metric(t("orders.fill_vs_uniform"), points(gain))
    else:
        cols[3].metric(t("orders.cash_vs_uniform"), money(result.cash_vs_uniform, currency))
    if result.fallback is not None:
        st.info(t("orders.fallback"), icon=":material/info:")
    if not result.reached:
        st.warning(t("orders.over_budget" if result.budget is not None else "orders.short_of_target"),
                   icon=":material/warning:")
    st.altair_chart(frontier_chart(result, currency), width="stretch")
    if result.by == "class":
        levels = pd.DataFrame({"abc_class": list(result.class_levels),
                               "service_level": [v * 100 for v in result.class_levels.values()]})
        counts = result.levels["abc_class"].value_counts()
        levels.insert(1, "sku_count", levels["abc_class"].map(counts).astype(int))
        shown, config = display_frame(levels, currency)
        config["service_level"] = st.column_config.NumberColumn(t("col.service_level") + " (%)", format="%.2f")
        st.dataframe(shown, column_config=config, hide_index=True, key="po_class_levels")
        low, high = state.LEVEL_SLIDER
        fits = all(low <= level * 100 <= high for level in result.class_levels.values())
        st.button(t("orders.apply"), icon=":material/input:", key="btn_apply_levels", on_click=apply_levels,
                  args=(result,), disabled=not fits,
                  help=t("orders.apply_help") if fits else t("orders.apply_out_of_range"))
    else:
        counts = result.levels.groupby("service_level").size().rename("sku_count").reset_index()
        counts["service_level"] = counts["service_level"] * 100
        shown, config = display_frame(counts, currency)
        config["service_level"] = st.column_config.NumberColumn(t("col.service_level") + " (%)", format="%.2f")
        st.dataframe(shown, column_config=config, hide_index=True, key="po_sku_levels")
    csv_download(lambda: export_frame(result.levels, currency, shares=("service_level",)), "service_levels",
                 "dl_po_levels", t("orders.download_levels"))


def apply_levels(result: Optimisation) -> None:
    """Put the recommended class levels, exactly, into the what-if scenario's per-class settings with the plan's
    policy, horizon, replications and demand model, then open it."""
    s, plan = st.session_state, result.scenario
    s.update({"wi_policy": plan.policy, "wi_review_days": plan.review_days, "wi_by_class": True,
              "wi_replications": plan.replications, "wi_lt_scale": plan.lead_time_scale,
              "wi_lt_cv": plan.lead_time_cv or 0.0, "wi_lost_sales": plan.lost_sales, "wi_demand":
              plan.demand_distribution, "wi_service_target": plan.service_target})
    if plan.horizon_days in state.WHAT_IF_HORIZONS:
        s["wi_horizon"] = plan.horizon_days
    for name, settings in class_settings(result).items():
        s[f"wi_{name}_policy"] = settings.policy
        state.set_service_level(f"wi_{name}_service_level", settings.service_level)
        s[f"wi_{name}_review_days"] = settings.review_days
    s[state.PLAN_HANDOVER_KEY] = {"fill": result.achieved["fill_rate"], "weight": result.weight,
                                  "levels": dict(result.class_levels)}
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
    stock = with_lot_suppliers(params, state.dataset().lots)
    if s["po_use_plan"] and plan is not None:
        stock = stock.assign(service_level=stock["sku"].map(plan.levels.set_index("sku")["service_level"]))
    try:
        ordered = propose(stock, scenario, today)
    except ValueError as error:
        st.warning(error_text(error), icon=":material/warning:")
        return
    proposal = translated(ordered)
    lines = proposal.skus[proposal.skus["order_qty"] > 0]
    cols = st.columns(3)
    cols[0].metric(t("orders.order_value"), money(proposal.total_value, currency))
    cols[1].metric(t("orders.order_lines"), f"{len(lines):,}",
                   help=t("orders.of_skus", count=f"{len(proposal.skus):,}"))
    unnamed = ordered.suppliers[(ordered.suppliers["order_qty_lines"] > 0) & ordered.suppliers["supplier"].isna()]
    cols[2].metric(t("orders.suppliers"), f"{ordered.suppliers_to_order_from:,}",
                   help=t("orders.no_supplier_lines") if len(unnamed) else None)
    st.subheader(t("orders.by_supplier"))
    shown, config = display_frame(proposal.suppliers, currency, money=("order_value",))
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch", key="po_suppliers")
    st.subheader(t("orders.lines"))
    columns = ["supplier", "sku", "position", "order_qty", "order_value", "arrival", "rule"]
    biggest = lines.sort_values("order_value", ascending=False)[columns].round({"position": 1})
    shown, config = display_frame(biggest.head(SHOWN_ROWS), currency, money=("order_value",))
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch", key="po_lines")
    workbook_download(lambda: proposal_sheets(proposal, currency), "purchase_proposal", "dl_po_workbook",
                      label=t("orders.download_workbook"))


through_app()
if st.session_state.pop("po_go_what_if", False):
    st.switch_page("pages/what_if.py")
st.title(t("nav.plan_orders"))
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
params, key = inputs.params, inputs.key
if params.empty:
    st.info(t("whatif.no_skus"), icon=":material/info:")
    st.stop()
st.caption(inputs.scope_caption())
optimiser_tab, orders_tab = language_kept_tabs("po_tab", {"optimise": t("orders.tab_optimise"),
                                                          "orders": t("orders.tab_orders")})
with optimiser_tab:
    draw_optimiser(params, key, numbers.currency)
with orders_tab:
    draw_proposals(params, numbers.currency, numbers.as_of)
