"""The SLA breach sweep: one round over the first-touch clocks past due, in every workspace.

The due clocks are read in one snapshot, most overdue first; each is then judged in its own
transaction by the lead-change flow (`LeadChangeFlow.clock_due`: SLA's verdict, then the
breach's reassignment), so one busy or failing lead holds up no other. It lives here, beside the
flow, because it calls across SLA and routing, which import neither each other.
"""

from __future__ import annotations

from datetime import datetime

from leadapi.db import Database
from leadapi.flows.lead_change import LeadChangeFlow
from leadapi.sla.repository import due_clocks

SWEEP_BATCH = 200


async def sweep_once(db: Database, flow: LeadChangeFlow, now: datetime) -> tuple[int, bool]:
    """One round over the clocks due by `now`: (breaches recorded, whether more may be due).
    Clocks of leads someone holds wait for a later round."""
    async with db.read() as conn:
        due = await due_clocks(conn, now, SWEEP_BATCH)
    breached = 0
    for item in due:
        async with db.transaction() as conn:
            judged = await flow.clock_due(conn, item["workspace_id"], item["id"], item["lead_id"], now)
        if judged is not None:
            breached += 1
    return breached, len(due) == SWEEP_BATCH and breached > 0
