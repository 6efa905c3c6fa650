from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ProgressOut")



@_attrs_define
class ProgressOut:
    """ 
        Attributes:
            achieved (bool):
            credit (int):
            fulfilled (bool):
            goal_count (int | None | Unset):
     """

    achieved: bool
    credit: int
    fulfilled: bool
    goal_count: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        achieved = self.achieved

        credit = self.credit

        fulfilled = self.fulfilled

        goal_count: int | None | Unset
        if isinstance(self.goal_count, Unset):
            goal_count = UNSET
        else:
            goal_count = self.goal_count


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "achieved": achieved,
            "credit": credit,
            "fulfilled": fulfilled,
        })
        if goal_count is not UNSET:
            field_dict["goal_count"] = goal_count

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        achieved = d.pop("achieved")

        credit = d.pop("credit")

        fulfilled = d.pop("fulfilled")

        def _parse_goal_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        goal_count = _parse_goal_count(d.pop("goal_count", UNSET))


        progress_out = cls(
            achieved=achieved,
            credit=credit,
            fulfilled=fulfilled,
            goal_count=goal_count,
        )


        progress_out.additional_properties = d
        return progress_out

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
