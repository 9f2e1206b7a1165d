"""Duplicate use cases: filing leads under their blocking keys and finding their pairs (for the
consumer of the event log and the sweep), the review queue, dismissing a pair, and the batch
match that stores nothing. A merge of a pair is the duplicates flow's (flows/duplicates.py): it
is a lead merge.

Each use case runs in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from leadapi.duplicates import engine
from leadapi.duplicates.repository import DuplicateRepository
from leadapi.duplicates.schemas import DedupePolicyIn
from leadapi.errors import ProblemError, not_found, validation_errors, validation_problem
from leadapi.leads.engine import DEFAULT_DEDUPE_KEYS, derived, normalize_fields, pick_match, policy_for
from leadapi.leads.repository import LeadRepository
from leadapi.leads.schemas import LeadFields
from leadapi.principal import Principal
from leadapi.sources.repository import SourceRepository

# Leads whose keys a step of the sweep makes (in the duplicate consumer's transaction).
SWEEP_BATCH = 10_000


class DuplicateService:
    def __init__(self, clock: Callable[[], datetime], phone_region: str) -> None:
        self.clock = clock
        self.phone_region = phone_region

    # ---- detection -------------------------------------------------------------------------------

    async def detect(self, conn: AsyncConnection, workspace_id: str, lead_ids: Iterable[str]) -> int:
        """These leads filed under their keys as they are now and, for those whose filing changed,
        their pairs decided again (a lead that is gone loses its keys and its pending pairs): how
        many pairs those have. A lead whose filing is the same keeps the pairs it has: everything
        the comparison reads of a lead is in its keys and its signature (a name counts only with
        a domain or a city, which make keys of it), so no pair of it can have changed."""
        repo = DuplicateRepository(conn, workspace_id)
        ids = sorted(set(lead_ids))
        if not ids:
            return 0
        await repo.refresh_statistics()  # a flood of captures fills the pairs as fast as a sweep
        found_rows = await repo.leads_by_ids(ids)
        gone = [i for i in ids if i not in found_rows]
        rows = list(found_rows.values())
        profiles = {row["id"]: engine.profile(row) for row in rows}
        filed, refiled = await self._file(repo, profiles)
        await repo.forget_leads(gone)
        moved = [row for row in rows if row["id"] in refiled]
        found = await self._pairs(repo, moved, profiles, {lead_id: filed[lead_id] for lead_id in refiled})
        await repo.drop_pending([*refiled, *gone], keep=found, gone=gone)
        await repo.store_pairs(found, self.clock())
        return len(found)

    async def sweep_step(self, conn: AsyncConnection, workspace_id: str, limit: int = SWEEP_BATCH) -> bool:
        """The sweep's next step, when one is under way: True while there are more.

        First the filings (keys and signature) of the workspace's leads are made, `limit` leads
        a step (by creation), and staged. Then one step files the leads as staged, the keys in key
        order (a lead changed since the sweep began is filed again from its row). Then one step
        pairs them: every key's block of leads is read in one statement, in its final size (a key
        that ends up with more than MAX_BLOCK leads tells nothing, however few it had when its
        first leads were filed), so each pair is found and compared once, where pairing each
        batch as it was filed read and compared the leads under its keys again for every batch
        that shared one; the pending pairs it does not find again are dropped."""
        repo = DuplicateRepository(conn, workspace_id)
        state = await repo.sweep_state()
        if not state["sweeping"]:
            return False
        await repo.refresh_statistics()
        if state["sweep_phase"] == "load":
            changed = await repo.load_staged(state["sweep_started_at"])
            rows = await repo.leads_by_ids(changed)
            await self._file(repo, {lead_id: engine.profile(row) for lead_id, row in rows.items()})
            await repo.clear_staged()
            await repo.set_sweep_phase("pair", self.clock())
            return True
        if state["sweep_phase"] == "pair":
            near = await repo.near_in_blocks(limit)
            # Each pair from its older lead (ids sort by creation), so a round's leads hold it once.
            later = {lead_id: {o for o in others if o > lead_id} for lead_id, others in sorted(near.items())}
            ids = [lead_id for lead_id, others in later.items() if others]
            for start in range(0, len(ids), limit):  # `limit` leads compared and stored at a time
                round_ids = ids[start : start + limit]
                wanted = set(round_ids).union(*(later[lead_id] for lead_id in round_ids))
                rows = await repo.leads_by_ids(sorted(wanted))
                mine = [rows[lead_id] for lead_id in round_ids if lead_id in rows]
                await repo.store_pairs(engine.candidates_among(mine, rows, later), self.clock())
            await repo.drop_unseen(state["sweep_started_at"])
            await repo.set_sweep(False, None, self.clock())
            return False
        after = None if state["sweep_after"] is None else (state["sweep_after_at"], state["sweep_after"])
        if after is None:
            await repo.clear_staged()  # what an abandoned sweep left
        batch = await repo.leads_after(after, limit)
        await repo.stage_filings({row["id"]: engine.filing(engine.profile(row)) for row in batch})
        if len(batch) < limit:
            await repo.set_sweep_phase("load", self.clock())
        else:
            await repo.set_sweep(True, (batch[-1]["created_at"], batch[-1]["id"]), self.clock())
        return True

    async def start_sweep(self, conn: AsyncConnection, principal: Principal) -> None:
        """Every lead of the workspace filed and paired again from the first, in the background."""
        await DuplicateRepository(conn, principal.workspace_id).set_sweep(True, None, self.clock())

    async def _file(
        self, repo: DuplicateRepository, profiles: Mapping[str, engine.Profile]
    ) -> tuple[dict[str, engine.Filing], set[str]]:
        """These leads filed under their keys (and no others): their filings, and the leads whose
        filing changed."""
        filed = {lead_id: engine.filing(seen) for lead_id, seen in profiles.items()}
        return filed, await repo.refile(filed)

    async def _pairs(
        self,
        repo: DuplicateRepository,
        rows: Sequence[Mapping[str, Any]],
        profiles: Mapping[str, engine.Profile],
        filed: Mapping[str, engine.Filing],
    ) -> dict[tuple[str, str], engine.Candidate]:
        """Each row's candidates among the leads filed under its keys, scored. On PostgreSQL the
        keys' statement leaves out the leads that cannot be alike (engine.may_be_alike), so only
        the rest are read and compared; elsewhere every lead under the keys is."""
        sharing: dict[str, set[str]]
        if repo.postgres:
            sharing = await repo.near(filed)
        else:
            shared = await repo.sharing([k for filing in filed.values() for k in filing.keys])
            sharing = {}
            for lead_id, filing in filed.items():
                near = sharing.setdefault(lead_id, set())
                for key in filing.keys:
                    block = shared.get(key, [])
                    if len(block) <= engine.MAX_BLOCK:  # a key that common tells nothing
                        near.update(block)
        known = {row["id"]: row for row in rows}
        wanted = {i for near in sharing.values() for i in near if i not in known}
        others = {**known, **(await repo.leads_by_ids(sorted(wanted)))}
        return engine.candidates_among(rows, others, sharing, profiles)

    # ---- the review queue ------------------------------------------------------------------------

    async def page(
        self,
        conn: AsyncConnection,
        principal: Principal,
        status: str,
        min_score: int | None,
        max_score: int | None,
        after: tuple[int, str] | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        repo = DuplicateRepository(conn, principal.workspace_id)
        return await repo.page(status, min_score, max_score, after, limit)

    async def get(
        self, conn: AsyncConnection, principal: Principal, pair_id: str, *, lock: bool = False
    ) -> dict[str, Any]:
        row = await DuplicateRepository(conn, principal.workspace_id).get(pair_id, lock=lock)
        if row is None:
            raise not_found("Duplicate pair", pair_id)
        return row

    async def dismiss(self, conn: AsyncConnection, principal: Principal, pair_id: str) -> dict[str, Any]:
        """Not the same person: the pair is never queued again, whatever the two leads become.
        Dismissing a dismissed pair again changes nothing; a merged one cannot be."""
        row = await self.get(conn, principal, pair_id, lock=True)
        if row["status"] == "dismissed":
            return row
        if row["status"] != "pending":
            raise ProblemError(409, f"Duplicate pair {pair_id!r} is {row['status']} already.")
        now = self.clock()
        values = {
            "status": "dismissed",
            "resolved_by": principal.key_id,
            "resolved_at": now,
            "updated_at": now,
        }
        await DuplicateRepository(conn, principal.workspace_id).resolve(pair_id, values)
        return {**row, **values}

    async def merged(
        self, conn: AsyncConnection, workspace_id: str, pair: Mapping[str, Any], actor: str | None
    ) -> dict[str, Any]:
        """The pair recorded as merged into its older lead."""
        now = self.clock()
        values = {
            "status": "merged",
            "merged_into": pair["lead_id"],
            "resolved_by": actor,
            "resolved_at": now,
            "updated_at": now,
        }
        await DuplicateRepository(conn, workspace_id).resolve(pair["id"], values)
        return {**pair, **values}

    async def mark_merged(
        self, conn: AsyncConnection, workspace_id: str, survivor: str, merged: str, actor: str | None
    ) -> None:
        await DuplicateRepository(conn, workspace_id).mark_merged(survivor, merged, actor, self.clock())

    # ---- the dedupe policy ----------------------------------------------------------------------

    async def policy(self, conn: AsyncConnection, principal: Principal) -> dict[str, Any]:
        held = await DuplicateRepository(conn, principal.workspace_id).policy_settings()
        if held is None:
            return {
                "mode": "auto_merge",
                "keys": sorted(DEFAULT_DEDUPE_KEYS),
                "attribute": None,
                "sources": {},
                "updated_at": None,
            }
        return {name: held[name] for name in ("mode", "keys", "attribute", "sources", "updated_at")}

    async def save_policy(
        self, conn: AsyncConnection, principal: Principal, body: DedupePolicyIn
    ) -> dict[str, Any]:
        """Replace the policy; 422 naming each source that is not the workspace's."""
        sources = SourceRepository(conn, principal.workspace_id)
        errors = [
            {"field": f"sources.{source_id}", "message": "no such source"}
            for source_id in sorted(body.sources)
            if await sources.get(source_id) is None
        ]
        if errors:
            raise validation_problem(errors)
        rules = [body, *body.sources.values()]
        values = {
            "mode": body.mode,
            "keys": list(body.keys),
            "attribute": body.attribute,
            "sources": {k: v.model_dump() for k, v in sorted(body.sources.items())},
            "attribute_keys": sorted({r.attribute for r in rules if r.attribute is not None}),
            "updated_at": self.clock(),
        }
        await DuplicateRepository(conn, principal.workspace_id).put_policy_settings(values)
        return values

    # ---- the batch match -------------------------------------------------------------------------

    async def match(
        self, conn: AsyncConnection, principal: Principal, items: Sequence[Any]
    ) -> list[dict[str, Any]]:
        """For each input: the lead a capture would merge into (the exact keys, as capture decides),
        and the other leads that look like the same person. Stores nothing."""
        repo = DuplicateRepository(conn, principal.workspace_id)
        leads = LeadRepository(conn, principal.workspace_id)
        # The workspace's dedupe policy (a form source's own applies to its captures alone).
        policy = policy_for(await repo.policy_settings(), None)
        results: list[dict[str, Any]] = []
        inputs: dict[int, dict[str, Any]] = {}
        for index, item in enumerate(items):
            try:
                fields = normalize_fields(
                    LeadFields.model_validate(item).model_dump(exclude_unset=True), self.phone_region
                )
            except ValidationError as exc:
                results.append({"index": index, "status": "error", "errors": validation_errors(exc.errors())})
                continue
            except ProblemError as exc:
                results.append({"index": index, "status": "error", "errors": exc.errors})
                continue
            ext_ids = {k: v for k, v in (fields.get("external_ids") or {}).items() if v is not None}
            wanted = policy.attribute_value(fields)
            attribute = None if wanted is None or policy.attribute is None else (policy.attribute, wanted)
            matches = await leads.find_matches(fields.get("email"), fields.get("phone"), ext_ids, attribute)
            owners = await leads.lead_ids_by_external_ids(ext_ids)
            target, matched_on = pick_match(matches, fields, owners, policy)
            row = {**fields, "id": f"input:{index}"}
            row.update(derived(row))
            inputs[index] = row
            merges = None if target is None else {"lead_id": target["id"], "matched_on": matched_on}
            flagged: list[dict[str, Any]] = []
            if merges is not None and policy.mode == "flag_only":
                # Under flag_only a capture would not merge: the lead it matches is a candidate.
                flagged = [{"lead_id": merges["lead_id"], "score": 100, "reasons": [f"same_{matched_on}"]}]
                merges = None
            results.append(
                {"index": index, "status": "ok", "merges_into": merges, "candidates": [], "_flagged": flagged}
            )
        profiles = {row["id"]: engine.profile(row) for row in inputs.values()}
        filed = {input_id: engine.filing(seen) for input_id, seen in profiles.items()}
        found = await self._pairs(repo, list(inputs.values()), profiles, filed)
        by_input: dict[str, list[dict[str, Any]]] = {}
        for pair, candidate in found.items():
            existing, given = pair if pair[1].startswith("input:") else (pair[1], pair[0])
            if existing.startswith("input:"):
                continue  # two inputs alike: not an existing lead
            by_input.setdefault(given, []).append(
                {"lead_id": existing, "score": candidate.score, "reasons": list(candidate.reasons)}
            )
        for result in results:
            if result["status"] != "ok":
                continue
            merges_into = (result["merges_into"] or {}).get("lead_id")
            flagged = result.pop("_flagged")
            exact = {c["lead_id"] for c in flagged}
            found_for = by_input.get(f"input:{result['index']}", [])
            result["candidates"] = sorted(
                [*flagged, *(c for c in found_for if c["lead_id"] not in {merges_into, *exact})],
                key=lambda c: (-c["score"], c["lead_id"]),
            )
        return sorted(results, key=lambda r: r["index"])
