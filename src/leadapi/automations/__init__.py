"""Automations: "when this happens to a lead, and it matches, do these things"."""
