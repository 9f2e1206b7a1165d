"""leadapi: API-first lead management."""

__version__ = "0.1.0"
