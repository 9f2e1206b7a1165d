"""Every leadapi process (server, worker, each CLI command) imports the app at start; libraries
only a rare request needs are imported where they are used, so they do not slow each start."""

from __future__ import annotations

import subprocess
import sys

# SciPy and scikit-learn take about a second to import: backtests and the fairness report only.
LAZY = ("scipy", "sklearn")


def test_the_app_imports_without_the_heavy_analysis_libraries() -> None:
    probe = f"import sys, leadapi.app; print(sorted(m for m in {LAZY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
