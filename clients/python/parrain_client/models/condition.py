from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.op import Op
from typing import cast

if TYPE_CHECKING:
  from ..models.condition_value import ConditionValue





T = TypeVar("T", bound="Condition")



@_attrs_define
class Condition:
    """ 
        Attributes:
            op (Op):
            property_ (str): A property name; dots reach into nested objects (`deal.stage`).
            value (ConditionValue):
     """

    op: Op
    property_: str
    value: ConditionValue





    def to_dict(self) -> dict[str, Any]:
        from ..models.condition_value import ConditionValue # noqa: PLC0415
        op = self.op.value

        property_ = self.property_

        value = self.value.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "op": op,
            "property": property_,
            "value": value,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.condition_value import ConditionValue # noqa: PLC0415
        d = dict(src_dict)
        op = Op(d.pop("op"))




        property_ = d.pop("property")

        value = ConditionValue.from_dict(d.pop("value"))




        condition = cls(
            op=op,
            property_=property_,
            value=value,
        )

        return condition

