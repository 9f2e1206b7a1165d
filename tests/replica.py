"""A real PostgreSQL streaming replica, for the read-replica tests.

Two PostgreSQL instances on 127.0.0.1, made with the server's own tools: a small primary of the
tests' own (`initdb`, on a free port) and its hot standby (`pg_basebackup -R` from it, on another
free port), both started with `pg_ctl`. The primary is the tests' own rather than the shared
server on 5432 because a base backup copies a whole server: of 5432 it would copy every database
the other tests and benchmarks left there (gigabytes on a developer's machine) and need a
replication entry in the server's pg_hba.conf. In CI a replica that does not start fails the
tests, never skips them. Both are stopped and removed at the end of the session.

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
from collections.abc import Iterator, Sequence
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import IN_CI, PG_ADMIN_URL
from tests.e2e.processes import free_port

# Both instances: throwaway copies (nothing survives a crash of this machine), small, and the
# primary ships its WAL to a hot standby whose replay never cancels a test's read. Commits stay
# synchronous: `caught_up` waits for the primary's WAL position, which an asynchronous commit's
# record may not have reached yet.
_SETTINGS = (
    "listen_addresses = '127.0.0.1'",
    "ssl = off",
    "fsync = off",
    "full_page_writes = off",
    "shared_buffers = 32MB",
    "max_connections = 100",
    "wal_level = replica",
    "max_wal_senders = 4",
    "wal_keep_size = '256MB'",
    "hot_standby = on",
    "hot_standby_feedback = on",
)
_HBA = (
    "local all all trust\n"
    "host all all 127.0.0.1/32 trust\n"
    "local replication all trust\n"
    "host replication all 127.0.0.1/32 trust\n"
)
# Every table and database the primary writes is replayed here within this long (a loaded
# machine), or the test fails saying so.
CATCH_UP_SECONDS = 30.0


class Instance:
    """One PostgreSQL server of the tests' own: its data directory, port and `pg_ctl`."""

    def __init__(
        self, bindir: Path, root: Path, name: str, run_as: str | None, settings: Sequence[str] = ()
    ) -> None:
        self.bindir = bindir
        self.settings = settings
        self.root = root
        self.data = root / name
        self.log = root / f"{name}.log"
        self.port = free_port()
        self.run_as = run_as
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on this instance."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def tool(self, name: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / name), *args]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)

    def configure(self) -> None:
        """This instance's own configuration, whatever initdb or the base backup left."""
        # Later lines win: `settings` overrides the small defaults.
        lines = [
            f"port = {self.port}",
            f"unix_socket_directories = '{self.root}'",
            *_SETTINGS,
            *self.settings,
        ]
        self._write("postgresql.conf", "\n".join(lines) + "\n")
        self._write("pg_hba.conf", _HBA)
        (self.data / "postmaster.pid").unlink(missing_ok=True)
        (self.data / "postmaster.opts").unlink(missing_ok=True)

    def _write(self, name: str, content: str) -> None:
        path = self.data / name
        path.write_text(content)
        if self.run_as is not None:
            user = pwd.getpwnam(self.run_as)
            os.chown(path, user.pw_uid, user.pw_gid)

    def start(self) -> None:
        done = self.tool("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}\n{log[-2000:]}")

    def stop(self, mode: str = "fast") -> None:
        done = self.tool("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        if done.returncode != 0 and mode == "fast":
            raise RuntimeError(f"pg_ctl stop failed: {done.stdout}{done.stderr}")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


class StreamingReplica:
    """The tests' primary and its hot standby: where each listens, and replay under the tests'
    hand. `start`/`stop` are the standby's (a replica going away and coming back)."""

    def __init__(self, primary: Instance, standby: Instance) -> None:
        self.primary = primary
        self.standby = standby
        self.port = standby.port
        self.admin_url = standby.admin_url

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on the replica."""
        return self.standby.url(database)

    async def fresh_database(self, name: str) -> str:
        """(Re)create `name` on the primary; returns its SQLAlchemy URL there."""
        admin = await asyncpg.connect(self.primary.admin_url, timeout=10)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        return self.primary.url(name)

    def start(self) -> None:
        self.standby.start()

    def stop(self) -> None:
        self.standby.stop()

    def destroy(self) -> None:
        for instance in (self.standby, self.primary):
            if instance.running():
                instance.stop("immediate")
        # Nothing waits on the removal, so the session does not either.
        subprocess.Popen(["rm", "-rf", str(self.primary.root)], start_new_session=True)

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
        primary = await asyncpg.connect(self.primary.admin_url, timeout=10)
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


async def _major_version() -> int:
    """The shared test server's major version: the tools of the same release make the pair."""
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=10)
    try:
        return int(await conn.fetchval("SHOW server_version_num")) // 10000
    finally:
        await conn.close()


def start_replica(settings: Sequence[str] = ()) -> StreamingReplica:
    """A primary and its hot standby, both configured with `settings` (postgresql.conf lines)
    over the small defaults."""
    bindir_setting = os.environ.get("LEADAPI_TEST_PG_BINDIR")
    bindir = Path(bindir_setting or f"/usr/lib/postgresql/{asyncio.run(_major_version())}/bin")
    run_as = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="leadapi-replica-"))
    if run_as is not None:
        user = pwd.getpwnam(run_as)
        os.chown(root, user.pw_uid, user.pw_gid)
    root.chmod(0o700)
    primary = Instance(bindir, root, "primary", run_as, settings)
    standby = Instance(bindir, root, "standby", run_as, settings)
    replica = StreamingReplica(primary, standby)
    try:
        made = primary.tool(
            "initdb",
            *("-D", str(primary.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"),
            *("--locale=C", "--no-sync"),
        )
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed: {made.stderr.strip()}")
        primary.configure()
        primary.start()
        copied = standby.tool(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", str(standby.data)),
            *("-R", "-X", "stream", "--checkpoint=fast", "--no-sync"),
            timeout=120,
        )
        if copied.returncode != 0:
            raise RuntimeError(f"pg_basebackup failed: {copied.stderr.strip()}")
        standby.configure()
        standby.start()
        asyncio.run(replica.wait_ready())
    except BaseException:
        replica.destroy()
        raise
    return replica


@pytest.fixture(scope="session")
def streaming_replica() -> Iterator[StreamingReplica]:
    """A primary and its hot standby for the session (a few seconds to make)."""
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
