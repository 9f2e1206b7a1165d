from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_import_dedupe import CreateImportDedupe
from ...models.create_import_format_type_0 import CreateImportFormatType0
from ...models.import_ import Import
from ...models.problem import Problem
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    *,
    body: File,
    format_: CreateImportFormatType0 | None | Unset = UNSET,
    mapping: None | str | Unset = UNSET,
    dedupe: CreateImportDedupe | Unset = CreateImportDedupe.MERGE,
    overwrite: bool | Unset = False,
    route: bool | Unset = True,
    dry_run: bool | Unset = False,
    source: None | str | Unset = UNSET,
    tags: list[str] | None | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    json_format_: None | str | Unset
    if isinstance(format_, Unset):
        json_format_ = UNSET
    elif isinstance(format_, CreateImportFormatType0):
        json_format_ = format_.value
    else:
        json_format_ = format_
    params["format"] = json_format_

    json_mapping: None | str | Unset
    if isinstance(mapping, Unset):
        json_mapping = UNSET
    else:
        json_mapping = mapping
    params["mapping"] = json_mapping

    json_dedupe: str | Unset = UNSET
    if not isinstance(dedupe, Unset):
        json_dedupe = dedupe.value

    params["dedupe"] = json_dedupe

    params["overwrite"] = overwrite

    params["route"] = route

    params["dry_run"] = dry_run

    json_source: None | str | Unset
    if isinstance(source, Unset):
        json_source = UNSET
    else:
        json_source = source
    params["source"] = json_source

    json_tags: list[str] | None | Unset
    if isinstance(tags, Unset):
        json_tags = UNSET
    elif isinstance(tags, list):
        json_tags = tags

    else:
        json_tags = tags
    params["tags"] = json_tags

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/imports",
        "params": params,
    }

    _kwargs["content"] = body.payload
    headers["Content-Type"] = "application/octet-stream"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Import | Problem | None:
    if response.status_code == 202:
        response_202 = Import.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Import | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: File,
    format_: CreateImportFormatType0 | None | Unset = UNSET,
    mapping: None | str | Unset = UNSET,
    dedupe: CreateImportDedupe | Unset = CreateImportDedupe.MERGE,
    overwrite: bool | Unset = False,
    route: bool | Unset = True,
    dry_run: bool | Unset = False,
    source: None | str | Unset = UNSET,
    tags: list[str] | None | Unset = UNSET,
) -> Response[Import | Problem]:
    """Import a file of leads (a background job)

     The file is stored before the answer (202, `Location: /v1/imports/{id}`), then a
    background job captures its rows as `POST /v1/leads` captures one: dedupe and merge, score,
    stage, routing, events. Follow it at the Location; refused rows are in its `errors` report.
    With `Idempotency-Key`, a retry of the same upload gets the first answer and imports nothing.

    Args:
        format_ (CreateImportFormatType0 | None | Unset): The format of an `application/gzip` body
            (default csv).
        mapping (None | str | Unset): JSON object, column -> target, e.g. `{"E-mail": "email",
            "Tier": "attributes.tier"}`.
        dedupe (CreateImportDedupe | Unset):  Default: CreateImportDedupe.MERGE.
        overwrite (bool | Unset): A merge replaces non-empty values. Default: False.
        route (bool | Unset): false: new leads are created unassigned (routing skipped). Default:
            True.
        dry_run (bool | Unset): Report what would happen; write no lead. Default: False.
        source (None | str | Unset): `source` of rows without one.
        tags (list[str] | None | Unset): Added to every row.
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Import | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        format_=format_,
        mapping=mapping,
        dedupe=dedupe,
        overwrite=overwrite,
        route=route,
        dry_run=dry_run,
        source=source,
        tags=tags,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: File,
    format_: CreateImportFormatType0 | None | Unset = UNSET,
    mapping: None | str | Unset = UNSET,
    dedupe: CreateImportDedupe | Unset = CreateImportDedupe.MERGE,
    overwrite: bool | Unset = False,
    route: bool | Unset = True,
    dry_run: bool | Unset = False,
    source: None | str | Unset = UNSET,
    tags: list[str] | None | Unset = UNSET,
) -> Import | Problem | None:
    """Import a file of leads (a background job)

     The file is stored before the answer (202, `Location: /v1/imports/{id}`), then a
    background job captures its rows as `POST /v1/leads` captures one: dedupe and merge, score,
    stage, routing, events. Follow it at the Location; refused rows are in its `errors` report.
    With `Idempotency-Key`, a retry of the same upload gets the first answer and imports nothing.

    Args:
        format_ (CreateImportFormatType0 | None | Unset): The format of an `application/gzip` body
            (default csv).
        mapping (None | str | Unset): JSON object, column -> target, e.g. `{"E-mail": "email",
            "Tier": "attributes.tier"}`.
        dedupe (CreateImportDedupe | Unset):  Default: CreateImportDedupe.MERGE.
        overwrite (bool | Unset): A merge replaces non-empty values. Default: False.
        route (bool | Unset): false: new leads are created unassigned (routing skipped). Default:
            True.
        dry_run (bool | Unset): Report what would happen; write no lead. Default: False.
        source (None | str | Unset): `source` of rows without one.
        tags (list[str] | None | Unset): Added to every row.
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Import | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        format_=format_,
        mapping=mapping,
        dedupe=dedupe,
        overwrite=overwrite,
        route=route,
        dry_run=dry_run,
        source=source,
        tags=tags,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: File,
    format_: CreateImportFormatType0 | None | Unset = UNSET,
    mapping: None | str | Unset = UNSET,
    dedupe: CreateImportDedupe | Unset = CreateImportDedupe.MERGE,
    overwrite: bool | Unset = False,
    route: bool | Unset = True,
    dry_run: bool | Unset = False,
    source: None | str | Unset = UNSET,
    tags: list[str] | None | Unset = UNSET,
) -> Response[Import | Problem]:
    """Import a file of leads (a background job)

     The file is stored before the answer (202, `Location: /v1/imports/{id}`), then a
    background job captures its rows as `POST /v1/leads` captures one: dedupe and merge, score,
    stage, routing, events. Follow it at the Location; refused rows are in its `errors` report.
    With `Idempotency-Key`, a retry of the same upload gets the first answer and imports nothing.

    Args:
        format_ (CreateImportFormatType0 | None | Unset): The format of an `application/gzip` body
            (default csv).
        mapping (None | str | Unset): JSON object, column -> target, e.g. `{"E-mail": "email",
            "Tier": "attributes.tier"}`.
        dedupe (CreateImportDedupe | Unset):  Default: CreateImportDedupe.MERGE.
        overwrite (bool | Unset): A merge replaces non-empty values. Default: False.
        route (bool | Unset): false: new leads are created unassigned (routing skipped). Default:
            True.
        dry_run (bool | Unset): Report what would happen; write no lead. Default: False.
        source (None | str | Unset): `source` of rows without one.
        tags (list[str] | None | Unset): Added to every row.
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Import | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        format_=format_,
        mapping=mapping,
        dedupe=dedupe,
        overwrite=overwrite,
        route=route,
        dry_run=dry_run,
        source=source,
        tags=tags,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: File,
    format_: CreateImportFormatType0 | None | Unset = UNSET,
    mapping: None | str | Unset = UNSET,
    dedupe: CreateImportDedupe | Unset = CreateImportDedupe.MERGE,
    overwrite: bool | Unset = False,
    route: bool | Unset = True,
    dry_run: bool | Unset = False,
    source: None | str | Unset = UNSET,
    tags: list[str] | None | Unset = UNSET,
) -> Import | Problem | None:
    """Import a file of leads (a background job)

     The file is stored before the answer (202, `Location: /v1/imports/{id}`), then a
    background job captures its rows as `POST /v1/leads` captures one: dedupe and merge, score,
    stage, routing, events. Follow it at the Location; refused rows are in its `errors` report.
    With `Idempotency-Key`, a retry of the same upload gets the first answer and imports nothing.

    Args:
        format_ (CreateImportFormatType0 | None | Unset): The format of an `application/gzip` body
            (default csv).
        mapping (None | str | Unset): JSON object, column -> target, e.g. `{"E-mail": "email",
            "Tier": "attributes.tier"}`.
        dedupe (CreateImportDedupe | Unset):  Default: CreateImportDedupe.MERGE.
        overwrite (bool | Unset): A merge replaces non-empty values. Default: False.
        route (bool | Unset): false: new leads are created unassigned (routing skipped). Default:
            True.
        dry_run (bool | Unset): Report what would happen; write no lead. Default: False.
        source (None | str | Unset): `source` of rows without one.
        tags (list[str] | None | Unset): Added to every row.
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Import | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            format_=format_,
            mapping=mapping,
            dedupe=dedupe,
            overwrite=overwrite,
            route=route,
            dry_run=dry_run,
            source=source,
            tags=tags,
        )
    ).parsed
