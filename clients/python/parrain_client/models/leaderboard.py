from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="Leaderboard")



@_attrs_define
class Leaderboard:
    """ The public leaderboard of an offer's referrers (SPEC §11).

        Attributes:
            enabled (bool | Unset): Whether `GET /v1/offers/{id}/leaderboard` answers (publishable key allowed).
            size (int | Unset): How many referrers it shows, 1 to 100.
     """

    enabled: bool | Unset = UNSET
    size: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        size = self.size


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if size is not UNSET:
            field_dict["size"] = size

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enabled = d.pop("enabled", UNSET)

        size = d.pop("size", UNSET)

        leaderboard = cls(
            enabled=enabled,
            size=size,
        )

        return leaderboard

