from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ReviewOut")



@_attrs_define
class ReviewOut:
    """ A credit held for review.

        Attributes:
            created_at (str):
            id (str):
            offer_id (str):
            participant_id (str): The referrer the credit goes to once approved.
            reasons (list[str]): The fraud rules that fired.
            state (str): `pending`, `approved` or `rejected`.
            friend_person_id (None | str | Unset):
            friend_visitor_id (None | str | Unset):
            reviewed_at (None | str | Unset):
     """

    created_at: str
    id: str
    offer_id: str
    participant_id: str
    reasons: list[str]
    state: str
    friend_person_id: None | str | Unset = UNSET
    friend_visitor_id: None | str | Unset = UNSET
    reviewed_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        id = self.id

        offer_id = self.offer_id

        participant_id = self.participant_id

        reasons = self.reasons



        state = self.state

        friend_person_id: None | str | Unset
        if isinstance(self.friend_person_id, Unset):
            friend_person_id = UNSET
        else:
            friend_person_id = self.friend_person_id

        friend_visitor_id: None | str | Unset
        if isinstance(self.friend_visitor_id, Unset):
            friend_visitor_id = UNSET
        else:
            friend_visitor_id = self.friend_visitor_id

        reviewed_at: None | str | Unset
        if isinstance(self.reviewed_at, Unset):
            reviewed_at = UNSET
        else:
            reviewed_at = self.reviewed_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "id": id,
            "offer_id": offer_id,
            "participant_id": participant_id,
            "reasons": reasons,
            "state": state,
        })
        if friend_person_id is not UNSET:
            field_dict["friend_person_id"] = friend_person_id
        if friend_visitor_id is not UNSET:
            field_dict["friend_visitor_id"] = friend_visitor_id
        if reviewed_at is not UNSET:
            field_dict["reviewed_at"] = reviewed_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        id = d.pop("id")

        offer_id = d.pop("offer_id")

        participant_id = d.pop("participant_id")

        reasons = cast(list[str], d.pop("reasons"))


        state = d.pop("state")

        def _parse_friend_person_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        friend_person_id = _parse_friend_person_id(d.pop("friend_person_id", UNSET))


        def _parse_friend_visitor_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        friend_visitor_id = _parse_friend_visitor_id(d.pop("friend_visitor_id", UNSET))


        def _parse_reviewed_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reviewed_at = _parse_reviewed_at(d.pop("reviewed_at", UNSET))


        review_out = cls(
            created_at=created_at,
            id=id,
            offer_id=offer_id,
            participant_id=participant_id,
            reasons=reasons,
            state=state,
            friend_person_id=friend_person_id,
            friend_visitor_id=friend_visitor_id,
            reviewed_at=reviewed_at,
        )


        review_out.additional_properties = d
        return review_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
