from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.condition import Condition





T = TypeVar("T", bound="TriggerRule")



@_attrs_define
class TriggerRule:
    """ 
        Attributes:
            name (str):
            where (list[Condition] | Unset):
     """

    name: str
    where: list[Condition] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.condition import Condition # noqa: PLC0415
        name = self.name

        where: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.where, Unset):
            where = []
            for where_item_data in self.where:
                where_item = where_item_data.to_dict()
                where.append(where_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
        })
        if where is not UNSET:
            field_dict["where"] = where

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.condition import Condition # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        _where = d.pop("where", UNSET)
        where: list[Condition] | Unset = UNSET
        if _where is not UNSET:
            where = []
            for where_item_data in _where:
                where_item = Condition.from_dict(where_item_data)



                where.append(where_item)


        trigger_rule = cls(
            name=name,
            where=where,
        )

        return trigger_rule

