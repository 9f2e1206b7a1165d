"""PostgreSQL's fast path for recording a behaviour event: two statements on the caller's asyncpg
connection, no explicit transaction, no lock held while Python scores. The score and its events
are the lead-change flow's step 1 (`LeadChangeFlow.plan_event`); when later steps would have work
(a band change, a touch) the flow's general path takes the event.

1. Read, in one snapshot: the lead with its row version (`xmin`, which every update of the row
   changes), the active model, whether the event's external id was seen, and the lead's events
   of the types the model reads.
2. Write, in one statement (atomic, autocommitted): the lead's new score columns, only if the row
   is still the version read, and, only if that update happened, the event and the score's own
   events. If someone changed the lead in between, nothing is written and the caller reads again.

The general path takes eight SQLAlchemy round trips (BEGIN, lock, append, model, events, score,
score events, COMMIT) for the same work; per-execute overhead was the endpoint's largest cost.
Writers on the general path lock the row and always update it, so they move `xmin` too. An
event that changes the lead's band is handed to the general path, which promotes its stage and
routes it in the same transaction; so are touches. The read returns the pipeline's version, so a
process with stale touch types hands the event over too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from leadapi.events.repository import NewEvent
from leadapi.events.rows import EVENT_COLUMNS
from leadapi.scoring.engine import EventFact

_READ = """
SELECT l.*, l.xmin::text AS _row_version, s.active_model_id AS _active_model_id,
       COALESCE(ls.version, 0) AS _pipeline_version,
       EXISTS (SELECT 1 FROM events r WHERE r.workspace_id = $1 AND r.external_id = $3) AS _replayed,
       f.ids AS _fact_ids, f.types AS _fact_types, f.times AS _fact_times, f.data AS _fact_data,
       f.sources AS _fact_sources
FROM leads l
LEFT JOIN scoring_settings s ON s.workspace_id = l.workspace_id
LEFT JOIN lifecycle_settings ls ON ls.workspace_id = l.workspace_id
CROSS JOIN LATERAL (
    SELECT array_agg(e.id) AS ids, array_agg(e.type) AS types, array_agg(e.occurred_at) AS times,
           array_agg(e.data::text) AS data, array_agg(e.source) AS sources
    FROM events e
    WHERE e.workspace_id = $1 AND e.lead_id = $2 AND e.type = ANY($4::text[])
) AS f
WHERE l.workspace_id = $1 AND l.id = $2
"""

# The SELECT below lists its values in EVENT_COLUMNS' order (`caused_by` NULL: an event posted to
# the API is no automation's doing).
_WRITE = f"""
WITH scored AS (
    UPDATE leads SET score = $3, fit_score = $4, behavior_score = $5, band = $6, scored_at = $7,
                     score_model_id = $8, rescore_at = $9, last_activity_at = $10,
                     first_activity_at = $19
    WHERE workspace_id = $1 AND id = $2 AND xmin = $18::text::xid
    RETURNING id
)
INSERT INTO events ({", ".join(EVENT_COLUMNS)})
SELECT u.id, $1, NULL, u.type, $2, u.occurred_at, u.actor, u.data::jsonb, u.source, u.external_id, NULL
FROM unnest($11::text[], $12::text[], $13::timestamptz[], $14::text[], $15::text[], $16::text[],
            $17::text[]) WITH ORDINALITY AS u(id, type, occurred_at, actor, data, source, external_id, n)
WHERE EXISTS (SELECT 1 FROM scored)
ORDER BY u.n
"""

_FACT_COLUMNS = ("_fact_ids", "_fact_types", "_fact_times", "_fact_data", "_fact_sources")


@dataclass(frozen=True, slots=True)
class LeadSnapshot:
    lead: dict[str, Any]
    row_version: str
    active_model_id: str | None
    replayed: bool  # the event's external id is already recorded
    facts: list[EventFact]
    pipeline_version: int  # the workspace's pipeline settings (stages/), for its touch types


class FastEvents:
    def __init__(self, driver_connection: Any, workspace_id: str) -> None:
        self.conn = driver_connection
        self.workspace_id = workspace_id

    async def read(self, lead_id: str, external_id: str | None, types: list[str]) -> LeadSnapshot | None:
        record = await self.conn.fetchrow(_READ, self.workspace_id, lead_id, external_id, types)
        if record is None:
            return None
        lead = dict(record)
        ids, types_, times, data, sources = (lead.pop(name) for name in _FACT_COLUMNS)
        # No events of those types: the aggregates are NULL.
        columns = (ids or (), types_ or (), times or (), map(json.loads, data or ()), sources or ())
        facts = [EventFact(*fact) for fact in zip(*columns, strict=True)]
        return LeadSnapshot(
            lead,
            lead.pop("_row_version"),
            lead.pop("_active_model_id"),
            lead.pop("_replayed"),
            facts,
            lead.pop("_pipeline_version"),
        )

    async def write(
        self,
        snapshot: LeadSnapshot,
        score: Mapping[str, Any],
        rows: Sequence[tuple[str, NewEvent]],
    ) -> bool:
        """The lead's score columns and events as (id, event), appended in the order given, if
        the lead is still as `snapshot` saw it; False (nothing written) if it has changed."""
        status = await self.conn.execute(
            _WRITE,
            self.workspace_id,
            snapshot.lead["id"],
            score["score"],
            score["fit_score"],
            score["behavior_score"],
            score["band"],
            score["scored_at"],
            score["score_model_id"],
            score["rescore_at"],
            score["last_activity_at"],
            [event_id for event_id, _ in rows],
            [event.type for _, event in rows],
            [event.occurred_at for _, event in rows],
            [event.actor for _, event in rows],
            [json.dumps(event.data) for _, event in rows],
            [event.source for _, event in rows],
            [event.external_id for _, event in rows],
            snapshot.row_version,
            score["first_activity_at"],
        )
        return bool(int(status.rsplit(" ", 1)[-1]))  # "INSERT 0 <rows>"
