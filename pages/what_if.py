"""What-if: change lead times, service levels and policies, and watch turnover, stockouts and cash move."""

from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

import pandas as pd
import streamlit as st

from core.formatting import percent
from core.intake.problems import InputError
from core.sim import day_step
from core.sim.parallel import simulate_parallel
from core.sim.policies import POLICIES
from core.sim.scenarios import from_query, to_query, tradeoff_scenarios
from core.sim.simulation import ClassSettings, Scenario, SimulationResult, compare, simulate
from core.storage import EditConflict
from ui import charts, state
from ui.exports import scenario_settings, scenario_table, sku_results
from ui.i18n import address_language, kpi_change, kpi_delta, kpi_value, money, plain, t
from ui.messages import error_text, shortfall_is_chance, shortfall_text
from ui.page import through_app
from ui.widgets import csv_download, workbook_download

CLASSES = ("A", "B", "C")
DEFAULT_BASELINE = "__default__"
HEADLINE = ("avg_inventory_value", "cash_release", "ito", "dio", "fill_rate", "cycle_service_level", "stockout_days")
DEFAULTS = {"wi_policy": "periodic", "wi_service_level": 95.0, "wi_review_days": 7, "wi_order_rule": "auto",
            "wi_cover_days": 30, "wi_lt_scale": 1.0, "wi_lt_cv": 0.0, "wi_horizon": 365, "wi_replications": 20,
            "wi_lost_sales": False, "wi_demand": "gamma", "wi_by_class": False, "wi_default_lead": 14,
            "wi_service_target": "csl"}


def scenario_from_state() -> Scenario:
    s = st.session_state
    by_class = {}
    if s.get("wi_by_class"):
        by_class = {c: ClassSettings(policy=s.get(f"wi_{c}_policy"), service_level=state.service_level(
                                         f"wi_{c}_service_level", s["wi_service_level"]),
                                     review_days=int(s.get(f"wi_{c}_review_days", 7))) for c in CLASSES}
    return Scenario(policy=s["wi_policy"], service_level=state.service_level("wi_service_level"),
                    review_days=int(s["wi_review_days"]), lead_time_scale=float(s["wi_lt_scale"]),
                    lead_time_cv=float(s["wi_lt_cv"]) or None, order_rule=s["wi_order_rule"],
                    cover_days=float(s["wi_cover_days"]), horizon_days=int(s["wi_horizon"]),
                    replications=int(s["wi_replications"]), lost_sales=bool(s["wi_lost_sales"]),
                    demand_distribution=s["wi_demand"], service_target=s["wi_service_target"], by_class=by_class)


def scenario_to_state(scenario: Scenario) -> None:
    """Set every control from a scenario (call before the widgets are drawn, e.g. in a callback)."""
    s = st.session_state
    state.set_service_level("wi_service_level", scenario.service_level)
    s.update({"wi_policy": scenario.policy, "wi_review_days": scenario.review_days,
              "wi_order_rule": scenario.order_rule, "wi_cover_days": int(scenario.cover_days),
              "wi_lt_scale": scenario.lead_time_scale,
              "wi_lt_cv": scenario.lead_time_cv or 0.0, "wi_horizon": scenario.horizon_days,
              "wi_replications": scenario.replications, "wi_lost_sales": scenario.lost_sales,
              "wi_demand": scenario.demand_distribution, "wi_by_class": bool(scenario.by_class),
              "wi_service_target": scenario.service_target})
    for name, settings in scenario.by_class.items():
        s[f"wi_{name}_policy"] = settings.policy or scenario.policy
        state.set_service_level(f"wi_{name}_service_level", settings.service_level or scenario.service_level)
        s[f"wi_{name}_review_days"] = settings.review_days or scenario.review_days


def default_controls() -> None:
    """Every control's value, at its default where unset. Streamlit drops the value of a control a run did not
    draw (review days under min-max), so each run of the page and of its fragment puts the defaults back."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def initialise_controls() -> None:
    default_controls()
    if not st.session_state.get("wi_query_applied"):
        st.session_state["wi_query_applied"] = True
        query = st.query_params.to_dict()
        if "policy" in query:
            try:
                scenario_to_state(from_query(query))
            except (ValueError, TypeError):
                st.toast(t("whatif.bad_link"), icon=":material/link_off:")


@st.cache_data(max_entries=64, ttl=state.CACHE_TTL, show_spinner=False)
def run(key: str, _params: pd.DataFrame, scenario: Scenario, current_value: float | None = None) -> SimulationResult:
    """`current_value`: the lots' TIV within the filters, the same figure the other pages show as TIV. The
    replications run side by side on the other cores when there are some."""
    day_step.prefer_compiled()  # the server runs for hours: numba's start-up is paid once, at the first run
    if state.CORES < 2:
        return simulate(_params, scenario, current_value)
    try:
        return simulate_parallel(_params, scenario, state.simulation_workers(), parts=state.CORES,
                                 current_inventory_value=current_value)
    except BrokenProcessPool:
        state.simulation_workers.clear()
        return simulate(_params, scenario, current_value)


def policy_label(policy: str) -> str:
    return t(f"whatif.policy.{policy}")


def draw_controls() -> None:
    st.segmented_control(t("whatif.policy"), POLICIES, key="wi_policy", format_func=policy_label, required=True)
    left, middle, right = st.columns(3)
    with left:
        st.slider(t("whatif.service_level") + " (%)", *state.LEVEL_SLIDER, step=0.1, key="wi_service_level",
                  help=t("whatif.service_level_help"))
        st.radio(t("whatif.service_target"), ("csl", "fill"), key="wi_service_target", horizontal=True,
                 format_func=lambda k: t(f"whatif.service_target.{k}"), help=t("whatif.service_target_help"))
        if st.session_state["wi_policy"] == "periodic":
            st.number_input(t("whatif.review_days"), 1, 90, key="wi_review_days")
        else:
            st.selectbox(t("whatif.order_rule"), ("auto", "eoq", "cover"), key="wi_order_rule",
                         format_func=lambda r: t(f"whatif.rule.{r}"))
            st.number_input(t("whatif.cover_days"), 1, 365, key="wi_cover_days")
    with middle:
        st.slider(t("whatif.lead_time_scale"), 0.5, 2.0, step=0.1, key="wi_lt_scale", format="%.1f×")
        st.slider(t("whatif.lead_time_cv"), 0.0, 0.5, step=0.05, key="wi_lt_cv", help=t("whatif.lead_time_cv_help"))
        st.toggle(t("whatif.lost_sales"), key="wi_lost_sales", help=t("whatif.lost_sales_help"))
    with right:
        st.select_slider(t("whatif.horizon"), state.WHAT_IF_HORIZONS, key="wi_horizon")
        st.slider(t("whatif.replications"), 1, 50, key="wi_replications")
        st.radio(t("whatif.demand"), ("gamma", "normal"), key="wi_demand", horizontal=True,
                 format_func=lambda d: t(f"whatif.demand.{d}"), help=t("whatif.demand_help"))
    with st.expander(t("whatif.by_class")):
        st.toggle(t("whatif.by_class_on"), key="wi_by_class")
        if st.session_state["wi_by_class"]:
            for column, name in zip(st.columns(3), CLASSES, strict=True):
                with column:
                    st.markdown(f"**{t('col.abc')} {name}**")
                    st.session_state.setdefault(f"wi_{name}_policy", st.session_state["wi_policy"])
                    st.session_state.setdefault(f"wi_{name}_service_level", st.session_state["wi_service_level"])
                    st.session_state.setdefault(f"wi_{name}_review_days", st.session_state["wi_review_days"])
                    st.selectbox(t("whatif.policy"), POLICIES, key=f"wi_{name}_policy", format_func=policy_label)
                    st.slider(t("whatif.service_level") + " (%)", *state.LEVEL_SLIDER, step=0.1,
                              key=f"wi_{name}_service_level")
                    st.number_input(t("whatif.review_days"), 1, 90, key=f"wi_{name}_review_days")


def baseline_scenario(scenario: Scenario) -> tuple[str, Scenario]:
    """The chosen baseline, on the scenario's horizon, replications, seed and demand model (a paired comparison)."""
    choice = st.session_state.get("wi_baseline", DEFAULT_BASELINE)
    base = Scenario()
    if choice != DEFAULT_BASELINE:
        try:
            base = Scenario.from_dict(state.store().load_scenario(choice))
        except KeyError:
            choice = DEFAULT_BASELINE
    aligned = replace(base, horizon_days=scenario.horizon_days, warmup_days=scenario.warmup_days,
                      replications=scenario.replications, seed=scenario.seed,
                      demand_distribution=scenario.demand_distribution)
    return (t("whatif.default_baseline") if choice == DEFAULT_BASELINE else choice), aligned


def draw_plan_handover() -> None:
    """Levels applied from Plan & orders, while every class slider still holds its level: they are simulated
    exactly, but on this page's random seeds, so its figures differ a little from the plan's."""
    handover = st.session_state.get(state.PLAN_HANDOVER_KEY)
    if not handover or not st.session_state.get("wi_by_class"):
        return
    keys = {f"wi_{name}_service_level": level for name, level in handover["levels"].items()}
    if state.exact_levels_in_force(list(keys)) != keys:
        return
    levels = " · ".join(f"{name} {percent(level, 2)}" for name, level in handover["levels"].items())
    st.info(t("whatif.from_plan", levels=levels, fill=percent(handover["fill"], 2),
              weight=t(f"whatif.plan_weight.{handover['weight']}")), icon=":material/input:")


def draw_service_delivered(result: SimulationResult) -> None:
    """What was targeted beside what the simulation delivered, and the SKUs that fall short, named."""
    measure = t(f"whatif.service_target.{result.scenario.service_target}")
    by_target = result.service_by_target()
    if len(by_target) <= 1:
        st.markdown("**" + t("whatif.service_delivered", measure=measure, target=percent(by_target["target"].iloc[0]),
                               achieved=percent(result.achieved_service)) + "**")
    else:
        st.markdown("**" + measure + "**  \n" + "  \n".join(
            t("whatif.service_delivered", measure=f"{t('col.abc')} {row.classes}", target=percent(row.target),
              achieved=percent(row.achieved)) for row in by_target.itertuples()))
    shortfall = shortfall_text(result.skus, result.scenario.service_measure, result.scenario.service_target)
    if shortfall and shortfall_is_chance(result.skus):
        st.caption(shortfall)  # as many as chance alone leaves short: said, not raised as a warning
    elif shortfall:
        st.warning(shortfall, icon=":material/warning:")


def draw_results(params: pd.DataFrame, key: str, scenario: Scenario, currency: str,
                 current_value: float | None = None) -> None:
    baseline_name, baseline = baseline_scenario(scenario)
    with st.spinner(t("whatif.running")):
        result = run(key, params, scenario, current_value)
        base = run(key, params, baseline, current_value)
    table = compare(result, base).set_index("metric")
    st.subheader(t("whatif.results"))
    for column, metric in zip([*st.columns(4), *st.columns(4)[:3]], HEADLINE, strict=True):
        delta = table.loc[metric, "delta"]
        column.metric(t(f"whatif.metric.{metric}"), kpi_value(metric, result.totals[metric], currency),
                      delta=kpi_delta(metric, delta, currency),
                      delta_color="inverse" if metric in ("avg_inventory_value", "dio", "stockout_days") else "normal",
                      help=t("whatif.spread", low=kpi_value(metric, result.spread.loc[metric, "p05"], currency),
                             high=kpi_value(metric, result.spread.loc[metric, "p95"], currency)))
    draw_service_delivered(result)
    st.caption(t("whatif.versus", baseline=plain(baseline_name),
                 current=money(result.current_inventory_value, currency)))
    shown = pd.DataFrame({
        t("whatif.metric"): [t(f"whatif.metric.{m}") for m in table.index],
        baseline_name: [kpi_value(m, v, currency) for m, v in table["baseline"].items()],
        t("whatif.scenario"): [kpi_value(m, v, currency) for m, v in table["scenario"].items()],
        t("whatif.delta"): [kpi_change(m, v, currency) for m, v in table["delta"].items()],
        t("whatif.delta_range"): [f"{kpi_change(m, table.loc[m, 'p05'], currency)} … "
                                  f"{kpi_change(m, table.loc[m, 'p95'], currency)}" for m in table.index],
    })
    st.dataframe(shown, hide_index=True, width="stretch", key="df_scenario_comparison")
    series = {baseline_name: base.daily_value, t("whatif.scenario"): result.daily_value}
    st.vega_lite_chart(charts.daily_value_spec(series, currency), width="stretch")
    draw_tradeoff(params, key, scenario, result, currency)
    csv_download(lambda: sku_results(result.skus, currency), "scenario_skus", "dl_scenario_skus",
                 t("whatif.download_skus"))


def draw_tradeoff(params: pd.DataFrame, key: str, scenario: Scenario, result: SimulationResult, currency: str) -> None:
    st.subheader(t("whatif.tradeoff"))
    st.caption(t("whatif.tradeoff_help", policy=policy_label(scenario.policy)))
    bar = st.progress(0.0, text=t("whatif.running"))
    rows, points = [], tradeoff_scenarios(scenario)
    for i, point in enumerate(points):
        rows.append({"service_level": point.service_level, **run(key, params, point).totals})
        bar.progress((i + 1) / len(points), text=t("whatif.running"))
    bar.empty()
    st.vega_lite_chart(charts.tradeoff_spec(pd.DataFrame(rows), result.totals, currency), width="stretch")


def seen_versions() -> dict[str, int]:
    """The version of each scenario of the dataset on screen this session last loaded, saved or was asked to
    replace."""
    return st.session_state.setdefault("wi_seen_versions", {}).setdefault(state.store().dataset, {})


def save_scenario(scenario: Scenario, overwrite: bool = False) -> None:
    """Save under the typed name in one click; an existing name is only replaced once the user confirms, and a
    scenario someone else saved since this session last saw it is not replaced: the user is told what it holds."""
    name = str(st.session_state.get("wi_name") or "").strip()
    st.session_state.pop("wi_overwrite", None)
    st.session_state.pop("wi_conflict", None)
    if not name:
        st.toast(t("whatif.name_needed"), icon=":material/edit:")
        return
    current = state.store().scenario_versions().get(name, 0)
    seen = seen_versions().get(name, current) if current else 0
    if current and seen == current and state.store().saved_scenario(name)[0] == scenario.to_dict():
        st.toast(t("whatif.saved", name=plain(name)), icon=":material/check:")  # a second click (or Enter, then
        return  # a click) on what is saved already: nothing to replace, nothing to ask
    if current and seen == current and not overwrite:
        st.session_state["wi_overwrite"] = (name, scenario, current)
    else:  # a stale `seen` is refused by the store, and the user told
        overwrite_scenario(name, scenario, seen)


def confirm_overwrite() -> None:
    name, scenario, version = st.session_state["wi_overwrite"]
    st.warning(t("whatif.overwrite_question", name=plain(name)), icon=":material/warning:")
    yes, no = st.columns(2)
    yes.button(t("whatif.overwrite"), key="btn_overwrite_scenario", type="primary", on_click=overwrite_scenario,
               args=(name, scenario, version))
    no.button(t("whatif.keep"), key="btn_keep_scenario", on_click=st.session_state.pop, args=("wi_overwrite",))


def overwrite_scenario(name: str, scenario: Scenario, version: int) -> None:
    """Save over `version` of the scenario, the one the user saw (0: the name was free)."""
    st.session_state.pop("wi_overwrite", None)
    try:
        seen_versions()[name] = state.store().save_scenario(name, scenario.to_dict(), version=version)
    except EditConflict as conflict:
        tell_scenario_conflict(name, conflict)
        return
    st.toast(t("whatif.saved", name=plain(name)), icon=":material/check:")


def tell_scenario_conflict(name: str, conflict: EditConflict) -> None:
    """Keep the refused save's story for the page to tell, and count the winner's version as seen."""
    now = conflict.current[name]
    if now:
        seen_versions()[name] = now["version"]
    else:
        seen_versions().pop(name, None)
    st.session_state["wi_conflict"] = (name, now.get("settings"))


def settings_summary(settings: dict) -> str:
    scenario = Scenario.from_dict(settings)
    return t("whatif.conflict_settings", policy=policy_label(scenario.policy),
             service=percent(scenario.service_level),
             target=t(f"whatif.service_target.{scenario.service_target}"),
             lead=f"{scenario.lead_time_scale:.1f}", horizon=scenario.horizon_days)


def draw_scenario_conflict() -> None:
    """The refused save: whose settings won, and a button to load them."""
    name, settings = st.session_state["wi_conflict"]
    if settings is None:
        st.warning(t("whatif.conflict_deleted", name=plain(name)), icon=":material/sync_problem:")
        return
    st.warning(t("whatif.conflict", name=plain(name), settings=settings_summary(settings)),
               icon=":material/sync_problem:")
    st.button(t("whatif.load_theirs"), key="btn_load_winner", on_click=load_scenario, args=(name,),
              icon=":material/restore:")


def load_scenario(name: str) -> None:
    settings, version = state.store().saved_scenario(name)
    scenario_to_state(Scenario.from_dict(settings))
    st.session_state["wi_name"] = name
    seen_versions()[name] = version
    st.session_state.pop("wi_conflict", None)


def draw_scenarios(params: pd.DataFrame, key: str, scenario: Scenario, currency: str,
                   current_value: float | None = None) -> None:
    st.subheader(t("whatif.scenarios"))
    store = state.store()
    names = store.scenario_names()
    save, load, baseline = st.columns(3)
    with save:
        with st.form("save_scenario_form", border=False):  # one click: the typed name goes with the click
            st.text_input(t("whatif.name"), key="wi_name", placeholder=t("whatif.name_placeholder"))
            st.form_submit_button(t("whatif.save"), icon=":material/save:", key="btn_save_scenario",
                                  on_click=save_scenario, args=(scenario,))
        if "wi_overwrite" in st.session_state:
            confirm_overwrite()
        if "wi_conflict" in st.session_state:
            draw_scenario_conflict()
    with load:
        chosen = st.selectbox(t("whatif.saved_scenarios"), names, index=None, key="wi_load_choice",
                              placeholder=t("whatif.none_saved") if not names else t("whatif.pick"))
        st.button(t("whatif.load"), disabled=chosen is None, on_click=load_scenario, args=(chosen,),
                  icon=":material/restore:", key="btn_load_scenario")
    with baseline:
        st.selectbox(t("whatif.baseline"), [DEFAULT_BASELINE, *names], key="wi_baseline",
                     format_func=lambda n: t("whatif.default_baseline") if n == DEFAULT_BASELINE else n)
    picked = st.multiselect(t("whatif.compare"), names, max_selections=4, key="wi_compare",
                            placeholder=t("whatif.none_saved") if not names else t("whatif.pick"))
    if picked:
        runs = {n: run(key, params, Scenario.from_dict(store.load_scenario(n)), current_value) for n in picked}
        totals = pd.DataFrame({n: r.totals for n, r in runs.items()})
        shown = totals.apply(lambda col: [kpi_value(m, v, currency) for m, v in col.items()])
        shown.insert(0, t("whatif.metric"), [t(f"whatif.metric.{m}") for m in totals.index])
        st.dataframe(shown, hide_index=True, width="stretch")
        st.altair_chart(charts.daily_value_chart({n: r.daily_value for n, r in runs.items()}, currency),
                        width="stretch")
        csv_download(lambda: scenario_table(totals, currency), "scenarios", "dl_scenarios_csv")
        sheets = {t("sheet.compare"): scenario_table(totals, currency),
                  t("whatif.settings"): scenario_settings({n: r.scenario for n, r in runs.items()})}
        workbook_download({**sheets, **{n: sku_results(r.skus, currency) for n, r in runs.items()}}, "scenarios",
                          "dl_scenarios_xlsx")


@st.fragment
def what_if(currency: str) -> None:
    default_controls()
    inputs = state.simulation_inputs(float(st.session_state["wi_default_lead"]))
    if inputs is None:
        st.info(t("whatif.needs_movements"), icon=":material/info:")
        return
    params, key, current_value = inputs.params, inputs.key, inputs.current_value
    if params.empty:
        st.info(t("whatif.no_skus"), icon=":material/info:")
        return
    st.caption(inputs.scope_caption())
    draw_controls()
    draw_plan_handover()
    scenario = scenario_from_state()
    st.query_params.from_dict({**to_query(scenario), **address_language()})
    draw_results(params, key, scenario, currency, current_value)
    draw_scenarios(params, key, scenario, currency, current_value)
    st.caption(t("whatif.share_link"))


through_app()
st.title(t("whatif.title"))
initialise_controls()
try:
    currency = state.numbers().currency
except (InputError, ValueError) as error:
    st.error(error_text(error))
    st.stop()
if not state.current_source().is_sample:
    st.number_input(t("whatif.default_lead"), 1, 365, key="wi_default_lead", help=t("whatif.default_lead_help"))
what_if(currency)
