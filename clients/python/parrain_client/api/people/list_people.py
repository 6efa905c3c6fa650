from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_out import ErrorOut
from ...models.list_people_attributed_by import ListPeopleAttributedBy
from ...models.list_people_reward_state import ListPeopleRewardState
from ...models.list_person_out import ListPersonOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    signed_up_for: str | Unset = UNSET,
    achieved_goal_in: str | Unset = UNSET,
    fulfilled_in: str | Unset = UNSET,
    referred_by: str | Unset = UNSET,
    was_referred_in: str | Unset = UNSET,
    shared_in: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    clicked_shared_link_in: str | Unset = UNSET,
    attributed_by: ListPeopleAttributedBy | Unset = UNSET,
    reward: str | Unset = UNSET,
    reward_state: ListPeopleRewardState | Unset = UNSET,
    since: str | Unset = UNSET,
    until: str | Unset = UNSET,
    min_count: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["signed_up_for"] = signed_up_for

    params["achieved_goal_in"] = achieved_goal_in

    params["fulfilled_in"] = fulfilled_in

    params["referred_by"] = referred_by

    params["was_referred_in"] = was_referred_in

    params["shared_in"] = shared_in

    params["channel"] = channel

    params["clicked_shared_link_in"] = clicked_shared_link_in

    json_attributed_by: str | Unset = UNSET
    if not isinstance(attributed_by, Unset):
        json_attributed_by = attributed_by.value

    params["attributed_by"] = json_attributed_by

    params["reward"] = reward

    json_reward_state: str | Unset = UNSET
    if not isinstance(reward_state, Unset):
        json_reward_state = reward_state.value

    params["reward_state"] = json_reward_state

    params["since"] = since

    params["until"] = until

    params["min_count"] = min_count

    params["cursor"] = cursor

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/people",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorOut | ListPersonOut | None:
    if response.status_code == 200:
        response_200 = ListPersonOut.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorOut | ListPersonOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    signed_up_for: str | Unset = UNSET,
    achieved_goal_in: str | Unset = UNSET,
    fulfilled_in: str | Unset = UNSET,
    referred_by: str | Unset = UNSET,
    was_referred_in: str | Unset = UNSET,
    shared_in: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    clicked_shared_link_in: str | Unset = UNSET,
    attributed_by: ListPeopleAttributedBy | Unset = UNSET,
    reward: str | Unset = UNSET,
    reward_state: ListPeopleRewardState | Unset = UNSET,
    since: str | Unset = UNSET,
    until: str | Unset = UNSET,
    min_count: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[ErrorOut | ListPersonOut]:
    """ People matching every given filter, newest first. With `Accept: text/csv`
    the whole list comes as one CSV file (`cursor` and `limit` are ignored).

    Args:
        signed_up_for (str | Unset):
        achieved_goal_in (str | Unset):
        fulfilled_in (str | Unset):
        referred_by (str | Unset):
        was_referred_in (str | Unset):
        shared_in (str | Unset):
        channel (str | Unset):
        clicked_shared_link_in (str | Unset):
        attributed_by (ListPeopleAttributedBy | Unset): A way of finding a friend's referrer (SPEC
            §15), tried in the offer's order.
        reward (str | Unset):
        reward_state (ListPeopleRewardState | Unset): Where one occurrence of a reward stands.
        since (str | Unset):
        until (str | Unset):
        min_count (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | ListPersonOut]
     """


    kwargs = _get_kwargs(
        signed_up_for=signed_up_for,
achieved_goal_in=achieved_goal_in,
fulfilled_in=fulfilled_in,
referred_by=referred_by,
was_referred_in=was_referred_in,
shared_in=shared_in,
channel=channel,
clicked_shared_link_in=clicked_shared_link_in,
attributed_by=attributed_by,
reward=reward,
reward_state=reward_state,
since=since,
until=until,
min_count=min_count,
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
    signed_up_for: str | Unset = UNSET,
    achieved_goal_in: str | Unset = UNSET,
    fulfilled_in: str | Unset = UNSET,
    referred_by: str | Unset = UNSET,
    was_referred_in: str | Unset = UNSET,
    shared_in: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    clicked_shared_link_in: str | Unset = UNSET,
    attributed_by: ListPeopleAttributedBy | Unset = UNSET,
    reward: str | Unset = UNSET,
    reward_state: ListPeopleRewardState | Unset = UNSET,
    since: str | Unset = UNSET,
    until: str | Unset = UNSET,
    min_count: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> ErrorOut | ListPersonOut | None:
    """ People matching every given filter, newest first. With `Accept: text/csv`
    the whole list comes as one CSV file (`cursor` and `limit` are ignored).

    Args:
        signed_up_for (str | Unset):
        achieved_goal_in (str | Unset):
        fulfilled_in (str | Unset):
        referred_by (str | Unset):
        was_referred_in (str | Unset):
        shared_in (str | Unset):
        channel (str | Unset):
        clicked_shared_link_in (str | Unset):
        attributed_by (ListPeopleAttributedBy | Unset): A way of finding a friend's referrer (SPEC
            §15), tried in the offer's order.
        reward (str | Unset):
        reward_state (ListPeopleRewardState | Unset): Where one occurrence of a reward stands.
        since (str | Unset):
        until (str | Unset):
        min_count (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | ListPersonOut
     """


    return sync_detailed(
        client=client,
signed_up_for=signed_up_for,
achieved_goal_in=achieved_goal_in,
fulfilled_in=fulfilled_in,
referred_by=referred_by,
was_referred_in=was_referred_in,
shared_in=shared_in,
channel=channel,
clicked_shared_link_in=clicked_shared_link_in,
attributed_by=attributed_by,
reward=reward,
reward_state=reward_state,
since=since,
until=until,
min_count=min_count,
cursor=cursor,
limit=limit,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    signed_up_for: str | Unset = UNSET,
    achieved_goal_in: str | Unset = UNSET,
    fulfilled_in: str | Unset = UNSET,
    referred_by: str | Unset = UNSET,
    was_referred_in: str | Unset = UNSET,
    shared_in: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    clicked_shared_link_in: str | Unset = UNSET,
    attributed_by: ListPeopleAttributedBy | Unset = UNSET,
    reward: str | Unset = UNSET,
    reward_state: ListPeopleRewardState | Unset = UNSET,
    since: str | Unset = UNSET,
    until: str | Unset = UNSET,
    min_count: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[ErrorOut | ListPersonOut]:
    """ People matching every given filter, newest first. With `Accept: text/csv`
    the whole list comes as one CSV file (`cursor` and `limit` are ignored).

    Args:
        signed_up_for (str | Unset):
        achieved_goal_in (str | Unset):
        fulfilled_in (str | Unset):
        referred_by (str | Unset):
        was_referred_in (str | Unset):
        shared_in (str | Unset):
        channel (str | Unset):
        clicked_shared_link_in (str | Unset):
        attributed_by (ListPeopleAttributedBy | Unset): A way of finding a friend's referrer (SPEC
            §15), tried in the offer's order.
        reward (str | Unset):
        reward_state (ListPeopleRewardState | Unset): Where one occurrence of a reward stands.
        since (str | Unset):
        until (str | Unset):
        min_count (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | ListPersonOut]
     """


    kwargs = _get_kwargs(
        signed_up_for=signed_up_for,
achieved_goal_in=achieved_goal_in,
fulfilled_in=fulfilled_in,
referred_by=referred_by,
was_referred_in=was_referred_in,
shared_in=shared_in,
channel=channel,
clicked_shared_link_in=clicked_shared_link_in,
attributed_by=attributed_by,
reward=reward,
reward_state=reward_state,
since=since,
until=until,
min_count=min_count,
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
    signed_up_for: str | Unset = UNSET,
    achieved_goal_in: str | Unset = UNSET,
    fulfilled_in: str | Unset = UNSET,
    referred_by: str | Unset = UNSET,
    was_referred_in: str | Unset = UNSET,
    shared_in: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    clicked_shared_link_in: str | Unset = UNSET,
    attributed_by: ListPeopleAttributedBy | Unset = UNSET,
    reward: str | Unset = UNSET,
    reward_state: ListPeopleRewardState | Unset = UNSET,
    since: str | Unset = UNSET,
    until: str | Unset = UNSET,
    min_count: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> ErrorOut | ListPersonOut | None:
    """ People matching every given filter, newest first. With `Accept: text/csv`
    the whole list comes as one CSV file (`cursor` and `limit` are ignored).

    Args:
        signed_up_for (str | Unset):
        achieved_goal_in (str | Unset):
        fulfilled_in (str | Unset):
        referred_by (str | Unset):
        was_referred_in (str | Unset):
        shared_in (str | Unset):
        channel (str | Unset):
        clicked_shared_link_in (str | Unset):
        attributed_by (ListPeopleAttributedBy | Unset): A way of finding a friend's referrer (SPEC
            §15), tried in the offer's order.
        reward (str | Unset):
        reward_state (ListPeopleRewardState | Unset): Where one occurrence of a reward stands.
        since (str | Unset):
        until (str | Unset):
        min_count (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | ListPersonOut
     """


    return (await asyncio_detailed(
        client=client,
signed_up_for=signed_up_for,
achieved_goal_in=achieved_goal_in,
fulfilled_in=fulfilled_in,
referred_by=referred_by,
was_referred_in=was_referred_in,
shared_in=shared_in,
channel=channel,
clicked_shared_link_in=clicked_shared_link_in,
attributed_by=attributed_by,
reward=reward,
reward_state=reward_state,
since=since,
until=until,
min_count=min_count,
cursor=cursor,
limit=limit,

    )).parsed
