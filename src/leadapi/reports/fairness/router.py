"""GET /v1/reports/routing: JSON by default, CSV with `Accept: text/csv`."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from leadapi.api.auth import Reader
from leadapi.api.deps import ReplicaSnapshot, ServicesDep
from leadapi.errors import PROBLEM_RESPONSES, validation_problem
from leadapi.reports.fairness.engine import csv_lines
from leadapi.reports.fairness.schemas import RoutingReport
from leadapi.times import UtcDateTime

router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=PROBLEM_RESPONSES)

QUERY_NAMES = frozenset({"from", "to", "rule_id"})
CSV = "text/csv"
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV: {"schema": {"type": "string"}}}, "description": "JSON, or CSV on request."}
}


@router.get(
    "/routing",
    operation_id="routing_report",
    response_model=RoutingReport,
    responses=CSV_RESPONSE,
    summary="Routing fairness",
)
async def routing_report(
    request: Request,
    principal: Reader,
    services: ServicesDep,
    conn: ReplicaSnapshot,
    from_: Annotated[
        UtcDateTime | None,
        Query(
            alias="from", description="Range start (inclusive). Default: 30 days before `to`. No offset: UTC."
        ),
    ] = None,
    to: Annotated[UtcDateTime | None, Query(description="Range end (exclusive). Default: now.")] = None,
    rule_id: Annotated[str | None, Query(max_length=32, description="Only this routing rule.")] = None,
) -> Any:
    """Per routing rule and owner, over the assignments made in the range: assignments, the share
    each owner was due (from the weights and who could take each lead when it came) against the
    share they got, the deviation and a chi-square p-value (below 0.01: the rotation is skewed),
    capacity hits, out-of-office skips, reassignments and median time to first touch; and per
    owner over every rule."""
    unknown = sorted(set(request.query_params) - QUERY_NAMES)
    if unknown:
        allowed = ", ".join(sorted(QUERY_NAMES))
        raise validation_problem(
            [
                {"field": name, "message": f"not a parameter of this report (known: {allowed})"}
                for name in unknown
            ]
        )
    body = await services.fairness.routing(conn, principal, from_, to, rule_id)
    if CSV in request.headers.get("accept", ""):
        columns, lines = csv_lines(body)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(lines)
        return Response(out.getvalue(), media_type=CSV)
    return RoutingReport.model_validate(body)
