from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.claim_in import ClaimIn
from ...models.claim_out import ClaimOut
from ...models.error_out import ErrorOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body: ClaimIn,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/offers/{id}/referrers/claim".format(id=quote(str(id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ClaimOut | ErrorOut | None:
    if response.status_code == 200:
        response_200 = ClaimOut.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ClaimOut | ErrorOut]:
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
    body: ClaimIn,
    idempotency_key: str | Unset = UNSET,

) -> Response[ClaimOut | ErrorOut]:
    """ A friend claims the referrer it found by name (any key): the browser is
    attributed to it with method `name`, unless the friend was attributed
    before (one referrer per friend per offer, the first found stays) or an
    earlier method in the offer's order finds a referrer first. Limited with
    the search.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (ClaimIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClaimOut | ErrorOut]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    body: ClaimIn,
    idempotency_key: str | Unset = UNSET,

) -> ClaimOut | ErrorOut | None:
    """ A friend claims the referrer it found by name (any key): the browser is
    attributed to it with method `name`, unless the friend was attributed
    before (one referrer per friend per offer, the first found stays) or an
    earlier method in the offer's order finds a referrer first. Limited with
    the search.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (ClaimIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClaimOut | ErrorOut
     """


    return sync_detailed(
        id=id,
client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: ClaimIn,
    idempotency_key: str | Unset = UNSET,

) -> Response[ClaimOut | ErrorOut]:
    """ A friend claims the referrer it found by name (any key): the browser is
    attributed to it with method `name`, unless the friend was attributed
    before (one referrer per friend per offer, the first found stays) or an
    earlier method in the offer's order finds a referrer first. Limited with
    the search.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (ClaimIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClaimOut | ErrorOut]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    body: ClaimIn,
    idempotency_key: str | Unset = UNSET,

) -> ClaimOut | ErrorOut | None:
    """ A friend claims the referrer it found by name (any key): the browser is
    attributed to it with method `name`, unless the friend was attributed
    before (one referrer per friend per offer, the first found stays) or an
    earlier method in the offer's order finds a referrer first. Limited with
    the search.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (ClaimIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClaimOut | ErrorOut
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
