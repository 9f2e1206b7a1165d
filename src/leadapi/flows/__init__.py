"""Orchestration across domains: what happens after a lead changes (lead_change.py)."""
