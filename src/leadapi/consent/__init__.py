"""Consent per channel, suppression of erased people, and the data-subject access export."""
