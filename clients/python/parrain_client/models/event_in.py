from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="EventIn")



@_attrs_define
class EventIn:
    """ 
        Attributes:
            name (str):
            offer_id (str):
            visitor_id (str):
            event_id (None | str | Unset): The event's own id (an order number), secret key only: under
                `goal.credit_per: "event"` each distinct id is a credit, so two
                purchases by one friend are two. Without it, the friend's one credit.
            ip (None | str | Unset): The browser's client address, when your server reports the event
                with a secret key (a browser's is read from its request).
     """

    name: str
    offer_id: str
    visitor_id: str
    event_id: None | str | Unset = UNSET
    ip: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        offer_id = self.offer_id

        visitor_id = self.visitor_id

        event_id: None | str | Unset
        if isinstance(self.event_id, Unset):
            event_id = UNSET
        else:
            event_id = self.event_id

        ip: None | str | Unset
        if isinstance(self.ip, Unset):
            ip = UNSET
        else:
            ip = self.ip


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "offer_id": offer_id,
            "visitor_id": visitor_id,
        })
        if event_id is not UNSET:
            field_dict["event_id"] = event_id
        if ip is not UNSET:
            field_dict["ip"] = ip

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        offer_id = d.pop("offer_id")

        visitor_id = d.pop("visitor_id")

        def _parse_event_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        event_id = _parse_event_id(d.pop("event_id", UNSET))


        def _parse_ip(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ip = _parse_ip(d.pop("ip", UNSET))


        event_in = cls(
            name=name,
            offer_id=offer_id,
            visitor_id=visitor_id,
            event_id=event_id,
            ip=ip,
        )

        return event_in

