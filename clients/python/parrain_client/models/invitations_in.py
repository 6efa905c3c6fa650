from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="InvitationsIn")



@_attrs_define
class InvitationsIn:
    """ 
        Attributes:
            emails (list[str]): Friends' addresses (at most the offer's `invitations.max_recipients_per_request`).
            message (None | str | Unset): A personal note, added to each email as text.
            participant_token (None | str | Unset): Needed with a publishable key: the participant's token (returned by
                its sign-up, or held by its page). A participant id is public.
     """

    emails: list[str]
    message: None | str | Unset = UNSET
    participant_token: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        emails = self.emails



        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        participant_token: None | str | Unset
        if isinstance(self.participant_token, Unset):
            participant_token = UNSET
        else:
            participant_token = self.participant_token


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "emails": emails,
        })
        if message is not UNSET:
            field_dict["message"] = message
        if participant_token is not UNSET:
            field_dict["participant_token"] = participant_token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        emails = cast(list[str], d.pop("emails"))


        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))


        def _parse_participant_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        participant_token = _parse_participant_token(d.pop("participant_token", UNSET))


        invitations_in = cls(
            emails=emails,
            message=message,
            participant_token=participant_token,
        )

        return invitations_in

