"""PostgreSQL's one-statement capture of a new lead, on the caller's asyncpg connection.

At one round trip per request, SQLAlchemy's per-execute overhead was the largest remaining cost
of the hot path, so the common case of capture (a new person) is one statement of data-modifying
CTEs (autocommitted when the caller's transaction has run nothing yet): the dedupe check, the
lead, `lead.created` and `lead.scored`, and when the new lead's band promotes it, its stage move
and `lead.stage_changed`. It is the lead-change flow compiled for that case: what it writes is
decided by `LeadChangeFlow.plan_fast_capture` (flows/lead_change.py), from the same `plan_new` the
general path writes; this module only turns the decision into one statement.

When the lead goes straight to sales and the decision needs nothing but the cached routing
config (no capacities to count, no account owners to look up, a round-robin, weighted or
fixed-owner rule), the same statement also assigns it: `leadapi_routing_turn` (migration 0011)
takes the rule's next turn, the pick is that turn of the rule's rotation, and the lead is
inserted with that owner, the assignment and `lead.assigned`. Nothing here waits for another
capture's commit: the turn comes from a sequence, and the workspace's routing advisory lock is
taken shared (config changes take it exclusive).

Each statement checks everything the caller assumed from per-process caches (the active model,
route_on, the pipeline version, the routing config version): if any changed, nothing is written
and the caller takes the transactional path. The routing config version is checked inside
`leadapi_routing_turn`, under the advisory lock and with a snapshot of its own, so a config
change that committed while this statement ran is seen (an owner who left gets no new lead).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import asyncpg
from pydantic_core import to_json
from sqlalchemy import (
    ARRAY,
    CompoundSelect,
    Integer,
    Select,
    String,
    Table,
    any_,
    bindparam,
    case,
    false,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB, array
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql.elements import Grouping

from leadapi.consent.models import Suppression
from leadapi.duplicates.models import DedupeSettings
from leadapi.events.models import Event
from leadapi.events.rows import EVENT_COLUMNS
from leadapi.leads.models import Lead
from leadapi.leads.repository import EMAIL_MATCH_IDS
from leadapi.repository import WS
from leadapi.routing.models import Assignment, RoutingSettings
from leadapi.routing.repository import DEFAULT_ROUTE_ON
from leadapi.scoring.models import ScoringSettings
from leadapi.stages.models import LifecycleSettings, StageChange

leads = cast(Table, Lead.__table__)
events = cast(Table, Event.__table__)
assignments = cast(Table, Assignment.__table__)
stage_changes = cast(Table, StageChange.__table__)
scoring_settings = cast(Table, ScoringSettings.__table__)
routing_settings = cast(Table, RoutingSettings.__table__)
lifecycle_settings = cast(Table, LifecycleSettings.__table__)
suppressions = cast(Table, Suppression.__table__)
dedupe_settings = cast(Table, DedupeSettings.__table__)

# What each event the statement appends binds: its columns but the workspace and the lead (the
# statement's), `seq` (numbered after commit), what only an inbound event has, and `caused_by`
# (a capture is no automation's doing).
_EVENT_COLUMNS = tuple(
    name
    for name in EVENT_COLUMNS
    if name not in ("workspace_id", "lead_id", "seq", "source", "external_id", "caused_by")
)


@dataclass(frozen=True, slots=True)
class FastAssignment:
    """An assignment decided from the cached config, but for the pick, which the statement makes
    by the turn it takes: `rotation` (owner ids, one per turn of a period) at the turn counted
    by the `turns` sequence, or the one fixed owner (`turns` None)."""

    config_version: int
    rotation: list[str]
    turns: str | None
    assignment: dict[str, Any]  # the row, owner_id and the explanation's turn to be filled in
    event: dict[str, Any]  # `lead.assigned` (id, type, occurred_at, actor, data), filled in too


@dataclass(frozen=True, slots=True)
class FastCapture:
    row: dict[str, Any]  # the lead (owner_id filled in by the statement when assigned)
    created: dict[str, Any]
    scored: dict[str, Any]
    stage_change: dict[str, Any] | None = None  # the promotion's stored move
    stage_event: dict[str, Any] | None = None
    assigned: FastAssignment | None = None


def _appended(prefix: str, new_lead: Any, data: Any = None) -> Any:
    values = {name: bindparam(f"{prefix}_{name}", type_=events.c[name].type) for name in _EVENT_COLUMNS}
    if data is not None:
        values["data"] = data
    return (
        insert(events)
        .from_select(["workspace_id", "lead_id", *values], select(WS, new_lead.c.id, *values.values()))
        .cte(f"{prefix}_event")
    )


def _with_pick(document: str, new_lead: Any, picked: Any) -> Any:
    """A JSON document parameter with the statement's pick set: `owner_id`, and `turn` (null
    for a fixed owner)."""
    with_owner = func.jsonb_set(
        bindparam(document, type_=JSONB),
        array([literal_column("'owner_id'")]),
        func.to_jsonb(new_lead.c.owner_id),
    )
    return func.jsonb_set(
        with_owner,
        array([literal_column("'turn'")]),
        func.coalesce(func.to_jsonb(picked.c.turn), literal_column("'null'::jsonb")),
    )


def _pick(guards: list[Any]) -> Any:
    """The owner: the rotation's entry at the rule's next turn. `leadapi_routing_turn` returns
    NULL when the routing config changed (or the rule's sequence does not exist yet): then no
    row, and nothing is written. It runs only when the guards hold, so a lead that is not
    created (a dedupe match, a stale cache) takes no turn."""
    turns = bindparam("_turns", type_=String)
    turned = (
        select(
            func.leadapi_routing_turn(WS, bindparam("_config_version", type_=Integer), turns).label("turn")
        )
        .where(*guards)
        .cte("turned")
    )
    rotation = type_coerce(Grouping(bindparam("_rotation", type_=ARRAY(String))), ARRAY(String))
    owner = rotation[literal(1) + turned.c.turn % func.cardinality(rotation)]
    turn = case((turns.is_not(None), turned.c.turn), else_=null())
    return select(owner.label("owner_id"), turn.label("turn")).where(turned.c.turn.is_not(None)).cte("picked")


def _matches(by_email: bool, by_phone: bool) -> Select[Any] | CompoundSelect[Any]:
    """Ids of leads sharing a dedupe key. The email is exact by its unique index (a lost race
    fails the insert); the phone by its advisory lock, which `leadapi_phone_matches` takes
    before it looks, in a query with a snapshot of its own (migration 0014)."""
    if not by_phone:
        return EMAIL_MATCH_IDS
    phone_matches = (
        func.leadapi_phone_matches(WS, bindparam("_phone", type_=String), true() if by_email else false())
        .table_valued("id")
        .render_derived(name="phone_matches")
    )
    by_phone_ids = select(phone_matches.c.id)
    if not by_email:
        return by_phone_ids
    return union_all(EMAIL_MATCH_IDS, by_phone_ids)


@lru_cache(maxsize=64)
def _statement(
    by_email: bool, by_phone: bool, promoted: bool, routed: bool, attributed: bool = False
) -> Select[Any] | CompoundSelect[Any]:
    lead_values = {
        c.name: bindparam(f"l_{c.name}", type_=c.type) for c in leads.c if c.name != "workspace_id"
    }
    # Scored under the model the caller believes active, with the routing setting and the
    # pipeline it believes in: if any changed meanwhile, nothing is written.
    model_is_active = (
        select(scoring_settings.c.workspace_id)
        .where(
            scoring_settings.c.workspace_id == WS, scoring_settings.c.active_model_id == bindparam("_model")
        )
        .exists()
    )
    route_on = func.coalesce(
        select(routing_settings.c.route_on).where(routing_settings.c.workspace_id == WS).scalar_subquery(),
        DEFAULT_ROUTE_ON,
    )
    pipeline_version = func.coalesce(
        select(lifecycle_settings.c.version).where(lifecycle_settings.c.workspace_id == WS).scalar_subquery(),
        0,
    )
    # An erased and suppressed person is not stored here: the general path refuses it (or flags
    # it), so the common capture keeps its one round trip instead of a SELECT before it.
    suppressed = (
        select(suppressions.c.digest)
        .where(
            suppressions.c.workspace_id == WS,
            suppressions.c.digest == any_(bindparam("_digests", type_=ARRAY(String))),
        )
        .exists()
    )
    guards: list[Any] = [
        model_is_active,
        route_on == bindparam("_route_on"),
        pipeline_version == bindparam("_pipeline_version"),
        ~suppressed,
    ]
    if attributed:
        # A dedupe policy that counts one of the lead's attributes as a key: the general path
        # looks the value up (duplicates/repository.py's policy, leads/engine.py's pick_match).
        keyed = (
            select(dedupe_settings.c.workspace_id)
            .where(
                dedupe_settings.c.workspace_id == WS,
                dedupe_settings.c.attribute_keys.op("?|")(bindparam("_attributes", type_=ARRAY(String))),
            )
            .exists()
        )
        guards.append(~keyed)
    matches = None
    if by_email or by_phone:  # with no dedupe key, every capture is a new lead
        matches = _matches(by_email, by_phone).cte("matches")
        guards.append(~select(matches.c.id).exists())
    picked = None
    if routed:
        picked = _pick(guards)
        values = {**lead_values, "owner_id": picked.c.owner_id}
        # No ON CONFLICT: a lost insert race fails the whole statement (its turn is skipped).
        new_lead = (
            insert(leads)
            .from_select(["workspace_id", *values], select(WS, *values.values()).select_from(picked))
            .returning(leads.c.id, leads.c.owner_id)
            .cte("new_lead")
        )
    else:
        new_lead = (
            pg_insert(leads)
            .from_select(["workspace_id", *lead_values], select(WS, *lead_values.values()).where(*guards))
            .on_conflict_do_nothing()
            .returning(leads.c.id, leads.c.owner_id)
            .cte("new_lead")
        )
    # Its events in the order their (monotonic) ids were made: created, scored, moved, assigned.
    appended = [_appended("e", new_lead), _appended("s", new_lead)]
    if promoted:
        change_values = {
            c.name: bindparam(f"c_{c.name}", type_=c.type)
            for c in stage_changes.c
            if c.name not in ("workspace_id", "lead_id")
        }
        appended.append(
            insert(stage_changes)
            .from_select(
                ["workspace_id", "lead_id", *change_values],
                select(WS, new_lead.c.id, *change_values.values()),
            )
            .cte("moved")
        )
        appended.append(_appended("p", new_lead))
    if picked is not None:
        assignment_values = {
            c.name: bindparam(f"a_{c.name}", type_=c.type)
            for c in assignments.c
            if c.name not in ("workspace_id", "lead_id", "owner_id", "explanation")
        }
        assignment_values["explanation"] = _with_pick("a_explanation", new_lead, picked)
        appended.append(
            insert(assignments)
            .from_select(
                ["workspace_id", "lead_id", "owner_id", *assignment_values],
                select(WS, new_lead.c.id, new_lead.c.owner_id, *assignment_values.values()),
            )
            .cte("assigned")
        )
        appended.append(_appended("g", new_lead, _with_pick("g_data", new_lead, picked)))
    created = select(literal("new").label("kind"), new_lead.c.id, new_lead.c.owner_id).add_cte(*appended)
    if matches is None:
        return created
    return select(
        literal("match").label("kind"), matches.c.id, literal(None, String).label("owner_id")
    ).union_all(created)


# Parameters that are JSON documents: sent as JSON text (SQLAlchemy's jsonb codec on these
# connections takes text).
_JSON_PARAMS = frozenset(
    {
        "l_tags",
        "l_external_ids",
        "l_attributes",
        "l_provenance",
        "e_data",
        "s_data",
        "p_data",
        "g_data",
        "a_explanation",
    }
)
# The prefix of a parameter names the part of the capture it comes from (`l_email` is the
# row's `email`); control values (`_ws`, `_model`...) have none.
_PARTS = ("l", "e", "s", "c", "p", "a", "g")


@dataclass(frozen=True, slots=True)
class _Compiled:
    """The statement compiled once for asyncpg, with how to read each positional argument
    from the capture: (part, key, is JSON); part None is a control value, part "" a literal."""

    sql: str
    arguments: tuple[tuple[str | None, str, Any], ...]


@lru_cache(maxsize=64)
def _compiled(by_email: bool, by_phone: bool, promoted: bool, routed: bool, attributed: bool) -> _Compiled:
    from sqlalchemy.dialects.postgresql.asyncpg import dialect

    statement = _statement(by_email, by_phone, promoted, routed, attributed)
    compiled = statement.compile(dialect=dialect())  # type: ignore[no-untyped-call]
    arguments: list[tuple[str | None, str, Any]] = []
    for name in compiled.positiontup or ():
        bind = compiled.binds[name]
        if not bind.required:
            arguments.append(("", name, bind.value))
            continue
        part, _, key = name.partition("_")
        if part in _PARTS:
            arguments.append((part, key, name in _JSON_PARAMS))
        else:
            arguments.append((None, name, False))
    return _Compiled(str(compiled), tuple(arguments))


class FastCreate:
    def __init__(self, driver_connection: Any, workspace_id: str) -> None:
        self.conn = driver_connection
        self.workspace_id = workspace_id

    async def create_if_new(
        self,
        capture: FastCapture,
        model_id: str,
        route_on: str,
        pipeline_version: int,
        suppression_digests: list[str],
    ) -> tuple[str, str | None]:
        """('created', owner id or None), ('matched', None) when someone has a dedupe key, or
        ('raced', None): an insert race was lost, the person's email or phone is suppressed, or
        the scoring model, the routing setting,
        the pipeline or the routing config changed, or a rotating rule has no turn counter yet
        (the transactional path makes it)."""
        row = capture.row
        assigned = capture.assigned
        promoted = capture.stage_change is not None
        attributes = sorted(row.get("attributes") or {})
        compiled = _compiled(
            bool(row.get("email")), bool(row.get("phone")), promoted, assigned is not None, bool(attributes)
        )
        parts: dict[str, Mapping[str, Any]] = {
            "l": row,
            "e": capture.created,
            "s": capture.scored,
            "c": capture.stage_change or {},
            "p": capture.stage_event or {},
        }
        control: dict[str, Any] = {
            "_ws": self.workspace_id,
            "_email": row.get("email"),
            "_phone": row.get("phone"),
            "_model": model_id,
            "_route_on": route_on,
            "_pipeline_version": pipeline_version,
            "_digests": suppression_digests,
            "_attributes": attributes,
        }
        if assigned is not None:
            parts.update(a=assigned.assignment, g=assigned.event)
            control.update(
                _config_version=assigned.config_version, _turns=assigned.turns, _rotation=assigned.rotation
            )
        args = [_argument(parts, control, *argument) for argument in compiled.arguments]
        try:
            records = await self.conn.fetch(compiled.sql, *args)
        except asyncpg.UniqueViolationError:  # a concurrent capture of the same person won
            return "raced", None
        kinds = {record[0]: record[2] for record in records}
        if "match" in kinds:
            return "matched", None
        return ("created", kinds["new"]) if "new" in kinds else ("raced", None)


def _argument(
    parts: Mapping[str, Mapping[str, Any]], control: Mapping[str, Any], part: str | None, key: str, spec: Any
) -> Any:
    if part == "":
        return spec  # a literal: `spec` is its value
    if part is None:
        return control[key]
    value = parts[part][key]
    return to_json(value).decode() if spec else value  # `spec`: a JSON document
