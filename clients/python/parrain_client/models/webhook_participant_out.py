from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.webhook_goal_out import WebhookGoalOut
  from ..models.webhook_reward_out import WebhookRewardOut





T = TypeVar("T", bound="WebhookParticipantOut")



@_attrs_define
class WebhookParticipantOut:
    """ A participant in a webhook's body. Email and names are `null` for an
    erased person (and `"[erased]"` in bodies kept from before).

        Attributes:
            code (str):
            credit (int):
            fulfilled (bool):
            goal (WebhookGoalOut):
            id (str):
            rewards (list[WebhookRewardOut]):
            share_url (str): `{public_url}/r/{code}`.
            email (None | str | Unset):
            first_name (None | str | Unset):
            last_name (None | str | Unset):
            promo_code (None | str | Unset): The promo code given at fulfilment.
     """

    code: str
    credit: int
    fulfilled: bool
    goal: WebhookGoalOut
    id: str
    rewards: list[WebhookRewardOut]
    share_url: str
    email: None | str | Unset = UNSET
    first_name: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    promo_code: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.webhook_goal_out import WebhookGoalOut # noqa: PLC0415
        from ..models.webhook_reward_out import WebhookRewardOut # noqa: PLC0415
        code = self.code

        credit = self.credit

        fulfilled = self.fulfilled

        goal = self.goal.to_dict()

        id = self.id

        rewards = []
        for rewards_item_data in self.rewards:
            rewards_item = rewards_item_data.to_dict()
            rewards.append(rewards_item)



        share_url = self.share_url

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        first_name: None | str | Unset
        if isinstance(self.first_name, Unset):
            first_name = UNSET
        else:
            first_name = self.first_name

        last_name: None | str | Unset
        if isinstance(self.last_name, Unset):
            last_name = UNSET
        else:
            last_name = self.last_name

        promo_code: None | str | Unset
        if isinstance(self.promo_code, Unset):
            promo_code = UNSET
        else:
            promo_code = self.promo_code


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "credit": credit,
            "fulfilled": fulfilled,
            "goal": goal,
            "id": id,
            "rewards": rewards,
            "share_url": share_url,
        })
        if email is not UNSET:
            field_dict["email"] = email
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if promo_code is not UNSET:
            field_dict["promo_code"] = promo_code

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_goal_out import WebhookGoalOut # noqa: PLC0415
        from ..models.webhook_reward_out import WebhookRewardOut # noqa: PLC0415
        d = dict(src_dict)
        code = d.pop("code")

        credit = d.pop("credit")

        fulfilled = d.pop("fulfilled")

        goal = WebhookGoalOut.from_dict(d.pop("goal"))




        id = d.pop("id")

        rewards = []
        _rewards = d.pop("rewards")
        for rewards_item_data in (_rewards):
            rewards_item = WebhookRewardOut.from_dict(rewards_item_data)



            rewards.append(rewards_item)


        share_url = d.pop("share_url")

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_first_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_name = _parse_first_name(d.pop("first_name", UNSET))


        def _parse_last_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_name = _parse_last_name(d.pop("last_name", UNSET))


        def _parse_promo_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        promo_code = _parse_promo_code(d.pop("promo_code", UNSET))


        webhook_participant_out = cls(
            code=code,
            credit=credit,
            fulfilled=fulfilled,
            goal=goal,
            id=id,
            rewards=rewards,
            share_url=share_url,
            email=email,
            first_name=first_name,
            last_name=last_name,
            promo_code=promo_code,
        )


        webhook_participant_out.additional_properties = d
        return webhook_participant_out

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
