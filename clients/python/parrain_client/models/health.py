from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.outbound_health import OutboundHealth





T = TypeVar("T", bound="Health")



@_attrs_define
class Health:
    """ 
        Attributes:
            outbound (OutboundHealth):
            status (str):
            version (str):
     """

    outbound: OutboundHealth
    status: str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.outbound_health import OutboundHealth # noqa: PLC0415
        outbound = self.outbound.to_dict()

        status = self.status

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "outbound": outbound,
            "status": status,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.outbound_health import OutboundHealth # noqa: PLC0415
        d = dict(src_dict)
        outbound = OutboundHealth.from_dict(d.pop("outbound"))




        status = d.pop("status")

        version = d.pop("version")

        health = cls(
            outbound=outbound,
            status=status,
            version=version,
        )


        health.additional_properties = d
        return health

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
