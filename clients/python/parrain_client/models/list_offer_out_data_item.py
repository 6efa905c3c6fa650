from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.offer_status import OfferStatus
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.offer_settings import OfferSettings





T = TypeVar("T", bound="ListOfferOutDataItem")



@_attrs_define
class ListOfferOutDataItem:
    """ 
        Attributes:
            created_at (str):
            id (str):
            is_live (bool): Whether the public can use the offer right now.
            name (str): The name of the draft when there is one, else of the live settings.
            participants (int):
            status (OfferStatus): Where an offer is in its life.
            updated_at (str):
            approved_at (None | str | Unset):
            draft (None | OfferSettings | Unset):
            live (None | OfferSettings | Unset):
            not_live_reason (None | str | Unset):
     """

    created_at: str
    id: str
    is_live: bool
    name: str
    participants: int
    status: OfferStatus
    updated_at: str
    approved_at: None | str | Unset = UNSET
    draft: None | OfferSettings | Unset = UNSET
    live: None | OfferSettings | Unset = UNSET
    not_live_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.offer_settings import OfferSettings # noqa: PLC0415
        created_at = self.created_at

        id = self.id

        is_live = self.is_live

        name = self.name

        participants = self.participants

        status = self.status.value

        updated_at = self.updated_at

        approved_at: None | str | Unset
        if isinstance(self.approved_at, Unset):
            approved_at = UNSET
        else:
            approved_at = self.approved_at

        draft: dict[str, Any] | None | Unset
        if isinstance(self.draft, Unset):
            draft = UNSET
        elif isinstance(self.draft, OfferSettings):
            draft = self.draft.to_dict()
        else:
            draft = self.draft

        live: dict[str, Any] | None | Unset
        if isinstance(self.live, Unset):
            live = UNSET
        elif isinstance(self.live, OfferSettings):
            live = self.live.to_dict()
        else:
            live = self.live

        not_live_reason: None | str | Unset
        if isinstance(self.not_live_reason, Unset):
            not_live_reason = UNSET
        else:
            not_live_reason = self.not_live_reason


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "id": id,
            "is_live": is_live,
            "name": name,
            "participants": participants,
            "status": status,
            "updated_at": updated_at,
        })
        if approved_at is not UNSET:
            field_dict["approved_at"] = approved_at
        if draft is not UNSET:
            field_dict["draft"] = draft
        if live is not UNSET:
            field_dict["live"] = live
        if not_live_reason is not UNSET:
            field_dict["not_live_reason"] = not_live_reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.offer_settings import OfferSettings # noqa: PLC0415
        d = dict(src_dict)
        created_at = d.pop("created_at")

        id = d.pop("id")

        is_live = d.pop("is_live")

        name = d.pop("name")

        participants = d.pop("participants")

        status = OfferStatus(d.pop("status"))




        updated_at = d.pop("updated_at")

        def _parse_approved_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        approved_at = _parse_approved_at(d.pop("approved_at", UNSET))


        def _parse_draft(data: object) -> None | OfferSettings | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                draft_type_1 = OfferSettings.from_dict(data)



                return draft_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OfferSettings | Unset, data)

        draft = _parse_draft(d.pop("draft", UNSET))


        def _parse_live(data: object) -> None | OfferSettings | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                live_type_1 = OfferSettings.from_dict(data)



                return live_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OfferSettings | Unset, data)

        live = _parse_live(d.pop("live", UNSET))


        def _parse_not_live_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        not_live_reason = _parse_not_live_reason(d.pop("not_live_reason", UNSET))


        list_offer_out_data_item = cls(
            created_at=created_at,
            id=id,
            is_live=is_live,
            name=name,
            participants=participants,
            status=status,
            updated_at=updated_at,
            approved_at=approved_at,
            draft=draft,
            live=live,
            not_live_reason=not_live_reason,
        )


        list_offer_out_data_item.additional_properties = d
        return list_offer_out_data_item

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
