"""What an automation batch writes for its tag changes and enrolments, kept and written once.

Tagging and enrolling are most of what automations do. Through LeadService.update each tag change
sent five statements (the lead's row, its `lead.updated`, the active model's id, the lead's events
for the rescore, its score), and each enrolment three (the lead's enrolments, the new one, its
`track.enrolled`). A batch needs none of them at the time: it holds its leads locked, so its copy
of a lead is the stored lead plus what is pending; the rescore is the scoring model's, run in
memory over the lead's events (read once for the batch's leads); the leads' enrolments are read
once too (tracks.service.EnrollmentBatch); the events wait with the batch's other appends, their
rows made when the change was, so each carries its run.

What is pending is written before any action that reads the lead as stored, and when the batch
ends: one UPDATE for every lead changed, one INSERT each for the enrolments and the events. A tag
change that the rescore (the lead-change flow's first step, LeadChangeFlow.plan_rescore) would move
to another band goes the general way (promotion, routing), after what was pending is written; so
does every tag change under a model that scores the events written here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.events.repository import EventRepository, event_row
from leadapi.events.rows import EventRow
from leadapi.flows.lead_change import LeadChangeFlow
from leadapi.leads.engine import diff, patch_values, revised
from leadapi.leads.provenance import AUTOMATION
from leadapi.leads.repository import LeadRepository
from leadapi.leads.service import updated_event
from leadapi.scoring.engine import EventFact
from leadapi.scoring.scorer import ActiveModel, Scorer
from leadapi.tracks.service import EnrollmentBatch

# The events a kept change appends itself: a model that scores any of them needs each change's
# events stored before the next rescore reads them, which only the general path does.
WRITTEN_HERE = frozenset({"lead.updated", "lead.scored", "lead.band_changed"})
# The events an action appends to its lead, where they are known to be only these (tracks/service.py).
APPENDS = {"enroll": frozenset({"track.enrolled", "track.exited", "track.completed"})}


@dataclass
class PendingWrites:
    """A batch's changes not yet written: the columns of each lead changed since it was stored,
    the events to append, the enrolments, and the scored events of the batch's leads as read for
    the rescore."""

    workspace_id: str
    lead_ids: Sequence[str]  # the batch's leads: their events and enrolments are read together, once
    enrollments: EnrollmentBatch = field(init=False)
    columns: dict[str, set[str]] = field(default_factory=dict)
    events: list[EventRow] = field(default_factory=list)
    facts: dict[str, Sequence[EventFact]] | None = None
    stale: set[str] = field(default_factory=set)  # leads whose events changed since `facts`

    def __post_init__(self) -> None:
        self.enrollments = EnrollmentBatch(self.lead_ids)

    async def lead_facts(
        self, conn: AsyncConnection, scorer: Scorer, model: ActiveModel, lead_id: str
    ) -> Sequence[EventFact]:
        facts = self.facts
        if facts is None:
            facts = self.facts = dict(await scorer.facts(conn, self.workspace_id, model, list(self.lead_ids)))
        if lead_id in self.stale:
            facts[lead_id] = (await scorer.facts(conn, self.workspace_id, model, [lead_id])).get(lead_id, ())
            self.stale.discard(lead_id)
        return facts.get(lead_id, ())

    def keep(self, lead_id: str, columns: set[str], rows: Sequence[EventRow]) -> None:
        self.columns.setdefault(lead_id, set()).update(columns)
        self.events.extend(rows)

    def general_action(self, lead_id: str, kind: str, model: ActiveModel | None) -> None:
        """An action of `kind` is about to write to the lead through the general path: the events
        it may append that the model scores, and the enrolments it may change (all but an
        enrolment, which keeps the batch's copy), are read again when next needed."""
        if kind != "enroll":
            self.enrollments.forget(lead_id)
        types = APPENDS.get(kind)
        if self.facts is None:
            return  # not read yet: the first read will see them
        if types is None or model is None or types & model.compiled.event_types:
            self.stale.add(lead_id)

    async def flush(self, conn: AsyncConnection, leads: Mapping[str, Mapping[str, Any]]) -> None:
        """Write what is pending: each changed lead as the batch holds it, the events, the enrolments."""
        if self.columns:
            names = sorted(set().union(*self.columns.values()))
            await LeadRepository(conn, self.workspace_id).update_many(
                [(lead_id, {name: leads[lead_id][name] for name in names}) for lead_id in self.columns]
            )
            self.columns.clear()
        await self.enrollments.write(conn, self.workspace_id)
        events = [*self.events, *self.enrollments.take_events()]
        if events:
            await EventRepository(conn, self.workspace_id).append_rows(events)
            self.events.clear()


def tag_change(
    flow: LeadChangeFlow,
    workspace_id: str,
    model: ActiveModel,
    lead: Mapping[str, Any],
    fields: Mapping[str, Any],
    facts: Sequence[EventFact],
    now: datetime,
    actor: str,
) -> tuple[dict[str, Any], list[EventRow], set[str]] | None:
    """The lead after `fields` (its tags, as LeadService.prepare made them), rescored by the
    lead-change flow's first step, with the rows of the events the general path appends for it
    (`lead.updated`, and `lead.scored` when the score moved) and the columns that changed (none:
    the lead has these tags). None: the change needs the general path (the band moves)."""
    changes = patch_values(lead, fields)
    changed = diff(lead, changes)
    if not changed:
        return dict(lead), [], set()
    written = revised(lead, changes, now, AUTOMATION)
    after = {**lead, **written}
    planned = flow.plan_rescore(model, lead, after, facts, now, actor, "lead_changed")
    if planned is None:
        return None
    score, score_events = planned
    updated = updated_event(lead["id"], changed, written["version"], now, actor)
    rows = [event_row(workspace_id, updated), *(event_row(workspace_id, e) for e in score_events)]
    return {**after, **score}, rows, set(written) | set(score)
