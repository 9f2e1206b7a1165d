"""Secrets sealed at rest: signing secrets and credentials are stored encrypted, so the database
(a file, a dump, a replica) alone reveals none of them.

Fernet (from `cryptography`: AES-128-CBC with HMAC-SHA256, authenticated) under a keyring: the
first key seals, every key unseals, so rotation is "put a new key first, run `leadapi secrets
reseal`, then drop the old key". A stored value carries a version prefix, so a value written before
sealing existed (plaintext) is still read, and `reseal` seals it.

The keys come from `LEADAPI_SECRET_KEYS`; without it, from a key file that the embedded setup
generates on first start (next to the SQLite database), so `make run` needs no setup.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Column, Table, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.config import Settings

log = logging.getLogger(__name__)

PREFIX = "sealed:v1:"


class SealingError(Exception):
    """A stored secret that none of the configured keys opens."""


class Sealer:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("a sealer needs at least one key")
        try:
            fernets = [Fernet(key.encode()) for key in keys]
        except (ValueError, TypeError) as exc:
            raise ValueError(
                "a secret key is not a Fernet key (32 url-safe base64-encoded bytes; "
                "`leadapi secrets new-key` makes one)"
            ) from exc
        self._primary = fernets[0]
        self._ring = MultiFernet(fernets)
        # Keys for keyed hashes (suppressions), derived from the sealing keys so that no second
        # secret needs managing; a key of its own per purpose, never the Fernet key itself.
        self._hash_keys = [hmac.digest(key.encode(), b"leadapi:keyed-hash", "sha256") for key in keys]

    def keyed_hashes(self, message: str) -> list[str]:
        """HMAC-SHA256 of `message` under each key of the ring, the first key's first: store the
        first, look up all (a value hashed before a rotation is still recognised)."""
        return [hmac.new(key, message.encode(), hashlib.sha256).hexdigest() for key in self._hash_keys]

    def seal(self, plaintext: str) -> str:
        return PREFIX + self._ring.encrypt(plaintext.encode()).decode()

    def unseal(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # written before secrets were sealed; `reseal` seals it
        try:
            return self._ring.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise SealingError(
                "a stored secret opens with none of the configured keys (LEADAPI_SECRET_KEYS)"
            ) from exc

    def reseal(self, stored: str) -> str | None:
        """The value sealed under the first key, or None when it already is."""
        if stored.startswith(PREFIX):
            token = stored[len(PREFIX) :].encode()
            try:
                self._primary.decrypt(token)
                return None
            except InvalidToken:
                try:
                    return PREFIX + self._ring.rotate(token).decode()
                except InvalidToken as exc:
                    raise SealingError("a stored secret opens with none of the configured keys") from exc
        return self.seal(stored)


def new_key() -> str:
    return Fernet.generate_key().decode()


def key_file(settings: Settings) -> Path:
    if settings.secret_key_file is not None:
        return settings.secret_key_file
    sqlite = settings.sqlite_path()
    return (sqlite.parent if sqlite is not None else Path("data")) / "secret.key"


def load_sealer(settings: Settings) -> Sealer:
    """The keyring from the settings, or from the key file (made on first start if missing)."""
    keys = [key.strip() for key in settings.secret_keys.get_secret_value().split(",") if key.strip()]
    if keys:
        return Sealer(keys)
    path = key_file(settings)
    if not path.exists():
        if settings.sqlite_path() is None:
            log.warning(
                "LEADAPI_SECRET_KEYS is not set: sealing secrets with a key generated in %s; "
                "every process that shares this database needs the same key",
                path,
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: two processes starting at once must not each write a different key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(new_key() + "\n")
    keys = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    return Sealer(keys)


async def reseal_columns(
    conn: AsyncConnection, table: Table, columns: Sequence[Column[str]], sealer: Sealer
) -> int:
    """Seal every plaintext value and re-seal every value sealed under an older key, in `columns`
    of `table` (all workspaces: an operator's command); returns how many rows changed."""
    key_columns = list(table.primary_key.columns)
    rows = (await conn.execute(select(*key_columns, *columns))).mappings().all()
    changed = 0
    for row in rows:
        values = {}
        for column in columns:
            stored = row[column.name]
            if stored is None:
                continue
            resealed = sealer.reseal(stored)
            if resealed is not None:
                values[column.name] = resealed
        if values:
            where = [key == row[key.name] for key in key_columns]
            await conn.execute(update(table).where(*where).values(values))
            changed += 1
    return changed
