from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_out import ErrorOut
from ...models.promo_counts_out import PromoCountsOut
from ...models.promo_pool_patch import PromoPoolPatch
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body: PromoPoolPatch,
    pool: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    params: dict[str, Any] = {}

    params["pool"] = pool


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/offers/{id}/promo-codes".format(id=quote(str(id), safe=""),),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorOut | PromoCountsOut | None:
    if response.status_code == 200:
        response_200 = PromoCountsOut.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorOut | PromoCountsOut]:
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
    body: PromoPoolPatch,
    pool: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | PromoCountsOut]:
    """ Sets a pool's low-stock warning (`default`, v1's, unless `pool` names
    another; a pool may have a threshold before its first upload). A
    threshold above what is left records `promo_codes.low` at once.

    Args:
        id (str):
        pool (str | Unset):
        idempotency_key (str | Unset):
        body (PromoPoolPatch): A pool's settings: its low-stock warning (SPEC §15).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | PromoCountsOut]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
pool=pool,
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
    body: PromoPoolPatch,
    pool: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | PromoCountsOut | None:
    """ Sets a pool's low-stock warning (`default`, v1's, unless `pool` names
    another; a pool may have a threshold before its first upload). A
    threshold above what is left records `promo_codes.low` at once.

    Args:
        id (str):
        pool (str | Unset):
        idempotency_key (str | Unset):
        body (PromoPoolPatch): A pool's settings: its low-stock warning (SPEC §15).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | PromoCountsOut
     """


    return sync_detailed(
        id=id,
client=client,
body=body,
pool=pool,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PromoPoolPatch,
    pool: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | PromoCountsOut]:
    """ Sets a pool's low-stock warning (`default`, v1's, unless `pool` names
    another; a pool may have a threshold before its first upload). A
    threshold above what is left records `promo_codes.low` at once.

    Args:
        id (str):
        pool (str | Unset):
        idempotency_key (str | Unset):
        body (PromoPoolPatch): A pool's settings: its low-stock warning (SPEC §15).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | PromoCountsOut]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
pool=pool,
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
    body: PromoPoolPatch,
    pool: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | PromoCountsOut | None:
    """ Sets a pool's low-stock warning (`default`, v1's, unless `pool` names
    another; a pool may have a threshold before its first upload). A
    threshold above what is left records `promo_codes.low` at once.

    Args:
        id (str):
        pool (str | Unset):
        idempotency_key (str | Unset):
        body (PromoPoolPatch): A pool's settings: its low-stock warning (SPEC §15).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | PromoCountsOut
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,
pool=pool,
idempotency_key=idempotency_key,

    )).parsed
