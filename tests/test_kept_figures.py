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
    abc_before, worklist_before, slob_before = kept.abc.copy(), kept.worklist.copy(), dict(kept.slob)
    page = handed_out(kept)
    page.abc["abc"] = "Z"
    page.worklist.loc[0, "owner"] = "someone else"
    page.abc.insert(0, "rank", range(len(page.abc)))
    page.slob["total"] = -1
    assert kept.abc.equals(abc_before) and kept.worklist.equals(worklist_before) and kept.slob == slob_before
    assert page.tiv == kept.tiv and page.abc["abc"].eq("Z").all()
