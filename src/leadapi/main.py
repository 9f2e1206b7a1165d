"""ASGI entry point for uvicorn: `uvicorn leadapi.main:app` (settings from the environment)."""

import gc

from leadapi.app import create_app

app = create_app()

# Tuned for a process that serves requests: at CPython's default gen-0 threshold (700) the
# collector runs many times a second under load, each time walking the app's own long-lived
# objects (modules, routes, schemas). Those are frozen out of collections, and collections
# start after 20,000 new containers. Requests free nearly everything they make by reference
# counting, so the higher threshold holds back little memory. (Measurements: BENCHMARKS.md.)
gc.freeze()
gc.set_threshold(20_000, 20, 100)
