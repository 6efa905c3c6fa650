from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ShareMetricsOut")



@_attrs_define
class ShareMetricsOut:
    """ Ratios; `null` when the denominator is zero.

        Attributes:
            clickback_rate (float | None | Unset): Resulting clicks / shares.
            share_rate (float | None | Unset): Shares / campaign visits.
            social_lift (float | None | Unset): Referred visit sessions / non-referred visit sessions.
     """

    clickback_rate: float | None | Unset = UNSET
    share_rate: float | None | Unset = UNSET
    social_lift: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        clickback_rate: float | None | Unset
        if isinstance(self.clickback_rate, Unset):
            clickback_rate = UNSET
        else:
            clickback_rate = self.clickback_rate

        share_rate: float | None | Unset
        if isinstance(self.share_rate, Unset):
            share_rate = UNSET
        else:
            share_rate = self.share_rate

        social_lift: float | None | Unset
        if isinstance(self.social_lift, Unset):
            social_lift = UNSET
        else:
            social_lift = self.social_lift


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if clickback_rate is not UNSET:
            field_dict["clickback_rate"] = clickback_rate
        if share_rate is not UNSET:
            field_dict["share_rate"] = share_rate
        if social_lift is not UNSET:
            field_dict["social_lift"] = social_lift

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_clickback_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        clickback_rate = _parse_clickback_rate(d.pop("clickback_rate", UNSET))


        def _parse_share_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        share_rate = _parse_share_rate(d.pop("share_rate", UNSET))


        def _parse_social_lift(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        social_lift = _parse_social_lift(d.pop("social_lift", UNSET))


        share_metrics_out = cls(
            clickback_rate=clickback_rate,
            share_rate=share_rate,
            social_lift=social_lift,
        )


        share_metrics_out.additional_properties = d
        return share_metrics_out

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
