from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CancelRewardIn")



@_attrs_define
class CancelRewardIn:
    """ 
        Attributes:
            occurrence (int | None | Unset): Which occurrence. Omitted: the earliest one held or waiting.
            reason (None | str | Unset): Why, kept in the `reward.cancelled` activity (`details.reason`;
                `operator` when omitted).
     """

    occurrence: int | None | Unset = UNSET
    reason: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        occurrence: int | None | Unset
        if isinstance(self.occurrence, Unset):
            occurrence = UNSET
        else:
            occurrence = self.occurrence

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if occurrence is not UNSET:
            field_dict["occurrence"] = occurrence
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_occurrence(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        occurrence = _parse_occurrence(d.pop("occurrence", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        cancel_reward_in = cls(
            occurrence=occurrence,
            reason=reason,
        )

        return cancel_reward_in

