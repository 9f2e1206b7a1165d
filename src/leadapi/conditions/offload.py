"""Heavy evaluations of conditions (previews over a lead's whole history, or a draft model) run
off the event loop, in a small thread pool of their own, under a MatchBudget: a preview can
neither stall the other requests of its process nor run for long.

A budget that runs out is a 422 problem (`match-budget-exceeded`), never a partial answer.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from leadapi.conditions.engine import MatchBudget, MatchBudgetExceededError, match_budget
from leadapi.errors import ProblemError

P = ParamSpec("P")
T = TypeVar("T")

# A thousand of the costliest searches the per-pattern bounds allow (a 1,000-step program over
# 1,000 characters), and thousands of times as many ordinary ones; the CPU limit stops whatever
# else is slow.
DEFAULT_MATCH_UNITS = 1_000_000_000
DEFAULT_CPU_SECONDS = 2.0
# Previews waiting beyond these threads queue: they cannot take every core between them.
THREADS = 2


@dataclass(frozen=True)
class EvaluationLimits:
    match_units: int = DEFAULT_MATCH_UNITS
    cpu_seconds: float = DEFAULT_CPU_SECONDS


def _exceeded(exc: MatchBudgetExceededError) -> ProblemError:
    return ProblemError(
        422,
        f"The evaluation was stopped: {exc}. Use fewer or simpler `matches` conditions, or preview "
        "fewer events.",
        slug="match-budget-exceeded",
        title="Match budget exceeded",
    )


class Evaluator:
    def __init__(self, limits: EvaluationLimits | None = None) -> None:
        self.limits = limits or EvaluationLimits()
        self._pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="leadapi-evaluate")

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` in the pool, its matching budgeted (in the pool thread's own CPU
        time, which other requests' work does not count against)."""

        def bounded() -> T:
            budget = MatchBudget(self.limits.match_units, self.limits.cpu_seconds, time.thread_time)
            with match_budget(budget):
                return fn(*args, **kwargs)

        context = contextvars.copy_context()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, context.run, bounded)
        except MatchBudgetExceededError as exc:
            raise _exceeded(exc) from None

    @contextmanager
    def on_loop(self) -> Iterator[None]:
        """For evaluations interleaved with queries (a routing preview): the matching budget
        alone, on the event loop, whose CPU time other tasks share."""
        try:
            with match_budget(MatchBudget(self.limits.match_units)):
                yield
        except MatchBudgetExceededError as exc:
            raise _exceeded(exc) from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
