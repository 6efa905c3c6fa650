from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Limits")



@_attrs_define
class Limits:
    """ `limits`: caps on what one referrer or one share link earns.

        Attributes:
            max_clicks_per_link_per_day (int | None | Unset): Clicks a share link records per UTC day; past it a click still
                redirects but records, attributes and earns nothing.
            max_credits_per_referrer (int | None | Unset): Credits a referrer may earn in the offer; past it a credit is
                ineligible.
            max_rewards_per_referrer (int | None | Unset): Referrer rewards a referrer may earn in the offer (its friends'
                rewards aside, cancelled ones not counted); past it a credit is
                ineligible, and a credit that reaches several rewards earns only
                those within it.
     """

    max_clicks_per_link_per_day: int | None | Unset = UNSET
    max_credits_per_referrer: int | None | Unset = UNSET
    max_rewards_per_referrer: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        max_clicks_per_link_per_day: int | None | Unset
        if isinstance(self.max_clicks_per_link_per_day, Unset):
            max_clicks_per_link_per_day = UNSET
        else:
            max_clicks_per_link_per_day = self.max_clicks_per_link_per_day

        max_credits_per_referrer: int | None | Unset
        if isinstance(self.max_credits_per_referrer, Unset):
            max_credits_per_referrer = UNSET
        else:
            max_credits_per_referrer = self.max_credits_per_referrer

        max_rewards_per_referrer: int | None | Unset
        if isinstance(self.max_rewards_per_referrer, Unset):
            max_rewards_per_referrer = UNSET
        else:
            max_rewards_per_referrer = self.max_rewards_per_referrer


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if max_clicks_per_link_per_day is not UNSET:
            field_dict["max_clicks_per_link_per_day"] = max_clicks_per_link_per_day
        if max_credits_per_referrer is not UNSET:
            field_dict["max_credits_per_referrer"] = max_credits_per_referrer
        if max_rewards_per_referrer is not UNSET:
            field_dict["max_rewards_per_referrer"] = max_rewards_per_referrer

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_max_clicks_per_link_per_day(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_clicks_per_link_per_day = _parse_max_clicks_per_link_per_day(d.pop("max_clicks_per_link_per_day", UNSET))


        def _parse_max_credits_per_referrer(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_credits_per_referrer = _parse_max_credits_per_referrer(d.pop("max_credits_per_referrer", UNSET))


        def _parse_max_rewards_per_referrer(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_rewards_per_referrer = _parse_max_rewards_per_referrer(d.pop("max_rewards_per_referrer", UNSET))


        limits = cls(
            max_clicks_per_link_per_day=max_clicks_per_link_per_day,
            max_credits_per_referrer=max_credits_per_referrer,
            max_rewards_per_referrer=max_rewards_per_referrer,
        )

        return limits

