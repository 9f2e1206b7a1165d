"""A real PostgreSQL streaming replica of the test server, for the read-replica tests.

A second PostgreSQL instance on 127.0.0.1, made with the server's own tools: `pg_basebackup -R`
from the primary (127.0.0.1:5432) into a temporary directory, started with `pg_ctl` on a free
port as a hot standby streaming from the primary. It sets up what it needs itself (a replication
entry in the primary's pg_hba.conf, when there is none), so CI's fresh machine runs it; in CI a
replica that does not start fails the tests, never skips them. Stopped and removed at the end of
the session.

PostgreSQL refuses to run as root: when the tests run as root, the tools run as the `postgres`
OS user, in a directory it owns.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import IN_CI, PG_ADMIN_URL
from tests.e2e.processes import free_port

# What a hot standby must have at least as much of as its primary, or it refuses to start.
_AT_LEAST_PRIMARY = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)
# Every table and database the primary writes is replayed here within this long (a loaded
# machine), or the test fails saying so.
CATCH_UP_SECONDS = 30.0


class StreamingReplica:
    """A hot standby of the test server: where it listens, and its replay under the tests' hand."""

    def __init__(self, bindir: Path, root: Path, port: int, run_as: str | None) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.log = root / "replica.log"
        self.port = port
        self.run_as = run_as
        self.base = PG_ADMIN_URL.rsplit("/", 1)[0]
        self.admin_url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on the replica."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    # ---- the server ------------------------------------------------------------------------

    def _tool(self, name: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / name), *args]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)

    def create(self, settings: dict[str, str]) -> None:
        """Base backup of the primary, then this instance's own configuration (the backup of a
        Debian cluster carries no postgresql.conf or pg_hba.conf: they live in /etc)."""
        done = self._tool(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-D", str(self.data)),
            *("-R", "-X", "stream", "--checkpoint=fast", "--no-sync"),
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"pg_basebackup failed: {done.stderr.strip()}")
        lines = [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.root}'",
            "hot_standby = on",
            # Replay never cancels a test's read, nor waits on one.
            "hot_standby_feedback = on",
            "shared_buffers = 32MB",
            # A throwaway copy: nothing here needs to survive a crash of this machine.
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "ssl = off",
            *(f"{name} = {value}" for name, value in settings.items()),
        ]
        self._write("postgresql.conf", "\n".join(lines) + "\n")
        self._write("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n")
        self._write("pg_ident.conf", "")
        (self.data / "postmaster.pid").unlink(missing_ok=True)
        (self.data / "postmaster.opts").unlink(missing_ok=True)

    def _write(self, name: str, content: str) -> None:
        path = self.data / name
        path.write_text(content)
        if self.run_as is not None:
            user = pwd.getpwnam(self.run_as)
            os.chown(path, user.pw_uid, user.pw_gid)

    def start(self) -> None:
        done = self._tool("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}\n{log[-2000:]}")

    def stop(self) -> None:
        done = self._tool("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl stop failed: {done.stdout}{done.stderr}")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._tool("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        # A copy of the whole server: removing it takes as long as writing it did, and nothing
        # waits on it, so the session does not either.
        subprocess.Popen(["rm", "-rf", str(self.root)], start_new_session=True)

    # ---- replay ----------------------------------------------------------------------------

    async def _on_replica(self, sql: str) -> object:
        conn = await asyncpg.connect(self.admin_url, timeout=10)
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    async def pause(self) -> None:
        """Stop replaying once it has everything written so far: the replica then answers as the
        primary was at this moment, whatever the primary does next."""
        await self.caught_up()
        await self._on_replica("SELECT pg_wal_replay_pause()")

    async def resume(self) -> None:
        await self._on_replica("SELECT pg_wal_replay_resume()")
        await self.caught_up()

    async def caught_up(self) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        primary = await asyncpg.connect(PG_ADMIN_URL, timeout=10)
        try:
            target = await primary.fetchval("SELECT pg_current_wal_lsn()::text")
        finally:
            await primary.close()
        replica = await asyncpg.connect(self.admin_url, timeout=10)
        try:
            deadline = time.monotonic() + CATCH_UP_SECONDS
            sql = "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn"
            while not await replica.fetchval(sql, target):
                if time.monotonic() > deadline:
                    raise AssertionError(f"the replica has not replayed {target} in {CATCH_UP_SECONDS} s")
                await asyncio.sleep(0.01)  # another process's progress: there is no clock to move
        finally:
            await replica.close()

    async def wait_ready(self) -> None:
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while True:
            try:
                if await self._on_replica("SELECT pg_is_in_recovery()") is True:
                    return
                raise RuntimeError("the new instance is not a standby")
            except (OSError, asyncpg.PostgresError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)


_REPLICATION_ALLOWED = """
    SELECT count(*) > 0 FROM pg_hba_file_rules
    WHERE type = 'host' AND 'replication' = ANY(database) AND error IS NULL
      AND address IN ('all', 'samehost', '127.0.0.1')"""


async def _primary_setup() -> tuple[int, dict[str, str], Path, bool]:
    """The primary's major version, the settings a standby must match, its pg_hba.conf, and
    whether that lets 127.0.0.1 open a replication connection."""
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=10)
    try:
        major = int(await conn.fetchval("SHOW server_version_num")) // 10000
        settings = {name: await conn.fetchval(f"SHOW {name}") for name in _AT_LEAST_PRIMARY}
        hba = Path(await conn.fetchval("SHOW hba_file"))
        return major, settings, hba, bool(await conn.fetchval(_REPLICATION_ALLOWED))
    finally:
        await conn.close()


async def _reloaded() -> bool:
    """Whether replication from 127.0.0.1 is allowed once the primary has reread pg_hba.conf."""
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=10)
    try:
        await conn.fetchval("SELECT pg_reload_conf()")
        for _ in range(50):  # the postmaster rereads the file when its signal arrives
            if await conn.fetchval(_REPLICATION_ALLOWED):
                return True
            await asyncio.sleep(0.1)
        return False
    finally:
        await conn.close()


def start_replica() -> StreamingReplica:
    major, settings, hba, allowed = asyncio.run(_primary_setup())
    if not allowed:
        # A fresh server (CI's) allows no replication connection: this one line, once.
        with hba.open("a") as out:
            out.write("\n# leadapi tests: streaming replicas on this machine (tests/replica.py)\n")
            out.write("host replication all 127.0.0.1/32 trust\n")
        allowed = asyncio.run(_reloaded())
    if not allowed:
        raise RuntimeError("the primary's pg_hba.conf allows no replication connection from 127.0.0.1")
    bindir = Path(os.environ.get("LEADAPI_TEST_PG_BINDIR", f"/usr/lib/postgresql/{major}/bin"))
    run_as = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="leadapi-replica-"))
    if run_as is not None:
        user = pwd.getpwnam(run_as)
        os.chown(root, user.pw_uid, user.pw_gid)
    root.chmod(0o700)
    replica = StreamingReplica(bindir, root, free_port(), run_as)
    try:
        replica.create(settings)
        replica.start()
        asyncio.run(replica.wait_ready())
    except BaseException:
        replica.destroy()
        raise
    return replica


@pytest.fixture(scope="session")
def streaming_replica() -> Iterator[StreamingReplica]:
    """A hot standby of the test server for the session (a few seconds to make)."""
    try:
        replica = start_replica()
    except (OSError, RuntimeError, asyncpg.PostgresError, subprocess.SubprocessError) as exc:
        message = f"no streaming replica could be started: {type(exc).__name__}: {exc}"
        if IN_CI:
            pytest.fail(f"{message}: CI requires one", pytrace=False)
        pytest.skip(f"{message}: skipping (CI would fail here)")
    try:
        yield replica
    finally:
        replica.destroy()
