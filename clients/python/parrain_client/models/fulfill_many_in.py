from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="FulfillManyIn")



@_attrs_define
class FulfillManyIn:
    """ 
        Attributes:
            participant_ids (list[str]):
     """

    participant_ids: list[str]





    def to_dict(self) -> dict[str, Any]:
        participant_ids = self.participant_ids




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "participant_ids": participant_ids,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        participant_ids = cast(list[str], d.pop("participant_ids"))


        fulfill_many_in = cls(
            participant_ids=participant_ids,
        )

        return fulfill_many_in

