from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="AudienceOut")



@_attrs_define
class AudienceOut:
    """ 
        Attributes:
            email_reach (int): Friends invited by email from the offer in the window (the reach of
                its email shares, Marketo's social reach).
            influencers (int): Participants whose share link was clicked at least once in the window.
            total_profiles (int): Participants who signed up in the window.
     """

    email_reach: int
    influencers: int
    total_profiles: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        email_reach = self.email_reach

        influencers = self.influencers

        total_profiles = self.total_profiles


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "email_reach": email_reach,
            "influencers": influencers,
            "total_profiles": total_profiles,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email_reach = d.pop("email_reach")

        influencers = d.pop("influencers")

        total_profiles = d.pop("total_profiles")

        audience_out = cls(
            email_reach=email_reach,
            influencers=influencers,
            total_profiles=total_profiles,
        )


        audience_out.additional_properties = d
        return audience_out

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
