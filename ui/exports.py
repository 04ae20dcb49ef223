"""Tables of the simulator made into downloads: data in the UI language, numbers as numbers in the unit the header
names (the on-screen formats go into the workbook's cells, see `export_frame`)."""

from __future__ import annotations

import json

import pandas as pd

from core.formatting import MONEY_KPIS, SHARE_KPI_DECIMALS, number, percent
from core.sim.proposals import LINE_COLUMNS, Proposal
from ui.i18n import money, t
from ui.widgets import export_frame


def sku_results(skus: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The per-SKU outcome as a file: every share (the service level targeted too) in %, yes/no for target met."""
    met = skus["target_met"].map({True: True, False: False}).astype("boolean")
    return export_frame(skus.assign(target_met=met), currency, money=("avg_inventory_value",),
                        shares=("fill_rate", "cycle_service_level", "service_level"))


def scenario_table(totals: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Saved scenarios side by side as data: a row per scenario, a column per figure in the unit its header names
    (money in 万元 / ¥k, shares in %), numbers a spreadsheet can sum."""
    frame = totals.T.rename_axis("scenario").reset_index()
    metrics = list(totals.index)
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
