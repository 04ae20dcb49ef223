"""Make every page run through `app.py`'s navigation.

Streamlit keeps a process-wide flag for its old multipage mode, set while a `pages/` folder exists and cleared the
first time `st.navigation` runs. If a server's first visitor opens a page's address directly (a bookmark, a shared
what-if link), Streamlit runs that page script on its own: no language switch, no filters, no wide layout.
`through_app()` notices, clears the flag and reruns, so the run goes through `app.py` at the same address.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def through_app() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
