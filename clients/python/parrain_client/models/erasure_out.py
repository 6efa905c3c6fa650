from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ErasureOut")



@_attrs_define
class ErasureOut:
    """ What an erasure did.

        Attributes:
            erased (bool): False when the person had already been erased.
            id (str):
            participants (int): Participations kept, anonymous, so reports still add up.
            unsent_emails (int): Emails to the person that were waiting and will not be sent.
            visitors (int): Browser ids replaced, so the same browser is not recognised again.
     """

    erased: bool
    id: str
    participants: int
    unsent_emails: int
    visitors: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        erased = self.erased

        id = self.id

        participants = self.participants

        unsent_emails = self.unsent_emails

        visitors = self.visitors


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "erased": erased,
            "id": id,
            "participants": participants,
            "unsent_emails": unsent_emails,
            "visitors": visitors,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        erased = d.pop("erased")

        id = d.pop("id")

        participants = d.pop("participants")

        unsent_emails = d.pop("unsent_emails")

        visitors = d.pop("visitors")

        erasure_out = cls(
            erased=erased,
            id=id,
            participants=participants,
            unsent_emails=unsent_emails,
            visitors=visitors,
        )


        erasure_out.additional_properties = d
        return erasure_out

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
