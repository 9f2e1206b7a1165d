"""Batch items fail alone: attempt_item turns any failure into that item's errors."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import BaseModel

from leadapi.errors import ProblemError, attempt_item


class Item(BaseModel):
    n: int


async def test_success_bad_input_problem_and_bug() -> None:
    async def ok() -> int:
        return 7

    async def invalid() -> int:
        return Item.model_validate({"n": "x"}).n

    async def refused() -> int:
        raise ProblemError(404, "Lead 'x' does not exist.")

    async def bug() -> int:
        raise RuntimeError("boom")

    assert await attempt_item(ok) == (7, None)
    result, errors = await attempt_item(invalid)
    assert result is None
    assert errors is not None
    assert errors[0]["field"] == "n"
    assert await attempt_item(refused) == (None, [{"field": "", "message": "Lead 'x' does not exist."}])
    result, errors = await attempt_item(bug)
    assert result is None
    assert errors == [{"field": "", "message": "internal error; it has been logged"}]


async def test_cancellation_is_not_swallowed() -> None:
    async def cancelled() -> int:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await attempt_item(cancelled)
