from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_out import ErrorOut
from ...models.referrers_out import ReferrersOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    name: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["name"] = name


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/offers/{id}/referrers".format(id=quote(str(id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorOut | ReferrersOut | None:
    if response.status_code == 200:
        response_200 = ReferrersOut.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = ErrorOut.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorOut.from_dict(response.json())



        return response_401

    if response.status_code == 404:
        response_404 = ErrorOut.from_dict(response.json())



        return response_404

    if response.status_code == 429:
        response_429 = ErrorOut.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorOut | ReferrersOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    name: str | Unset = UNSET,

) -> Response[ErrorOut | ReferrersOut]:
    """ The offer's referrers whose name starts with `name`, for a friend
    naming who referred it (any key; the offer must list `name` among its
    attribution methods). At most 5, each a display name, a masked email and
    the reference a claim names it by. Limited per client (10 at once, then
    one each 6 seconds, searches and claims together).

    Args:
        id (str):
        name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | ReferrersOut]
     """


    kwargs = _get_kwargs(
        id=id,
name=name,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    name: str | Unset = UNSET,

) -> ErrorOut | ReferrersOut | None:
    """ The offer's referrers whose name starts with `name`, for a friend
    naming who referred it (any key; the offer must list `name` among its
    attribution methods). At most 5, each a display name, a masked email and
    the reference a claim names it by. Limited per client (10 at once, then
    one each 6 seconds, searches and claims together).

    Args:
        id (str):
        name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | ReferrersOut
     """


    return sync_detailed(
        id=id,
client=client,
name=name,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    name: str | Unset = UNSET,

) -> Response[ErrorOut | ReferrersOut]:
    """ The offer's referrers whose name starts with `name`, for a friend
    naming who referred it (any key; the offer must list `name` among its
    attribution methods). At most 5, each a display name, a masked email and
    the reference a claim names it by. Limited per client (10 at once, then
    one each 6 seconds, searches and claims together).

    Args:
        id (str):
        name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | ReferrersOut]
     """


    kwargs = _get_kwargs(
        id=id,
name=name,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    name: str | Unset = UNSET,

) -> ErrorOut | ReferrersOut | None:
    """ The offer's referrers whose name starts with `name`, for a friend
    naming who referred it (any key; the offer must list `name` among its
    attribution methods). At most 5, each a display name, a masked email and
    the reference a claim names it by. Limited per client (10 at once, then
    one each 6 seconds, searches and claims together).

    Args:
        id (str):
        name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | ReferrersOut
     """


    return (await asyncio_detailed(
        id=id,
client=client,
name=name,

    )).parsed
