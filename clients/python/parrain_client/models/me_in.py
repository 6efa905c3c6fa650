from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="MeIn")



@_attrs_define
class MeIn:
    """ 
        Attributes:
            participant_token (str): The token the sign-up returned, or the one of the participant's page.
     """

    participant_token: str





    def to_dict(self) -> dict[str, Any]:
        participant_token = self.participant_token


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "participant_token": participant_token,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        participant_token = d.pop("participant_token")

        me_in = cls(
            participant_token=participant_token,
        )

        return me_in

