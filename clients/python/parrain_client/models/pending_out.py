from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="PendingOut")



@_attrs_define
class PendingOut:
    """ A share code before sign-up.

        Attributes:
            code (str): The share code: the participant's once this browser signs up.
            offer_id (str):
            pending (bool): Pending until this browser signs up on the offer: friends who open
                the link meanwhile are attributed, and credited at the sign-up.
            share_url (str): `{public_url}/r/{code}`, to share now.
     """

    code: str
    offer_id: str
    pending: bool
    share_url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        offer_id = self.offer_id

        pending = self.pending

        share_url = self.share_url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "offer_id": offer_id,
            "pending": pending,
            "share_url": share_url,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        offer_id = d.pop("offer_id")

        pending = d.pop("pending")

        share_url = d.pop("share_url")

        pending_out = cls(
            code=code,
            offer_id=offer_id,
            pending=pending,
            share_url=share_url,
        )


        pending_out.additional_properties = d
        return pending_out

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
