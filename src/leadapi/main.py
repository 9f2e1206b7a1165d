"""ASGI entry point for uvicorn: `uvicorn leadapi.main:app` (settings from the environment)."""

import gc

from leadapi.app import create_app

app = create_app()

# Tuned for a process that serves requests. At CPython's default gen-0 threshold (700) the
# collector ran about 1,900 times in a minute of captures and took 5.7% of the process's CPU
# (make bench's capture, one worker); with the objects made so far (the app: modules, routes,
# schemas) frozen out of collections, and collections started after 20,000 new containers,
# three ran in the same minute, 0.05 s in all. Requests free nearly everything they make by
# reference counting, so the higher threshold holds back little memory.
gc.freeze()
gc.set_threshold(20_000, 20, 100)
