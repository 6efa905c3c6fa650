from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ClaimIn")



@_attrs_define
class ClaimIn:
    """ 
        Attributes:
            name (str): The name the friend searched.
            ref (str): The `ref` of the match the friend chose in that search.
            visitor_id (str): The friend's browser (the widget's visitor id).
     """

    name: str
    ref: str
    visitor_id: str





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        ref = self.ref

        visitor_id = self.visitor_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "ref": ref,
            "visitor_id": visitor_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        ref = d.pop("ref")

        visitor_id = d.pop("visitor_id")

        claim_in = cls(
            name=name,
            ref=ref,
            visitor_id=visitor_id,
        )

        return claim_in

