from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_out import ErrorOut
from ...models.give_reward_in import GiveRewardIn
from ...models.reward_out import RewardOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    reward_id: str,
    *,
    body: GiveRewardIn,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/participants/{id}/rewards/{reward_id}/give".format(id=quote(str(id), safe=""),reward_id=quote(str(reward_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorOut | RewardOut | None:
    if response.status_code == 200:
        response_200 = RewardOut.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorOut | RewardOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    reward_id: str,
    *,
    client: AuthenticatedClient,
    body: GiveRewardIn,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | RewardOut]:
    """ Gives a participant a reward by hand (the participants tab's "Give"):
    one waiting for an operator (`delivery: "manual"`), or a goodwill one the
    participant has not reached, earned and given at once (a referrer
    reward at the offer's goal needs the goal achieved). Its promo code is
    drawn from its pool and its email sent, as when given by the rules;
    `reward.given` is recorded with `details.by: "operator"`. Once only: an
    occurrence given, cancelled or still held answers 409 and changes nothing.

    Args:
        id (str):
        reward_id (str):
        idempotency_key (str | Unset):
        body (GiveRewardIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | RewardOut]
     """


    kwargs = _get_kwargs(
        id=id,
reward_id=reward_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: str,
    reward_id: str,
    *,
    client: AuthenticatedClient,
    body: GiveRewardIn,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | RewardOut | None:
    """ Gives a participant a reward by hand (the participants tab's "Give"):
    one waiting for an operator (`delivery: "manual"`), or a goodwill one the
    participant has not reached, earned and given at once (a referrer
    reward at the offer's goal needs the goal achieved). Its promo code is
    drawn from its pool and its email sent, as when given by the rules;
    `reward.given` is recorded with `details.by: "operator"`. Once only: an
    occurrence given, cancelled or still held answers 409 and changes nothing.

    Args:
        id (str):
        reward_id (str):
        idempotency_key (str | Unset):
        body (GiveRewardIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | RewardOut
     """


    return sync_detailed(
        id=id,
reward_id=reward_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    id: str,
    reward_id: str,
    *,
    client: AuthenticatedClient,
    body: GiveRewardIn,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | RewardOut]:
    """ Gives a participant a reward by hand (the participants tab's "Give"):
    one waiting for an operator (`delivery: "manual"`), or a goodwill one the
    participant has not reached, earned and given at once (a referrer
    reward at the offer's goal needs the goal achieved). Its promo code is
    drawn from its pool and its email sent, as when given by the rules;
    `reward.given` is recorded with `details.by: "operator"`. Once only: an
    occurrence given, cancelled or still held answers 409 and changes nothing.

    Args:
        id (str):
        reward_id (str):
        idempotency_key (str | Unset):
        body (GiveRewardIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | RewardOut]
     """


    kwargs = _get_kwargs(
        id=id,
reward_id=reward_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: str,
    reward_id: str,
    *,
    client: AuthenticatedClient,
    body: GiveRewardIn,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | RewardOut | None:
    """ Gives a participant a reward by hand (the participants tab's "Give"):
    one waiting for an operator (`delivery: "manual"`), or a goodwill one the
    participant has not reached, earned and given at once (a referrer
    reward at the offer's goal needs the goal achieved). Its promo code is
    drawn from its pool and its email sent, as when given by the rules;
    `reward.given` is recorded with `details.by: "operator"`. Once only: an
    occurrence given, cancelled or still held answers 409 and changes nothing.

    Args:
        id (str):
        reward_id (str):
        idempotency_key (str | Unset):
        body (GiveRewardIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | RewardOut
     """


    return (await asyncio_detailed(
        id=id,
reward_id=reward_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
