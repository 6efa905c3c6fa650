from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_out import ErrorOut
from ...models.imported_out import ImportedOut
from ...types import File, FileTypes
from ...types import UNSET, Unset
from io import BytesIO
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body: File,
    dry_run: bool | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/offers/{id}/participants/import".format(id=quote(str(id), safe=""),),
        "params": params,
    }

    _kwargs["content"] = body.payload
    headers["Content-Type"] = "application/octet-stream"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorOut | ImportedOut | None:
    if response.status_code == 200:
        response_200 = ImportedOut.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorOut | ImportedOut]:
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
    body: File,
    dry_run: bool | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | ImportedOut]:
    """ Imports participants from a CSV file (`text/csv`), with a header line.
    Columns: `email` (required), `first_name`, `last_name`, `code` (a share
    code to keep, so links already shared keep working), `referred_by` (the
    referrer's email, in the file or already in the offer), `credit`,
    `fulfilled` (true/false), `promo_code` (handed out already; never handed
    out again), `created_at` (RFC 3339, or `YYYY-MM-DD[ HH:MM:SS]` in UTC),
    and the offer's person fields. Everything or nothing is imported: any bad
    line, a share code another participant has, or a promo code already
    handed out refuses the whole file (422, `details.lines` lists each line
    with its number, column and reason). A person already in the offer is
    left as is, so the same file imported again changes nothing. No email or
    webhook goes out for imported participants. Bodies are limited to 4 MiB
    (about 50,000 lines); `parrain import` takes files of any size.

    Args:
        id (str):
        dry_run (bool | Unset):
        idempotency_key (str | Unset):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | ImportedOut]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
dry_run=dry_run,
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
    body: File,
    dry_run: bool | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | ImportedOut | None:
    """ Imports participants from a CSV file (`text/csv`), with a header line.
    Columns: `email` (required), `first_name`, `last_name`, `code` (a share
    code to keep, so links already shared keep working), `referred_by` (the
    referrer's email, in the file or already in the offer), `credit`,
    `fulfilled` (true/false), `promo_code` (handed out already; never handed
    out again), `created_at` (RFC 3339, or `YYYY-MM-DD[ HH:MM:SS]` in UTC),
    and the offer's person fields. Everything or nothing is imported: any bad
    line, a share code another participant has, or a promo code already
    handed out refuses the whole file (422, `details.lines` lists each line
    with its number, column and reason). A person already in the offer is
    left as is, so the same file imported again changes nothing. No email or
    webhook goes out for imported participants. Bodies are limited to 4 MiB
    (about 50,000 lines); `parrain import` takes files of any size.

    Args:
        id (str):
        dry_run (bool | Unset):
        idempotency_key (str | Unset):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | ImportedOut
     """


    return sync_detailed(
        id=id,
client=client,
body=body,
dry_run=dry_run,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: File,
    dry_run: bool | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorOut | ImportedOut]:
    """ Imports participants from a CSV file (`text/csv`), with a header line.
    Columns: `email` (required), `first_name`, `last_name`, `code` (a share
    code to keep, so links already shared keep working), `referred_by` (the
    referrer's email, in the file or already in the offer), `credit`,
    `fulfilled` (true/false), `promo_code` (handed out already; never handed
    out again), `created_at` (RFC 3339, or `YYYY-MM-DD[ HH:MM:SS]` in UTC),
    and the offer's person fields. Everything or nothing is imported: any bad
    line, a share code another participant has, or a promo code already
    handed out refuses the whole file (422, `details.lines` lists each line
    with its number, column and reason). A person already in the offer is
    left as is, so the same file imported again changes nothing. No email or
    webhook goes out for imported participants. Bodies are limited to 4 MiB
    (about 50,000 lines); `parrain import` takes files of any size.

    Args:
        id (str):
        dry_run (bool | Unset):
        idempotency_key (str | Unset):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorOut | ImportedOut]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
dry_run=dry_run,
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
    body: File,
    dry_run: bool | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> ErrorOut | ImportedOut | None:
    """ Imports participants from a CSV file (`text/csv`), with a header line.
    Columns: `email` (required), `first_name`, `last_name`, `code` (a share
    code to keep, so links already shared keep working), `referred_by` (the
    referrer's email, in the file or already in the offer), `credit`,
    `fulfilled` (true/false), `promo_code` (handed out already; never handed
    out again), `created_at` (RFC 3339, or `YYYY-MM-DD[ HH:MM:SS]` in UTC),
    and the offer's person fields. Everything or nothing is imported: any bad
    line, a share code another participant has, or a promo code already
    handed out refuses the whole file (422, `details.lines` lists each line
    with its number, column and reason). A person already in the offer is
    left as is, so the same file imported again changes nothing. No email or
    webhook goes out for imported participants. Bodies are limited to 4 MiB
    (about 50,000 lines); `parrain import` takes files of any size.

    Args:
        id (str):
        dry_run (bool | Unset):
        idempotency_key (str | Unset):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorOut | ImportedOut
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,
dry_run=dry_run,
idempotency_key=idempotency_key,

    )).parsed
