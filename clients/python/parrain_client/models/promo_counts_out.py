from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="PromoCountsOut")



@_attrs_define
class PromoCountsOut:
    """ One promo-code pool's counts.

        Attributes:
            assigned (int):
            available (int):
            low (bool): Whether the available codes are below `low_stock` now (a pool with
                no upload yet is not).
            total (int):
            low_stock (int | None | Unset): The count below which `promo_codes.low` is recorded; `null` when the
                pool has no low-stock warning.
     """

    assigned: int
    available: int
    low: bool
    total: int
    low_stock: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        assigned = self.assigned

        available = self.available

        low = self.low

        total = self.total

        low_stock: int | None | Unset
        if isinstance(self.low_stock, Unset):
            low_stock = UNSET
        else:
            low_stock = self.low_stock


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "assigned": assigned,
            "available": available,
            "low": low,
            "total": total,
        })
        if low_stock is not UNSET:
            field_dict["low_stock"] = low_stock

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        assigned = d.pop("assigned")

        available = d.pop("available")

        low = d.pop("low")

        total = d.pop("total")

        def _parse_low_stock(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        low_stock = _parse_low_stock(d.pop("low_stock", UNSET))


        promo_counts_out = cls(
            assigned=assigned,
            available=available,
            low=low,
            total=total,
            low_stock=low_stock,
        )


        promo_counts_out.additional_properties = d
        return promo_counts_out

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
