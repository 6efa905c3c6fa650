from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="SignInSentOut")



@_attrs_define
class SignInSentOut:
    """ The answer to a publishable-key request about an email: the same whether
    or not the email is known, so it discloses nothing.

        Attributes:
            check_email (bool): Always true: if the email belongs to a participant of the offer, a
                link to its page was emailed to it.
            message (str):
     """

    check_email: bool
    message: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        check_email = self.check_email

        message = self.message


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "check_email": check_email,
            "message": message,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        check_email = d.pop("check_email")

        message = d.pop("message")

        sign_in_sent_out = cls(
            check_email=check_email,
            message=message,
        )


        sign_in_sent_out.additional_properties = d
        return sign_in_sent_out

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
