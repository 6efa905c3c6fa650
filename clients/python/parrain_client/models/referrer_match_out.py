from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ReferrerMatchOut")



@_attrs_define
class ReferrerMatchOut:
    """ A referrer a search found: enough to tell namesakes apart, nothing more.

        Attributes:
            display_name (str): First name and last initial ("Ana B."), or the first name alone.
            masked_email (str): The first character of the email and its domain (`a***@example.com`).
            ref (str): What a claim names this match by (16 hex digits).
     """

    display_name: str
    masked_email: str
    ref: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        masked_email = self.masked_email

        ref = self.ref


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "display_name": display_name,
            "masked_email": masked_email,
            "ref": ref,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("display_name")

        masked_email = d.pop("masked_email")

        ref = d.pop("ref")

        referrer_match_out = cls(
            display_name=display_name,
            masked_email=masked_email,
            ref=ref,
        )


        referrer_match_out.additional_properties = d
        return referrer_match_out

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
