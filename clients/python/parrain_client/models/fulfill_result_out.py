from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.fulfill_result_out_error import FulfillResultOutError





T = TypeVar("T", bound="FulfillResultOut")



@_attrs_define
class FulfillResultOut:
    """ 
        Attributes:
            error (FulfillResultOutError):
            fulfilled (bool):
            participant_id (str):
            promo_code (None | str | Unset):
     """

    error: FulfillResultOutError
    fulfilled: bool
    participant_id: str
    promo_code: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.fulfill_result_out_error import FulfillResultOutError # noqa: PLC0415
        error = self.error.to_dict()

        fulfilled = self.fulfilled

        participant_id = self.participant_id

        promo_code: None | str | Unset
        if isinstance(self.promo_code, Unset):
            promo_code = UNSET
        else:
            promo_code = self.promo_code


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "error": error,
            "fulfilled": fulfilled,
            "participant_id": participant_id,
        })
        if promo_code is not UNSET:
            field_dict["promo_code"] = promo_code

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fulfill_result_out_error import FulfillResultOutError # noqa: PLC0415
        d = dict(src_dict)
        error = FulfillResultOutError.from_dict(d.pop("error"))




        fulfilled = d.pop("fulfilled")

        participant_id = d.pop("participant_id")

        def _parse_promo_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        promo_code = _parse_promo_code(d.pop("promo_code", UNSET))


        fulfill_result_out = cls(
            error=error,
            fulfilled=fulfilled,
            participant_id=participant_id,
            promo_code=promo_code,
        )


        fulfill_result_out.additional_properties = d
        return fulfill_result_out

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
