"""KPIs and actions: the §3 measures, the dashboard and report orchestrations, targets and recommended actions."""
