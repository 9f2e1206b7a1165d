import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_entry_list import AuditEntryList
from ...models.list_audit_log_resource_type_0 import ListAuditLogResourceType0
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    resource: ListAuditLogResourceType0 | None | Unset = UNSET,
    resource_id: None | str | Unset = UNSET,
    key_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_resource: None | str | Unset
    if isinstance(resource, Unset):
        json_resource = UNSET
    elif isinstance(resource, ListAuditLogResourceType0):
        json_resource = resource.value
    else:
        json_resource = resource
    params["resource"] = json_resource

    json_resource_id: None | str | Unset
    if isinstance(resource_id, Unset):
        json_resource_id = UNSET
    else:
        json_resource_id = resource_id
    params["resource_id"] = json_resource_id

    json_key_id: None | str | Unset
    if isinstance(key_id, Unset):
        json_key_id = UNSET
    else:
        json_key_id = key_id
    params["key_id"] = json_key_id

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.datetime):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.datetime):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/audit-log",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuditEntryList | Problem | None:
    if response.status_code == 200:
        response_200 = AuditEntryList.from_dict(response.json())

        return response_200

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AuditEntryList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    resource: ListAuditLogResourceType0 | None | Unset = UNSET,
    resource_id: None | str | Unset = UNSET,
    key_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[AuditEntryList | Problem]:
    """Admin changes

     Changes to API keys, scoring models, routing rules and settings, owners, lifecycle stages,
    SLA policies, form sources and webhooks, newest first: who (key id), what (resource, id,
    before and after, secrets masked) and when. Each entry was written in the transaction that
    made the change.

    Args:
        resource (ListAuditLogResourceType0 | None | Unset): Only changes to this kind of
            resource.
        resource_id (None | str | Unset):
        key_id (None | str | Unset): Made by this key.
        from_ (datetime.datetime | None | Unset): At or after.
        to (datetime.datetime | None | Unset): Before.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEntryList | Problem]
    """

    kwargs = _get_kwargs(
        resource=resource,
        resource_id=resource_id,
        key_id=key_id,
        from_=from_,
        to=to,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    resource: ListAuditLogResourceType0 | None | Unset = UNSET,
    resource_id: None | str | Unset = UNSET,
    key_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> AuditEntryList | Problem | None:
    """Admin changes

     Changes to API keys, scoring models, routing rules and settings, owners, lifecycle stages,
    SLA policies, form sources and webhooks, newest first: who (key id), what (resource, id,
    before and after, secrets masked) and when. Each entry was written in the transaction that
    made the change.

    Args:
        resource (ListAuditLogResourceType0 | None | Unset): Only changes to this kind of
            resource.
        resource_id (None | str | Unset):
        key_id (None | str | Unset): Made by this key.
        from_ (datetime.datetime | None | Unset): At or after.
        to (datetime.datetime | None | Unset): Before.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEntryList | Problem
    """

    return sync_detailed(
        client=client,
        resource=resource,
        resource_id=resource_id,
        key_id=key_id,
        from_=from_,
        to=to,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    resource: ListAuditLogResourceType0 | None | Unset = UNSET,
    resource_id: None | str | Unset = UNSET,
    key_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[AuditEntryList | Problem]:
    """Admin changes

     Changes to API keys, scoring models, routing rules and settings, owners, lifecycle stages,
    SLA policies, form sources and webhooks, newest first: who (key id), what (resource, id,
    before and after, secrets masked) and when. Each entry was written in the transaction that
    made the change.

    Args:
        resource (ListAuditLogResourceType0 | None | Unset): Only changes to this kind of
            resource.
        resource_id (None | str | Unset):
        key_id (None | str | Unset): Made by this key.
        from_ (datetime.datetime | None | Unset): At or after.
        to (datetime.datetime | None | Unset): Before.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEntryList | Problem]
    """

    kwargs = _get_kwargs(
        resource=resource,
        resource_id=resource_id,
        key_id=key_id,
        from_=from_,
        to=to,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    resource: ListAuditLogResourceType0 | None | Unset = UNSET,
    resource_id: None | str | Unset = UNSET,
    key_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> AuditEntryList | Problem | None:
    """Admin changes

     Changes to API keys, scoring models, routing rules and settings, owners, lifecycle stages,
    SLA policies, form sources and webhooks, newest first: who (key id), what (resource, id,
    before and after, secrets masked) and when. Each entry was written in the transaction that
    made the change.

    Args:
        resource (ListAuditLogResourceType0 | None | Unset): Only changes to this kind of
            resource.
        resource_id (None | str | Unset):
        key_id (None | str | Unset): Made by this key.
        from_ (datetime.datetime | None | Unset): At or after.
        to (datetime.datetime | None | Unset): Before.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEntryList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            resource=resource,
            resource_id=resource_id,
            key_id=key_id,
            from_=from_,
            to=to,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
