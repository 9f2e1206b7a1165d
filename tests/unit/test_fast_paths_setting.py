"""LEADAPI_FAST_PATHS: read from the environment, and on only where the fast paths exist."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from leadapi.config import Settings
from leadapi.db import Database, create_engine

PG_URL = "postgresql+asyncpg://nobody@127.0.0.1:1/none"  # an engine connects lazily: never here


@pytest.mark.parametrize(
    ("value", "expected"), [(None, True), ("false", False), ("0", False), ("true", True)]
)
def test_the_setting_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool
) -> None:
    if value is None:
        monkeypatch.delenv("LEADAPI_FAST_PATHS", raising=False)
    else:
        monkeypatch.setenv("LEADAPI_FAST_PATHS", value)
    assert Settings(_env_file=None).fast_paths is expected


@pytest.mark.parametrize("value", ["maybe", "", "2", "fals"])
def test_a_value_that_is_no_boolean_is_refused_at_start(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("LEADAPI_FAST_PATHS", value)
    with pytest.raises(ValidationError, match="fast_paths"):
        Settings(_env_file=None)


@pytest.mark.parametrize(
    ("url", "setting", "expected"),
    [
        (PG_URL, True, True),
        (PG_URL, False, False),
        ("sqlite+aiosqlite://", True, False),  # the one-statement paths are PostgreSQL's alone
        ("sqlite+aiosqlite://", False, False),
    ],
)
async def test_the_database_takes_them_only_on_postgresql_with_the_setting_on(
    url: str, setting: bool, expected: bool
) -> None:
    engine = create_engine(url)
    try:
        assert Database(engine, fast_paths=setting).fast_paths is expected
        assert Database(engine).fast_paths is (url == PG_URL)  # on by default
    finally:
        await engine.dispose()
