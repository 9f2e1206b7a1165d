"""The request guard's body buffer gives back exactly the bytes it was given, below and past the
size where it moves to a memory map of its own, and lets the map go when it is closed."""

from __future__ import annotations

import os

import pytest

from leadapi.api.middleware import BodyBuffer


@pytest.mark.parametrize(
    "sizes", [[], [0], [10, 20], [BodyBuffer.SMALL], [BodyBuffer.SMALL, 1], [70_000] * 9]
)
def test_the_body_comes_back_whole(sizes: list[int]) -> None:
    chunks = [os.urandom(size) for size in sizes]
    with BodyBuffer() as buffer:
        for chunk in chunks:
            buffer.add(chunk)
        assert buffer.size == sum(sizes)
        assert buffer.value() == b"".join(chunks)
        assert (buffer.mapped is not None) == (sum(sizes) > BodyBuffer.SMALL)
    assert buffer.mapped is None
