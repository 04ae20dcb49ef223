"""Inventory Decision Board core: loading, validation, KPIs, planning, simulation, storage, CLI.

Pure Python on pandas/numpy/simpy; never imports streamlit.
"""
