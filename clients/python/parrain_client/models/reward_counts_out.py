from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="RewardCountsOut")



@_attrs_define
class RewardCountsOut:
    """ What happened to a reward's occurrences.

        Attributes:
            cancelled (int): Held or earned occurrences that will not be given.
            clawed_back (int): Given occurrences whose milestone a reversal took away.
            earned (int): Occurrences earned (whatever their first state).
            given (int):
            held (int): Of those, earned into a hold (`hold_days`).
     """

    cancelled: int
    clawed_back: int
    earned: int
    given: int
    held: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cancelled = self.cancelled

        clawed_back = self.clawed_back

        earned = self.earned

        given = self.given

        held = self.held


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cancelled": cancelled,
            "clawed_back": clawed_back,
            "earned": earned,
            "given": given,
            "held": held,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cancelled = d.pop("cancelled")

        clawed_back = d.pop("clawed_back")

        earned = d.pop("earned")

        given = d.pop("given")

        held = d.pop("held")

        reward_counts_out = cls(
            cancelled=cancelled,
            clawed_back=clawed_back,
            earned=earned,
            given=given,
            held=held,
        )


        reward_counts_out.additional_properties = d
        return reward_counts_out

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
