"""Text search indexes outside the models: PostgreSQL's trigram expression and SQLite's FTS5 table.

Both are made by migration 0017. The SQLite half is an external-content FTS5 table kept in step by
triggers on `leads`; a later revision that rebuilds `leads` in batch mode (copy, drop, rename)
drops those triggers and may renumber rowids, so `ensure_sqlite_fts` runs after every Alembic
upgrade (migrations/env.py): it recreates missing triggers and rebuilds the index from `leads`.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

# Searched on both databases; `domain` is derived from the email or website on write.
SEARCH_FIELDS = ("email", "first_name", "last_name", "company", "domain")

# One lower-cased text per lead, what the trigram index holds; the query must spell it the same.
PG_SEARCH_EXPRESSION = "lower(" + " || ' ' || ".join(f"coalesce({f}, '')" for f in SEARCH_FIELDS) + ")"

FTS_TABLE = "leads_fts"
_COLUMNS = ", ".join(SEARCH_FIELDS)
_NEW = ", ".join(f"new.{f}" for f in SEARCH_FIELDS)
_OLD = ", ".join(f"old.{f}" for f in SEARCH_FIELDS)

SQLITE_FTS_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"{_COLUMNS}, content='leads', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_FTS_TRIGGERS = {
    "leads_fts_ai": f"""CREATE TRIGGER IF NOT EXISTS leads_fts_ai AFTER INSERT ON leads BEGIN
  INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.rowid, {_NEW});
END""",
    "leads_fts_ad": f"""CREATE TRIGGER IF NOT EXISTS leads_fts_ad AFTER DELETE ON leads BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.rowid, {_OLD});
END""",
    # Only when a searched column changes: scoring and routing update leads far more often.
    "leads_fts_au": f"""CREATE TRIGGER IF NOT EXISTS leads_fts_au AFTER UPDATE OF {_COLUMNS} ON leads BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.rowid, {_OLD});
  INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.rowid, {_NEW});
END""",
}


def create_sqlite_fts(connection: Connection) -> None:
    connection.exec_driver_sql(SQLITE_FTS_TABLE)
    for ddl in SQLITE_FTS_TRIGGERS.values():
        connection.exec_driver_sql(ddl)
    connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def drop_sqlite_fts(connection: Connection) -> None:
    for name in SQLITE_FTS_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def ensure_sqlite_fts(connection: Connection) -> bool:
    """Where the FTS table exists but a trigger is gone (a batch rebuild of `leads` since), put
    the triggers back and rebuild the index; True if it had to."""
    names = {
        row[0]
        for row in connection.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE 'leads_fts%'"
            )
        )
    }
    if FTS_TABLE not in names or set(SQLITE_FTS_TRIGGERS) <= names:
        return False
    create_sqlite_fts(connection)
    return True
