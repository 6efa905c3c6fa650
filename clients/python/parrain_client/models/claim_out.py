from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.method import Method
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ClaimOut")



@_attrs_define
class ClaimOut:
    """ What a claim did.

        Attributes:
            claimed (bool): Whether the friend now counts for the referrer it chose.
            method (Method | None | Unset):
            reason (None | str | Unset): Why the claim did not take: `already_referred` (the friend keeps
                the referrer found first), `self_referral`.
     """

    claimed: bool
    method: Method | None | Unset = UNSET
    reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        claimed = self.claimed

        method: None | str | Unset
        if isinstance(self.method, Unset):
            method = UNSET
        elif isinstance(self.method, Method):
            method = self.method.value
        else:
            method = self.method

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "claimed": claimed,
        })
        if method is not UNSET:
            field_dict["method"] = method
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        claimed = d.pop("claimed")

        def _parse_method(data: object) -> Method | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                method_type_1 = Method(data)



                return method_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Method | None | Unset, data)

        method = _parse_method(d.pop("method", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        claim_out = cls(
            claimed=claimed,
            method=method,
            reason=reason,
        )


        claim_out.additional_properties = d
        return claim_out

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
