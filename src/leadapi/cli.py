"""The `leadapi` command: serve, migrate, init, keys, openapi."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from leadapi.config import Settings

if TYPE_CHECKING:
    from alembic.config import Config

    from leadapi.workspaces.service import WorkspaceService

SCOPES = ("read", "write", "admin")


def migrations_dir() -> Path:
    """migrations/ of a source checkout, else of the working directory (Docker image)."""
    configured = os.environ.get("LEADAPI_MIGRATIONS_DIR")
    candidates = [Path(configured)] if configured else []
    candidates += [Path(__file__).resolve().parents[2] / "migrations", Path.cwd() / "migrations"]
    for candidate in candidates:
        if (candidate / "env.py").exists():
            return candidate
    raise SystemExit("leadapi: cannot find the migrations directory (set LEADAPI_MIGRATIONS_DIR)")


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config  # imported here: most commands never touch Alembic

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["database_url"] = database_url
    return config


def migrate(settings: Settings, revision: str = "head") -> None:
    from alembic import command

    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings.database_url), revision)


@asynccontextmanager
async def _workspaces(settings: Settings) -> AsyncIterator[WorkspaceService]:
    """A WorkspaceService on its own short-lived engine, for one CLI command."""
    from leadapi.db import Database, create_engine, utcnow
    from leadapi.workspaces.service import WorkspaceService

    db = Database(create_engine(settings.database_url))
    try:
        yield WorkspaceService(db, utcnow, 0)
    finally:
        await db.dispose()


async def _create_key(settings: Settings, name: str, scopes: Sequence[str], workspace: str | None) -> str:
    async with _workspaces(settings) as service:
        _, secret = await service.create_key(await service.ensure_workspace(workspace), name, scopes)
        return secret


async def _bootstrap(settings: Settings) -> str | None:
    """First start with an empty database: a default workspace and an admin key."""
    async with _workspaces(settings) as service:
        if await service.has_any_key():
            return None
        _, secret = await service.create_key(await service.ensure_workspace(), "bootstrap admin", ["admin"])
        return secret


async def _list_keys(settings: Settings, workspace: str | None) -> list[dict[str, object]]:
    from leadapi.workspaces.schemas import ApiKey

    async with _workspaces(settings) as service:
        rows = await service.list_keys(await service.ensure_workspace(workspace), 10_000, None)
        return [ApiKey.model_validate(r).model_dump(mode="json") for r in rows]


async def _revoke_key(settings: Settings, key_id: str, workspace: str | None) -> None:
    async with _workspaces(settings) as service:
        await service.revoke_key(await service.ensure_workspace(workspace), key_id)


def print_key_banner(secret: str, settings: Settings) -> None:
    base = f"http://{settings.host}:{settings.port}"
    print(
        "\n".join(
            [
                "",
                "  leadapi: first start, created a default workspace and an admin API key.",
                "  It is shown only this once; keep it somewhere safe:",
                "",
                f"    {secret}",
                "",
                "  Try it:",
                f"    curl -s -X POST {base}/v1/leads -H 'Authorization: Bearer {secret}' \\",
                "         -H 'Content-Type: application/json' -d '{\"email\": \"ada@example.com\"}'",
                "",
                f"  API docs: {base}/docs",
                "",
            ]
        ),
        flush=True,
    )


def serve(settings: Settings) -> None:
    import uvicorn

    if settings.bootstrap:
        secret = asyncio.run(_bootstrap(settings))
        if secret:
            print_key_banner(secret, settings)
    uvicorn.run(
        "leadapi.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        access_log=settings.log_level == "debug",
        proxy_headers=True,
    )


def parse_scopes(value: str) -> list[str]:
    scopes = [s.strip() for s in value.split(",") if s.strip()]
    bad = [s for s in scopes if s not in SCOPES]
    if not scopes or bad:
        raise argparse.ArgumentTypeError(f"scopes are a comma-separated subset of {','.join(SCOPES)}")
    return scopes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leadapi", description="Headless lead management API.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the API (settings: LEADAPI_HOST, LEADAPI_PORT, LEADAPI_WORKERS)")
    sub.add_parser(
        "worker",
        help="run the background work alone (event numbering, jobs, time-based rescoring, cleanup); "
        "set LEADAPI_BACKGROUND_IN_SERVE=false on the API processes",
    )
    m = sub.add_parser("migrate", help="migrate the database to the latest schema")
    m.add_argument("revision", nargs="?", default="head")
    sub.add_parser("init", help="migrate, and create a workspace and an admin key if there is none")
    keys = sub.add_parser("keys", help="manage API keys").add_subparsers(dest="keys_command", required=True)
    create = keys.add_parser("create", help="create an API key and print it (shown once)")
    create.add_argument("--scopes", type=parse_scopes, default=["read", "write"], help="e.g. read,write")
    create.add_argument("--name", default="cli")
    create.add_argument("--workspace", help="workspace id (default: the first; created if none)")
    create.add_argument("--quiet", action="store_true", help="print only the key")
    listing = keys.add_parser("list", help="list API keys (JSON)")
    listing.add_argument("--workspace")
    revoke = keys.add_parser("revoke", help="revoke an API key")
    revoke.add_argument("key_id")
    revoke.add_argument("--workspace")
    oa = sub.add_parser("openapi", help="print the OpenAPI document")
    oa.add_argument("--output", "-o", help="write to this file instead of stdout")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    try:
        return _run(args, settings)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear line, not a traceback
        from leadapi.errors import ProblemError

        message = exc.detail if isinstance(exc, ProblemError) else f"{type(exc).__name__}: {exc}"
        print(f"leadapi: {message}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        serve(settings)
    elif args.command == "worker":
        from leadapi.background import run_worker
        from leadapi.db import utcnow
        from leadapi.services import build_services

        asyncio.run(run_worker(build_services(settings, utcnow)))
    elif args.command == "migrate":
        migrate(settings, args.revision)
    elif args.command == "init":
        migrate(settings)
        secret = asyncio.run(_bootstrap(settings))
        if secret:
            print_key_banner(secret, settings)
        else:
            print("leadapi: already initialised (API keys exist); create more with `leadapi keys create`.")
    elif args.command == "keys":
        if args.keys_command == "create":
            secret = asyncio.run(_create_key(settings, args.name, args.scopes, args.workspace))
            print(secret if args.quiet else f"API key (shown once): {secret}")
        elif args.keys_command == "list":
            print(json.dumps(asyncio.run(_list_keys(settings, args.workspace)), indent=2))
        else:
            asyncio.run(_revoke_key(settings, args.key_id, args.workspace))
            print(f"revoked {args.key_id}")
    elif args.command == "openapi":
        from leadapi.app import create_app

        document = json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True) + "\n"
        if args.output:
            Path(args.output).write_text(document)
        else:
            sys.stdout.write(document)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
