from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_out import ErrorOut
from ...models.list_activity_out import ListActivityOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    offer_id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    person_id: str | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    since: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["offer_id"] = offer_id

    params["type"] = type_

    params["person_id"] = person_id

    params["participant_id"] = participant_id

    params["since"] = since

    params["cursor"] = cursor

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/activities",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorOut | ListActivityOut | None:
    if response.status_code == 200:
        response_200 = ListActivityOut.from_dict(response.json())



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

    if response.status_code == 429:
        response_429 = ErrorOut.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorOut | ListActivityOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    offer_id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    person_id: str | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    since: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[ErrorOut | ListActivityOut]:
    """ The activity log, filtered.

    Args:
        offer_id (str | Unset):
        type_ (str | Unset):
        person_id (str | Unset):
        participant_id (str | Unset):
        since (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | ListActivityOut]
     """


    kwargs = _get_kwargs(
        offer_id=offer_id,
type_=type_,
person_id=person_id,
participant_id=participant_id,
since=since,
cursor=cursor,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    offer_id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    person_id: str | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    since: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> ErrorOut | ListActivityOut | None:
    """ The activity log, filtered.

    Args:
        offer_id (str | Unset):
        type_ (str | Unset):
        person_id (str | Unset):
        participant_id (str | Unset):
        since (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | ListActivityOut
     """


    return sync_detailed(
        client=client,
offer_id=offer_id,
type_=type_,
person_id=person_id,
participant_id=participant_id,
since=since,
cursor=cursor,
limit=limit,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    offer_id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    person_id: str | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    since: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[ErrorOut | ListActivityOut]:
    """ The activity log, filtered.

    Args:
        offer_id (str | Unset):
        type_ (str | Unset):
        person_id (str | Unset):
        participant_id (str | Unset):
        since (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | ListActivityOut]
     """


    kwargs = _get_kwargs(
        offer_id=offer_id,
type_=type_,
person_id=person_id,
participant_id=participant_id,
since=since,
cursor=cursor,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    offer_id: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    person_id: str | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    since: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> ErrorOut | ListActivityOut | None:
    """ The activity log, filtered.

    Args:
        offer_id (str | Unset):
        type_ (str | Unset):
        person_id (str | Unset):
        participant_id (str | Unset):
        since (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | ListActivityOut
     """


    return (await asyncio_detailed(
        client=client,
offer_id=offer_id,
type_=type_,
person_id=person_id,
participant_id=participant_id,
since=since,
cursor=cursor,
limit=limit,

    )).parsed
