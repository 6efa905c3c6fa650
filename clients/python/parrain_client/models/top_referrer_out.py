from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="TopReferrerOut")



@_attrs_define
class TopReferrerOut:
    """ 
        Attributes:
            code (str):
            credit (int):
            email (str):
            participant_id (str):
     """

    code: str
    credit: int
    email: str
    participant_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        credit = self.credit

        email = self.email

        participant_id = self.participant_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "credit": credit,
            "email": email,
            "participant_id": participant_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        credit = d.pop("credit")

        email = d.pop("email")

        participant_id = d.pop("participant_id")

        top_referrer_out = cls(
            code=code,
            credit=credit,
            email=email,
            participant_id=participant_id,
        )


        top_referrer_out.additional_properties = d
        return top_referrer_out

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
