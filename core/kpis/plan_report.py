"""A printable action-plan page (HTML, print-ready) for a management meeting; labels come from the caller."""

from __future__ import annotations

import html

import pandas as pd

STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", Arial, sans-serif; margin: 2rem;
       color: #1f2937; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
.meta { color: #6b7280; } .summary { display: flex; gap: 2rem; margin: 1rem 0; }
.summary div { border: 1px solid #d1d5db; border-radius: 6px; padding: 0.6rem 1rem; }
.summary b { display: block; font-size: 1.3rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid #d1d5db; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f4f6; } @media print { body { margin: 0.5cm; } h2 { page-break-after: avoid; } }
"""


def render_plan_html(title: str, meta: str, summary: dict[str, str], sections: dict[str, pd.DataFrame],
                     language: str = "zh") -> str:
    """The page: a title, a line of context, headline figures and one table per section; all text escaped."""
    cards = "".join(f"<div>{html.escape(k)}<b>{html.escape(v)}</b></div>" for k, v in summary.items())
    body = "".join(f"<h2>{html.escape(name)}</h2>{frame.to_html(index=False, escape=True, na_rep='—')}"
                   for name, frame in sections.items())
    return (f'<!DOCTYPE html><html lang="{html.escape(language)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p class=\"meta\">{html.escape(meta)}</p>"
            f'<div class="summary">{cards}</div>{body}</body></html>')
