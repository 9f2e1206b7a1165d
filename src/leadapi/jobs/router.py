"""Background jobs over HTTP: read-only; jobs are started by the endpoints that need them."""

from __future__ import annotations

from fastapi import APIRouter, Request

from leadapi.api.auth import Reader
from leadapi.errors import PROBLEM_RESPONSES
from leadapi.jobs.schemas import Job
from leadapi.jobs.service import JobService

router = APIRouter(prefix="/v1/jobs", tags=["jobs"], responses=PROBLEM_RESPONSES)


@router.get("/{job_id}", operation_id="get_job", response_model=Job, summary="A background job")
async def get_job(request: Request, job_id: str, principal: Reader) -> Job:
    """Status, progress and, once finished, the result or the error."""
    service: JobService = request.app.state.jobs
    return Job.model_validate(await service.get(principal, job_id))
