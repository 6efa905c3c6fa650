from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.webhook_data_out import WebhookDataOut





T = TypeVar("T", bound="WebhookEventOut")



@_attrs_define
class WebhookEventOut:
    """ What a webhook endpoint receives: one activity (Standard Webhooks).

        Attributes:
            data (WebhookDataOut): The activity, and what a CRM writes into a lead from it without calling
                back (docs/webhooks.md has an example body per type).
            timestamp (str): RFC 3339, when the delivery was queued.
            type_ (str): The activity's type, as `data.type`.
     """

    data: WebhookDataOut
    timestamp: str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.webhook_data_out import WebhookDataOut # noqa: PLC0415
        data = self.data.to_dict()

        timestamp = self.timestamp

        type_ = self.type_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "timestamp": timestamp,
            "type": type_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_data_out import WebhookDataOut # noqa: PLC0415
        d = dict(src_dict)
        data = WebhookDataOut.from_dict(d.pop("data"))




        timestamp = d.pop("timestamp")

        type_ = d.pop("type")

        webhook_event_out = cls(
            data=data,
            timestamp=timestamp,
            type_=type_,
        )


        webhook_event_out.additional_properties = d
        return webhook_event_out

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
