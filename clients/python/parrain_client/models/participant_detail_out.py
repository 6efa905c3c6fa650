from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.method import Method
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.friend_out import FriendOut
  from ..models.ineligible_credit_out import IneligibleCreditOut
  from ..models.next_reward_out import NextRewardOut
  from ..models.participant_out_fields import ParticipantOutFields
  from ..models.progress_out import ProgressOut
  from ..models.reward_out import RewardOut





T = TypeVar("T", bound="ParticipantDetailOut")



@_attrs_define
class ParticipantDetailOut:
    """ 
        Attributes:
            code (str):
            created_at (str):
            credit (int):
            email (str):
            fields (ParticipantOutFields):
            id (str):
            offer_id (str):
            person_id (str):
            progress (ProgressOut):
            share_url (str):
            friends (list[FriendOut]):
            ineligible_credits (list[IneligibleCreditOut]): Credits its friends brought that did not count (SPEC §15),
                oldest first.
            rewards (list[RewardOut]): The rewards it earned (SPEC §11), oldest first; empty on an offer without `rewards`.
            achieved_at (None | str | Unset):
            first_name (None | str | Unset):
            fulfilled_at (None | str | Unset):
            last_name (None | str | Unset):
            marketing_consent (bool | None | Unset):
            promo_code (None | str | Unset):
            referred_by (None | str | Unset):
            referred_method (Method | None | Unset):
            next_reward (NextRewardOut | None | Unset):
     """

    code: str
    created_at: str
    credit: int
    email: str
    fields: ParticipantOutFields
    id: str
    offer_id: str
    person_id: str
    progress: ProgressOut
    share_url: str
    friends: list[FriendOut]
    ineligible_credits: list[IneligibleCreditOut]
    rewards: list[RewardOut]
    achieved_at: None | str | Unset = UNSET
    first_name: None | str | Unset = UNSET
    fulfilled_at: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    marketing_consent: bool | None | Unset = UNSET
    promo_code: None | str | Unset = UNSET
    referred_by: None | str | Unset = UNSET
    referred_method: Method | None | Unset = UNSET
    next_reward: NextRewardOut | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.friend_out import FriendOut # noqa: PLC0415
        from ..models.ineligible_credit_out import IneligibleCreditOut # noqa: PLC0415
        from ..models.next_reward_out import NextRewardOut # noqa: PLC0415
        from ..models.participant_out_fields import ParticipantOutFields # noqa: PLC0415
        from ..models.progress_out import ProgressOut # noqa: PLC0415
        from ..models.reward_out import RewardOut # noqa: PLC0415
        code = self.code

        created_at = self.created_at

        credit = self.credit

        email = self.email

        fields = self.fields.to_dict()

        id = self.id

        offer_id = self.offer_id

        person_id = self.person_id

        progress = self.progress.to_dict()

        share_url = self.share_url

        friends = []
        for friends_item_data in self.friends:
            friends_item = friends_item_data.to_dict()
            friends.append(friends_item)



        ineligible_credits = []
        for ineligible_credits_item_data in self.ineligible_credits:
            ineligible_credits_item = ineligible_credits_item_data.to_dict()
            ineligible_credits.append(ineligible_credits_item)



        rewards = []
        for rewards_item_data in self.rewards:
            rewards_item = rewards_item_data.to_dict()
            rewards.append(rewards_item)



        achieved_at: None | str | Unset
        if isinstance(self.achieved_at, Unset):
            achieved_at = UNSET
        else:
            achieved_at = self.achieved_at

        first_name: None | str | Unset
        if isinstance(self.first_name, Unset):
            first_name = UNSET
        else:
            first_name = self.first_name

        fulfilled_at: None | str | Unset
        if isinstance(self.fulfilled_at, Unset):
            fulfilled_at = UNSET
        else:
            fulfilled_at = self.fulfilled_at

        last_name: None | str | Unset
        if isinstance(self.last_name, Unset):
            last_name = UNSET
        else:
            last_name = self.last_name

        marketing_consent: bool | None | Unset
        if isinstance(self.marketing_consent, Unset):
            marketing_consent = UNSET
        else:
            marketing_consent = self.marketing_consent

        promo_code: None | str | Unset
        if isinstance(self.promo_code, Unset):
            promo_code = UNSET
        else:
            promo_code = self.promo_code

        referred_by: None | str | Unset
        if isinstance(self.referred_by, Unset):
            referred_by = UNSET
        else:
            referred_by = self.referred_by

        referred_method: None | str | Unset
        if isinstance(self.referred_method, Unset):
            referred_method = UNSET
        elif isinstance(self.referred_method, Method):
            referred_method = self.referred_method.value
        else:
            referred_method = self.referred_method

        next_reward: dict[str, Any] | None | Unset
        if isinstance(self.next_reward, Unset):
            next_reward = UNSET
        elif isinstance(self.next_reward, NextRewardOut):
            next_reward = self.next_reward.to_dict()
        else:
            next_reward = self.next_reward


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "created_at": created_at,
            "credit": credit,
            "email": email,
            "fields": fields,
            "id": id,
            "offer_id": offer_id,
            "person_id": person_id,
            "progress": progress,
            "share_url": share_url,
            "friends": friends,
            "ineligible_credits": ineligible_credits,
            "rewards": rewards,
        })
        if achieved_at is not UNSET:
            field_dict["achieved_at"] = achieved_at
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if fulfilled_at is not UNSET:
            field_dict["fulfilled_at"] = fulfilled_at
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if marketing_consent is not UNSET:
            field_dict["marketing_consent"] = marketing_consent
        if promo_code is not UNSET:
            field_dict["promo_code"] = promo_code
        if referred_by is not UNSET:
            field_dict["referred_by"] = referred_by
        if referred_method is not UNSET:
            field_dict["referred_method"] = referred_method
        if next_reward is not UNSET:
            field_dict["next_reward"] = next_reward

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.friend_out import FriendOut # noqa: PLC0415
        from ..models.ineligible_credit_out import IneligibleCreditOut # noqa: PLC0415
        from ..models.next_reward_out import NextRewardOut # noqa: PLC0415
        from ..models.participant_out_fields import ParticipantOutFields # noqa: PLC0415
        from ..models.progress_out import ProgressOut # noqa: PLC0415
        from ..models.reward_out import RewardOut # noqa: PLC0415
        d = dict(src_dict)
        code = d.pop("code")

        created_at = d.pop("created_at")

        credit = d.pop("credit")

        email = d.pop("email")

        fields = ParticipantOutFields.from_dict(d.pop("fields"))




        id = d.pop("id")

        offer_id = d.pop("offer_id")

        person_id = d.pop("person_id")

        progress = ProgressOut.from_dict(d.pop("progress"))




        share_url = d.pop("share_url")

        friends = []
        _friends = d.pop("friends")
        for friends_item_data in (_friends):
            friends_item = FriendOut.from_dict(friends_item_data)



            friends.append(friends_item)


        ineligible_credits = []
        _ineligible_credits = d.pop("ineligible_credits")
        for ineligible_credits_item_data in (_ineligible_credits):
            ineligible_credits_item = IneligibleCreditOut.from_dict(ineligible_credits_item_data)



            ineligible_credits.append(ineligible_credits_item)


        rewards = []
        _rewards = d.pop("rewards")
        for rewards_item_data in (_rewards):
            rewards_item = RewardOut.from_dict(rewards_item_data)



            rewards.append(rewards_item)


        def _parse_achieved_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        achieved_at = _parse_achieved_at(d.pop("achieved_at", UNSET))


        def _parse_first_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_name = _parse_first_name(d.pop("first_name", UNSET))


        def _parse_fulfilled_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        fulfilled_at = _parse_fulfilled_at(d.pop("fulfilled_at", UNSET))


        def _parse_last_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_name = _parse_last_name(d.pop("last_name", UNSET))


        def _parse_marketing_consent(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        marketing_consent = _parse_marketing_consent(d.pop("marketing_consent", UNSET))


        def _parse_promo_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        promo_code = _parse_promo_code(d.pop("promo_code", UNSET))


        def _parse_referred_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        referred_by = _parse_referred_by(d.pop("referred_by", UNSET))


        def _parse_referred_method(data: object) -> Method | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                referred_method_type_1 = Method(data)



                return referred_method_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Method | None | Unset, data)

        referred_method = _parse_referred_method(d.pop("referred_method", UNSET))


        def _parse_next_reward(data: object) -> NextRewardOut | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_reward_type_1 = NextRewardOut.from_dict(data)



                return next_reward_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NextRewardOut | None | Unset, data)

        next_reward = _parse_next_reward(d.pop("next_reward", UNSET))


        participant_detail_out = cls(
            code=code,
            created_at=created_at,
            credit=credit,
            email=email,
            fields=fields,
            id=id,
            offer_id=offer_id,
            person_id=person_id,
            progress=progress,
            share_url=share_url,
            friends=friends,
            ineligible_credits=ineligible_credits,
            rewards=rewards,
            achieved_at=achieved_at,
            first_name=first_name,
            fulfilled_at=fulfilled_at,
            last_name=last_name,
            marketing_consent=marketing_consent,
            promo_code=promo_code,
            referred_by=referred_by,
            referred_method=referred_method,
            next_reward=next_reward,
        )


        participant_detail_out.additional_properties = d
        return participant_detail_out

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
