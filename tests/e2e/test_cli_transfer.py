"""`leadapi import` and `leadapi export` as processes, on SQLite and PostgreSQL: rows are captured
as over the API (normalised, deduplicated, scored), refused rows are reported one by one with
the exit code saying so, and an export imports back into another workspace as it was."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.processes import LEADAPI, run, served_database

LEADS_CSV = """email,first_name,title,country,company_size,tags,attributes.plan,consent,external_ids.crm
Ada@Analytical-Engines.co.uk,Ada,CTO,united kingdom,250,vip|emea,pro,yes,crm-1
grace@navy.example-corp.com,Grace,VP Engineering,US,,,,,
ADA@analytical-engines.co.uk,Ada L.,,,,,,,
not-an-email,Bob,,,,,,,
carol@acme.com,Carol,,US,many,,,,
dan@acme.com,Dan,,,,,,maybe,
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    url = served_database(request.param, tmp_path, "transfer")
    return {**os.environ, "LEADAPI_DATABASE_URL": url, "LEADAPI_LOG_LEVEL": "warning"}


def test_import_reports_each_refused_row_and_export_round_trips(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(LEADS_CSV)
    errors = tmp_path / "errors.ndjson"
    result = run(cli_env, "import", str(source), "--errors", str(errors), "--quiet")
    assert result.returncode == 3, result.stderr  # done, with refused rows
    assert "6 rows: 2 created, 1 merged, 3 refused" in result.stderr
    refused = [json.loads(line) for line in errors.read_text().splitlines()]
    # The import's error report (GET /v1/imports/{id}/errors): a line per problem.
    assert [(r["row"], r["field"]) for r in refused] == [
        (4, "email"),
        (5, "company_size"),
        (6, ""),  # consent: "maybe" is neither true nor false
    ]

    exported = run(cli_env, "export", "--filter", "country=GB")
    assert exported.returncode == 0, exported.stderr
    [ada] = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert (ada["email"], ada["first_name"], ada["country"], ada["company_size"]) == (
        "ada@analytical-engines.co.uk",
        "Ada",  # the merge filled gaps and kept what was there
        "GB",
        "250",
    )
    assert (ada["tags"], json.loads(ada["attributes"]), json.loads(ada["external_ids"])) == (
        "vip|emea",
        {"plan": "pro"},
        {"crm": "crm-1"},
    )
    assert ada["score"] != ""

    # The whole export, as NDJSON, into a second workspace: the same leads.
    workspace = run(cli_env, "keys", "create", "--workspace", "ws_nope")
    assert workspace.returncode == 1
    assert workspace.stderr.strip().startswith("leadapi: ")  # one clear line
    dump = tmp_path / "leads.ndjson"
    assert run(cli_env, "export", "--format", "ndjson", "--output", str(dump)).returncode == 0
    first = [json.loads(line) for line in dump.read_text().splitlines()]
    assert sorted(lead["email"] for lead in first) == [
        "ada@analytical-engines.co.uk",
        "grace@navy.example-corp.com",
    ]
    back = run(cli_env, "import", str(dump), "--quiet", "--overwrite")
    assert back.returncode == 0, back.stderr
    assert "2 rows: 0 created, 2 merged, 0 refused" in back.stderr
    again = run(cli_env, "export", "--format", "ndjson")
    assert [json.loads(line)["email"] for line in again.stdout.splitlines()] == [
        lead["email"] for lead in first
    ]


def test_import_reads_standard_input(cli_env: dict[str, str], tmp_path: Path) -> None:
    """`-` reads standard input (spooled, so it is read twice like a file: counted, then
    captured), with a byte order mark as spreadsheet programs write one; refused rows stream to
    --errors."""
    errors = tmp_path / "errors.ndjson"
    result = subprocess.run(
        [*LEADAPI, "import", "-", "--errors", str(errors), "--quiet"],
        env=cli_env,
        input=("\ufeff" + LEADS_CSV).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    assert b"6 rows: 2 created, 1 merged, 3 refused" in result.stderr
    assert [json.loads(line)["row"] for line in errors.read_text().splitlines()] == [4, 5, 6]
    exported = run(cli_env, "export")
    assert sorted(row["email"] for row in csv.DictReader(io.StringIO(exported.stdout))) == [
        "ada@analytical-engines.co.uk",
        "grace@navy.example-corp.com",
    ]


def test_bad_files_and_arguments_fail_clearly(cli_env: dict[str, str], tmp_path: Path) -> None:
    lines = tmp_path / "events.ndjson"
    lines.write_text(
        '{"email": "ok@acme.com"}\n[1, 2]\n{"email": \n{"email": "x@acme.com", "shoe_size": 9}\n'
    )
    result = run(cli_env, "import", str(lines), "--quiet")
    assert result.returncode == 3
    assert "row 2: not a JSON object" in result.stderr
    assert "row 3: not JSON" in result.stderr
    assert "row 4: shoe_size:" in result.stderr
    # Bad arguments exit 2 with one line, as the README and `--help` say, whether argparse or
    # leadapi finds them.
    for args in (
        ("import", str(tmp_path / "nothing.csv")),
        ("export", "--filter", "nonsense"),
        ("export", "--filter", "shoe_size=9"),
        ("export", "--filter", "score[about]=9"),
        ("export", "--format", "xml"),
    ):
        bad = run(cli_env, *args)
        assert bad.returncode == 2, (args, bad.stderr)
        assert bad.stderr.startswith(("leadapi ", "usage: ")), bad.stderr
        assert "Traceback" not in bad.stderr
    assert run(cli_env, "import", str(tmp_path / "nothing.csv")).stderr.count("\n") == 1
