from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.friend_in import FriendIn
  from ..models.server_event_in_properties import ServerEventInProperties





T = TypeVar("T", bound="ServerEventIn")



@_attrs_define
class ServerEventIn:
    """ 
        Attributes:
            name (str):
            person (FriendIn): A friend, named by exactly one of these.
            id (None | str | Unset): Makes the event idempotent: the same id is applied once.
            occurred_at (None | str | Unset):
            properties (ServerEventInProperties | Unset):
     """

    name: str
    person: FriendIn
    id: None | str | Unset = UNSET
    occurred_at: None | str | Unset = UNSET
    properties: ServerEventInProperties | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.friend_in import FriendIn # noqa: PLC0415
        from ..models.server_event_in_properties import ServerEventInProperties # noqa: PLC0415
        name = self.name

        person = self.person.to_dict()

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        occurred_at: None | str | Unset
        if isinstance(self.occurred_at, Unset):
            occurred_at = UNSET
        else:
            occurred_at = self.occurred_at

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "person": person,
        })
        if id is not UNSET:
            field_dict["id"] = id
        if occurred_at is not UNSET:
            field_dict["occurred_at"] = occurred_at
        if properties is not UNSET:
            field_dict["properties"] = properties

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.friend_in import FriendIn # noqa: PLC0415
        from ..models.server_event_in_properties import ServerEventInProperties # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        person = FriendIn.from_dict(d.pop("person"))




        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))


        def _parse_occurred_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        occurred_at = _parse_occurred_at(d.pop("occurred_at", UNSET))


        _properties = d.pop("properties", UNSET)
        properties: ServerEventInProperties | Unset
        if isinstance(_properties,  Unset):
            properties = UNSET
        else:
            properties = ServerEventInProperties.from_dict(_properties)




        server_event_in = cls(
            name=name,
            person=person,
            id=id,
            occurred_at=occurred_at,
            properties=properties,
        )

        return server_event_in

