from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.event_result_out_credits_item import EventResultOutCreditsItem





T = TypeVar("T", bound="EventResultOut")



@_attrs_define
class EventResultOut:
    """ 
        Attributes:
            applied (bool):
            credits_ (list[EventResultOutCreditsItem]): One entry per offer whose trigger rule matched.
            id (None | str | Unset):
     """

    applied: bool
    credits_: list[EventResultOutCreditsItem]
    id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.event_result_out_credits_item import EventResultOutCreditsItem # noqa: PLC0415
        applied = self.applied

        credits_ = []
        for credits_item_data in self.credits_:
            credits_item = credits_item_data.to_dict()
            credits_.append(credits_item)



        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "applied": applied,
            "credits": credits_,
        })
        if id is not UNSET:
            field_dict["id"] = id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_result_out_credits_item import EventResultOutCreditsItem # noqa: PLC0415
        d = dict(src_dict)
        applied = d.pop("applied")

        credits_ = []
        _credits_ = d.pop("credits")
        for credits_item_data in (_credits_):
            credits_item = EventResultOutCreditsItem.from_dict(credits_item_data)



            credits_.append(credits_item)


        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))


        event_result_out = cls(
            applied=applied,
            credits_=credits_,
            id=id,
        )


        event_result_out.additional_properties = d
        return event_result_out

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
