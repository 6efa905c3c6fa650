from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.reward_bucket_out import RewardBucketOut





T = TypeVar("T", bound="RewardReportOut")



@_attrs_define
class RewardReportOut:
    """ One reward over the window.

        Attributes:
            cancelled (int): Held or earned occurrences that will not be given.
            clawed_back (int): Given occurrences whose milestone a reversal took away.
            earned (int): Occurrences earned (whatever their first state).
            given (int):
            held (int): Of those, earned into a hold (`hold_days`).
            label (str): The reward's label; its id when it has none (or is no longer in the offer).
            reward_id (str):
            series (list[RewardBucketOut]): Every bucket of the report's series, oldest first.
     """

    cancelled: int
    clawed_back: int
    earned: int
    given: int
    held: int
    label: str
    reward_id: str
    series: list[RewardBucketOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.reward_bucket_out import RewardBucketOut # noqa: PLC0415
        cancelled = self.cancelled

        clawed_back = self.clawed_back

        earned = self.earned

        given = self.given

        held = self.held

        label = self.label

        reward_id = self.reward_id

        series = []
        for series_item_data in self.series:
            series_item = series_item_data.to_dict()
            series.append(series_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cancelled": cancelled,
            "clawed_back": clawed_back,
            "earned": earned,
            "given": given,
            "held": held,
            "label": label,
            "reward_id": reward_id,
            "series": series,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reward_bucket_out import RewardBucketOut # noqa: PLC0415
        d = dict(src_dict)
        cancelled = d.pop("cancelled")

        clawed_back = d.pop("clawed_back")

        earned = d.pop("earned")

        given = d.pop("given")

        held = d.pop("held")

        label = d.pop("label")

        reward_id = d.pop("reward_id")

        series = []
        _series = d.pop("series")
        for series_item_data in (_series):
            series_item = RewardBucketOut.from_dict(series_item_data)



            series.append(series_item)


        reward_report_out = cls(
            cancelled=cancelled,
            clawed_back=clawed_back,
            earned=earned,
            given=given,
            held=held,
            label=label,
            reward_id=reward_id,
            series=series,
        )


        reward_report_out.additional_properties = d
        return reward_report_out

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
