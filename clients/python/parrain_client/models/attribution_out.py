from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="AttributionOut")



@_attrs_define
class AttributionOut:
    """ Friends attributed in the window, per attribution method.

        Attributes:
            coupon (int):
            email (int):
            link (int):
            name (int):
     """

    coupon: int
    email: int
    link: int
    name: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        coupon = self.coupon

        email = self.email

        link = self.link

        name = self.name


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "coupon": coupon,
            "email": email,
            "link": link,
            "name": name,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        coupon = d.pop("coupon")

        email = d.pop("email")

        link = d.pop("link")

        name = d.pop("name")

        attribution_out = cls(
            coupon=coupon,
            email=email,
            link=link,
            name=name,
        )


        attribution_out.additional_properties = d
        return attribution_out

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
