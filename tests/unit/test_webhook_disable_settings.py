"""LEADAPI_WEBHOOK_DISABLE_AFTER_FAILURES and LEADAPI_WEBHOOK_DISABLE_AFTER_HOURS: read from the
environment, and a value the webhook service cannot use is refused when the settings are read,
naming the setting, before anything starts. That the app's webhook service disables by them is
tested over HTTP in tests/api/test_webhooks.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from leadapi.app import create_app
from leadapi.config import Settings
from tests.factories import services

FAILURES = "LEADAPI_WEBHOOK_DISABLE_AFTER_FAILURES"
HOURS = "LEADAPI_WEBHOOK_DISABLE_AFTER_HOURS"


def read(monkeypatch: pytest.MonkeyPatch, env: dict[str, str] | None = None, **fields: object) -> Settings:
    """Settings as a process reads them, with these two variables in its environment."""
    for name in (FAILURES, HOURS):
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None, **fields)  # type: ignore[arg-type]


def test_the_defaults_are_five_failures_and_120_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = read(monkeypatch)
    assert (settings.webhook_disable_after_failures, settings.webhook_disable_after_hours) == (5, 120)


@pytest.mark.parametrize(
    ("failures", "hours", "expected"),
    [
        ("1", "0.5", (1, 0.5)),
        ("3", "1", (3, 1)),
        (" 7 ", "1000000", (7, 1_000_000)),
        ("2", "1e-3", (2, 0.001)),
    ],
)
def test_values_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, failures: str, hours: str, expected: tuple[int, float]
) -> None:
    settings = read(monkeypatch, {FAILURES: failures, HOURS: hours})
    assert (settings.webhook_disable_after_failures, settings.webhook_disable_after_hours) == expected


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0", "greater than or equal to 1"),
        ("-1", "greater than or equal to 1"),
        ("-99999999999999999999", "greater than or equal to 1"),
        ("2.5", "valid integer"),
        ("1e3", "valid integer"),
        ("five", "valid integer"),
        ("", "valid integer"),
        ("true", "valid integer"),
    ],
)
def test_a_failure_count_that_is_no_whole_number_of_at_least_one_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str, says: str
) -> None:
    with pytest.raises(
        ValidationError, match=rf"webhook_disable_after_failures\n  Input should be (a )?{says}"
    ):
        read(monkeypatch, {FAILURES: value})


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0", "greater than 0"),
        ("-0.5", "greater than 0"),
        ("-1", "greater than 0"),
        ("nan", "a finite number"),
        ("inf", "a finite number"),
        ("-inf", "a finite number"),
        ("1000000.5", "less than or equal to 1000000"),
        ("1e300", "less than or equal to 1000000"),
        ("five days", "valid number"),
        ("", "valid number"),
    ],
)
def test_hours_that_are_not_a_positive_number_up_to_a_million_are_refused(
    monkeypatch: pytest.MonkeyPatch, value: str, says: str
) -> None:
    with pytest.raises(ValidationError, match=rf"webhook_disable_after_hours\n  Input should be (a )?{says}"):
        read(monkeypatch, {HOURS: value})


@pytest.mark.parametrize("hours", [1e-3, 120, 1_000_000])
def test_the_app_starts_with_any_accepted_hours_and_hands_them_on(
    monkeypatch: pytest.MonkeyPatch, hours: float
) -> None:
    """The upper bound is one the app can hold: the largest accepted value still builds it."""
    settings = read(
        monkeypatch,
        {FAILURES: "2", HOURS: str(hours)},
        database_url="sqlite+aiosqlite://",
        bootstrap=False,
        mcp_enabled=False,
        # A sealing key of its own: without one the app would make a key file in the working directory.
        secret_keys=Fernet.generate_key().decode(),
    )
    webhooks = services(create_app(settings)).webhooks
    assert (webhooks.disable_after_failures, webhooks.disable_after) == (2, timedelta(hours=hours))
