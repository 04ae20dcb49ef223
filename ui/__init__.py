"""Streamlit-side helpers shared by the pages: language, data state, tables, charts."""
