"""leadapi's use cases as MCP tools, and its configuration as MCP resources.

Tools call the services directly (never HTTP to ourselves), under the calling API key's workspace
and scopes, and answer compact JSON. Who is calling is settled once per message by a server
middleware: over stdio from the key in `LEADAPI_API_KEY`, over HTTP from the bearer key that
`mcp/http.py` checked. A refusal (bad input, a missing scope, another workspace's id) comes back
as a tool error carrying the same problem (status, detail, errors) the REST API would answer.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Annotated, Any, Literal, get_type_hints

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError, UnexpectedToolError
from mcp.types import CallToolResult, InputRequiredResult, TextContent, ToolAnnotations
from mcp.types import Tool as MCPTool
from pydantic import Field, ValidationError
from pydantic_core import to_jsonable_python
from starlette.requests import Request

from leadapi import __version__
from leadapi.api.pagination import (
    decode_cursor,
    encode_cursor,
    id_cursor,
    next_id_cursor,
    next_time_cursor,
    time_cursor,
)
from leadapi.api.params import Kind, scalar_kind
from leadapi.automations.matching import preview_matching
from leadapi.automations.schemas import (
    Automation,
    AutomationPreview,
    AutomationPreviewEvent,
    AutomationPreviewIn,
)
from leadapi.consent.schemas import LeadExport
from leadapi.duplicates.schemas import DuplicatePair, MatchItem
from leadapi.errors import ProblemError, validation_errors, validation_problem
from leadapi.events.schemas import EventIn
from leadapi.jobs.schemas import Job
from leadapi.leads.repository import LEAD_FIELDS
from leadapi.leads.schemas import Lead, LeadCreate, LeadFields, LeadUpdate, TimelineEvent
from leadapi.logs import root_logging_kept
from leadapi.owners.schemas import OutOfOffice, Owner, OwnerUpdate
from leadapi.principal import Principal
from leadapi.reports.engine import GroupBy as GroupByName
from leadapi.reports.engine import ReportQuery
from leadapi.reports.fairness.schemas import RoutingReport
from leadapi.reports.schemas import FunnelReport, SpeedReport
from leadapi.reports.service import ReportParams
from leadapi.routing.preview import preview_decision
from leadapi.routing.schemas import Decision, RoutingRule
from leadapi.scoring.schemas import BacktestIn, BacktestOut, ScoringModel
from leadapi.scoring.service import lead_score
from leadapi.segments.schemas import Segment
from leadapi.services import Services
from leadapi.sla.schemas import Breach
from leadapi.stages.schemas import StageChange, StageMoveIn
from leadapi.tasks.schemas import Task, TaskStatus
from leadapi.times import OffsetDateTime, UtcDateTime
from leadapi.tracks.schemas import Enrollment

Json = dict[str, Any]
Authenticator = Callable[[ServerRequestContext[Any, Any]], Awaitable[Principal | None]]

INSTRUCTIONS = """leadapi manages sales leads: capture, dedupe, score (fit + behaviour, bands \
not_ready / mql / sql), route to owners, first-touch SLAs, lifecycle stages and funnel reports.
Find leads with search_leads, read one with get_lead (score breakdown, owner, stage, recent \
events), and act with the other tools. Ids are prefixed: ld_ leads, ow_ owners, tsk_ tasks, \
aut_ automations. Lead fields that are empty are left out of answers (no owner_id: unassigned). \
Errors carry an HTTP-like status and \
a detail that says what to change. The resources hold the scoring model, the \
stage pipeline and the routing rules."""

# The summary search_leads answers per lead: enough to choose one, small enough for many.
SUMMARY_FIELDS = (
    "id", "email", "first_name", "last_name", "company", "title", "country", "source",
    "score", "band", "stage", "owner_id", "created_at",
)  # fmt: skip

_caller: ContextVar[Principal | None] = ContextVar("leadapi_mcp_caller", default=None)


def key_authenticator(services: Services, secret: str) -> Authenticator:
    """Every message runs as the key `secret` (stdio, in-process): checked each time through the
    same short cache as REST, so a revoked key stops working here too."""

    async def authenticate(_: ServerRequestContext[Any, Any]) -> Principal | None:
        return await services.workspaces.authenticate(secret)

    return authenticate


async def request_authenticator(ctx: ServerRequestContext[Any, Any]) -> Principal | None:
    """Streamable HTTP: the principal `mcp/http.py` put on the request after checking its key."""
    request = ctx.request
    if not isinstance(request, Request):
        return None
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal


class _Authenticate:
    """Server middleware: resolves the caller once per message, for tools and resources alike
    (the SDK gives static resources no context, so a context variable carries it)."""

    def __init__(self, authenticate: Authenticator) -> None:
        self.authenticate = authenticate

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method not in ("tools/call", "resources/read"):
            return await call_next(ctx)
        token = _caller.set(await self.authenticate(ctx))
        try:
            return await call_next(ctx)
        finally:
            _caller.reset(token)


def caller(scope: str) -> Principal:
    principal = _caller.get()
    if principal is None:
        raise ProblemError(401, "The API key is unknown or revoked.")
    if not principal.can(scope):
        raise ProblemError(403, f"This API key lacks the {scope!r} scope.")
    return principal


def _json(data: Any) -> str:
    """Compact JSON of data already JSON-ready (to_jsonable_python)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _problem(exc: ProblemError) -> str:
    body = exc.body(None)
    return _json({k: body[k] for k in ("status", "title", "detail", "errors") if k in body})


STRICT_MESSAGES: dict[Kind, str] = {
    "bool": "expected true or false (a JSON boolean)",
    "int": "expected an integer (a JSON number without a fraction)",
    "number": "expected a number (a JSON number)",
}


def _fits(kind: Kind, value: Any) -> bool:
    """Strict JSON types for scalar arguments; null and other kinds are the SDK's to check."""
    if value is None or kind not in STRICT_MESSAGES:
        return True
    if kind == "bool":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (kind == "number" and isinstance(value, float))


def _error(tool: str, exc: ProblemError) -> CallToolResult:
    """A refusal as a tool error: the problem as text after the SDK's usual prefix (for the
    model) and as structured content (for programs), as a success carries both."""
    body = json.loads(_problem(exc))
    return CallToolResult(
        content=[TextContent(type="text", text=f"Error executing tool {tool}: {_json(body)}")],
        structured_content=body,
        is_error=True,
    )


def _invalid(exc: ValidationError) -> ProblemError:
    return validation_problem(
        [
            {"field": ".".join(str(p) for p in error["loc"]) or "arguments", "message": error["msg"]}
            for error in exc.errors()
        ]
    )


ToolFn = Callable[..., Awaitable[Json]]


def _tool(
    server: _Server,
    *,
    title: str,
    read_only: bool = False,
    destructive: bool = False,
    idempotent: bool = False,
) -> Callable[[ToolFn], ToolFn]:
    """Registers a tool whose answer is compact JSON (text for the model, structured content for
    programs) and whose refusals are tool errors with the problem's status, detail and errors."""

    def register(fn: ToolFn) -> ToolFn:
        @functools.wraps(fn)
        async def run(*args: Any, **kwargs: Any) -> CallToolResult:
            try:
                try:
                    # JSON-ready once, so the text and the structured content say the same.
                    data = to_jsonable_python(await fn(*args, **kwargs))
                except ValidationError as exc:
                    raise _invalid(exc) from exc
            except ProblemError as exc:
                return _error(fn.__name__, exc)
            return CallToolResult(
                content=[TextContent(type="text", text=_json(data))], structured_content=data
            )

        server.add_tool(
            run,
            name=fn.__name__,
            title=title,
            description=inspect.getdoc(fn),
            annotations=ToolAnnotations(
                title=title,
                read_only_hint=read_only,
                destructive_hint=destructive,
                idempotent_hint=idempotent,
                open_world_hint=False,
            ),
            structured_output=False,
        )
        hints = get_type_hints(fn, include_extras=True)
        server.arguments[fn.__name__] = {
            name: scalar_kind(hints[name]) for name in inspect.signature(fn).parameters
        }
        return fn

    return register


def _lead(row: Json) -> Json:
    # Compact: a lead has thirty-odd fields, most of them often empty.
    return Lead.model_validate(row).model_dump(mode="json", exclude_none=True)


def _summary(row: Json) -> Json:
    lead = Lead.model_validate(row).model_dump(mode="json")
    return {name: lead[name] for name in SUMMARY_FIELDS if lead[name] is not None}


def _confirmed(confirm: bool, what: str) -> None:
    if not confirm:
        raise ProblemError(
            409,
            f"{what} cannot be undone: call again with confirm: true once the user has agreed.",
            title="Confirmation required",
        )


LeadId = Annotated[str, Field(min_length=1, max_length=32, description="The lead's id (ld_...).")]
OwnerId = Annotated[str, Field(min_length=1, max_length=32, description="The owner's id (ow_...).")]
TrackId = Annotated[str, Field(min_length=1, max_length=32, description="The track's id (trk_...).")]
Note = Annotated[str | None, Field(max_length=2000, description="Free text kept with the change.")]
Cursor = Annotated[
    str | None, Field(max_length=2000, description="`next_cursor` of the previous page; omit for the first.")
]
Start = Annotated[
    UtcDateTime | None,
    Field(description="Range start, ISO 8601, inclusive (default: 30 days before `end`). No offset: UTC."),
]
End = Annotated[UtcDateTime | None, Field(description="Range end, ISO 8601, exclusive (default: now).")]
Source = Annotated[str | None, Field(max_length=100, description="Only leads of this source.")]
ReportOwner = Annotated[str | None, Field(max_length=32, description="Only leads this owner holds.")]
Campaign = Annotated[str | None, Field(max_length=200, description="Only leads of this utm_campaign.")]
Tag = Annotated[str | None, Field(max_length=50, description="Only leads with this tag.")]
GroupBy = Annotated[GroupByName | None, Field(description="Split the figures.")]
Exact = Annotated[
    bool,
    Field(
        description="Percentiles sorted over every row, not from the rollups' sketches (slower; same counts)."
    ),
]
FILTERABLE = ", ".join(sorted(LEAD_FIELDS))


class _Server(MCPServer[Any]):
    """Arguments outside a tool's schema are refused like every other bad input: the problem
    (422, each field and what is wrong with it) after the SDK's prefix, not pydantic's text,
    whose links and layout an agent has no use for. That includes arguments the tool does not
    have: the SDK would drop them silently, and a misspelt `filter` would then find every lead.
    Every refusal carries the problem as structured content too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # tool name -> its arguments' names and scalar kinds (api/params.py reads them alike)
        self.arguments: dict[str, dict[str, Kind]] = {}

    async def list_tools(self) -> list[MCPTool]:
        # Declared as enforced: no argument beyond the properties.
        return [
            tool.model_copy(update={"input_schema": {**tool.input_schema, "additionalProperties": False}})
            for tool in await super().list_tools()
        ]

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        known = self.arguments.get(name)
        if known is None:
            return _error(name, ProblemError(404, f"There is no tool {name!r}; tools/list names them."))
        unknown = sorted(set(arguments) - set(known))
        if unknown:
            message = f"not an argument of {name} (its arguments: {', '.join(sorted(known))})"
            return _error(name, validation_problem([{"field": key, "message": message} for key in unknown]))
        # The SDK reads "12" as 12 and "true" as true; the schema says integer and boolean.
        lax = [
            {"field": key, "message": STRICT_MESSAGES[known[key]]}
            for key, value in arguments.items()
            if not _fits(known[key], value)
        ]
        if lax:
            return _error(name, validation_problem(lax))
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError:
            raise
        except ToolError as exc:
            # The SDK's own argument check is the one ToolError caused by a ValidationError.
            if not isinstance(exc.__cause__, ValidationError):
                raise
            return _error(name, _invalid(exc.__cause__))


def build_server(services: Services, authenticate: Authenticator) -> MCPServer[Any]:
    # The SDK configures the root logger on construction (`basicConfig` with a rich traceback
    # handler, when the root has none): leadapi's logging is its own, so that is undone.
    with root_logging_kept():
        server = _Server(
            "leadapi",
            title="leadapi",
            version=__version__,
            instructions=INSTRUCTIONS,
            log_level="WARNING",
            middleware=[_Authenticate(authenticate)],
        )
    _lead_tools(server, services)
    _pipeline_tools(server, services)
    _owner_and_report_tools(server, services)
    _task_tools(server, services)
    _track_tools(server, services)
    _automation_tools(server, services)
    _segment_tools(server, services)
    _duplicate_tools(server, services)
    _backtest_tools(server, services)
    _resources(server, services)
    return server


def _lead_tools(server: _Server, services: Services) -> None:
    leads, scoring = services.leads, services.scoring

    @_tool(server, title="Search leads", read_only=True, idempotent=True)
    async def search_leads(
        query: Annotated[
            str | None, Field(max_length=200, description="Text to find in email, names and company.")
        ] = None,
        filters: Annotated[
            dict[str, str] | None,
            Field(
                max_length=50,
                description="`field[op]` -> value, as GET /v1/leads takes them, e.g. "
                '{"score[gte]": "40", "country": "US", "tags[contains]": "vip", '
                '"owner_id[exists]": "false"}. '
                "Operators: eq (the default), ne, gt, gte, lt, lte, in (comma-separated), contains, "
                f"starts_with, exists. Fields: {FILTERABLE}, and attributes.<name>.",
            ),
        ] = None,
        sort: Annotated[
            str | None,
            Field(max_length=200, description="Comma-separated fields, `-` for descending, e.g. `-score`."),
        ] = None,
        limit: Annotated[int, Field(ge=1, le=100, description="Leads per page.")] = 20,
        cursor: Cursor = None,
    ) -> Json:
        """Find leads by text, field filters and sort (newest first by default). Answers a short
        summary per lead (id, email, name, company, score, band, stage, owner) and `next_cursor`
        for the next page; read a lead in full with get_lead."""
        principal = caller("read")
        pairs = list((filters or {}).items())
        async with services.reads.statements() as conn:
            rows, next_cursor = await leads.search(conn, principal, pairs, sort, query, limit, cursor)
        return {"leads": [_summary(row) for row in rows], "next_cursor": next_cursor}

    @_tool(server, title="Get a lead", read_only=True, idempotent=True)
    async def get_lead(
        lead_id: LeadId,
        events: Annotated[int, Field(ge=0, le=50, description="How many recent events to include.")] = 10,
    ) -> Json:
        """One lead in full: its fields, the score with the rules that made it, its owner, its
        lifecycle stage and its most recent events (newest first)."""
        principal = caller("read")
        async with services.db.read() as conn:
            lead, result, model = await scoring.explain(conn, principal, lead_id)
            owner = await services.owners.get(conn, principal, lead["owner_id"]) if lead["owner_id"] else None
            recent = await leads.timeline(conn, principal, lead_id, events, None) if events else []
        return {
            "lead": _lead(lead),
            "score": lead_score(lead, result, model).model_dump(mode="json", exclude={"lead_id"}),
            "owner": None if owner is None else {k: owner[k] for k in ("id", "name", "email", "active")},
            "recent_events": [
                TimelineEvent.model_validate(row).model_dump(mode="json", exclude={"seq"}) for row in recent
            ],
        }

    @_tool(server, title="Export everything held about a person", read_only=True, idempotent=True)
    async def export_lead(lead_id: LeadId) -> Json:
        """A data-subject access request: everything the workspace holds about the lead (its
        fields, external ids, events, score adjustments, stage changes, assignments, tasks, track
        enrolments and consent history) as one document, the same as GET /v1/leads/{id}/export."""
        principal = caller("read")
        async with services.db.read() as conn:
            document = await services.consents.export(conn, principal, lead_id)
        return LeadExport.model_validate(document).model_dump(mode="json")

    @_tool(server, title="Create a lead")
    async def create_lead(
        lead: Annotated[
            LeadCreate, Field(description="The lead's fields; at least an email, a phone or an external id.")
        ],
        overwrite: Annotated[
            bool, Field(description="When it matches an existing lead, replace that lead's non-empty values.")
        ] = False,
    ) -> Json:
        """Capture a lead exactly as POST /v1/leads does: normalised, deduplicated (same email,
        else external id, else phone: merged into that lead, `merged: true`), scored, and routed
        when it is sales-ready."""
        principal = caller("write")
        async with services.db.transaction() as conn:
            captured = await leads.capture(conn, principal, leads.prepare(lead), overwrite=overwrite)
        shown = {name: value for name, value in captured.public().items() if value is not None}
        return {"lead": shown, "merged": captured.merged}

    @_tool(server, title="Update a lead", idempotent=True)
    async def update_lead(
        lead_id: LeadId,
        changes: Annotated[
            LeadUpdate,
            Field(
                description="Only the fields to change; null clears a field. `attributes` and "
                "`external_ids` merge key by key. `owner_id` assigns the lead by hand."
            ),
        ],
        expected_version: Annotated[
            int | None,
            Field(
                ge=1, description="The lead's `version` as you read it: refused (412) if it changed since."
            ),
        ] = None,
    ) -> Json:
        """Change a lead's fields (rescored at once; a new owner is a manual assignment)."""
        principal = caller("write")
        async with services.db.transaction() as conn:
            return _lead(await leads.update(conn, principal, lead_id, changes, expected_version))

    # Not idempotent: the same event twice counts twice (unless it carries an external_id).
    @_tool(server, title="Record an event")
    async def record_event(
        lead_id: LeadId,
        event: Annotated[
            EventIn,
            Field(description='What the lead did, e.g. {"type": "demo_request"} or a page_view with a url.'),
        ],
    ) -> Json:
        """Record something the lead did (page_view, form_submit, demo_request, email_click, call,
        meeting...). It is scored at once; a call, meeting or email reply by the owner is a first
        touch. Answers the event and the lead's new score, band and stage."""
        principal = caller("write")
        async with services.db.transaction() as conn:
            event_row = await services.events.record_for_lead(conn, principal, lead_id, event)
            lead = await leads.get(conn, principal, lead_id)
        return {"event": event_row, "lead": _summary(lead)}

    @_tool(server, title="Explain a score", read_only=True, idempotent=True)
    async def explain_score(lead_id: LeadId) -> Json:
        """Why a lead has its score: every rule that fired, its points and its evidence, under
        the model version that computed it, and the model's bands."""
        principal = caller("read")
        async with services.db.read() as conn:
            return lead_score(*await scoring.explain(conn, principal, lead_id)).model_dump(mode="json")

    @_tool(server, title="Delete a lead", destructive=True, idempotent=True)
    async def delete_lead(
        lead_id: LeadId,
        confirm: Annotated[bool, Field(description="Must be true: the erasure cannot be undone.")] = False,
    ) -> Json:
        """Erase a lead and everything about it (right to erasure); a `lead.deleted` event
        without personal data records that it happened. Needs `confirm: true`."""
        principal = caller("write")
        _confirmed(confirm, f"Erasing lead {lead_id}")
        async with services.db.transaction() as conn:
            await leads.delete(conn, principal, lead_id)
        return {"deleted": lead_id}

    @_tool(server, title="Merge two leads", destructive=True)
    async def merge_leads(
        lead_id: Annotated[str, Field(min_length=1, max_length=32, description="The lead that stays.")],
        duplicate_id: Annotated[
            str, Field(min_length=1, max_length=32, description="The duplicate: merged in, then deleted.")
        ],
        confirm: Annotated[bool, Field(description="Must be true: the duplicate is deleted.")] = False,
    ) -> Json:
        """Merge a duplicate into a lead: its events, external ids and tags move over, empty
        fields are filled from it, and the duplicate is deleted. Needs `confirm: true`."""
        principal = caller("write")
        _confirmed(confirm, f"Merging {duplicate_id} into {lead_id}")
        async with services.db.transaction() as conn:
            return _lead(await leads.merge(conn, principal, lead_id, duplicate_id))


def _pipeline_tools(server: _Server, services: Services) -> None:
    routing, flow = services.routing, services.flow

    def moved(lead: Json, change: Json) -> Json:
        return {
            "lead": _summary(lead),
            "change": StageChange.model_validate(change).model_dump(mode="json"),
        }

    @_tool(server, title="Preview routing", read_only=True, idempotent=True)
    async def preview_routing(
        lead_id: Annotated[
            str | None,
            Field(min_length=1, max_length=32, description="A stored lead's id; or give `lead` instead."),
        ] = None,
        lead: Annotated[
            LeadFields | None, Field(description="An inline lead to try the rules on (scored first).")
        ] = None,
    ) -> Json:
        """Who would get a lead under the routing rules, and why (each rule tried, the candidates,
        who was skipped and why): nothing is stored and no rotation moves."""
        principal = caller("read")
        async with services.db.transaction() as conn:
            decision = await preview_decision(conn, principal, services.leads, routing, lead_id, lead)
        return Decision.model_validate(decision.explanation()).model_dump(mode="json")

    @_tool(server, title="Route a lead")
    async def route_lead(
        lead_id: LeadId,
        force: Annotated[
            bool, Field(description="Reassign a lead that has an owner (never back to that owner).")
        ] = False,
    ) -> Json:
        """Assign the lead now with the routing rules; the assignment records the rule, the
        candidates, who was skipped and why. An owned lead only with `force: true`."""
        principal = caller("write")
        async with services.db.transaction() as conn:
            lead, decision = await routing.route(conn, principal, lead_id, force)
        return {
            "lead_id": lead_id,
            "owner_id": lead["owner_id"],
            "assigned": decision.owner_id is not None,
            "decision": Decision.model_validate(decision.explanation()).model_dump(mode="json"),
        }

    @_tool(server, title="Move a lead's stage")
    async def move_stage(
        lead_id: LeadId,
        to: Annotated[str, Field(min_length=1, max_length=50, description="The target stage's key.")],
        reason: Annotated[
            str | None,
            Field(
                max_length=50, description="Required for a lost stage: one of the disqualification reasons."
            ),
        ] = None,
        note: Note = None,
        amount: Annotated[
            float | None, Field(ge=0, le=1e12, description="Won stages only: the deal's value.")
        ] = None,
    ) -> Json:
        """Move a lead to another lifecycle stage (read the allowed stages and reasons in the
        `leadapi://stages` resource). A move the pipeline does not allow is refused with the
        allowed targets."""
        principal = caller("write")
        data = StageMoveIn(to=to, reason=reason, note=note, amount=amount)
        async with services.db.transaction() as conn:
            return moved(*await flow.move_stage(conn, principal, lead_id, data))

    @_tool(server, title="Accept a lead")
    async def accept_lead(lead_id: LeadId, note: Note = None) -> Json:
        """The owner takes the lead: it moves to the accepted stage, and that is its first touch
        (the SLA clock stops). The lead needs an owner."""
        principal = caller("write")
        async with services.db.transaction() as conn:
            return moved(*await flow.accept(conn, principal, lead_id, note))

    @_tool(server, title="Reject a lead")
    async def reject_lead(
        lead_id: LeadId,
        reason: Annotated[
            str, Field(min_length=1, max_length=50, description="Why, e.g. not_ready or wrong_contact.")
        ],
        note: Note = None,
    ) -> Json:
        """Sales gives the lead back: it goes to the recycle stage without an owner, and
        `lead.rejected` records who and why."""
        principal = caller("write")
        async with services.db.transaction() as conn:
            return moved(*await flow.reject(conn, principal, lead_id, reason, note))


def _owner_and_report_tools(server: _Server, services: Services) -> None:
    owners, reports = services.owners, services.reports

    def report_query(params: ReportParams) -> ReportQuery:
        return reports.query(params, range_names=("start", "end"))

    @_tool(server, title="List owners", read_only=True, idempotent=True)
    async def list_owners(
        limit: Annotated[int, Field(ge=1, le=200, description="Owners per page.")] = 50,
        cursor: Cursor = None,
    ) -> Json:
        """The sales owners leads are routed to: active, capacity, open leads, tags, territories
        and out-of-office, and `next_cursor` for the next page."""
        principal = caller("read")
        async with services.db.read() as conn:
            rows = await owners.page(conn, principal, limit + 1, id_cursor(cursor))
        return {
            "owners": [Owner.model_validate(r).model_dump(mode="json") for r in rows[:limit]],
            "next_cursor": next_id_cursor(rows, limit),
        }

    @_tool(server, title="Set out of office", idempotent=True)
    async def set_out_of_office(
        owner_id: OwnerId,
        out_of_office: Annotated[
            OutOfOffice | None,
            Field(
                description='{"from": ..., "until": ...} (ISO 8601; from defaults to now, until null: '
                "until further notice); null: back in office."
            ),
        ],
    ) -> Json:
        """Mark an owner away (routing skips them while away) or back. Leads they already hold
        stay theirs."""
        principal = caller("write")
        async with services.db.transaction() as conn:
            row = await owners.update(
                conn, principal, owner_id, OwnerUpdate(out_of_office=out_of_office), reassign=False
            )
        return Owner.model_validate(row).model_dump(mode="json")

    @_tool(server, title="List SLA breaches", read_only=True, idempotent=True)
    async def list_sla_breaches(
        owner_id: Annotated[
            str | None, Field(max_length=32, description="Only this owner's breaches.")
        ] = None,
        lead_id: Annotated[str | None, Field(max_length=32, description="Only this lead's breaches.")] = None,
        status: Annotated[
            Literal["open", "closed"] | None, Field(description="open: the lead is still untouched.")
        ] = None,
        start: Annotated[OffsetDateTime | None, Field(description="Breached at or after (ISO 8601).")] = None,
        end: Annotated[OffsetDateTime | None, Field(description="Breached before (ISO 8601).")] = None,
        limit: Annotated[int, Field(ge=1, le=200)] = 50,
        cursor: Cursor = None,
    ) -> Json:
        """First-touch SLA breaches, newest first: the lead, the owner who missed it, when it was
        due and breached, and whether it is still open."""
        principal = caller("read")
        async with services.db.read() as conn:
            rows = await services.sla.breaches(
                conn,
                principal,
                owner_id=owner_id,
                is_open=None if status is None else status == "open",
                since=start,
                until=end,
                lead_id=lead_id,
                limit=limit + 1,
                before=time_cursor(cursor),
                window_names=("start", "end"),
            )
        return {
            "breaches": [Breach.model_validate(r).model_dump(mode="json") for r in rows[:limit]],
            "next_cursor": next_time_cursor(rows, limit, "breached_at"),
        }

    @_tool(server, title="Funnel report", read_only=True, idempotent=True)
    async def funnel_report(
        start: Start = None,
        end: End = None,
        source: Source = None,
        owner_id: ReportOwner = None,
        utm_campaign: Campaign = None,
        tag: Tag = None,
        group_by: GroupBy = None,
        exact: Exact = False,
    ) -> Json:
        """Of the leads created in the range: how many entered and reached each stage, conversion
        between consecutive stages, lead-to-MQL, MQL-to-SQL, SQL acceptance and lead-to-customer."""
        split = None if group_by is None else group_by.value
        params = ReportParams(start, end, source, owner_id, utm_campaign, tag, split, exact)
        principal, query = caller("read"), report_query(params)
        async with services.db.read() as conn:
            body = await reports.funnel(conn, principal, query)
        return FunnelReport.model_validate(body).model_dump(mode="json", by_alias=True)

    @_tool(server, title="Speed-to-lead report", read_only=True, idempotent=True)
    async def speed_to_lead_report(
        start: Start = None,
        end: End = None,
        source: Source = None,
        owner_id: ReportOwner = None,
        utm_campaign: Campaign = None,
        tag: Tag = None,
        group_by: GroupBy = None,
        exact: Exact = False,
    ) -> Json:
        """How fast leads are first touched, after creation and after assignment: median, p90,
        share within 5 minutes and within an hour, share never touched; overall and per owner."""
        split = None if group_by is None else group_by.value
        params = ReportParams(start, end, source, owner_id, utm_campaign, tag, split, exact)
        principal, query = caller("read"), report_query(params)
        async with services.db.read() as conn:
            body = await reports.speed_to_lead(conn, principal, query)
        return SpeedReport.model_validate(body).model_dump(mode="json", by_alias=True)

    @_tool(server, title="Routing fairness", read_only=True, idempotent=True)
    async def routing_fairness(
        start: Start = None,
        end: End = None,
        rule_id: Annotated[str | None, Field(max_length=32, description="Only this routing rule.")] = None,
    ) -> Json:
        """Is routing fair? Per rule and owner over the assignments made in the range: the share
        each owner was due (weights, and who could take each lead when it came) against what they
        got, the deviation and a chi-square p-value (below 0.01: skewed), capacity hits,
        out-of-office skips, reassignments and median time to first touch."""
        principal = caller("read")
        async with services.db.read() as conn:
            body = await services.fairness.routing(
                conn, principal, start, end, rule_id, range_names=("start", "end")
            )
        return RoutingReport.model_validate(body).model_dump(mode="json", by_alias=True)


def _task_tools(server: _Server, services: Services) -> None:
    tasks = services.tasks

    @_tool(server, title="List tasks", read_only=True, idempotent=True)
    async def list_tasks(
        owner_id: Annotated[str | None, Field(max_length=32, description="Only this owner's tasks.")] = None,
        lead_id: Annotated[str | None, Field(max_length=32, description="Only this lead's tasks.")] = None,
        status: Annotated[TaskStatus | None, Field(description="open, done or cancelled.")] = None,
        due_before: Annotated[
            UtcDateTime | None, Field(description="Due before this time (ISO 8601; no offset: UTC).")
        ] = None,
        due_after: Annotated[UtcDateTime | None, Field(description="Due at or after this time.")] = None,
        limit: Annotated[int, Field(ge=1, le=200)] = 50,
        cursor: Cursor = None,
    ) -> Json:
        """Owners' tasks (calls, emails, follow-ups on leads), soonest due first: a rep's open
        work is owner_id + status open, what is late is status open + due_before now. Each task
        has its lead, owner, type, due time, status and note; `next_cursor` for the next page."""
        principal = caller("read")
        after = time_cursor(cursor)
        async with services.db.read() as conn:
            rows = await tasks.page(
                conn,
                principal,
                owner_id=owner_id,
                lead_id=lead_id,
                status=status,
                due_before=due_before,
                due_after=due_after,
                limit=limit + 1,
                after=after,
            )
        return {
            "tasks": [Task.model_validate(r).model_dump(mode="json") for r in rows[:limit]],
            "next_cursor": next_time_cursor(rows, limit, "due_at"),
        }

    @_tool(server, title="Complete a task", idempotent=True)
    async def complete_task(
        task_id: Annotated[str, Field(min_length=1, max_length=32, description="The task's id (tsk_...).")],
        note: Note = None,
    ) -> Json:
        """Mark a task done (a task already done stays done; a cancelled one must be reopened
        first). A done call (a type among the pipeline's touch types) is the owner's first touch
        of the lead: its SLA clock stops."""
        principal = caller("write")
        async with services.db.transaction() as conn:
            row = await tasks.complete(conn, principal, task_id, note)
        return Task.model_validate(row).model_dump(mode="json")


def _track_tools(server: _Server, services: Services) -> None:
    tracks = services.tracks

    @_tool(server, title="Enrol a lead in a nurture track")
    async def enroll_lead(lead_id: LeadId, track_id: TrackId) -> Json:
        """Start a nurture track for a lead: its steps (email, LinkedIn, call, SMS touches the
        senders make) fall due one after another. Refused (409) when the track is inactive, the lead
        is in another track (unless this one allows concurrent enrolments) or in this one already,
        or was in it before and the track does not take it again yet. A lead sales has, or that
        meets the track's exit condition, exits at once (status exited, with the reason)."""
        principal = caller("write")
        async with services.db.transaction() as conn:
            row = await tracks.enroll(conn, principal.workspace_id, lead_id, track_id, actor=principal.key_id)
        return Enrollment.model_validate(row).model_dump(mode="json")

    @_tool(server, title="Take a lead out of nurture tracks", idempotent=True)
    async def exit_track(
        lead_id: LeadId,
        reason: Annotated[
            str,
            Field(min_length=1, max_length=200, description="Why (kept on the enrolment and in its event)."),
        ],
        track_id: Annotated[
            str | None, Field(max_length=32, description="Only this track; none: every track the lead is in.")
        ] = None,
    ) -> Json:
        """Stop nurturing a lead: its active or paused enrolments (in one track, or all) exit with
        the reason. Returns the enrolments that exited (none: the lead was in no such track)."""
        principal = caller("write")
        async with services.db.transaction() as conn:
            rows = await tracks.exit_lead(
                conn, principal.workspace_id, lead_id, track_id, reason.strip(), principal.key_id
            )
        return {"exited": [Enrollment.model_validate(r).model_dump(mode="json") for r in rows]}


def _automation_tools(server: _Server, services: Services) -> None:
    automations = services.automations

    @_tool(server, title="List automations", read_only=True, idempotent=True)
    async def list_automations(
        limit: Annotated[int, Field(ge=1, le=200, description="Automations per page.")] = 50,
        cursor: Cursor = None,
    ) -> Json:
        """The workspace's automations ("when this happens to a lead, and it matches, do these
        things"): each one's trigger, `when` condition, actions in order, limits, whether it is
        active, and `next_cursor` for the next page."""
        principal = caller("read")
        async with services.db.read() as conn:
            rows = await automations.page(conn, principal, limit + 1, id_cursor(cursor))
        return {
            "automations": [Automation.model_validate(r).model_dump(mode="json") for r in rows[:limit]],
            "next_cursor": next_id_cursor(rows, limit),
        }

    @_tool(server, title="Preview an automation", read_only=True, idempotent=True)
    async def preview_automation(
        automation: Annotated[
            str | dict[str, Any],
            Field(
                description="A stored automation's id (aut_...), or one written out as POST "
                "/v1/automations takes it: {name, trigger, when, actions, limits} (not stored)."
            ),
        ],
        event: Annotated[
            AutomationPreviewEvent, Field(description="The triggering event: {type, data, occurred_at}.")
        ],
        lead_id: Annotated[
            str | None,
            Field(min_length=1, max_length=64, description="A stored lead's id; or give `lead` instead."),
        ] = None,
        lead: Annotated[LeadFields | None, Field(description="A lead written out (not stored).")] = None,
        matching: Annotated[
            bool,
            Field(
                description="Also count the workspace's leads the `when` matches now (`matching`); "
                "a `when` that cannot be counted (attributes, `matches`) is refused naming the node."
            ),
        ] = False,
    ) -> Json:
        """A dry run, as POST /v1/automations/preview: would the automation fire for this lead and
        event (trigger, `when`, limits, loop guards), and what would each action do (`would`,
        `would_refuse` with why). Nothing is stored."""
        principal = caller("read")
        try:
            body = AutomationPreviewIn.model_validate(
                {"automation": automation, "event": event, "lead_id": lead_id, "lead": lead}
            )
        except ValidationError as exc:  # named as REST names them: automation.actions[2].stage
            raise validation_problem(validation_errors(exc.errors())) from None
        async with services.db.read() as conn:
            answer = await services.automation_flow.preview(conn, principal, body)
            if matching:
                answer["matching"] = await preview_matching(
                    conn, principal, automations, services.clock, body
                )
        return AutomationPreview.model_validate(answer).model_dump(mode="json")


def _segment_tools(server: _Server, services: Services) -> None:
    segments = services.segments

    @_tool(server, title="List segments", read_only=True, idempotent=True)
    async def list_segments(limit: Annotated[int, Field(ge=1, le=200)] = 50, cursor: Cursor = None) -> Json:
        """The workspace's segments (named conditions over leads, kept current as leads change),
        oldest first: each with its condition (`when`), how many leads are in it now
        (`member_count`) and whether its members are still being found (`filling`);
        `next_cursor` for the next page."""
        principal = caller("read")
        async with services.db.read() as conn:
            rows = await segments.page(conn, principal, limit + 1, id_cursor(cursor))
        return {
            "segments": [Segment.model_validate(r).model_dump(mode="json") for r in rows[:limit]],
            "next_cursor": next_id_cursor(rows, limit),
        }


def _duplicate_tools(server: _Server, services: Services) -> None:
    duplicates, flow = services.duplicates, services.duplicate_flow

    @_tool(server, title="Find duplicates", read_only=True, idempotent=True)
    async def find_duplicates(
        lead: Annotated[
            LeadFields | None,
            Field(description="A person not stored (yet): the leads it would merge into or resemble."),
        ] = None,
        min_score: Annotated[
            int | None, Field(ge=0, le=100, description="Only pairs scoring this or more.")
        ] = None,
        limit: Annotated[int, Field(ge=1, le=200)] = 50,
        cursor: Cursor = None,
    ) -> Json:
        """Without `lead`: the review queue, pending pairs of leads that look like one person,
        highest score first, each with its score (0..100) and the reasons that matched
        (email variants, phone, name with company domain or city, similar names); `next_cursor`
        for the next page. With `lead`: the stored lead a capture of it would merge into
        (`merges_into`) and the candidates that resemble it; nothing is stored."""
        principal = caller("read")
        async with services.db.read() as conn:
            if lead is not None:
                [result] = await duplicates.match(conn, principal, [lead.model_dump(exclude_unset=True)])
                return MatchItem.model_validate(result).model_dump(mode="json", exclude={"index"})
            after = None
            if cursor:
                score, pair_id = decode_cursor(cursor, ["int", "id"])
                after = (int(score), str(pair_id))
            rows = await duplicates.page(conn, principal, "pending", min_score, None, after, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return {
            "pairs": [DuplicatePair.model_validate(r).model_dump(mode="json") for r in rows],
            "next_cursor": encode_cursor([rows[-1]["score"], rows[-1]["id"]]) if more else None,
        }

    @_tool(server, title="Merge a duplicate pair", destructive=True)
    async def merge_duplicate(
        pair_id: Annotated[str, Field(min_length=1, max_length=32, description="The pair's id (dup_...).")],
        confirm: Annotated[
            bool, Field(description="Must be true: the newer lead is merged in and deleted.")
        ] = False,
    ) -> Json:
        """Merge a pair from find_duplicates: the newer lead into the older one, whose empty fields
        it fills and which keeps its whole history (events, scores, stage moves, assignments,
        tasks, track enrolments). Needs `confirm: true`."""
        principal = caller("write")
        _confirmed(confirm, f"Merging duplicate pair {pair_id}")
        async with services.db.transaction() as conn:
            merged = await flow.merge(conn, principal, pair_id)
        return {
            "lead": _lead(merged["lead"]),
            "pair": DuplicatePair.model_validate(merged["pair"]).model_dump(mode="json"),
        }


def _backtest_tools(server: _Server, services: Services) -> None:
    @_tool(server, title="Backtest a scoring model", read_only=True, idempotent=True)
    async def backtest_model(
        model: Annotated[
            str | dict[str, Any] | None,
            Field(
                description="A model version's id, or a draft model written out; default: the active model."
            ),
        ] = None,
        compare_with: Annotated[
            str | dict[str, Any] | None, Field(description="A second model, scored on the same leads.")
        ] = None,
        since: Annotated[
            UtcDateTime | None, Field(description="Reference times at or after (ISO 8601).")
        ] = None,
        until: Annotated[
            UtcDateTime | None, Field(description="Reference times before; default: now less the horizon.")
        ] = None,
        outcome_stage: Annotated[
            str | None,
            Field(max_length=50, description="The stage that counts as converted; default: won stages."),
        ] = None,
        within_days: Annotated[
            int, Field(ge=1, le=3650, description="Converted within this many days.")
        ] = 90,
        as_of: Annotated[
            Literal["created", "mql"],
            Field(description="Score each lead as it was when created, or on becoming an MQL."),
        ] = "created",
    ) -> Json:
        """How well a scoring model predicts conversion, as POST /v1/scoring/backtest: each lead
        scored as it stood at its reference time, against whether it reached a won stage within
        `within_days`. Per model: `auc` (0.5 is chance), `top_decile_lift`, conversion rate per
        band, a calibration table, and per rule how often it fired and the conversion rate with and
        without it. Many leads: answers {"job": ...}; read the result with the job's id later."""
        principal = caller("read")
        try:
            body = BacktestIn.model_validate(
                {
                    "model": model,
                    "compare_with": compare_with,
                    "from": since,
                    "to": until,
                    "outcome": {"stage": outcome_stage, "within_days": within_days},
                    "as_of": as_of,
                }
            )
        except ValidationError as exc:
            raise validation_problem(validation_errors(exc.errors())) from None
        async with services.db.transaction() as conn:
            result, job = await services.backtests.backtest(conn, principal, body)
        if job is not None:
            return {"job": Job.model_validate(job).model_dump(mode="json")}
        return BacktestOut.model_validate(result).model_dump(mode="json", by_alias=True)


def _resources(server: MCPServer[Any], services: Services) -> None:
    async def read(build: Callable[[Principal], Awaitable[Any]]) -> str:
        try:
            return _json(to_jsonable_python(await build(caller("read"))))
        except ProblemError as exc:
            raise ResourceError(_problem(exc)) from exc

    @server.resource(
        "leadapi://scoring/model",
        name="scoring_model",
        title="Active scoring model",
        description="The model that scores every lead: fit, behaviour and negative rules, decay, bands.",
        mime_type="application/json",
    )
    async def scoring_model() -> str:
        async def build(principal: Principal) -> Any:
            async with services.db.read() as conn:
                row = await services.scoring.active(conn, principal)
            return ScoringModel.model_validate(row).model_dump(mode="json")

        return await read(build)

    @server.resource(
        "leadapi://stages",
        name="stages",
        title="Stage pipeline",
        description="The lifecycle stages in order, the disqualification reasons and the touch types.",
        mime_type="application/json",
    )
    async def stage_pipeline() -> str:
        async def build(principal: Principal) -> Any:
            async with services.db.read() as conn:
                pipeline = await services.stages.pipeline(conn, principal.workspace_id)
            return {**pipeline.document(), "version": pipeline.version}

        return await read(build)

    @server.resource(
        "leadapi://routing/rules",
        name="routing_rules",
        title="Routing rules",
        description="When leads are routed (route_on) and the rules tried in order, with their pools.",
        mime_type="application/json",
    )
    async def routing_rules() -> str:
        async def build(principal: Principal) -> Any:
            async with services.db.read() as conn:
                rules = await services.routing.rules(conn, principal)
                route_on = await services.routing.route_on(conn, principal.workspace_id)
            return {
                "route_on": route_on,
                "rules": [RoutingRule.model_validate(r).model_dump(mode="json") for r in rules],
            }

        return await read(build)
