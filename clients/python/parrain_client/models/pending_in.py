from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="PendingIn")



@_attrs_define
class PendingIn:
    """ 
        Attributes:
            visitor_id (str): The browser that will share (the widget's visitor id, `parrain_vid`):
                only a sign-up from it takes the code over.
     """

    visitor_id: str





    def to_dict(self) -> dict[str, Any]:
        visitor_id = self.visitor_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "visitor_id": visitor_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        visitor_id = d.pop("visitor_id")

        pending_in = cls(
            visitor_id=visitor_id,
        )

        return pending_in

