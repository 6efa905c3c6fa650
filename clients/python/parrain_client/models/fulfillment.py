from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.delivery import Delivery
from ..types import UNSET, Unset






T = TypeVar("T", bound="Fulfillment")



@_attrs_define
class Fulfillment:
    """ 
        Attributes:
            delivery (Delivery | Unset):
     """

    delivery: Delivery | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        delivery: str | Unset = UNSET
        if not isinstance(self.delivery, Unset):
            delivery = self.delivery.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if delivery is not UNSET:
            field_dict["delivery"] = delivery

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _delivery = d.pop("delivery", UNSET)
        delivery: Delivery | Unset
        if isinstance(_delivery,  Unset):
            delivery = UNSET
        else:
            delivery = Delivery(_delivery)




        fulfillment = cls(
            delivery=delivery,
        )

        return fulfillment

