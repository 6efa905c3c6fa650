from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.public_reward_out_for import PublicRewardOutFor
from ..models.public_reward_out_on_type_1 import PublicRewardOutOnType1
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="PublicRewardOut")



@_attrs_define
class PublicRewardOut:
    """ One reward of the offer, as the widget shows it to anyone.

        Attributes:
            for_ (PublicRewardOutFor):
            id (str):
            at (int | None | Unset):
            every (int | None | Unset):
            label (None | str | Unset):
            max_times (int | None | Unset):
            on (None | PublicRewardOutOnType1 | Unset): Friend rewards: `credit` (the friend's qualifying fact) or
                `sign_up`.
     """

    for_: PublicRewardOutFor
    id: str
    at: int | None | Unset = UNSET
    every: int | None | Unset = UNSET
    label: None | str | Unset = UNSET
    max_times: int | None | Unset = UNSET
    on: None | PublicRewardOutOnType1 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        for_ = self.for_.value

        id = self.id

        at: int | None | Unset
        if isinstance(self.at, Unset):
            at = UNSET
        else:
            at = self.at

        every: int | None | Unset
        if isinstance(self.every, Unset):
            every = UNSET
        else:
            every = self.every

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        max_times: int | None | Unset
        if isinstance(self.max_times, Unset):
            max_times = UNSET
        else:
            max_times = self.max_times

        on: None | str | Unset
        if isinstance(self.on, Unset):
            on = UNSET
        elif isinstance(self.on, PublicRewardOutOnType1):
            on = self.on.value
        else:
            on = self.on


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "for": for_,
            "id": id,
        })
        if at is not UNSET:
            field_dict["at"] = at
        if every is not UNSET:
            field_dict["every"] = every
        if label is not UNSET:
            field_dict["label"] = label
        if max_times is not UNSET:
            field_dict["max_times"] = max_times
        if on is not UNSET:
            field_dict["on"] = on

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        for_ = PublicRewardOutFor(d.pop("for"))




        id = d.pop("id")

        def _parse_at(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        at = _parse_at(d.pop("at", UNSET))


        def _parse_every(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        every = _parse_every(d.pop("every", UNSET))


        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))


        def _parse_max_times(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_times = _parse_max_times(d.pop("max_times", UNSET))


        def _parse_on(data: object) -> None | PublicRewardOutOnType1 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                on_type_1 = PublicRewardOutOnType1(data)



                return on_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PublicRewardOutOnType1 | Unset, data)

        on = _parse_on(d.pop("on", UNSET))


        public_reward_out = cls(
            for_=for_,
            id=id,
            at=at,
            every=every,
            label=label,
            max_times=max_times,
            on=on,
        )


        public_reward_out.additional_properties = d
        return public_reward_out

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
