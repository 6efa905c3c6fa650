from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ShareIn")



@_attrs_define
class ShareIn:
    """ 
        Attributes:
            channel (str): `email`, `x`, `linkedin`, `facebook`, or `link` (copied link).
            code (str):
     """

    channel: str
    code: str





    def to_dict(self) -> dict[str, Any]:
        channel = self.channel

        code = self.code


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "channel": channel,
            "code": code,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        channel = d.pop("channel")

        code = d.pop("code")

        share_in = cls(
            channel=channel,
            code=code,
        )

        return share_in

