"""Tables of the simulator made into downloads: data in the UI language, numbers as numbers in the unit the header
names (the on-screen formats go into the workbook's cells, see `export_frame`)."""

from __future__ import annotations

import json

import pandas as pd

from core.formatting import MONEY_KPIS, SHARE_KPI_DECIMALS, number, percent
from core.sim.proposals import LINE_COLUMNS, Proposal
from core.sim.simulation import Scenario
from ui.i18n import money, t
from ui.widgets import export_frame


def sku_results(skus: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The per-SKU outcome as a file: every share (the service level targeted too) in %, yes/no for target met."""
    met = skus["target_met"].map({True: True, False: False}).astype("boolean")
    return export_frame(skus.assign(target_met=met), currency, money=("avg_inventory_value",),
                        shares=("fill_rate", "cycle_service_level", "service_level"))


COUNT_KPIS = ("stockout_days", "orders")


def scenario_table(totals: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Saved scenarios side by side as data: a row per scenario, a column per figure in the unit its header names
    (money in 万元 / ¥k, shares in %) with the decimals the screen shows, numbers a spreadsheet can sum."""
    frame = totals.T.rename_axis("scenario").reset_index()
    metrics = list(totals.index)
    for count in (m for m in COUNT_KPIS if m in frame):  # whole, as the screen reads them: 3,247, not 3247.4
        frame[count] = frame[count].astype(float).round().astype("Int64")
    return export_frame(frame, currency, money=tuple(m for m in metrics if m in MONEY_KPIS),
                        shares=tuple(m for m in metrics if m in SHARE_KPI_DECIMALS),
                        labels={m: t(f"whatif.metric.{m}") for m in metrics})


def proposal_sheets(proposal: Proposal, currency: str) -> dict[str, pd.DataFrame]:
    """The purchase proposal as the page shows it (`proposal` with its rules, policies and "(no supplier)" in
    words): suppliers with a total row, the order lines, every SKU; order values in the display unit, unit costs
    in the currency itself (a unit cost of ¥3.53 in 万 would read 0.00), quantities rounded."""
    suppliers = proposal.suppliers.copy()
    suppliers.loc[len(suppliers)] = [t("orders.total"), int(suppliers["sku_count"].sum()),
                                     int(suppliers["order_qty_lines"].sum()), proposal.total_value]
    skus = proposal.skus[LINE_COLUMNS].sort_values(["supplier", "sku"], na_position="last", kind="stable")
    skus = skus.assign(arrival=pd.to_datetime(skus["arrival"]))
    money = ("order_value",)
    return {t("orders.sheet_suppliers"): export_frame(suppliers, currency, money=money),
            t("orders.sheet_order_lines"): export_frame(skus[skus["order_qty"] > 0], currency, money=money),
            t("orders.sheet_all_skus"): export_frame(skus, currency, money=money)}


ACTION_REF = "action:"


def action_text(row: pd.Series, currency: str) -> tuple[str, str]:
    evidence = row["evidence"]
    title = t(f"actions.rule.{row['rule']}", subject=row["subject"] or "—", lots=number(row["lots"]),
              skus=number(row["skus"]))
    facts = {k: (percent(v) if k == "share" else money(v, currency) if k == "value" else number(v))
             for k, v in evidence.items()}  # numbers only: day counts carry 天/days in the catalog
    return title, t(f"actions.evidence.{row['rule']}", **facts)


def action_ref(row: pd.Series) -> str:
    """A recommended action as a plan step stores it: rule, subject, counts and evidence as data, worded only when
    shown (`plan_step_words`), so a step added in Chinese reads in English, its money in the reader's unit."""
    facts = {k: float(v) for k, v in row["evidence"].items()}
    return ACTION_REF + json.dumps({"rule": row["rule"], "subject": row["subject"], "lots": int(row["lots"]),
                                    "skus": int(row["skus"]), "evidence": facts}, ensure_ascii=False, sort_keys=True)


def plan_step_words(title: object, evidence: object, currency: str) -> tuple[str, str]:
    """A plan step's title and evidence as shown: a stored recommendation worded in the current language (the
    evidence typed by the user, when there is some, wins); a title typed by the user as typed."""
    typed = "" if evidence is None or (isinstance(evidence, float) and pd.isna(evidence)) else str(evidence)
    if not (isinstance(title, str) and title.startswith(ACTION_REF)):
        return ("" if title is None else str(title)), typed
    try:
        ref = json.loads(title.removeprefix(ACTION_REF))
    except ValueError:
        return title, typed
    words, facts = action_text(pd.Series(ref), currency)
    return words, typed or facts


SETTING_LABELS = {"policy": "whatif.policy", "service_level": "whatif.service_level", "service_target":
                  "whatif.service_target", "review_days": "whatif.review_days", "order_rule": "whatif.order_rule",
                  "cover_days": "whatif.cover_days", "lead_time_scale": "whatif.lead_time_scale",
                  "lead_time_cv": "whatif.lead_time_cv", "horizon_days": "whatif.horizon",
                  "warmup_days": "whatif.warmup_days", "replications": "whatif.replications", "seed": "whatif.seed",
                  "lost_sales": "whatif.lost_sales", "demand_distribution": "whatif.demand",
                  "start": "whatif.start", "by_class": "whatif.by_class"}


def scenario_settings(scenarios: dict[str, Scenario]) -> pd.DataFrame:
    """Each scenario's settings in the words of the screen, a column per scenario: policies and models by name,
    service levels in %, yes/no (reviewer R27: the sheet held `policy | rop`, `service_level | 0.95`)."""
    columns = {name: [setting_text(key, getattr(scenario, key)) for key in SETTING_LABELS]
               for name, scenario in scenarios.items()}
    return pd.DataFrame({t("col.setting"): [t(label) for label in SETTING_LABELS.values()], **columns})


def setting_text(key: str, value: object) -> str:
    """One setting of a scenario as the what-if page words it."""
    if key == "policy":
        return t(f"whatif.policy.{value}")
    if key == "service_level":
        return percent(value, 2)
    if key in ("order_rule", "service_target", "start"):
        return t(f"whatif.{'rule' if key == 'order_rule' else key}.{value}")
    if key == "demand_distribution":
        return t(f"whatif.demand.{value}")
    if key == "lost_sales":
        return t("common.yes") if value else t("common.no")
    if key == "lead_time_cv":
        return number(value or 0.0, 2)
    if key == "by_class":
        return t("common.semicolon").join(
            f"{name}: " + " · ".join(part for part in (
                settings.policy and t(f"whatif.policy.{settings.policy}"),
                settings.service_level and percent(settings.service_level, 2),
                settings.review_days and t("whatif.every_days", days=settings.review_days)) if part)
            for name, settings in sorted(value.items())) or "—"
    return number(value, 2 if isinstance(value, float) and not float(value).is_integer() else 0)
