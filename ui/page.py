"""What every page does first: run through `app.py`'s navigation, and (dashboard pages) fetch their figures.

Streamlit keeps a process-wide flag for its old multipage mode, set while a `pages/` folder exists and cleared the
first time `st.navigation` runs. If a server's first visitor opens a page's address directly (a bookmark, a shared
what-if link), Streamlit runs that page script on its own: no language switch, no filters, no wide layout.
`through_app()` notices, clears the flag and reruns, so the run goes through `app.py` at the same address.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from core.intake.problems import InputError
from core.kpis.dashboard import DashboardNumbers
from ui import state
from ui.i18n import t
from ui.messages import error_text


def through_app() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def dashboard_page(title_key: str) -> DashboardNumbers:
    """A dashboard page's opening: its title, the figures for the current selection and their as-of date.

    A file that cannot be used, or filters that leave nothing, end the page with one clear message.
    """
    through_app()
    st.title(t(title_key))
    try:
        numbers = state.numbers()
    except InputError as error:
        st.error(error_text(error), icon=":material/error:")
        st.page_link("pages/data.py", label=t("data.fix_mapping_link"), icon=":material/upload_file:")
        st.stop()
    except ValueError:  # the filters leave no stock
        st.info(t("filters.no_match"), icon=":material/filter_alt_off:")
        st.stop()
    st.caption(t("common.as_of", date=numbers.as_of.date().isoformat()))
    movements_note()
    return numbers


def movements_note() -> None:
    """A movements file that could not be used: the page goes on without ITO/DIO and says where to fix it."""
    if state.movements_problem() is not None:
        st.warning(t("data.movements_unusable"), icon=":material/warning:")
        st.page_link("pages/data.py", label=t("data.fix_mapping_link"), icon=":material/upload_file:")
