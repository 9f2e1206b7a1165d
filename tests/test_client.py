"""clients/python is generated from openapi/openapi.json (`make client`) and must not drift."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "clients" / "python"
SKIPPED = {"__pycache__", ".pdm-build", ".ruff_cache", ".mypy_cache", ".pytest_cache"}  # builds, caches


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not any(part in SKIPPED or part.endswith(".egg-info") for part in path.parts)
    }


def test_the_python_client_is_fresh(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    generated = tmp_path / "python"
    # The generator formats its output with the ruff it finds on PATH: ours, as `make client` does.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(ROOT / "openapi" / "openapi.json"),
            "--output-path",
            str(generated),
            "--meta",
            "pdm",
            "--config",
            str(ROOT / "clients" / "openapi-python-client.yaml"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout
    committed, fresh = _files(COMMITTED), _files(generated)
    stale = sorted(name for name in committed.keys() | fresh.keys() if committed.get(name) != fresh.get(name))
    assert stale == [], (
        f"clients/python is stale ({len(stale)} files differ, e.g. {stale[:3]}): run `make client`"
    )
