from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.method import Method
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.list_participant_out_data_item_fields import ListParticipantOutDataItemFields
  from ..models.progress_out import ProgressOut





T = TypeVar("T", bound="ListParticipantOutDataItem")



@_attrs_define
class ListParticipantOutDataItem:
    """ 
        Attributes:
            code (str):
            created_at (str):
            credit (int):
            email (str):
            fields (ListParticipantOutDataItemFields):
            id (str):
            offer_id (str):
            person_id (str):
            progress (ProgressOut):
            share_url (str):
            achieved_at (None | str | Unset):
            first_name (None | str | Unset):
            fulfilled_at (None | str | Unset):
            last_name (None | str | Unset):
            marketing_consent (bool | None | Unset):
            promo_code (None | str | Unset):
            referred_by (None | str | Unset):
            referred_method (Method | None | Unset):
     """

    code: str
    created_at: str
    credit: int
    email: str
    fields: ListParticipantOutDataItemFields
    id: str
    offer_id: str
    person_id: str
    progress: ProgressOut
    share_url: str
    achieved_at: None | str | Unset = UNSET
    first_name: None | str | Unset = UNSET
    fulfilled_at: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    marketing_consent: bool | None | Unset = UNSET
    promo_code: None | str | Unset = UNSET
    referred_by: None | str | Unset = UNSET
    referred_method: Method | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.list_participant_out_data_item_fields import ListParticipantOutDataItemFields # noqa: PLC0415
        from ..models.progress_out import ProgressOut # noqa: PLC0415
        code = self.code

        created_at = self.created_at

        credit = self.credit

        email = self.email

        fields = self.fields.to_dict()

        id = self.id

        offer_id = self.offer_id

        person_id = self.person_id

        progress = self.progress.to_dict()

        share_url = self.share_url

        achieved_at: None | str | Unset
        if isinstance(self.achieved_at, Unset):
            achieved_at = UNSET
        else:
            achieved_at = self.achieved_at

        first_name: None | str | Unset
        if isinstance(self.first_name, Unset):
            first_name = UNSET
        else:
            first_name = self.first_name

        fulfilled_at: None | str | Unset
        if isinstance(self.fulfilled_at, Unset):
            fulfilled_at = UNSET
        else:
            fulfilled_at = self.fulfilled_at

        last_name: None | str | Unset
        if isinstance(self.last_name, Unset):
            last_name = UNSET
        else:
            last_name = self.last_name

        marketing_consent: bool | None | Unset
        if isinstance(self.marketing_consent, Unset):
            marketing_consent = UNSET
        else:
            marketing_consent = self.marketing_consent

        promo_code: None | str | Unset
        if isinstance(self.promo_code, Unset):
            promo_code = UNSET
        else:
            promo_code = self.promo_code

        referred_by: None | str | Unset
        if isinstance(self.referred_by, Unset):
            referred_by = UNSET
        else:
            referred_by = self.referred_by

        referred_method: None | str | Unset
        if isinstance(self.referred_method, Unset):
            referred_method = UNSET
        elif isinstance(self.referred_method, Method):
            referred_method = self.referred_method.value
        else:
            referred_method = self.referred_method


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "created_at": created_at,
            "credit": credit,
            "email": email,
            "fields": fields,
            "id": id,
            "offer_id": offer_id,
            "person_id": person_id,
            "progress": progress,
            "share_url": share_url,
        })
        if achieved_at is not UNSET:
            field_dict["achieved_at"] = achieved_at
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if fulfilled_at is not UNSET:
            field_dict["fulfilled_at"] = fulfilled_at
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if marketing_consent is not UNSET:
            field_dict["marketing_consent"] = marketing_consent
        if promo_code is not UNSET:
            field_dict["promo_code"] = promo_code
        if referred_by is not UNSET:
            field_dict["referred_by"] = referred_by
        if referred_method is not UNSET:
            field_dict["referred_method"] = referred_method

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.list_participant_out_data_item_fields import ListParticipantOutDataItemFields # noqa: PLC0415
        from ..models.progress_out import ProgressOut # noqa: PLC0415
        d = dict(src_dict)
        code = d.pop("code")

        created_at = d.pop("created_at")

        credit = d.pop("credit")

        email = d.pop("email")

        fields = ListParticipantOutDataItemFields.from_dict(d.pop("fields"))




        id = d.pop("id")

        offer_id = d.pop("offer_id")

        person_id = d.pop("person_id")

        progress = ProgressOut.from_dict(d.pop("progress"))




        share_url = d.pop("share_url")

        def _parse_achieved_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        achieved_at = _parse_achieved_at(d.pop("achieved_at", UNSET))


        def _parse_first_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_name = _parse_first_name(d.pop("first_name", UNSET))


        def _parse_fulfilled_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        fulfilled_at = _parse_fulfilled_at(d.pop("fulfilled_at", UNSET))


        def _parse_last_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_name = _parse_last_name(d.pop("last_name", UNSET))


        def _parse_marketing_consent(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        marketing_consent = _parse_marketing_consent(d.pop("marketing_consent", UNSET))


        def _parse_promo_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        promo_code = _parse_promo_code(d.pop("promo_code", UNSET))


        def _parse_referred_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        referred_by = _parse_referred_by(d.pop("referred_by", UNSET))


        def _parse_referred_method(data: object) -> Method | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                referred_method_type_1 = Method(data)



                return referred_method_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Method | None | Unset, data)

        referred_method = _parse_referred_method(d.pop("referred_method", UNSET))


        list_participant_out_data_item = cls(
            code=code,
            created_at=created_at,
            credit=credit,
            email=email,
            fields=fields,
            id=id,
            offer_id=offer_id,
            person_id=person_id,
            progress=progress,
            share_url=share_url,
            achieved_at=achieved_at,
            first_name=first_name,
            fulfilled_at=fulfilled_at,
            last_name=last_name,
            marketing_consent=marketing_consent,
            promo_code=promo_code,
            referred_by=referred_by,
            referred_method=referred_method,
        )


        list_participant_out_data_item.additional_properties = d
        return list_participant_out_data_item

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
