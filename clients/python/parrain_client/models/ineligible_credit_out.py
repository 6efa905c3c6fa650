from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="IneligibleCreditOut")



@_attrs_define
class IneligibleCreditOut:
    """ A credit that did not count, and why.

        Attributes:
            at (str):
            reason (str): `existing_customer`, `credit_cap`, `reward_cap`, `self_referral`,
                `fraud_rule` or `rejected_in_review`.
            rules (list[str]): The fraud rules that blocked it (`fraud_rule` only).
            friend_email (None | str | Unset): The friend's email, when the friend is known by one.
     """

    at: str
    reason: str
    rules: list[str]
    friend_email: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        at = self.at

        reason = self.reason

        rules = self.rules



        friend_email: None | str | Unset
        if isinstance(self.friend_email, Unset):
            friend_email = UNSET
        else:
            friend_email = self.friend_email


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "at": at,
            "reason": reason,
            "rules": rules,
        })
        if friend_email is not UNSET:
            field_dict["friend_email"] = friend_email

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = d.pop("at")

        reason = d.pop("reason")

        rules = cast(list[str], d.pop("rules"))


        def _parse_friend_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        friend_email = _parse_friend_email(d.pop("friend_email", UNSET))


        ineligible_credit_out = cls(
            at=at,
            reason=reason,
            rules=rules,
            friend_email=friend_email,
        )


        ineligible_credit_out.additional_properties = d
        return ineligible_credit_out

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
