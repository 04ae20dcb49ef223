"""Simulation and planning: policies, planning parameters, the simpy simulator and scenarios (SPEC §4)."""
