from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.list_activity_out_data_item_details import ListActivityOutDataItemDetails





T = TypeVar("T", bound="ListActivityOutDataItem")



@_attrs_define
class ListActivityOutDataItem:
    """ 
        Attributes:
            details (ListActivityOutDataItemDetails):
            id (str):
            occurred_at (str):
            type_ (str):
            offer_id (None | str | Unset):
            participant_id (None | str | Unset):
            person_id (None | str | Unset):
            visitor_id (None | str | Unset):
     """

    details: ListActivityOutDataItemDetails
    id: str
    occurred_at: str
    type_: str
    offer_id: None | str | Unset = UNSET
    participant_id: None | str | Unset = UNSET
    person_id: None | str | Unset = UNSET
    visitor_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.list_activity_out_data_item_details import ListActivityOutDataItemDetails # noqa: PLC0415
        details = self.details.to_dict()

        id = self.id

        occurred_at = self.occurred_at

        type_ = self.type_

        offer_id: None | str | Unset
        if isinstance(self.offer_id, Unset):
            offer_id = UNSET
        else:
            offer_id = self.offer_id

        participant_id: None | str | Unset
        if isinstance(self.participant_id, Unset):
            participant_id = UNSET
        else:
            participant_id = self.participant_id

        person_id: None | str | Unset
        if isinstance(self.person_id, Unset):
            person_id = UNSET
        else:
            person_id = self.person_id

        visitor_id: None | str | Unset
        if isinstance(self.visitor_id, Unset):
            visitor_id = UNSET
        else:
            visitor_id = self.visitor_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "details": details,
            "id": id,
            "occurred_at": occurred_at,
            "type": type_,
        })
        if offer_id is not UNSET:
            field_dict["offer_id"] = offer_id
        if participant_id is not UNSET:
            field_dict["participant_id"] = participant_id
        if person_id is not UNSET:
            field_dict["person_id"] = person_id
        if visitor_id is not UNSET:
            field_dict["visitor_id"] = visitor_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.list_activity_out_data_item_details import ListActivityOutDataItemDetails # noqa: PLC0415
        d = dict(src_dict)
        details = ListActivityOutDataItemDetails.from_dict(d.pop("details"))




        id = d.pop("id")

        occurred_at = d.pop("occurred_at")

        type_ = d.pop("type")

        def _parse_offer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        offer_id = _parse_offer_id(d.pop("offer_id", UNSET))


        def _parse_participant_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        participant_id = _parse_participant_id(d.pop("participant_id", UNSET))


        def _parse_person_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        person_id = _parse_person_id(d.pop("person_id", UNSET))


        def _parse_visitor_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        visitor_id = _parse_visitor_id(d.pop("visitor_id", UNSET))


        list_activity_out_data_item = cls(
            details=details,
            id=id,
            occurred_at=occurred_at,
            type_=type_,
            offer_id=offer_id,
            participant_id=participant_id,
            person_id=person_id,
            visitor_id=visitor_id,
        )


        list_activity_out_data_item.additional_properties = d
        return list_activity_out_data_item

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
