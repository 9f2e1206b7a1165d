"""The floor of what automations can cost (issue 20): PostgreSQL alone writing again what the
automations bench's runs wrote, set-based, then rolled back.

After `--automations-only` has drained its backlog, the bench's database holds every write the
automations made: their runs (each recorded, fired or skipped), the events their actions appended
(`caused_by` set: `lead.updated` for tag changes, `automation.notified`, `track.enrolled`), the
enrolments, and the steps the sweep then found due (`track.step_due` events and touches; in this
bench every enrolment is an automation's). The floor writes each of those rows once more under a
new id (ordered as the originals, so the indexes see the same insert pattern), and rewrites each
lead the tag changes updated as many times as they did (its version and `updated_at`, so every
index of the row takes a new entry, as a real update's does). No Python runs per row, no row is
read to decide anything, and the work the events then set off in the other consumers (numbering,
rollups, segments, webhooks) is left out: any implementation pays at least this.

Per request that set the runs off (each capture's `lead.created`, each behaviour event), it is set
against what a capture costs the server and PostgreSQL with the automations off, as both share the
same cores at saturation: captures within 10% of their rate needs the automations' whole cost
under a tenth of a capture's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import asyncpg

# The events the runs' actions appended, and the steps due the sweep found in their enrolments.
_AUTOMATION_EVENTS = "caused_by IS NOT NULL OR type = 'track.step_due'"

_PARTS: tuple[tuple[str, str], ...] = (
    (
        "runs",
        """INSERT INTO automation_runs (id, workspace_id, automation_id, event_id, event_seq, event_type,
                                        lead_id, status, reason, detail, actions, depth, caused_by, at)
           SELECT id || '~', workspace_id, automation_id, event_id || '~', event_seq, event_type, lead_id,
                  status, reason, detail, actions, depth, caused_by, at
           FROM automation_runs ORDER BY id""",
    ),
    (
        "events",
        f"""INSERT INTO events (id, workspace_id, type, lead_id, occurred_at, actor, data, source, caused_by)
            SELECT id || '~', workspace_id, type, lead_id, occurred_at, actor, data, source, caused_by
            FROM events WHERE {_AUTOMATION_EVENTS} ORDER BY id""",
    ),
    (
        "enrolments",
        """INSERT INTO track_enrollments (id, workspace_id, track_id, lead_id, status, step, next_due_at,
                                          reason, caused_by, enrolled_at, ended_at, updated_at)
           SELECT id || '~', workspace_id, track_id, lead_id, status, step, next_due_at, reason, caused_by,
                  enrolled_at, ended_at, updated_at
           FROM track_enrollments ORDER BY id""",
    ),
    (
        "touches",
        """INSERT INTO track_touches (id, workspace_id, lead_id, enrollment_id, at)
           SELECT id || '~', workspace_id, lead_id, enrollment_id, at FROM track_touches ORDER BY id""",
    ),
)
# The leads the tag changes updated, with how many times (one `lead.updated` per write).
_UPDATED = """
CREATE TEMPORARY TABLE bench_floor_updates ON COMMIT DROP AS
SELECT lead_id, workspace_id, count(*) AS times FROM events
WHERE type = 'lead.updated' AND caused_by IS NOT NULL GROUP BY lead_id, workspace_id
"""
_UPDATE = """
UPDATE leads SET version = leads.version + 1, updated_at = leads.updated_at + interval '1 microsecond',
                 tags = leads.tags
FROM bench_floor_updates AS u
WHERE leads.id = u.lead_id AND leads.workspace_id = u.workspace_id AND u.times >= $1
"""
# The requests that set runs off: a capture's `lead.created`, a behaviour event (the other types
# the bench's automations take are appended by what those requests did).
_REQUESTS = """
SELECT count(DISTINCT event_id) FROM automation_runs
WHERE event_type NOT IN ('lead.scored', 'lead.updated', 'automation.notified', 'track.enrolled',
                         'track.step_due')
"""


@dataclass
class AutomationFloor:
    requests: int
    seconds: float
    parts: dict[str, tuple[int, float]] = field(default_factory=dict)  # rows, seconds

    @property
    def ms_per_request(self) -> float:
        return self.seconds / max(1, self.requests) * 1000


async def floor(dsn: str) -> AutomationFloor:
    """The automations' writes, written again by PostgreSQL alone and rolled back (see the
    module's docstring); the bench's database holds one workspace's load."""
    conn = await asyncpg.connect(dsn)
    try:
        result = AutomationFloor(int(await conn.fetchval(_REQUESTS)), 0.0)
        await conn.execute("CHECKPOINT")  # the load's dirty pages are not this run's to write
        transaction = conn.transaction()
        await transaction.start()
        await conn.execute(_UPDATED)
        most = int(await conn.fetchval("SELECT coalesce(max(times), 0) FROM bench_floor_updates"))
        for name, statement in _PARTS:
            started = time.monotonic()
            status = await conn.execute(statement)
            result.parts[name] = (int(status.split()[-1]), time.monotonic() - started)
        rows, started = 0, time.monotonic()
        for times in range(1, most + 1):  # a row takes one update per statement
            rows += int((await conn.execute(_UPDATE, times)).split()[-1])
        result.parts["lead updates"] = (rows, time.monotonic() - started)
        result.seconds = sum(seconds for _, seconds in result.parts.values())
        await transaction.rollback()
    finally:
        await conn.close()
    return result


def describe(result: AutomationFloor, capture_cpu_ms: float) -> list[str]:
    """The report's lines: each part, and the floor per request against a capture's CPU."""
    parts = ", ".join(f"{name} {rows:,} rows {s:.2f} s" for name, (rows, s) in result.parts.items())
    share = result.ms_per_request / capture_cpu_ms if capture_cpu_ms else float("nan")
    return [
        f"the floor (PostgreSQL alone writing the automations' rows again, set-based): {parts}",
        f"  {result.seconds:.2f} s for {result.requests:,} requests that set runs off: "
        f"{result.ms_per_request:.3f} ms per request, {share:.0%} of a capture's CPU with the "
        f"automations off ({capture_cpu_ms:.2f} ms, server and PostgreSQL)",
    ]
