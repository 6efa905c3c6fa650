from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_out import ErrorOut
from ...models.give_credit_in import GiveCreditIn
from ...models.tracked_out import TrackedOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body:    GiveCreditIn  |     GiveCreditIn  | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/offers/{id}/give-credit".format(id=quote(str(id), safe=""),),
    }

    if isinstance(body, GiveCreditIn):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, GiveCreditIn):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorOut | TrackedOut | None:
    if response.status_code == 200:
        response_200 = TrackedOut.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorOut | TrackedOut]:
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
    body:    GiveCreditIn  |     GiveCreditIn  | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | TrackedOut]:
    """ Give Credit to Referrer: credits the referrer of this friend
    (offers whose goal is `smart_list_trigger` only). The body is JSON, or
    the same fields as a form (`application/x-www-form-urlencoded`, what
    Marketo's Call Webhook step sends by default; an empty value is absent).

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (GiveCreditIn): The friend to credit, named by exactly one of `email`, `person_id`,
            `visitor_id`, and the share code it used as a coupon at checkout, if any.
        body (GiveCreditIn): The friend to credit, named by exactly one of `email`, `person_id`,
            `visitor_id`, and the share code it used as a coupon at checkout, if any.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | TrackedOut]
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
    body:    GiveCreditIn  |     GiveCreditIn  | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | TrackedOut | None:
    """ Give Credit to Referrer: credits the referrer of this friend
    (offers whose goal is `smart_list_trigger` only). The body is JSON, or
    the same fields as a form (`application/x-www-form-urlencoded`, what
    Marketo's Call Webhook step sends by default; an empty value is absent).

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (GiveCreditIn): The friend to credit, named by exactly one of `email`, `person_id`,
            `visitor_id`, and the share code it used as a coupon at checkout, if any.
        body (GiveCreditIn): The friend to credit, named by exactly one of `email`, `person_id`,
            `visitor_id`, and the share code it used as a coupon at checkout, if any.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | TrackedOut
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
    body:    GiveCreditIn  |     GiveCreditIn  | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | TrackedOut]:
    """ Give Credit to Referrer: credits the referrer of this friend
    (offers whose goal is `smart_list_trigger` only). The body is JSON, or
    the same fields as a form (`application/x-www-form-urlencoded`, what
    Marketo's Call Webhook step sends by default; an empty value is absent).

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (GiveCreditIn): The friend to credit, named by exactly one of `email`, `person_id`,
            `visitor_id`, and the share code it used as a coupon at checkout, if any.
        body (GiveCreditIn): The friend to credit, named by exactly one of `email`, `person_id`,
            `visitor_id`, and the share code it used as a coupon at checkout, if any.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | TrackedOut]
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
    body:    GiveCreditIn  |     GiveCreditIn  | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | TrackedOut | None:
    """ Give Credit to Referrer: credits the referrer of this friend
    (offers whose goal is `smart_list_trigger` only). The body is JSON, or
    the same fields as a form (`application/x-www-form-urlencoded`, what
    Marketo's Call Webhook step sends by default; an empty value is absent).

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (GiveCreditIn): The friend to credit, named by exactly one of `email`, `person_id`,
            `visitor_id`, and the share code it used as a coupon at checkout, if any.
        body (GiveCreditIn): The friend to credit, named by exactly one of `email`, `person_id`,
            `visitor_id`, and the share code it used as a coupon at checkout, if any.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | TrackedOut
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
