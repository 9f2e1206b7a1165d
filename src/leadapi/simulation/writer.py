"""Writing a synthetic population (simulation/population.py) through the services, as the API
would: owners and a weighted routing rule first, then, hour by hour of simulated time, the leads
captured that hour (the batch path: each in a savepoint), the behaviour events that happened (the
events' batch path; a lead's visits before capture are sent right after it, with their own times)
and the stage moves (won, or disqualified). Every write goes through the same code as a request, so
leads are scored, promoted, routed and logged as they would be; the clock is moved to each hour
(`move_clock`), so the pipeline's times are the simulated ones.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from leadapi.errors import ProblemError
from leadapi.owners.schemas import OwnerCreate
from leadapi.principal import Principal
from leadapi.routing.schemas import Pool, RuleCreate
from leadapi.services import Services
from leadapi.simulation.population import SimLead
from leadapi.stages.schemas import StageMoveIn

TICK = timedelta(hours=1)
OWNERS = (("Ada Owner", 3), ("Alan Owner", 2), ("Grace Owner", 2), ("Linus Owner", 1), ("Radia Owner", 1))


@dataclass
class Written:
    leads: int = 0
    events: int = 0
    won: int = 0
    disqualified: int = 0
    refused: int = 0


def _ticker(tick: timedelta) -> Callable[[datetime], datetime]:
    step = tick.total_seconds()

    def end_of(moment: datetime) -> datetime:
        """The end of the tick `moment` falls in: when the simulation writes it."""
        return datetime.fromtimestamp(math.floor(moment.timestamp() / step) * step + step, UTC)

    return end_of


async def write_population(
    services: Services,
    principal: Principal,
    population: list[SimLead],
    move_clock: Callable[[datetime], None],
    progress: Callable[[int, int], None] | None = None,
    tick: timedelta = TICK,
) -> Written:
    """Each `tick` of simulated time is one transaction (coarser ticks write faster, with the
    times of a tick's captures and moves rounded up to its end)."""
    written = Written()
    _tick = _ticker(tick)
    if not population:
        return written
    move_clock(_tick(population[0].created_at) - timedelta(days=1))
    async with services.db.transaction() as conn:
        for name, weight in OWNERS:
            email = name.lower().replace(" ", ".") + "@sim.example.com"
            await services.owners.create(conn, principal, OwnerCreate(name=name, email=email, weight=weight))
        rule = RuleCreate(name="Everyone, weighted", position=0, strategy="weighted", pool=Pool())
        await services.routing.create_rule(conn, principal, rule)

    captures: defaultdict[datetime, list[SimLead]] = defaultdict(list)
    later: defaultdict[datetime, list[tuple[SimLead, Any]]] = defaultdict(list)
    moves: defaultdict[datetime, list[tuple[SimLead, StageMoveIn]]] = defaultdict(list)
    for lead in population:
        captured = _tick(lead.created_at)
        captures[captured].append(lead)
        for event in lead.events:
            if event.at > lead.created_at:  # after capture: sent when it happens, never before capture
                at = max(event.at, captured + timedelta(minutes=1))
                later[_tick(at)].append(
                    (lead, {"type": event.type, "occurred_at": at, "properties": event.properties})
                )
        if lead.converted_at is not None:
            moves[_tick(lead.converted_at)].append((lead, StageMoveIn(to="customer", amount=10_000.0)))
        elif lead.disqualified_at is not None:
            moves[_tick(lead.disqualified_at)].append(
                (lead, StageMoveIn(to="disqualified", reason="no_need"))
            )
    ids: dict[int, str] = {}
    moments = sorted(set(captures) | set(later) | set(moves))
    for done, moment in enumerate(moments, 1):
        move_clock(moment)
        async with services.db.transaction() as conn:
            batch = captures.get(moment, [])
            results = await services.leads.capture_batch(
                conn, principal, [lead.fields for lead in batch], overwrite=False
            )
            events: list[dict[str, Any]] = []
            for lead, (status, lead_id, _) in zip(batch, results, strict=True):
                if lead_id is None:
                    written.refused += 1
                    continue
                ids[lead.number] = lead_id
                written.leads += status == "created"
                events += [
                    {"type": e.type, "occurred_at": e.at, "properties": e.properties, "lead_id": lead_id}
                    for e in lead.events
                    if e.at <= lead.created_at
                ]
            events += [
                {**event, "lead_id": ids[lead.number]}
                for lead, event in later.get(moment, [])
                if lead.number in ids
            ]
            recorded = await services.events.record_batch(conn, principal, events)
            written.events += sum(1 for status, _, _ in recorded if status == "created")
            written.refused += sum(1 for status, _, _ in recorded if status == "error")
            for lead, move in moves.get(moment, []):
                if lead.number not in ids:
                    continue
                try:
                    async with conn.begin_nested():
                        await services.flow.move_stage(conn, principal, ids[lead.number], move)
                except ProblemError:  # a move the lead's stage does not allow: counted, not fatal
                    written.refused += 1
                    continue
                written.won += move.to == "customer"
                written.disqualified += move.to == "disqualified"
        if progress is not None:
            progress(done, len(moments))
    return written
