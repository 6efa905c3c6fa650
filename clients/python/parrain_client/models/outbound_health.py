from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.email_health import EmailHealth
  from ..models.queue_health import QueueHealth





T = TypeVar("T", bound="OutboundHealth")



@_attrs_define
class OutboundHealth:
    """ 
        Attributes:
            email (EmailHealth):
            webhooks (QueueHealth):
     """

    email: EmailHealth
    webhooks: QueueHealth
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.email_health import EmailHealth # noqa: PLC0415
        from ..models.queue_health import QueueHealth # noqa: PLC0415
        email = self.email.to_dict()

        webhooks = self.webhooks.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "email": email,
            "webhooks": webhooks,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.email_health import EmailHealth # noqa: PLC0415
        from ..models.queue_health import QueueHealth # noqa: PLC0415
        d = dict(src_dict)
        email = EmailHealth.from_dict(d.pop("email"))




        webhooks = QueueHealth.from_dict(d.pop("webhooks"))




        outbound_health = cls(
            email=email,
            webhooks=webhooks,
        )


        outbound_health.additional_properties = d
        return outbound_health

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
