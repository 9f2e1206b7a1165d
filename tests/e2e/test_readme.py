"""The README's copy-paste examples, run as written (only keys, addresses and paths swapped in), so
they stay true: the command-line round trip, the MCP server entry an agent is given, and the MCP
client snippet against a live server. (The Python client's snippet runs in test_client_flow.py.)"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from tests.conftest import migrated_database
from tests.e2e.processes import run

README = Path(__file__).resolve().parents[2] / "README.md"
VENV_BIN = str(Path(sys.executable).parent)


def section(title: str) -> str:
    text = README.read_text()
    assert f"\n## {title}\n" in text, f"README has no section {title!r}"
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def blocks(text: str, language: str) -> list[str]:
    return [part.split("```", 1)[0] for part in text.split(f"```{language}\n")[1:]]


@pytest.fixture
def workdir(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A directory laid out as a checkout after `make run` (a `.venv` with this checkout's
    `leadapi`, a fresh SQLite database) and an environment with no `leadapi` on its PATH, as a
    newcomer's shell has none."""
    (tmp_path / ".venv").symlink_to(Path(VENV_BIN).parent, target_is_directory=True)
    path = os.pathsep.join(
        entry
        for entry in os.environ.get("PATH", "").split(os.pathsep)
        if entry and shutil.which("leadapi", path=entry) is None
    )
    env = {
        **os.environ,
        "PATH": path,
        "LEADAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'data' / 'leadapi.db'}",
        "LEADAPI_LOG_LEVEL": "warning",
    }
    assert shutil.which("leadapi", path=path) is None
    migrated_database("sqlite", tmp_path / "data", "leadapi")
    return tmp_path, env


def test_the_command_line_round_trip_runs(workdir: tuple[Path, dict[str, str]]) -> None:
    tmp, env = workdir
    (script,) = [b for b in blocks(section("Command line"), "sh") if "leadapi import" in b and "printf" in b]
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    refused = [json.loads(line) for line in (tmp / "refused.ndjson").read_text().splitlines()]
    assert [(r["row"], r["field"]) for r in refused] == [(2, "email")]
    printed = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert printed[0] == refused[0]  # `cat refused.ndjson`, then the export
    leads = printed[1:]
    assert [(lead["email"], lead["tags"], lead["seniority"]) for lead in leads] == [
        ("ada@example-corp.com", ["vip", "beta"], "c_level")
    ]
    assert leads[0]["score"] >= 30
    assert (tmp / "agent.key").read_text().strip().startswith("lk_")


def test_the_mcp_server_entry_starts_the_server(workdir: tuple[Path, dict[str, str]]) -> None:
    """The JSON an agent is given: its command, arguments and environment (with a real key and
    database path) start a working MCP server over stdio."""
    _, env = workdir
    (document,) = blocks(section("MCP server (AI agents)"), "json")
    entry = json.loads(document)["mcpServers"]["leadapi"]
    assert set(entry["env"]) == {"LEADAPI_API_KEY", "LEADAPI_DATABASE_URL"}
    key = run(env, "keys", "create", "--scopes", "read,write", "--quiet").stdout.strip()
    # The entry names the checkout's command by its path, as a desktop agent needs it (its PATH
    # has no .venv); here the checkout is this one.
    assert entry["command"].startswith("/path/to/leadapi/.venv/bin/")
    command = shutil.which(entry["command"].replace("/path/to/leadapi/.venv/bin", VENV_BIN))
    assert command is not None
    server_env = {
        **env,
        **entry["env"],
        "LEADAPI_API_KEY": key,
        "LEADAPI_DATABASE_URL": env["LEADAPI_DATABASE_URL"],
    }

    async def tools_and_a_lead() -> tuple[set[str], dict[str, Any]]:
        params = StdioServerParameters(command=command, args=entry["args"], env=server_env)
        async with Client(params) as agent:
            names = {tool.name for tool in (await agent.list_tools()).tools}
            created = await agent.call_tool("create_lead", {"lead": {"email": "grace@example-corp.com"}})
            assert not created.is_error, created.content
            assert created.structured_content is not None
            return names, created.structured_content

    names, created = asyncio.run(tools_and_a_lead())
    assert {"search_leads", "get_lead", "create_lead", "delete_lead", "funnel_report"} <= names
    assert created["merged"] is False
    exported = run(env, "export", "--format", "ndjson", "--query", "grace")
    assert [json.loads(line)["id"] for line in exported.stdout.splitlines()] == [created["lead"]["id"]]


def test_the_mcp_client_example_runs(live: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    base, key = live
    (snippet,) = blocks(section("MCP server (AI agents)"), "python")
    assert '"http://127.0.0.1:8000/mcp"' in snippet
    assert '"Bearer lk_..."' in snippet
    code = snippet.replace('"http://127.0.0.1:8000/mcp"', repr(f"{base}/mcp")).replace(
        '"Bearer lk_..."', repr(f"Bearer {key}")
    )
    exec(compile(code, "README.md (MCP client)", "exec"), {"__name__": "readme"})
    found = json.loads(capsys.readouterr().out)
    emails = [lead["email"] for lead in found["leads"]]
    assert "linus@example-corp.com" in emails
    assert {lead["band"] for lead in found["leads"]} == {"sql"}


def documents(output: str) -> tuple[list[Any], str]:
    """The JSON documents curl printed one after another, and whatever text follows them."""
    decoder = json.JSONDecoder()
    found: list[Any] = []
    rest = output.strip()
    while rest.startswith(("{", "[")):
        document, end = decoder.raw_decode(rest)
        found.append(document)
        rest = rest[end:].strip()
    return found, rest


def curl(script: str, base: str, **variables: str) -> str:
    """A README shell block against the live server, its `NAME=...` placeholders filled in."""
    for name, value in variables.items():
        placeholder = [line for line in script.splitlines() if line.startswith(f"{name}=")]
        assert placeholder, f"the block sets no {name}"
        script = script.replace(placeholder[0], f"{name}={value}")
    script = script.replace("http://127.0.0.1:8000", base)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_first_lead_walkthrough_runs(live: tuple[str, str]) -> None:
    """`A first lead` as a newcomer pastes it: the normalised lead at 35, then the demo request
    that makes it sales-ready at 85, with the rules that fired."""
    base, key = live
    capture, demo = blocks(section("A first lead"), "sh")
    (lead,), _ = documents(curl(capture, base, KEY=key))
    assert (lead["email"], lead["phone"], lead["country"], lead["domain"], lead["seniority"]) == (
        "ada@analytical-engines.co.uk",
        "+442079460958",
        "GB",
        "analytical-engines.co.uk",
        "c_level",
    )
    assert (lead["score"], lead["band"]) == (35, "not_ready")
    # The second block goes on in the first one's shell: $KEY is already set there.
    (event, score), _ = documents(curl(f"KEY=lk_...\n{demo}", base, KEY=key, LEAD=lead["id"]))
    assert (event["type"], event["lead_id"]) == ("demo_request", lead["id"])
    assert (score["score"], score["band"]) == (85, "sql")
    assert sum(hit["points"] for hit in score["breakdown"]) == 85


def test_the_report_examples_run(live: tuple[str, str]) -> None:
    base, key = live
    (script,) = blocks(section("The API"), "sh")
    output = curl(f"KEY=lk_...\n{script}", base, KEY=key)
    (funnel,), owners_csv = documents(output)
    assert funnel["group_by"] == "source"
    assert {"total", "groups"} <= set(funnel)
    assert owners_csv.splitlines()[0].split(",")[0] == "section"  # CSV, one line per owner


def test_the_settings_table_lists_every_setting() -> None:
    """Both ways: every setting of the config is in the README's table, and every LEADAPI_
    variable the README (or the code) names is in the table."""
    from leadapi.config import Settings

    table = section("Settings").split("\n|", 1)[1]
    listed = set(re.findall(r"`(LEADAPI_[A-Z0-9_]+)`", table))
    configured = {f"LEADAPI_{name.upper()}" for name in Settings.model_fields}
    assert configured - listed == set(), "settings missing from the README's table"
    named = set(re.findall(r"\bLEADAPI_[A-Z0-9_]+\b", README.read_text()))
    source = Path(__file__).resolve().parents[2] / "src" / "leadapi"
    for module in source.rglob("*.py"):
        named |= set(re.findall(r"\bLEADAPI_[A-Z0-9_]+\b", module.read_text()))
    assert named - listed == set(), "LEADAPI_ variables used but missing from the README's table"
