from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="PromoPoolPatch")



@_attrs_define
class PromoPoolPatch:
    """ A pool's settings: its low-stock warning (SPEC §15).

        Attributes:
            low_stock (int | None): `promo_codes.low` is recorded once each time the pool's available
                codes fall below this count (1 to 1,000,000), and again only after
                an upload brings them back to or above it; `null` removes the warning.
                Required: send `null` to remove it.
     """

    low_stock: int | None





    def to_dict(self) -> dict[str, Any]:
        low_stock: int | None
        low_stock = self.low_stock


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "low_stock": low_stock,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_low_stock(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        low_stock = _parse_low_stock(d.pop("low_stock"))


        promo_pool_patch = cls(
            low_stock=low_stock,
        )

        return promo_pool_patch

