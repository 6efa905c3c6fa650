from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.my_reward_out_state import MyRewardOutState
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="MyRewardOut")



@_attrs_define
class MyRewardOut:
    """ One of the participant's own rewards, for the holder of its token.

        Attributes:
            as_friend (bool): True for the reward the participant got as a friend (double-sided).
            earned_at (str):
            occurrence (int): 1 for an `at` or friend reward; the n-th time for an `every` reward.
            reward_id (str):
            state (MyRewardOutState): Where one occurrence of a reward stands.
            given_at (None | str | Unset):
            label (None | str | Unset):
            promo_code (None | str | Unset): Its promo code, once given.
            release_at (None | str | Unset): For a held reward: when its hold ends.
     """

    as_friend: bool
    earned_at: str
    occurrence: int
    reward_id: str
    state: MyRewardOutState
    given_at: None | str | Unset = UNSET
    label: None | str | Unset = UNSET
    promo_code: None | str | Unset = UNSET
    release_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        as_friend = self.as_friend

        earned_at = self.earned_at

        occurrence = self.occurrence

        reward_id = self.reward_id

        state = self.state.value

        given_at: None | str | Unset
        if isinstance(self.given_at, Unset):
            given_at = UNSET
        else:
            given_at = self.given_at

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        promo_code: None | str | Unset
        if isinstance(self.promo_code, Unset):
            promo_code = UNSET
        else:
            promo_code = self.promo_code

        release_at: None | str | Unset
        if isinstance(self.release_at, Unset):
            release_at = UNSET
        else:
            release_at = self.release_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "as_friend": as_friend,
            "earned_at": earned_at,
            "occurrence": occurrence,
            "reward_id": reward_id,
            "state": state,
        })
        if given_at is not UNSET:
            field_dict["given_at"] = given_at
        if label is not UNSET:
            field_dict["label"] = label
        if promo_code is not UNSET:
            field_dict["promo_code"] = promo_code
        if release_at is not UNSET:
            field_dict["release_at"] = release_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        as_friend = d.pop("as_friend")

        earned_at = d.pop("earned_at")

        occurrence = d.pop("occurrence")

        reward_id = d.pop("reward_id")

        state = MyRewardOutState(d.pop("state"))




        def _parse_given_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        given_at = _parse_given_at(d.pop("given_at", UNSET))


        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))


        def _parse_promo_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        promo_code = _parse_promo_code(d.pop("promo_code", UNSET))


        def _parse_release_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        release_at = _parse_release_at(d.pop("release_at", UNSET))


        my_reward_out = cls(
            as_friend=as_friend,
            earned_at=earned_at,
            occurrence=occurrence,
            reward_id=reward_id,
            state=state,
            given_at=given_at,
            label=label,
            promo_code=promo_code,
            release_at=release_at,
        )


        my_reward_out.additional_properties = d
        return my_reward_out

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
