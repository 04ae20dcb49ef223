"""The report as text for terminals and e-mails: names padded by the width a terminal draws them (a Chinese
character takes two columns), stock types and age buckets in words, shares lined up."""

from __future__ import annotations

import unicodedata

from core.formatting import counted, percent

STOCK_TYPES = {"customer": "Customer stock", "finished_goods": "Finished goods", "hardware": "Hardware",
               "other": "Other", "packaging": "Packaging", "raw_material": "Raw material", "remnant": "Remnant",
               "sample": "Samples", "semi_finished": "Semi-finished"}
"""The English catalogue's words for stock-type codes (a test keeps them equal to `ui/locales/en.json`)."""
BUCKETS = {"unknown": "Age unknown"}
NAME_WIDTH, MONEY_WIDTH, SHARE_WIDTH = 42, 22, 7


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: two for wide (CJK) characters, none for combining marks."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def padded(text: str, width: int) -> str:
    """`text` left-aligned in `width` terminal columns (never cut: a longer name pushes its row right)."""
    return text + " " * max(1, width - display_width(text))


def money_text(value: float | None, currency: str) -> str:
    return "—" if value is None else f"{currency} {value:,.2f}"


def _row(name: str, value: str, share: str = "", extra: str = "") -> str:
    return f"  {padded(name or '—', NAME_WIDTH)}{value:>{MONEY_WIDTH}}{share:>{SHARE_WIDTH}}{extra}".rstrip()


def _skus(count: int) -> str:
    return f"{count:>6,} {'SKU' if count == 1 else 'SKUs'}"


def _name(key: str, value: object) -> str:
    text = "" if value is None else str(value)
    if key == "stock_type":
        return STOCK_TYPES.get(text, text)
    if key == "bucket":
        return BUCKETS.get(text, f"{text} days" if text[:1].isdigit() or text[:1] == ">" else text)
    return text


def report_text(report: dict) -> str:
    """A readable plain-text form of `build_report`'s result."""
    cur = report["currency"]
    assumed = " (assumed)" if report.get("currency_source") == "assumed" else ""
    lines = [f"Inventory report as of {report['as_of']} ({cur}{assumed})",
             f"  TIV {money_text(report['tiv'], cur)}  ·  {counted(report['sku_count'], 'SKU', 'SKUs')}  ·  "
             f"{counted(report['lot_count'], 'lot', 'lots')}"]
    if report["ito"] is not None:
        lines.append(f"  ITO {report['ito']:.2f}  ·  DIO {report['dio']:.1f} days  ·  "
                     f"COGS {money_text(report['cogs'], cur)}  ·  "
                     f"average inventory {money_text(report['avg_inventory'], cur)}")
    else:
        lines.append("  ITO / DIO: not available (no movements file)")
    sections = [("Trend (month)", report["trend"], "period", "tiv"),
                ("Mix by warehouse", report["mix_by_warehouse"], "warehouse", "value"),
                ("Mix by stock type", report["mix_by_stock_type"], "stock_type", "value"),
                ("Ranking by BU", report["ranking_bu"], "bu", "value"),
                ("Top SKUs", report["ranking_sku"][:10], "sku", "value"),
                ("Aging", report["aging"] or [], "bucket", "value"),
                ("Supplier backlog, top 5", report["suppliers_top5"], "supplier", "value")]
    for title, rows, key, money in sections:
        lines.append(f"\n{title}")
        for row in rows:
            share = percent(row["share"]) if "share" in row else ""
            lines.append(_row(_name(key, row[key]), money_text(row[money], cur), share,
                              f"  [{row['abc']}]" if "abc" in row else ""))
    lines.append("\nABC classes")
    for cls, row in report["abc"].items():
        lines.append(_row(f"{cls}: {counted(row['sku_count'], 'SKU', 'SKUs')}", money_text(row["value"], cur),
                          percent(row["share"])))
    if report["slob"] is not None:
        slob = report["slob"]
        lines.append(f"\nSLOB {money_text(slob['value'], cur)}  {percent(slob['share'])} of TIV "
                     f"(target < 5.0%)  ·  {counted(slob['sku_count'], 'SKU', 'SKUs')}")
        for stock_type, row in slob["by_stock_type"].items():
            lines.append(_row(_name("stock_type", stock_type), money_text(row["value"], cur), "",
                              _skus(row["sku_count"])))
        dead = report["dead_stock"]
        lines.append("\nDead stock")
        for band, label in (("over_365", "> 365 days: scrap / discount"),
                            ("d181_365", "181–365 days: promote / pause purchasing")):
            lines.append(_row(label, money_text(dead[band]["value"], cur), "", _skus(dead[band]["sku_count"])))
    if report.get("warnings"):
        lines += ["\nWarnings", *(f"  {warning}" for warning in report["warnings"])]
    return "\n".join(lines) + "\n"
