from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.my_reward_out import MyRewardOut
  from ..models.progress_out import ProgressOut





T = TypeVar("T", bound="NewPublicParticipantOut")



@_attrs_define
class NewPublicParticipantOut:
    """ What a publishable key sees of the participant it just created.

        Attributes:
            code (str):
            id (str):
            progress (ProgressOut):
            rewards (list[MyRewardOut]): Its own rewards (SPEC §11), oldest first, with their promo codes:
                the tiers it reached and, for a referred friend, the friend's reward.
            share_url (str):
            participant_token (str): Keep it in the browser: it opens the participant's page and shows
                its progress; the email and the share code do not.
     """

    code: str
    id: str
    progress: ProgressOut
    rewards: list[MyRewardOut]
    share_url: str
    participant_token: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.my_reward_out import MyRewardOut # noqa: PLC0415
        from ..models.progress_out import ProgressOut # noqa: PLC0415
        code = self.code

        id = self.id

        progress = self.progress.to_dict()

        rewards = []
        for rewards_item_data in self.rewards:
            rewards_item = rewards_item_data.to_dict()
            rewards.append(rewards_item)



        share_url = self.share_url

        participant_token = self.participant_token


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "id": id,
            "progress": progress,
            "rewards": rewards,
            "share_url": share_url,
            "participant_token": participant_token,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.my_reward_out import MyRewardOut # noqa: PLC0415
        from ..models.progress_out import ProgressOut # noqa: PLC0415
        d = dict(src_dict)
        code = d.pop("code")

        id = d.pop("id")

        progress = ProgressOut.from_dict(d.pop("progress"))




        rewards = []
        _rewards = d.pop("rewards")
        for rewards_item_data in (_rewards):
            rewards_item = MyRewardOut.from_dict(rewards_item_data)



            rewards.append(rewards_item)


        share_url = d.pop("share_url")

        participant_token = d.pop("participant_token")

        new_public_participant_out = cls(
            code=code,
            id=id,
            progress=progress,
            rewards=rewards,
            share_url=share_url,
            participant_token=participant_token,
        )


        new_public_participant_out.additional_properties = d
        return new_public_participant_out

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
