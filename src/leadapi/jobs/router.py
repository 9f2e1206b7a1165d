"""Background jobs over HTTP: read-only; jobs are started by the endpoints that need them."""

from __future__ import annotations

from fastapi import APIRouter

from leadapi.api.auth import Reader
from leadapi.api.deps import Reads, ServicesDep
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.jobs.schemas import Job

router = APIRouter(prefix="/v1/jobs", tags=["jobs"], responses=PROBLEM_RESPONSES)


@router.get("/{job_id}", operation_id="get_job", response_model=Job, summary="A background job")
async def get_job(job_id: str, principal: Reader, services: ServicesDep, conn: Reads) -> Job:
    """Status, progress and, once finished, the result or the error."""
    return Job.model_validate(await services.jobs.get(conn, principal, job_id))
