from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="GiveRewardIn")



@_attrs_define
class GiveRewardIn:
    """ 
        Attributes:
            note (None | str | Unset): Why, kept in the `reward.given` activity (`details.note`).
            occurrence (int | None | Unset): Which occurrence (1 for an `at` or friend reward, up to `max_times`
                for an `every` reward). Omitted: the earliest one waiting for an
                operator, else the next one the participant does not have.
     """

    note: None | str | Unset = UNSET
    occurrence: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        occurrence: int | None | Unset
        if isinstance(self.occurrence, Unset):
            occurrence = UNSET
        else:
            occurrence = self.occurrence


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if note is not UNSET:
            field_dict["note"] = note
        if occurrence is not UNSET:
            field_dict["occurrence"] = occurrence

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))


        def _parse_occurrence(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        occurrence = _parse_occurrence(d.pop("occurrence", UNSET))


        give_reward_in = cls(
            note=note,
            occurrence=occurrence,
        )

        return give_reward_in

