from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.attempt_out import AttemptOut
  from ..models.list_delivery_out_data_item_payload import ListDeliveryOutDataItemPayload





T = TypeVar("T", bound="ListDeliveryOutDataItem")



@_attrs_define
class ListDeliveryOutDataItem:
    """ 
        Attributes:
            activity_id (str):
            attempts (list[AttemptOut]):
            created_at (str):
            event_type (str):
            id (str): The `webhook-id` header (`msg_…`); the same on every attempt and replay.
            payload (ListDeliveryOutDataItemPayload): The body sent.
            state (str):
            webhook_id (str):
            next_attempt_at (None | str | Unset):
     """

    activity_id: str
    attempts: list[AttemptOut]
    created_at: str
    event_type: str
    id: str
    payload: ListDeliveryOutDataItemPayload
    state: str
    webhook_id: str
    next_attempt_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.attempt_out import AttemptOut # noqa: PLC0415
        from ..models.list_delivery_out_data_item_payload import ListDeliveryOutDataItemPayload # noqa: PLC0415
        activity_id = self.activity_id

        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)



        created_at = self.created_at

        event_type = self.event_type

        id = self.id

        payload = self.payload.to_dict()

        state = self.state

        webhook_id = self.webhook_id

        next_attempt_at: None | str | Unset
        if isinstance(self.next_attempt_at, Unset):
            next_attempt_at = UNSET
        else:
            next_attempt_at = self.next_attempt_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "activity_id": activity_id,
            "attempts": attempts,
            "created_at": created_at,
            "event_type": event_type,
            "id": id,
            "payload": payload,
            "state": state,
            "webhook_id": webhook_id,
        })
        if next_attempt_at is not UNSET:
            field_dict["next_attempt_at"] = next_attempt_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attempt_out import AttemptOut # noqa: PLC0415
        from ..models.list_delivery_out_data_item_payload import ListDeliveryOutDataItemPayload # noqa: PLC0415
        d = dict(src_dict)
        activity_id = d.pop("activity_id")

        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in (_attempts):
            attempts_item = AttemptOut.from_dict(attempts_item_data)



            attempts.append(attempts_item)


        created_at = d.pop("created_at")

        event_type = d.pop("event_type")

        id = d.pop("id")

        payload = ListDeliveryOutDataItemPayload.from_dict(d.pop("payload"))




        state = d.pop("state")

        webhook_id = d.pop("webhook_id")

        def _parse_next_attempt_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at", UNSET))


        list_delivery_out_data_item = cls(
            activity_id=activity_id,
            attempts=attempts,
            created_at=created_at,
            event_type=event_type,
            id=id,
            payload=payload,
            state=state,
            webhook_id=webhook_id,
            next_attempt_at=next_attempt_at,
        )


        list_delivery_out_data_item.additional_properties = d
        return list_delivery_out_data_item

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
