from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_out import ErrorOut
from ...models.new_participant_out import NewParticipantOut
from ...models.new_public_participant_out import NewPublicParticipantOut
from ...models.participant_out import ParticipantOut
from ...models.sign_in_sent_out import SignInSentOut
from ...models.sign_up_in import SignUpIn
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body: SignUpIn,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/offers/{id}/participants".format(id=quote(str(id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorOut | NewParticipantOut | NewPublicParticipantOut | ParticipantOut | SignInSentOut | None:
    if response.status_code == 200:
        def _parse_response_200(data: object) -> ParticipantOut | SignInSentOut:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_existing_out_type_0 = ParticipantOut.from_dict(data)



                return componentsschemas_existing_out_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_existing_out_type_1 = SignInSentOut.from_dict(data)



            return componentsschemas_existing_out_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 201:
        def _parse_response_201(data: object) -> NewParticipantOut | NewPublicParticipantOut:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_signed_up_out_type_0 = NewParticipantOut.from_dict(data)



                return componentsschemas_signed_up_out_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_signed_up_out_type_1 = NewPublicParticipantOut.from_dict(data)



            return componentsschemas_signed_up_out_type_1

        response_201 = _parse_response_201(response.json())

        return response_201

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorOut | NewParticipantOut | NewPublicParticipantOut | ParticipantOut | SignInSentOut]:
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
    body: SignUpIn,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | NewParticipantOut | NewPublicParticipantOut | ParticipantOut | SignInSentOut]:
    """ Signs a person up: 201 with a new participant and its `participant_token`.
    An email already signed up is 200: with a secret key, the existing
    participant; with a publishable key, only `check_email` (that
    participant is emailed a sign-in link to its page), since anyone can
    type an email. A publishable key sees only the share code, share URL
    and progress of the participant it created.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (SignUpIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | NewParticipantOut | NewPublicParticipantOut | ParticipantOut | SignInSentOut]
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
    body: SignUpIn,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | NewParticipantOut | NewPublicParticipantOut | ParticipantOut | SignInSentOut | None:
    """ Signs a person up: 201 with a new participant and its `participant_token`.
    An email already signed up is 200: with a secret key, the existing
    participant; with a publishable key, only `check_email` (that
    participant is emailed a sign-in link to its page), since anyone can
    type an email. A publishable key sees only the share code, share URL
    and progress of the participant it created.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (SignUpIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | NewParticipantOut | NewPublicParticipantOut | ParticipantOut | SignInSentOut
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
    body: SignUpIn,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | NewParticipantOut | NewPublicParticipantOut | ParticipantOut | SignInSentOut]:
    """ Signs a person up: 201 with a new participant and its `participant_token`.
    An email already signed up is 200: with a secret key, the existing
    participant; with a publishable key, only `check_email` (that
    participant is emailed a sign-in link to its page), since anyone can
    type an email. A publishable key sees only the share code, share URL
    and progress of the participant it created.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (SignUpIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | NewParticipantOut | NewPublicParticipantOut | ParticipantOut | SignInSentOut]
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
    body: SignUpIn,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | NewParticipantOut | NewPublicParticipantOut | ParticipantOut | SignInSentOut | None:
    """ Signs a person up: 201 with a new participant and its `participant_token`.
    An email already signed up is 200: with a secret key, the existing
    participant; with a publishable key, only `check_email` (that
    participant is emailed a sign-in link to its page), since anyone can
    type an email. A publishable key sees only the share code, share URL
    and progress of the participant it created.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (SignUpIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | NewParticipantOut | NewPublicParticipantOut | ParticipantOut | SignInSentOut
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
