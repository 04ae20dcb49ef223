"""Targets and action plan: gaps to targets, recommended actions ranked by cash, and an owned, tracked plan."""

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from core.formatting import percent
from core.kpis import measures as kpis
from core.kpis.actions import ActionSettings, bu_gap_contribution, recommend_actions, total_cash
from core.kpis.dashboard import Filters, apply_filters
from core.kpis.plan_report import render_plan_html
from core.kpis.targets import DEFAULT_TARGETS, TARGET_KPIS, kpi_history, target_gaps
from core.storage import PLAN_STATUSES, EditConflict, InvalidEdit
from ui import charts, state
from ui.exports import action_ref, action_text, plan_step_words
from ui.i18n import kpi_value, language, money, money_divisor, money_unit, plain, t
from ui.page import dashboard_page
from ui.widgets import (
    code_label,
    csv_download,
    display_frame,
    export_frame,
    printed,
    table,
    tiv_key,
    workbook_download,
)

PLAN_MONEY = ("planned_cash", "released_cash")
SHOWN_ACTIONS = 50


@st.cache_data(max_entries=8, ttl=state.CACHE_TTL, show_spinner=False)
def history(key: str, _data, selection, settings) -> pd.DataFrame:
    return kpi_history(apply_filters(_data, selection), settings)


@st.cache_data(max_entries=8, ttl=state.CACHE_TTL, show_spinner=False)
def actions(key: str, _data, as_of, selection, settings, rules: ActionSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    scoped = apply_filters(_data, selection)
    _, snapshot, stock = kpis.as_of_stock(scoped.lots, as_of)
    return recommend_actions(stock, snapshot, scoped.movements, settings, rules), \
        bu_gap_contribution(stock, snapshot, settings)


def target_chart(frame: pd.DataFrame, kpi: str, target: float | None, currency: str) -> alt.LayerChart:
    data = frame[["snapshot_date", kpi]].dropna().rename(columns={kpi: "value"})
    factor, unit = {"tiv": (1 / money_divisor(currency), money_unit(currency)), "slob_share": (100.0, "%")}.get(
        kpi, (1.0, ""))
    data["value"] = data["value"] * factor
    title = f"{t(f'targets.kpi.{kpi}')} ({unit})" if unit else t(f"targets.kpi.{kpi}")
    line = alt.Chart(data).mark_line(point=True, color=charts.BLUE).encode(
        x=alt.X("snapshot_date:T", title=None, axis=alt.Axis(format="%Y-%m")),
        y=alt.Y("value:Q", title=title, scale=alt.Scale(zero=False), axis=alt.Axis(format=",.2~f")),  # no 1,154.034169
        tooltip=[alt.Tooltip("snapshot_date:T", title=t("col.snapshot"), format="%Y-%m-%d"),
                 alt.Tooltip("value:Q", title=title, format=",.2f")])
    layers = [line]
    if target is not None:
        rule = pd.DataFrame({"target": [target * factor]})
        layers.append(alt.Chart(rule).mark_rule(color=charts.RED, strokeDash=[6, 4]).encode(y="target:Q"))
    return alt.layer(*layers).properties(height=200)


def gap_value(kpi: str, gap: float, currency: str) -> str:
    """A distance to a target: a share's gap in percentage points, anything else as the KPI itself reads."""
    return t("common.pp", value=f"{gap * 100:,.1f}") if kpi == "slob_share" else kpi_value(kpi, gap, currency)


def save_targets(tiv: float, divisor: float, currency: str) -> None:
    """Store what the form holds: the TIV target as today's TIV less the reduction (entered in the display unit,
    万 where CNY), SLOB share from %."""
    s = st.session_state
    reduction = s.get(tiv_key(divisor))
    entered = {"tiv": tiv - reduction * divisor if reduction else None, "ito": s["tg_ito"], "dio": s["tg_dio"],
               "slob_share": s["tg_slob_share"] / 100}
    store, seen = state.store(), s.get("tg_versions", {})
    try:
        for kpi, value in entered.items():
            if value is not None:
                store.set_target(kpi, value, s[f"tg_{kpi}_due"], version=seen.get(kpi, 0))
    except EditConflict as conflict:
        state.tell_conflict("targets_form", conflict, lambda kpi, row: t(
            "targets.conflict_row", kpi=t(f"targets.kpi.{kpi}"), value=kpi_value(kpi, row.get("value"), currency)))
        for key in (*(f"tg_{kpi}" for kpi in TARGET_KPIS), tiv_key(divisor)):  # the form shows what is saved now
            s.pop(key, None)
        return
    st.toast(t("targets.saved"), icon=":material/flag:")


def draw_targets(numbers, saved: dict, currency: str, selection: Filters) -> pd.DataFrame:
    st.subheader(t("targets.targets"))
    current = {"tiv": numbers.tiv, "ito": numbers.turnover["ito"], "dio": numbers.turnover["dio"],
               "slob_share": numbers.slob["share"] if numbers.slob else None}
    state.show_conflict("targets_form")
    with st.form("targets_form"):
        for column, kpi in zip(st.columns(4), TARGET_KPIS, strict=True):
            with column:
                stored = saved.get(kpi, {}).get("value", DEFAULT_TARGETS.get(kpi))
                if kpi == "tiv":
                    divisor = money_divisor(currency)
                    reduction = (numbers.tiv - stored) / divisor if stored is not None else 0.0
                    st.number_input(f"{t('targets.tiv_reduction')} ({money_unit(currency)})", min_value=0.0,
                                    value=max(0.0, float(round(reduction, 2))), step=10.0, format="%.2f",
                                    key=tiv_key(divisor))
                    if reduction < 0:  # the saved target is above the TIV of this selection: say so, never crash
                        st.caption(t("targets.clamped", target=money(stored, currency),
                                     tiv=money(numbers.tiv, currency)))
                elif kpi == "slob_share":
                    st.number_input(t("targets.kpi.slob_share") + " (%)", 0.0, 100.0,
                                    value=float(stored * 100) if stored is not None else 5.0, key="tg_slob_share")
                else:
                    st.number_input(t(f"targets.kpi.{kpi}"), min_value=0.0,
                                    value=float(stored) if stored is not None else None, key=f"tg_{kpi}")
                due = saved.get(kpi, {}).get("due_date") or (numbers.as_of + pd.DateOffset(months=6)).date()
                st.date_input(t("targets.due"), value=due, key=f"tg_{kpi}_due")
        st.form_submit_button(t("targets.save"), type="primary", on_click=save_targets,
                              args=(numbers.tiv, money_divisor(currency), currency))
    targets = saved or {k: {"value": v, "due_date": None} for k, v in DEFAULT_TARGETS.items()}
    gaps = target_gaps(current, targets, numbers.as_of)
    if gaps.empty:
        st.info(t("targets.none"), icon=":material/info:")
        return gaps
    for column, row in zip(st.columns(len(gaps)), gaps.itertuples(), strict=True):
        status = t("targets.met") if row.met else t("targets.gap", gap=gap_value(row.kpi, row.gap, currency))
        column.metric(t(f"targets.kpi.{row.kpi}"), kpi_value(row.kpi, row.current, currency), delta=status,
                      delta_color="normal" if row.met else "inverse",
                      help=t("targets.target_is", target=kpi_value(row.kpi, row.target, currency),
                             due=row.due_date or "—"))
        if not row.met and pd.notna(row.monthly_pace):  # a met target needs no pace
            column.caption(t("targets.pace", pace=gap_value(row.kpi, row.monthly_pace, currency)))
    trend = history(state.current_source().key, state.dataset(), selection, state.settings())
    for column, kpi in zip(st.columns(2) * 2, TARGET_KPIS, strict=True):
        if kpi in trend and trend[kpi].notna().any():
            column.altair_chart(target_chart(trend, kpi, targets.get(kpi, {}).get("value"), currency),
                                width="stretch")
    st.caption(t("targets.history_note"))
    return gaps


def target_table(gaps: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The targets as data: a row per KPI with its unit, current and target as numbers in that unit (money in
    万元 / ¥k, shares in %), met as yes/no."""
    kpis_shown = list(gaps.get("kpi", []))
    scale = {k: (1 / money_divisor(currency), money_unit(currency)) if k == "tiv" else
             (100.0, "%") if k == "slob_share" else (1.0, t("common.days") if k == "dio" else "") for k in kpis_shown}
    return pd.DataFrame({
        t("targets.kpi"): [t(f"targets.kpi.{k}") for k in kpis_shown],
        t("common.unit"): [scale[k][1] for k in kpis_shown],
        t("targets.current"): [round(v * scale[k][0], 2) for k, v in zip(kpis_shown, gaps.get("current", []),
                                                                          strict=True)],
        t("targets.target"): [round(v * scale[k][0], 2) for k, v in zip(kpis_shown, gaps.get("target", []),
                                                                         strict=True)],
        t("targets.met_column"): [t("common.yes") if m else t("common.no") for m in gaps.get("met", [])],
        t("plan.due"): [d or None for d in gaps.get("due_date", [])]})


def printed_targets(gaps: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The targets for the printable page: current and target as the screen shows each KPI (`¥11,941.69万`,
    `60.7`, `7.5%`), not as numbers in a unit column."""
    shown = target_table(gaps, currency).drop(columns=t("common.unit"))
    for column, key in ((t("targets.current"), "current"), (t("targets.target"), "target")):
        shown[column] = [kpi_value(k, v, currency) for k, v in zip(gaps.get("kpi", []), gaps.get(key, []),
                                                                    strict=True)]
    return shown.astype(object).where(shown.notna(), "—")  # no "None" for a target without a due date


def add_ticked_to_plan(shown: pd.DataFrame, releasable: float, currency: str) -> None:
    """Add each ticked action to the plan once. The editor reports every edit since it was drawn, so ticks already
    handled in this session are remembered (a step deleted from the plan is not re-added by a later tick elsewhere;
    unticking and ticking again adds it again) and a title already in the plan is skipped (an owner typed later
    goes to its step). Planned cash never exceeds the releasable total: an action's cash is capped at what is
    left, and one with nothing left is not added."""
    store, handled = state.store(), st.session_state.setdefault("actions_handled", set())
    edits = st.session_state.get("actions_editor", {}).get("edited_rows", {})
    ticked = {shown.iloc[int(p)]["ref"]: change for p, change in edits.items() if change.get("add")}
    handled.intersection_update(ticked)
    for position, change in edits.items():
        row = shown.iloc[int(position)]
        if not change.get("add"):
            continue
        plan = store.plan()
        owner = change.get("owner", row["owner"])
        existing = plan[plan["title"].isin([row["ref"], row["action"]])]  # words: a step added before refs
        if len(existing):
            if owner and owner != existing.iloc[0]["owner"]:
                store.update_plan(existing.assign(owner=owner))
            handled.add(row["ref"])
            continue
        if row["ref"] in handled:
            continue
        handled.add(row["ref"])
        left = round(releasable - float(plan["planned_cash"].sum()), 2)
        if left <= 0:
            st.toast(t("actions.full", total=money(releasable, currency), action=plain(row["action"])),
                     icon=":material/block:")
            continue
        cash = min(float(row["cash"]), left)
        store.add_plan_step(row["ref"], owner, (pd.Timestamp.today() + pd.Timedelta(days=30)).date(), cash)
        st.toast(t("actions.added", action=plain(row["action"])), icon=":material/playlist_add:")
        if cash < float(row["cash"]):
            st.toast(t("actions.capped", total=money(releasable, currency), cash=money(cash, currency)),
                     icon=":material/info:")


def draw_actions(recommended: pd.DataFrame, contribution: pd.DataFrame, currency: str) -> pd.DataFrame:
    st.subheader(t("actions.title"))
    st.caption(t("actions.help", total=money(total_cash(recommended), currency)))
    if recommended.empty:
        st.info(t("actions.none"), icon=":material/info:")
        return recommended
    texts = [action_text(row, currency) for _, row in recommended.head(SHOWN_ACTIONS).iterrows()]
    shown = pd.DataFrame({"add": False, "owner": "", "action": [a for a, _ in texts],
                          "cash": recommended.head(SHOWN_ACTIONS)["cash"].round(2),
                          "evidence": [e for _, e in texts],
                          "overlaps": recommended.head(SHOWN_ACTIONS)["overlaps"].astype(bool),
                          "ref": [action_ref(row) for _, row in recommended.head(SHOWN_ACTIONS).iterrows()]})
    frame, config = display_frame(shown.drop(columns="ref"), currency, money=("cash",))
    config |= {"add": st.column_config.CheckboxColumn(t("actions.add")),
               "owner": st.column_config.TextColumn(t("col.owner")),
               "action": st.column_config.TextColumn(t("actions.action"), width="large"),
               "evidence": st.column_config.TextColumn(t("actions.evidence"), width="large"),
               "overlaps": st.column_config.CheckboxColumn(t("actions.overlaps"), help=t("actions.overlaps_help"))}
    st.data_editor(frame, column_config=config, disabled=["action", "cash", "evidence", "overlaps"], hide_index=True,
                   width="stretch", key="actions_editor", placeholder="—")
    add_ticked_to_plan(shown, total_cash(recommended), currency)
    st.markdown(f"**{t('actions.bu_gap')}**")
    if contribution.empty:
        st.caption(t("actions.bu_gap_none"))
    else:
        table(contribution, "bu_gap_contribution", currency, money=("value", "reducible"), shares=("share_of_gap",))
    return shown.drop(columns="ref")


def save_plan(divisor: float, currency: str) -> None:
    """Save the plan editor's changes against the plan as it was shown (its versions); money columns are in the
    display unit (万 where CNY)."""
    editor = st.session_state[state.editor_key("plan_editor")]
    plan = st.session_state["plan_shown"]
    for position in editor["deleted_rows"]:
        state.store().delete_plan_step(int(plan.iloc[position]["id"]))
    edited = plan.copy()
    for position, change in editor["edited_rows"].items():
        for column, value in change.items():
            edited.loc[int(position), column] = value * divisor if column in PLAN_MONEY and value else value
    added = pd.DataFrame(editor["added_rows"], columns=edited.columns)
    for column in PLAN_MONEY:
        added[column] = pd.to_numeric(added[column], errors="coerce") * divisor
    keep = edited.drop(index=[int(p) for p in editor["deleted_rows"]])
    try:
        state.store().update_plan(pd.concat([keep, added], ignore_index=True))
    except EditConflict as conflict:
        state.tell_conflict("plan_editor", conflict, lambda _, row: t(
            "plan.conflict_row", step=plain(plan_step_words(row.get("title", "—"), "", currency)[0]),
            status=code_label("status", row.get("status")) or "—",
            released=money(row.get("released_cash") or 0.0, currency)))
    except InvalidEdit as invalid:
        state.tell_refused("plan_editor", [plan_problem_text(p, currency) for p in invalid.problems])


def plan_problem_text(problem: dict, currency: str) -> str:
    """Why a typed step was not saved, naming the step and the column as the editor heads it."""
    field = {"planned_cash": t("plan.planned_cash"), "released_cash": t("plan.released_cash"),
             "due_date": t("plan.due")}[problem["field"]]
    numbers = {k: money(v, currency) if isinstance(v, float) else v for k, v in problem.items()}
    step = plan_step_words(problem["step"], "", currency)[0]
    return t(f"plan.problem.{problem['code']}", **{**numbers, "step": plain(step), "field": field,
                                                   "exceeded": t("plan.status_code.exceeded")})


def draw_plan(currency: str) -> pd.DataFrame:
    st.subheader(t("plan.title"))
    plan = state.store().plan()
    st.session_state["plan_shown"] = plan
    planned, released = float(plan["planned_cash"].sum()), float(plan["released_cash"].sum())
    a, b, c = st.columns(3)
    a.metric(t("plan.planned"), money(planned, currency))
    b.metric(t("plan.released"), money(released, currency))
    c.metric(t("plan.steps_done"), f"{int(plan['status'].isin(('done', 'exceeded')).sum())} / {len(plan)}")
    st.progress(min(1.0, released / planned) if planned else 0.0,
                text=t("plan.progress", pct=percent(released / planned if planned else 0.0)))
    unit, divisor = money_unit(currency), money_divisor(currency)
    config = {"id": None, "version": None,
              "title": st.column_config.TextColumn(t("plan.step"), width="large", required=True),
              "owner": st.column_config.TextColumn(t("col.owner")),
              "due_date": st.column_config.DateColumn(t("plan.due")),
              "status": st.column_config.SelectboxColumn(t("plan.status"), options=PLAN_STATUSES, required=True,
                                                         default="open",
                                                         format_func=lambda s: code_label("status", s)),
              "planned_cash": st.column_config.NumberColumn(f"{t('plan.planned_cash')} ({unit})", min_value=0.0,
                                                            format="%,.2f"),
              "released_cash": st.column_config.NumberColumn(f"{t('plan.released_cash')} ({unit})", min_value=0.0,
                                                             format="%,.2f"),
              "evidence": st.column_config.TextColumn(t("actions.evidence"), width="medium")}
    worded = in_words(plan, currency)
    shown = worded.assign(due_date=pd.to_datetime(plan["due_date"]),
                          **{c: (plan[c] / divisor).round(2) for c in PLAN_MONEY})
    state.show_conflict("plan_editor")
    state.show_refused("plan_editor")
    st.data_editor(shown, column_config=config, num_rows="dynamic", hide_index=True, width="stretch", placeholder="—",
                   key=state.editor_key("plan_editor"), on_change=save_plan, args=(divisor, currency))
    st.caption(t("plan.help"))
    return worded.drop(columns="version")


def in_words(plan: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The plan with each step added from a recommendation worded in the current language and money unit."""
    words = [plan_step_words(title, evidence, currency) for title, evidence in zip(plan["title"], plan["evidence"],
                                                                                   strict=True)]
    return plan.assign(title=pd.Series([w for w, _ in words], index=plan.index, dtype=plan["title"].dtype),
                       evidence=pd.Series([e for _, e in words], index=plan.index, dtype=plan["evidence"].dtype))


numbers = dashboard_page("targets.title")
cur = numbers.currency
st.session_state["tg_versions"] = state.store().target_versions()
if state.filters().active():  # targets are the company's: never saved from, or measured on, a filtered part
    st.info(t("targets.whole_company"), icon=":material/domain:")
    gaps = draw_targets(state.numbers(Filters()), state.store().targets(), cur, Filters())
else:
    gaps = draw_targets(numbers, state.store().targets(), cur, state.filters())
with st.expander(t("actions.settings")):
    left, right = st.columns(2)
    rules = ActionSettings(
        days_of_supply_threshold=left.number_input(t("actions.dos_threshold"), 1, 3650, 90, key="tg_dos"),
        supplier_share_threshold=right.number_input(t("actions.supplier_threshold") + " (%)", 1, 100, 15,
                                                    key="tg_supplier") / 100)
recommended, contribution = actions(state.current_source().key, state.dataset(), state.as_of(), state.filters(),
                                    state.settings(), rules)
shown_actions = draw_actions(recommended, contribution, cur)
plan = draw_plan(cur)

st.subheader(t("plan.export"))
gap_table = target_table(gaps, cur)
plan_shown = export_frame(plan.drop(columns=["id"]).assign(due_date=pd.to_datetime(plan["due_date"])), cur,
                          money=PLAN_MONEY)
actions_shown = export_frame(shown_actions.drop(columns=["add"], errors="ignore"), cur, money=("cash",)).rename(
    columns={t("col.action"): t("actions.action")})
sheets = {t("targets.targets"): gap_table, t("sheet.actions"): actions_shown,
          t("sheet.bu_gap"): export_frame(contribution, cur, ("value", "reducible"), ("share_of_gap",)),
          t("plan.title"): plan_shown}
left, right = st.columns(2)
with left:
    workbook_download(sheets, "action_plan", "dl_plan_xlsx")
with right:
    summary = {t("plan.planned"): money(float(plan["planned_cash"].sum()), cur),
               t("plan.released"): money(float(plan["released_cash"].sum()), cur),
               t("actions.total"): money(total_cash(recommended), cur)}
    page = render_plan_html(t("plan.print_title"), t("common.as_of", date=numbers.as_of.date().isoformat()) +
                            f" · {dt.date.today().isoformat()}", summary,
                            {t("targets.targets"): printed_targets(gaps, cur), t("plan.title"): printed(plan_shown),
                             t("actions.title"): printed(actions_shown.drop(columns=[t("col.owner")],
                                                                           errors="ignore"))},
                            language())
    st.download_button(t("plan.download_html"), page.encode("utf-8"), file_name="action_plan.html",
                       mime="text/html", key="dl_plan_html", icon=":material/print:", on_click="ignore")
csv_download(plan_shown, "action_plan", "dl_plan_csv")
