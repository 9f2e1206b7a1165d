"""Segments: named conditions over leads, and which leads meet each one now."""
