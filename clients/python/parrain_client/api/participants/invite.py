from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_out import ErrorOut
from ...models.invitations_in import InvitationsIn
from ...models.invitations_out import InvitationsOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    offer_id: str,
    participant_id: str,
    *,
    body: InvitationsIn,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/offers/{offer_id}/participants/{participant_id}/invitations".format(offer_id=quote(str(offer_id), safe=""),participant_id=quote(str(participant_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorOut | InvitationsOut | None:
    if response.status_code == 202:
        response_202 = InvitationsOut.from_dict(response.json())



        return response_202

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorOut | InvitationsOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    offer_id: str,
    participant_id: str,
    *,
    client: AuthenticatedClient,
    body: InvitationsIn,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | InvitationsOut]:
    """ Invites friends by email: 202 when at least one invitation was queued;
    otherwise an error with the first refusal's code (`limit_reached` is
    429, `invalid_email` 400, the others 409) naming the field (`emails[0]`),
    and every refusal under `details.refused`. With a publishable key the
    body carries the participant's `participant_token` (403 without it).

    Args:
        offer_id (str):
        participant_id (str):
        idempotency_key (str | Unset):
        body (InvitationsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | InvitationsOut]
     """


    kwargs = _get_kwargs(
        offer_id=offer_id,
participant_id=participant_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    offer_id: str,
    participant_id: str,
    *,
    client: AuthenticatedClient,
    body: InvitationsIn,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | InvitationsOut | None:
    """ Invites friends by email: 202 when at least one invitation was queued;
    otherwise an error with the first refusal's code (`limit_reached` is
    429, `invalid_email` 400, the others 409) naming the field (`emails[0]`),
    and every refusal under `details.refused`. With a publishable key the
    body carries the participant's `participant_token` (403 without it).

    Args:
        offer_id (str):
        participant_id (str):
        idempotency_key (str | Unset):
        body (InvitationsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | InvitationsOut
     """


    return sync_detailed(
        offer_id=offer_id,
participant_id=participant_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    offer_id: str,
    participant_id: str,
    *,
    client: AuthenticatedClient,
    body: InvitationsIn,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | InvitationsOut]:
    """ Invites friends by email: 202 when at least one invitation was queued;
    otherwise an error with the first refusal's code (`limit_reached` is
    429, `invalid_email` 400, the others 409) naming the field (`emails[0]`),
    and every refusal under `details.refused`. With a publishable key the
    body carries the participant's `participant_token` (403 without it).

    Args:
        offer_id (str):
        participant_id (str):
        idempotency_key (str | Unset):
        body (InvitationsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | InvitationsOut]
     """


    kwargs = _get_kwargs(
        offer_id=offer_id,
participant_id=participant_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    offer_id: str,
    participant_id: str,
    *,
    client: AuthenticatedClient,
    body: InvitationsIn,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | InvitationsOut | None:
    """ Invites friends by email: 202 when at least one invitation was queued;
    otherwise an error with the first refusal's code (`limit_reached` is
    429, `invalid_email` 400, the others 409) naming the field (`emails[0]`),
    and every refusal under `details.refused`. With a publishable key the
    body carries the participant's `participant_token` (403 without it).

    Args:
        offer_id (str):
        participant_id (str):
        idempotency_key (str | Unset):
        body (InvitationsIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | InvitationsOut
     """


    return (await asyncio_detailed(
        offer_id=offer_id,
participant_id=participant_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
