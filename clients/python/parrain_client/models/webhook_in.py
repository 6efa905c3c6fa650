from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="WebhookIn")



@_attrs_define
class WebhookIn:
    """ 
        Attributes:
            events (list[str]): Activity types to deliver, e.g. `["offer_fulfilled"]`.
            url (str): Where deliveries are POSTed (http or https).
            description (None | str | Unset):
            offer_id (None | str | Unset): Only this offer's activities, when set.
     """

    events: list[str]
    url: str
    description: None | str | Unset = UNSET
    offer_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        events = self.events



        url = self.url

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        offer_id: None | str | Unset
        if isinstance(self.offer_id, Unset):
            offer_id = UNSET
        else:
            offer_id = self.offer_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "events": events,
            "url": url,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if offer_id is not UNSET:
            field_dict["offer_id"] = offer_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        events = cast(list[str], d.pop("events"))


        url = d.pop("url")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_offer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        offer_id = _parse_offer_id(d.pop("offer_id", UNSET))


        webhook_in = cls(
            events=events,
            url=url,
            description=description,
            offer_id=offer_id,
        )

        return webhook_in

