from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.activity_type import ActivityType
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="WebhookSecretOut")



@_attrs_define
class WebhookSecretOut:
    """ An endpoint with its signing secret (creation, rotation, `/secret`).

        Attributes:
            created_at (str):
            enabled (bool):
            events (list[ActivityType]):
            id (str):
            updated_at (str):
            url (str):
            secret (str): `whsec_…`: verify deliveries with it (Standard Webhooks).
            description (None | str | Unset):
            disabled_reason (None | str | Unset): Why deliveries stopped (e.g. the endpoint answered 410 Gone).
            offer_id (None | str | Unset):
     """

    created_at: str
    enabled: bool
    events: list[ActivityType]
    id: str
    updated_at: str
    url: str
    secret: str
    description: None | str | Unset = UNSET
    disabled_reason: None | str | Unset = UNSET
    offer_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        enabled = self.enabled

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)



        id = self.id

        updated_at = self.updated_at

        url = self.url

        secret = self.secret

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        disabled_reason: None | str | Unset
        if isinstance(self.disabled_reason, Unset):
            disabled_reason = UNSET
        else:
            disabled_reason = self.disabled_reason

        offer_id: None | str | Unset
        if isinstance(self.offer_id, Unset):
            offer_id = UNSET
        else:
            offer_id = self.offer_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "enabled": enabled,
            "events": events,
            "id": id,
            "updated_at": updated_at,
            "url": url,
            "secret": secret,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if disabled_reason is not UNSET:
            field_dict["disabled_reason"] = disabled_reason
        if offer_id is not UNSET:
            field_dict["offer_id"] = offer_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        enabled = d.pop("enabled")

        events = []
        _events = d.pop("events")
        for events_item_data in (_events):
            events_item = ActivityType(events_item_data)



            events.append(events_item)


        id = d.pop("id")

        updated_at = d.pop("updated_at")

        url = d.pop("url")

        secret = d.pop("secret")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_disabled_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason", UNSET))


        def _parse_offer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        offer_id = _parse_offer_id(d.pop("offer_id", UNSET))


        webhook_secret_out = cls(
            created_at=created_at,
            enabled=enabled,
            events=events,
            id=id,
            updated_at=updated_at,
            url=url,
            secret=secret,
            description=description,
            disabled_reason=disabled_reason,
            offer_id=offer_id,
        )


        webhook_secret_out.additional_properties = d
        return webhook_secret_out

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
