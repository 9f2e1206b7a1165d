"""ASGI entry point for uvicorn: `uvicorn leadapi.main:app` (settings from the environment)."""

from leadapi.app import create_app

app = create_app()
