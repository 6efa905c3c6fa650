from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_out import ErrorOut
from ...models.event_batch_out import EventBatchOut
from ...models.event_result_out import EventResultOut
from ...models.server_event_in import ServerEventIn
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: ServerEventIn,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/events",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorOut | EventBatchOut | EventResultOut | None:
    if response.status_code == 200:
        def _parse_response_200(data: object) -> EventBatchOut | EventResultOut:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_events_out_type_0 = EventResultOut.from_dict(data)



                return componentsschemas_events_out_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_events_out_type_1 = EventBatchOut.from_dict(data)



            return componentsschemas_events_out_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorOut.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorOut.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorOut.from_dict(response.json())



        return response_403

    if response.status_code == 409:
        response_409 = ErrorOut.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = ErrorOut.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = ErrorOut.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = ErrorOut.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorOut | EventBatchOut | EventResultOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ServerEventIn,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | EventBatchOut | EventResultOut]:
    """ Facts from other systems ("opportunity.created", "purchase", …): one
    object, or an array of up to 1,000. Each credits the referrer in every
    live offer whose smart-list trigger rule it matches.

    Args:
        idempotency_key (str | Unset):
        body (ServerEventIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | EventBatchOut | EventResultOut]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: ServerEventIn,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | EventBatchOut | EventResultOut | None:
    """ Facts from other systems ("opportunity.created", "purchase", …): one
    object, or an array of up to 1,000. Each credits the referrer in every
    live offer whose smart-list trigger rule it matches.

    Args:
        idempotency_key (str | Unset):
        body (ServerEventIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | EventBatchOut | EventResultOut
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ServerEventIn,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | EventBatchOut | EventResultOut]:
    """ Facts from other systems ("opportunity.created", "purchase", …): one
    object, or an array of up to 1,000. Each credits the referrer in every
    live offer whose smart-list trigger rule it matches.

    Args:
        idempotency_key (str | Unset):
        body (ServerEventIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | EventBatchOut | EventResultOut]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ServerEventIn,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | EventBatchOut | EventResultOut | None:
    """ Facts from other systems ("opportunity.created", "purchase", …): one
    object, or an array of up to 1,000. Each credits the referrer in every
    live offer whose smart-list trigger rule it matches.

    Args:
        idempotency_key (str | Unset):
        body (ServerEventIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | EventBatchOut | EventResultOut
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
