"""The dashboard figures are kept once per file and shared by the sessions on it, not copied per rerun: what a page
is handed is its own, so a page changing a table cannot change another session's figures."""

from __future__ import annotations

from core.intake.loading import load_lots
from core.kpis.dashboard import build_dashboard
from core.kpis.report import Dataset
from tests.conftest import ROOT
from ui.state import handed_out


def test_a_page_changing_the_figures_it_was_handed_leaves_the_kept_ones_as_they_were():
    lots = load_lots(ROOT / "sample_data" / "lots.csv.gz")
    kept = build_dashboard(Dataset(lots.data, None, lots.currency))
    abc_before, slob_before = kept.abc.copy(), dict(kept.slob)
    page = handed_out(kept)
    page.abc["abc"] = "Z"
    page.aging.loc[0, "value"] = -1.0
    page.abc.insert(0, "rank", range(len(page.abc)))
    page.slob["total"] = -1
    assert kept.abc.equals(abc_before) and kept.slob == slob_before and kept.aging.loc[0, "value"] >= 0
    assert page.tiv == kept.tiv and page.abc["abc"].eq("Z").all()
