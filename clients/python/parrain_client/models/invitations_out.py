from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.refused_out import RefusedOut





T = TypeVar("T", bound="InvitationsOut")



@_attrs_define
class InvitationsOut:
    """ 
        Attributes:
            invited (list[str]): The addresses an invitation was queued for, normalised.
            refused (list[RefusedOut]):
     """

    invited: list[str]
    refused: list[RefusedOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.refused_out import RefusedOut # noqa: PLC0415
        invited = self.invited



        refused = []
        for refused_item_data in self.refused:
            refused_item = refused_item_data.to_dict()
            refused.append(refused_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "invited": invited,
            "refused": refused,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.refused_out import RefusedOut # noqa: PLC0415
        d = dict(src_dict)
        invited = cast(list[str], d.pop("invited"))


        refused = []
        _refused = d.pop("refused")
        for refused_item_data in (_refused):
            refused_item = RefusedOut.from_dict(refused_item_data)



            refused.append(refused_item)


        invitations_out = cls(
            invited=invited,
            refused=refused,
        )


        invitations_out.additional_properties = d
        return invitations_out

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
