"""The in-process fixed windows behind `rate_limit_storage=memory://` (api/ratelimit.py)."""

from __future__ import annotations

from leadapi.api.ratelimit import MemoryWindows


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_window_starts_with_its_first_hit_and_counts_until_it_ends() -> None:
    clock = Clock()
    windows = MemoryWindows(clock)
    assert windows.hit("k", 60) == (1, 1060.0)
    clock.now = 1059.9
    assert windows.hit("k", 60) == (2, 1060.0)
    assert windows.hit("other", 60) == (1, 1119.9)  # each key its own window
    clock.now = 1060.0
    assert windows.hit("k", 60) == (1, 1120.0)  # a fresh window


def test_expired_windows_are_swept() -> None:
    clock = Clock()
    windows = MemoryWindows(clock)
    for i in range(100):
        windows.hit(f"client-{i}", 1)
    clock.now += 2
    windows.hit("late", 1)
    assert set(windows._windows) == {"late"}
